package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// curveConfig is what --curve measures.
type curveConfig struct {
	scales     []int
	claimgraph string // the claimgraph binary
	data       string // the movie data, N-Quads
	mapping    string
	dir        string
	pairs      int
	clients    int
	duration   time.Duration
}

// curveRow is what one size measured.
type curveRow struct {
	scale, quads             int
	importTook               time.Duration
	importRSS                int64 // bytes
	storeBytes               int64
	readyTook                time.Duration
	heap                     float64 // bytes in use once the index is built
	short, k10               []time.Duration
	twoHopRate               float64
	twoHopP99                time.Duration
	twoHopFailed, k10Refused int
}

// movieCoStar is the co-star two-hop: the films a person acted in and
// the names of everyone who acted in them.
const movieCoStar = `query($id: ID!) { entity(id: $id) { relations(types: ["acted-in"], direction: OUT) { to { relations(types: ["acted-in"], direction: IN) { from { name } } } } } }`

// moviePath is the actor-to-actor path query of the curve.
const moviePath = `query($a: ID!, $b: ID!, $k: Int) { paths(from: $a, to: $b, k: $k, types: ["acted-in"], maxDepth: 12, maxExpanded: 1000000) { length } }`

// runCurve measures, for each scale, the movie data replicated that many
// times with ids suffixed (copy n > 1 suffixes every node but the types
// with _xn, so the copies are disjoint): the import by `claimgraph seed`
// in a child process (time, peak RSS from the kernel's accounting of the
// child), the bolt file's size, `claimgraph serve` until /readyz says
// the path and search index is built (time, heap in use), shortest and
// k=10 paths between random pairs of actors of one copy, one query at a
// time, and the co-star two-hop with the response cache off from
// cfg.clients clients. It prints a markdown table.
func runCurve(ctx context.Context, cfg curveConfig, stdout, stderr io.Writer) error {
	if cfg.dir == "" {
		dir, err := os.MkdirTemp("", "claimgraph-curve")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.dir = dir
	}
	if cfg.claimgraph == "" {
		cfg.claimgraph = filepath.Join(cfg.dir, "claimgraph")
		build := exec.CommandContext(ctx, "go", "build", "-o", cfg.claimgraph, "./cmd/claimgraph")
		build.Stdout, build.Stderr = stderr, stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build claimgraph (run from the repository, or pass --claimgraph): %w", err)
		}
	}
	if cfg.data == "" {
		out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", "github.com/cayleygraph/cayley").Output()
		if err != nil {
			return fmt.Errorf("locate Cayley's movie data (or pass --data): %w", err)
		}
		cfg.data = filepath.Join(strings.TrimSpace(string(out)), "data", "30kmoviedata.nq.gz")
	}
	var rows []curveRow
	for _, n := range cfg.scales {
		fmt.Fprintf(stderr, "curve: %d× …\n", n)
		row, err := curveStep(ctx, cfg, n, stderr)
		if err != nil {
			return fmt.Errorf("%d×: %w", n, err)
		}
		rows = append(rows, row)
		printCurve(stdout, rows[len(rows)-1:], len(rows) == 1)
	}
	return nil
}

