package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// gzipBomb returns gzip data that decompresses to size bytes of pattern
// repeated: one member of up to 1 MiB of it, written once and repeated,
// so that even a gigabyte costs a megabyte and no time to build (gzip
// readers read concatenated members as one stream).
func gzipBomb(tb testing.TB, size int64, pattern string) []byte {
	tb.Helper()
	const unit = 1 << 20
	chunk := bytes.Repeat([]byte(pattern), unit/len(pattern)+1)[:unit]
	member := func(b []byte) []byte {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b)
		if err := zw.Close(); err != nil {
			tb.Fatal(err)
		}
		return buf.Bytes()
	}
	whole := member(chunk)
	var out bytes.Buffer
	for n := size / unit; n > 0; n-- {
		out.Write(whole)
	}
	if rest := size % unit; rest > 0 {
		out.Write(member(chunk[:rest]))
	}
	return out.Bytes()
}

// child runs the test binary as claimgraph with args, in a process of its
// own so that its memory can be measured alone.
func child(args ...string) *exec.Cmd {
	encoded, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), mainArgsEnv+"="+string(encoded))
	return cmd
}

// peakRSS reads the peak resident set size of a running process, in bytes.
func peakRSS(tb testing.TB, pid int) int64 {
	tb.Helper()
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		tb.Skipf("no /proc to measure memory with: %v", err)
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(status)
	if m == nil {
		tb.Skip("no VmHWM in /proc/PID/status")
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10
}

// startChildServer runs claimgraph serve in a process of its own and
// returns its URL and process id.
func startChildServer(tb testing.TB, args ...string) (string, int) {
	tb.Helper()
	cmd := child(append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := regexp.MustCompile(`listening on (\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			go io.Copy(io.Discard, stdout)
			return "http://" + m[1], cmd.Process.Pid
		}
	}
	tb.Fatalf("server did not start: %s", stderr.String())
	return "", 0
}

const bombMB = 1 << 20

// maxRSS is the most memory a process may take to refuse a bomb. The
// processes are this test binary, so under the race detector, whose
// shadow memory multiplies a process's footprint, they get three times as
// much; CI runs the package without -race too, where 300 MB holds.
var maxRSS = int64(300<<20) * map[bool]int64{false: 1, true: 3}[raceEnabled]

// TestGzipBombsAreRefusedInBoundedMemory sends gzip bombs (100 MB and
// 1 GB of zeros, and of short lines, in about 100 KB and 1 MB) to POST
// /import in every format, with and without a mapping, and checks that
// each is refused as too large (413, PAYLOAD_TOO_LARGE) with a short
// answer, while the server's peak memory stays under 300 MB.
func TestGzipBombsAreRefusedInBoundedMemory(t *testing.T) {
	const token = "t0ken"
	mapping, err := os.ReadFile(filepath.Join("..", "..", "seed", "testdata", "nquads", "mapping.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	zeros100 := gzipBomb(t, 100*bombMB, "\x00")
	zeros1G := gzipBomb(t, 1024*bombMB, "\x00")
	lines100 := gzipBomb(t, 100*bombMB, "a,b,c\n")
	quads100 := gzipBomb(t, 100*bombMB, "<cg:e/x> <cg:p/name> \"x\" .\n")
	t.Logf("bombs: 100 MB of zeros in %d bytes, 1 GB in %d, 100 MB of lines in %d", len(zeros100), len(zeros1G), len(lines100))

	type bomb struct {
		name   string
		query  string
		data   []byte
		mapped bool
		limit  string // what the message names
	}
	bombs := []bomb{
		{"100 MB of zeros as YAML hit the line limit", "?format=yaml", zeros100, false, "line longer"},
		{"100 MB of zeros as CSV hit the line limit", "?format=csv", zeros100, false, "line longer"},
		{"100 MB of zeros as N-Quads to restore hit the line limit", "?format=nquads", zeros100, false, "line longer"},
		{"100 MB of zeros as N-Quads through a mapping hit the line limit", "?format=nquads", zeros100, true, "line longer"},
		{"1 GB of zeros as CSV hit the line limit", "?format=csv", zeros1G, false, "line longer"},
		{"100 MB of CSV lines hit the ratio guard", "?format=csv", lines100, false, "--max-ratio"},
		{"100 MB of YAML lines hit the ratio guard", "?format=yaml", lines100, false, "--max-ratio"},
		{"100 MB of quads to restore hit the ratio guard", "?format=nquads", quads100, false, "--max-ratio"},
		{"100 MB of quads through a mapping hit the ratio guard", "?format=nquads", quads100, true, "--max-ratio"},
	}
	send := func(t *testing.T, url string, b bomb) (int, []byte) {
		var body io.Reader = bytes.NewReader(b.data)
		contentType := "application/octet-stream"
		if b.mapped {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			w, _ := mw.CreateFormFile("mapping", "mapping.yaml")
			w.Write(mapping)
			w, _ = mw.CreateFormFile("data", "bomb.nq.gz")
			w.Write(b.data)
			mw.Close()
			body, contentType = &buf, mw.FormDataContentType()
		}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/import"+b.query, body)
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		t.Logf("%d in %v: %s", resp.StatusCode, time.Since(start).Round(time.Millisecond), out)
		return resp.StatusCode, out
	}
	check := func(t *testing.T, status int, out []byte, limit string) {
		var answer struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		json.Unmarshal(out, &answer)
		if status != http.StatusRequestEntityTooLarge || answer.Error.Code != "PAYLOAD_TOO_LARGE" {
			t.Fatalf("status %d, code %q; want 413 PAYLOAD_TOO_LARGE", status, answer.Error.Code)
		}
		if !strings.Contains(answer.Error.Message, limit) {
			t.Errorf("the message does not name the limit (%s): %s", limit, answer.Error.Message)
		}
		if len(out) > 4<<10 {
			t.Errorf("the answer is %d bytes long; it must not echo the input", len(out))
		}
	}

	url, pid := startChildServer(t, "--store", "memory:", "--token", token)
	for _, b := range bombs {
		t.Run(b.name, func(t *testing.T) {
			status, out := send(t, url, b)
			check(t, status, out, b.limit)
		})
	}
	t.Run("with the ratio guard off, the decompressed-size cap holds", func(t *testing.T) {
		url, pid := startChildServer(t, "--store", "memory:", "--token", token, "--max-ratio", "0", "--max-decompressed", strconv.Itoa(64*bombMB))
		status, out := send(t, url, bomb{query: "?format=nquads", data: quads100})
		check(t, status, out, "--max-decompressed")
		if rss := peakRSS(t, pid); rss > maxRSS {
			t.Errorf("peak RSS %d MB, want under %d MB", rss>>20, maxRSS>>20)
		}
	})
	rss := peakRSS(t, pid)
	t.Logf("server peak RSS after every bomb: %d MB", rss>>20)
	if rss > maxRSS {
		t.Errorf("peak RSS %d MB, want under %d MB", rss>>20, maxRSS>>20)
	}
}

// TestSeedCommandRefusesAGzipBombInBoundedMemory runs `claimgraph seed
// bomb.nq.gz` (a restore) and `seed --mapping` on 1 GB of zeros and on
// 100 MB of quads compressed, each in a process of its own: each fails
// with the limit it hit, in under 300 MB.
func TestSeedCommandRefusesAGzipBombInBoundedMemory(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	zeros := write("zeros.nq.gz", gzipBomb(t, 1024*bombMB, "\x00"))
	quads := write("quads.nq.gz", gzipBomb(t, 100*bombMB, "<cg:e/x> <cg:p/name> \"x\" .\n"))
	mapping := filepath.Join("..", "..", "seed", "testdata", "nquads", "mapping.yaml")
	store := "bolt:" + filepath.Join(dir, "x.db")
	tests := []struct {
		name  string
		args  []string
		limit string
	}{
		{"a restore of 1 GB of zeros hits the line limit", []string{"seed", "--store", store, zeros}, "line longer"},
		{"a mapped import of 1 GB of zeros hits the line limit", []string{"seed", "--store", store, "--mapping", mapping, zeros}, "line longer"},
		{"a restore of 100 MB of quads hits the ratio guard", []string{"seed", "--store", store, quads}, "--max-ratio"},
		{"a mapped import of 100 MB of quads hits the ratio guard", []string{"seed", "--store", store, "--mapping", mapping, quads}, "--max-ratio"},
		{"with the ratio guard off, a restore hits the size cap", []string{"seed", "--store", store, "--max-ratio", "0", "--max-decompressed", "33554432", quads}, "--max-decompressed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := child(tt.args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			start := time.Now()
			err := cmd.Run()
			if err == nil {
				t.Fatalf("seed succeeded; want the limit error")
			}
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
			t.Logf("%v, peak RSS %d MB: %s", time.Since(start).Round(time.Millisecond), rss>>20, strings.TrimSpace(stderr.String()))
			if !strings.Contains(stderr.String(), tt.limit) {
				t.Errorf("the error does not name the limit (%s): %s", tt.limit, stderr.String())
			}
			if stderr.Len() > 4<<10 {
				t.Errorf("the error is %d bytes long", stderr.Len())
			}
			if rss > maxRSS {
				t.Errorf("peak RSS %d MB, want under %d MB", rss>>20, maxRSS>>20)
			}
		})
	}
}
