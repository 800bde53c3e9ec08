package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/cayley/bolttest"
)

// commandBound is how long any command may take on a damaged file.
const commandBound = 10 * time.Second

// manyPagesBolt seeds the built-in data into a new bolt file and adds n
// generated groups, each allied with the next, through the store: a file
// of many pages. It returns the file's path.
func manyPagesBolt(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "graph.db")
	if err := run(tb.Context(), []string{"seed", "--store", "bolt:" + path}, noEnv, io.Discard, io.Discard); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	st, err := cayley.Open(tb.Context(), "bolt:"+path, cayley.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	b := graph.Batch{Sources: []graph.Source{{ID: "gen", Title: "Generated"}}}
	for i := range n {
		id := fmt.Sprintf("gen-%05d", i)
		b.Entities = append(b.Entities, graph.Entity{ID: id, Type: "Group", Name: "Generated group " + id})
		if i > 0 {
			b.Statements = append(b.Statements, graph.Statement{Subject: fmt.Sprintf("gen-%05d", i-1), Type: "allied-with", Object: id,
				Claims: []graph.Claim{{Source: "gen", Stance: graph.Asserts, Quote: "allied, says generated report " + id}}})
		}
	}
	if _, err := st.Apply(tb.Context(), b, graph.ApplyOptions{}); err != nil {
		tb.Fatal(err)
	}
	if err := st.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

func copyTo(tb testing.TB, from, dir string) string {
	tb.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		tb.Fatal(err)
	}
	to := filepath.Join(dir, "copy.db")
	if err := os.WriteFile(to, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return to
}

// workBound is how long a command may take on a sound file (a full
// export under the race detector on two busy cores).
const workBound = 2 * time.Minute

// runBounded runs a command under a context that ends after bound, and
// fails tb if it has not returned a little later.
func runBounded(tb testing.TB, bound time.Duration, args []string, stdout io.Writer) error {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), bound)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, noEnv, stdout, io.Discard) }()
	select {
	case err := <-done:
		return err
	case <-time.After(bound + 5*time.Second):
		tb.Fatalf("%v did not return within %s", args, bound+5*time.Second)
		return nil
	}
}