func curveStep(ctx context.Context, cfg curveConfig, n int, stderr io.Writer) (curveRow, error) {
	row := curveRow{scale: n}
	data := filepath.Join(cfg.dir, fmt.Sprintf("movies-x%d.nq.gz", n))
	var err error
	if row.quads, err = replicate(cfg.data, data, n); err != nil {
		return row, err
	}
	defer os.Remove(data)
	store := filepath.Join(cfg.dir, fmt.Sprintf("movies-x%d.db", n))
	defer os.Remove(store)
	seed := exec.CommandContext(ctx, cfg.claimgraph, "seed", "--store", "bolt:"+store, "--log-level", "warn", "--mapping", cfg.mapping, data)
	seed.Stdout, seed.Stderr = io.Discard, stderr
	start := time.Now()
	if err := seed.Run(); err != nil {
		return row, fmt.Errorf("seed: %w", err)
	}
	row.importTook = time.Since(start)
	if ru, ok := seed.ProcessState.SysUsage().(*syscall.Rusage); ok {
		row.importRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	if fi, err := os.Stat(store); err == nil {
		row.storeBytes = fi.Size()
	}

	addr, err := freeAddr()
	if err != nil {
		return row, err
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	serve := exec.CommandContext(sctx, cfg.claimgraph, "serve", "--store", "bolt:"+store, "--addr", addr, "--response-cache", "0", "--log-level", "warn")
	logFile, err := os.Create(filepath.Join(cfg.dir, fmt.Sprintf("serve-x%d.log", n)))
	if err != nil {
		return row, err
	}
	defer logFile.Close()
	serve.Stdout, serve.Stderr = logFile, logFile
	serve.Cancel = func() error { return serve.Process.Signal(syscall.SIGTERM) }
	serve.WaitDelay = 30 * time.Second
	start = time.Now()
	if err := serve.Start(); err != nil {
		return row, err
	}
	defer serve.Wait()
	defer stop()
	base := "http://" + addr
	if err := waitReady(sctx, base+"/readyz", 10*time.Minute); err != nil {
		return row, err
	}
	row.readyTook = time.Since(start)
	// The least heap in use over two seconds: the index and what the
	// server holds, with little garbage.
	for range 5 {
		if _, heap, ok := readMemory(sctx, base+"/metrics"); ok && (row.heap == 0 || heap < row.heap) {
			row.heap = heap
		}
		time.Sleep(400 * time.Millisecond)
	}

	gql := base + "/graphql"
	actors, err := findActors(sctx, gql, 2*cfg.pairs)
	if err != nil {
		return row, err
	}
	pairs := actorPairsOf(actors, cfg.pairs)
	for _, k := range []int{1, 10} {
		for _, p := range pairs {
			body, _ := json.Marshal(map[string]any{"query": moviePath, "variables": map[string]any{"a": p[0], "b": p[1], "k": k}})
			d, err := do(sctx, http.DefaultClient, gql, body, new(bytes.Buffer), true, nil)
			var refused refusal
			switch {
			case errors.As(err, &refused):
				row.k10Refused++
			case err != nil:
				return row, fmt.Errorf("paths %s → %s, k %d: %w", p[0], p[1], k, err)
			}
			if k == 1 {
				row.short = append(row.short, d)
			} else {
				row.k10 = append(row.k10, d)
			}
		}
	}

	var reqs []request
	for _, id := range actors[:min(200, len(actors))] {
		body, _ := json.Marshal(map[string]any{"query": movieCoStar, "variables": map[string]string{"id": id}})
		reqs = append(reqs, request{"co-star", body})
	}
	res, err := load(sctx, config{url: gql, clients: cfg.clients, duration: cfg.duration, requests: 1 << 30}, reqs)
	if err != nil {
		return row, err
	}
	l := res.latencies["co-star"]
	slices.Sort(l)
	row.twoHopRate = float64(res.total()) / res.elapsed.Seconds()
	row.twoHopFailed = res.failed
	if len(l) > 0 {
		row.twoHopP99 = l[min(len(l)-1, len(l)*99/100)]
	}
	if res.failed > 0 {
		return row, fmt.Errorf("%d co-star requests failed; first: %s", res.failed, res.firstError)
	}
	return row, nil
}

// replicate writes n copies of the N-Quads file src to dst, gzipped, the
// nodes of copy i > 1 suffixed with _xi (IRIs inside the brackets, blank
// nodes at the end) except the objects of <type>, and returns the number
// of quads written. With n = 1 it writes src unchanged.
func replicate(src, dst string, n int) (int, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	gz, err := gzip.NewReader(bufio.NewReaderSize(in, 1<<20))
	if err != nil {
		return 0, err
	}
	raw, err := io.ReadAll(gz)
	if err != nil {
		return 0, err
	}
	out, err := os.Create(dst)
	if err != nil {
		return 0, err
	}
	defer out.Close()
	bw := bufio.NewWriterSize(out, 1<<20)
	zw, _ := gzip.NewWriterLevel(bw, gzip.BestSpeed)
	quads := 0
	for i := 1; i <= n; i++ {
		suffix := "_x" + strconv.Itoa(i)
		for line := range bytes.Lines(raw) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			quads++
			if i == 1 {
				zw.Write(line)
				continue
			}
			zw.Write(suffixQuad(line, suffix))
		}
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	return quads, out.Close()
}

// suffixQuad suffixes the subject of an N-Quads line, and its object
// unless it is a literal or the predicate is <type>.
func suffixQuad(line []byte, suffix string) []byte {
	s := string(line)
	subj, rest, ok := strings.Cut(s, " ")
	if !ok {
		return line
	}
	pred, obj, ok := strings.Cut(rest, " ")
	if !ok {
		return line
	}
	var b strings.Builder
	b.WriteString(suffixNode(subj, suffix))
	b.WriteByte(' ')
	b.WriteString(pred)
	b.WriteByte(' ')
	if pred == "<type>" || strings.HasPrefix(obj, `"`) {
		b.WriteString(obj)
		return []byte(b.String())
	}
	node, tail, _ := strings.Cut(obj, " ")
	b.WriteString(suffixNode(node, suffix))
	b.WriteByte(' ')
	b.WriteString(tail)
	return []byte(b.String())
}

func suffixNode(node, suffix string) string {
	if strings.HasPrefix(node, "<") && strings.HasSuffix(node, ">") {
		return node[:len(node)-1] + suffix + ">"
	}
	return node + suffix
}

// freeAddr returns a loopback address with a free port.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitReady polls u until it answers 200.
func waitReady(ctx context.Context, u string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w", u, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// findActors returns up to n people of the first copy (ids without a
// _xN suffix) who acted in a film, in findPeople's order.
func findActors(ctx context.Context, u string, n int) ([]string, error) {
	people, err := findPeople(ctx, u, 2000)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range people {
		if len(out) == n {
			break
		}
		if i := strings.LastIndex(id, "-x"); i > 0 {
			if _, err := strconv.Atoi(id[i+2:]); err == nil {
				continue
			}
		}
		body, _ := json.Marshal(map[string]any{
			"query":     `query($id: ID!) { entity(id: $id) { relations(types: ["acted-in"], direction: OUT) { type } } }`,
			"variables": map[string]string{"id": id},
		})
		var data struct {
			Entity struct {
				Relations []struct{ Type string } `json:"relations"`
			} `json:"entity"`
		}
		if _, err := do(ctx, http.DefaultClient, u, body, new(bytes.Buffer), true, &data); err != nil {
			return nil, fmt.Errorf("actors: %w", err)
		}
		if len(data.Entity.Relations) > 0 {
			out = append(out, id)
		}
	}
	if len(out) < 2 {
		return nil, errors.New("fewer than two actors found")
	}
	return out, nil
}

// actorPairsOf pairs actors[i] with actors[(7i+3) mod len], n pairs of
// distinct actors.
func actorPairsOf(actors []string, n int) [][2]string {
	var out [][2]string
	for i := 0; len(out) < n && i < 10*n; i++ {
		a, b := actors[i%len(actors)], actors[(7*i+3)%len(actors)]
		if a != b {
			out = append(out, [2]string{a, b})
		}
	}
	return out
}

// printCurve prints rows of the table, with its header when head is set.
func printCurve(w io.Writer, rows []curveRow, head bool) {
	if head {
		fmt.Fprintln(w, "| size | quads | import | import peak RSS | store on disk | index built (serve start → ready) | heap in use | shortest p50 / p99 | k=10 p50 / p99 | uncached co-star req/s (p99) |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	}
	mib := func(b float64) string { return fmt.Sprintf("%.0f MiB", b/(1<<20)) }
	for _, r := range rows {
		fmt.Fprintf(w, "| %d× | %s | %.1f s | %s | %s | %.1f s | %s | %s / %s | %s / %s | %.0f (%s) |\n",
			r.scale, thousands(r.quads), r.importTook.Seconds(), mib(float64(r.importRSS)), mib(float64(r.storeBytes)),
			r.readyTook.Seconds(), mib(r.heap), pct(r.short, 50), pct(r.short, 99), pct(r.k10, 50), pct(r.k10, 99),
			r.twoHopRate, ms(r.twoHopP99))
	}
}

func pct(l []time.Duration, p int) string {
	if len(l) == 0 {
		return "-"
	}
	l = slices.Sorted(slices.Values(l))
	return ms(l[min(len(l)-1, len(l)*p/100)])
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