// readyAfterIndex returns the status of /readyz at url once the server no
// longer says it is building its path index (within bound).
func readyAfterIndex(tb testing.TB, url string, bound time.Duration) int {
	tb.Helper()
	deadline := time.Now().Add(bound)
	for {
		resp, err := http.Get(url + "/readyz")
		if err != nil {
			tb.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "building the path") || time.Now().After(deadline) {
			return resp.StatusCode
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// serveOutcome is what claimgraph serve did on a file: refused to start
// (err), or started and answered /readyz and a write.
type serveOutcome struct {
	err          error
	started      bool
	ready        int      // the status of /readyz
	writeCodes   []string // the error codes of an addEntity
	stopDeadline bool     // it did not stop within the bound
}

// serveOn runs claimgraph serve on store with a write token; when it
// starts within bound, it asks /readyz and tries addEntity, then stops it.
func serveOn(tb testing.TB, store string, bound time.Duration) serveOutcome {
	tb.Helper()
	ctx, cancel := context.WithCancel(tb.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--store", store, "--token", "t0k"}, noEnv, pw, io.Discard)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	listening := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`listening on (\S+)`)
		lines := bufio.NewScanner(pr)
		for lines.Scan() {
			if m := re.FindStringSubmatch(lines.Text()); m != nil {
				listening <- "http://" + m[1]
				break
			}
		}
		io.Copy(io.Discard, pr)
	}()
	var out serveOutcome
	select {
	case out.err = <-done:
		return out
	case url := <-listening:
		out.started = true
		out.ready = readyAfterIndex(tb, url, bound)
		out.writeCodes, _ = postAs(tb, url, "t0k", `mutation { addEntity(id: "new-one", type: "Group", name: "New") { id } }`)
	case <-time.After(bound):
		out.stopDeadline = true
	}
	cancel()
	select {
	case <-done:
	case <-time.After(bound):
		out.stopDeadline = true
	}
	return out
}

// TestEveryCommandOnACorruptBoltFileFailsNamingIt flips 4 KB of copies of
// a bolt file of many pages — pages of the tree at a quarter, half and
// three quarters of it, one page's end with the next one's header, the
// first meta page — and runs every command on each: each must fail
// within the bound with an error that names the file, without a panic or
// a hang; serve must refuse to start (or refuse writes and not be ready);
// check must find it. The same 4 KB flipped on a free page harm nothing:
// every command works and check passes.
func TestEveryCommandOnACorruptBoltFileFailsNamingIt(t *testing.T) {
	orig := manyPagesBolt(t, 3000)
	tree, free, pageSize := bolttest.Pages(t, orig)
	if len(tree) < 100 || len(free) == 0 {
		t.Fatalf("the file has %d tree pages and %d free ones; the test needs many and some", len(tree), len(free))
	}
	damages := []struct {
		name   string
		offset int
	}{
		{"a tree page at 25%", tree[len(tree)/4] * pageSize},
		{"a tree page at 50%", tree[len(tree)/2] * pageSize},
		{"a tree page at 75%", tree[3*len(tree)/4] * pageSize},
		{"a page's end and the next page's header", tree[len(tree)/3]*pageSize - pageSize/2},
		{"the first meta page", 0},
	}
	commands := []struct {
		name string
		args []string
	}{
		{"export nquads", []string{"export", "--format", "nquads"}},
		{"export json", []string{"export", "--format", "json"}},
		{"paths", []string{"paths", "india", "afghan-taliban"}},
		{"query", []string{"query", `{ entity(id: "india") { name relations { to { name } } } }`}},
		{"seed", []string{"seed"}},
		{"check", []string{"check"}},
	}
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			path := copyTo(t, orig, t.TempDir())
			bolttest.Flip(t, path, int64(d.offset), 4096)
			for _, c := range commands {
				t.Run(c.name+" fails naming the file", func(t *testing.T) {
					start := time.Now()
					err := runBounded(t, commandBound, append(c.args, "--store", "bolt:"+path), io.Discard)
					if err == nil || !strings.Contains(err.Error(), path) {
						t.Errorf("err = %v, want an error naming %s", err, path)
					}
					if took := time.Since(start); took > commandBound {
						t.Errorf("took %s", took)
					}
				})
			}
			t.Run("serve refuses the file", func(t *testing.T) {
				out := serveOn(t, "bolt:"+path, commandBound)
				switch {
				case out.stopDeadline:
					t.Errorf("serve neither refused nor stopped within %s", commandBound)
				case !out.started:
					if out.err == nil || !strings.Contains(out.err.Error(), path) {
						t.Errorf("serve refused to start with err = %v, want one naming %s", out.err, path)
					}
				case out.ready != http.StatusServiceUnavailable || len(out.writeCodes) == 0:
					t.Errorf("serve started: /readyz %d, addEntity error codes %v; want 503 and a refused write", out.ready, out.writeCodes)
				}
			})
		})
	}
	t.Run("a free page: everything works", func(t *testing.T) {
		path := copyTo(t, orig, t.TempDir())
		bolttest.Flip(t, path, int64(free[len(free)/2]*pageSize), 4096)
		for _, c := range commands {
			t.Run(c.name+" works", func(t *testing.T) {
				if err := runBounded(t, workBound, append(c.args, "--store", "bolt:"+path), io.Discard); err != nil {
					t.Errorf("err = %v", err)
				}
			})
		}
		t.Run("serve starts, ready, and writes", func(t *testing.T) {
			out := serveOn(t, "bolt:"+path, workBound)
			if !out.started || out.ready != http.StatusOK || len(out.writeCodes) != 0 {
				t.Errorf("serve: started %v (err %v), /readyz %d, addEntity error codes %v", out.started, out.err, out.ready, out.writeCodes)
			}
		})
	})
	t.Run("the sound file passes check", func(t *testing.T) {
		var out strings.Builder
		if err := runBounded(t, workBound, []string{"check", "--store", "bolt:" + orig}, &out); err != nil {
			t.Fatalf("check: %v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "is sound") {
			t.Errorf("check said:\n%s", out.String())
		}
	})
}

// TestServeStopsBeingReadyWhenAReadMeetsADamagedPage damages the bolt
// file under a running server, as a failing disk would: the first read
// that meets a damaged page answers an error instead of crashing the
// process, /readyz turns 503, writes are refused, and the server still
// stops when asked.
func TestServeStopsBeingReadyWhenAReadMeetsADamagedPage(t *testing.T) {
	path := manyPagesBolt(t, 500)
	tree, _, pageSize := bolttest.Pages(t, path)
	s := startServer(t, "--store", "bolt:"+path, "--token", "t0k")
	readyz := func() int { return readyAfterIndex(t, s.url, workBound) }
	if got := readyz(); got != http.StatusOK {
		t.Fatalf("/readyz on the sound file: %d", got)
	}
	for _, id := range tree {
		bolttest.Flip(t, path, int64(id*pageSize), pageSize)
	}
	if codes, _ := postAs(t, s.url, "", `{ entity(id: "never-read-before") { name } }`); len(codes) == 0 {
		t.Errorf("a read of the damaged file answered no error")
	}
	if got := readyz(); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz after a read met a damaged page: %d, want 503", got)
	}
	if codes, _ := postAs(t, s.url, "t0k", `mutation { addEntity(id: "new-one", type: "Group", name: "New") { id } }`); len(codes) == 0 {
		t.Errorf("addEntity on the damaged file was accepted")
	}
	if err := s.stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
}

// TestCheckReadsEverythingBack: on a sound store of each backend check
// passes and says how much it read back.
func TestCheckReadsEverythingBack(t *testing.T) {
	for name, store := range stores(t) {
		t.Run(name, func(t *testing.T) {
			url := store(t)
			if err := run(t.Context(), []string{"seed", "--store", url}, noEnv, io.Discard, io.Discard); err != nil {
				t.Fatalf("seed: %v", err)
			}
			var out strings.Builder
			if err := runBounded(t, workBound, []string{"check", "--store", url}, &out); err != nil {
				t.Fatalf("check: %v\n%s", err, out.String())
			}
			if !regexp.MustCompile(`read back [1-9]\d* quads \(export\), [1-9]\d* entities, [1-9]\d* statements`).MatchString(out.String()) ||
				!strings.Contains(out.String(), "is sound") {
				t.Errorf("check said:\n%s", out.String())
			}
		})
	}
	t.Run("memory", func(t *testing.T) {
		var out strings.Builder
		if err := runBounded(t, workBound, []string{"check", "--store", "memory:"}, &out); err != nil || !strings.Contains(out.String(), "the memory store is sound") {
			t.Errorf("check: %v\n%s", err, out.String())
		}
	})
}
