package cayley_test

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	_ "github.com/cayleygraph/cayley/graph/kv/bbolt" // registers "bbolt" for the plain Cayley load
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/nquads"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/cayley/internal/movietest"
)

// The movie benchmark compares importing Cayley's movie data
// (data/30kmoviedata.nq.gz, 471,705 quads) through claimgraph's shipped
// mapping into a new bolt store with loading the same file into a new bbolt
// store with Cayley's own API (a single writer, 10,000-quad batches, as
// `cayley load` does). Each runs in a process of its own, under
// /usr/bin/time -v for the peak RSS. It is opt-in, being heavy:
//
//	CLAIMGRAPH_BENCH_MOVIES=1 go test ./graph/cayley -run '^$' -bench MovieImport -benchtime 1x
//
// CLAIMGRAPH_MOVIE_SCALE=N imports the data N times over, each copy's
// nodes suffixed (movietest.WriteScaled; 10 makes 4.7 million quads); the
// file is generated once into $TMPDIR/claimgraph-movies and kept.
// CLAIMGRAPH_MOVIE_ONLY=claimgraph (or cayley) runs one side only, and
// CLAIMGRAPH_MOVIE_HEAP=FILE makes the claimgraph side write a heap
// profile at its peak and log its peak anonymous and file-backed RSS.
//
// It reports seconds and peak MiB of each ("cg-s", "cg-MiB", "cayley-s",
// "cayley-MiB").

// movieHelperEnv selects what the helper process does: "cayley" or
// "claimgraph", and movieStoreEnv the file it writes.
const (
	movieHelperEnv = "CLAIMGRAPH_MOVIE_HELPER"
	movieStoreEnv  = "CLAIMGRAPH_MOVIE_STORE"
)

func BenchmarkMovieImport(b *testing.B) {
	if os.Getenv("CLAIMGRAPH_BENCH_MOVIES") == "" {
		b.Skip("set CLAIMGRAPH_BENCH_MOVIES=1 to run the movie import benchmark")
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		b.Skip("/usr/bin/time is needed for the peak RSS")
	}
	scale := movietest.Scale(b)
	data := movietest.ScaledData(b, movieCache(b), scale)
	modes := []string{"cayley", "claimgraph"}
	if only := os.Getenv("CLAIMGRAPH_MOVIE_ONLY"); only != "" {
		modes = []string{only}
	}
	b.Logf("movie data ×%d: %s", scale, data)
	for range b.N {
		for _, mode := range modes {
			secs, mib := runMovieHelper(b, mode, data, filepath.Join(b.TempDir(), "movies.db"))
			prefix := map[string]string{"cayley": "cayley", "claimgraph": "cg"}[mode]
			b.ReportMetric(secs, prefix+"-s")
			b.ReportMetric(mib, prefix+"-MiB")
			b.Logf("%s: %.1f s, %.0f MiB peak RSS", mode, secs, mib)
		}
	}
}

// movieCache returns the directory that keeps the scaled movie data
// between runs, $TMPDIR/claimgraph-movies.
func movieCache(b *testing.B) string {
	b.Helper()
	cache := filepath.Join(os.TempDir(), "claimgraph-movies")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		b.Fatal(err)
	}
	return cache
}

var (
	elapsedRE = regexp.MustCompile(`Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)`)
	rssRE     = regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`)
)

// runMovieHelper runs this test binary as a helper process doing one load
// into store (a bolt file, or a PostgreSQL URL for the -pg modes), and
// returns its wall time and peak RSS.
func runMovieHelper(b *testing.B, mode, data, store string) (seconds, mib float64) {
	b.Helper()
	cmd := exec.Command("/usr/bin/time", "-v", os.Args[0], "-test.run=^TestMovieHelper$", "-test.v")
	cmd.Env = append(os.Environ(), movieHelperEnv+"="+mode, movieStoreEnv+"="+store, "CLAIMGRAPH_MOVIE_DATA="+data)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("%s load: %v\n%s", mode, err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "movie_bench_test.go") {
			b.Log(strings.TrimSpace(line))
		}
	}
	m := elapsedRE.FindSubmatch(out)
	r := rssRE.FindSubmatch(out)
	if m == nil || r == nil {
		b.Fatalf("no time -v figures in:\n%s", out)
	}
	h, _ := strconv.ParseFloat(string(m[1]), 64)
	min, _ := strconv.ParseFloat(string(m[2]), 64)
	sec, _ := strconv.ParseFloat(string(m[3]), 64)
	kb, _ := strconv.ParseFloat(string(r[1]), 64)
	return h*3600 + min*60 + sec, kb / 1024
}

// TestMovieHelper is the helper process of BenchmarkMovieImport; it does
// nothing in a normal test run.
func TestMovieHelper(t *testing.T) {
	mode := os.Getenv(movieHelperEnv)
	if mode == "" {
		t.Skip("helper process of BenchmarkMovieImport")
	}
	store, data := os.Getenv(movieStoreEnv), os.Getenv("CLAIMGRAPH_MOVIE_DATA")
	if path := os.Getenv("CLAIMGRAPH_MOVIE_HEAP"); path != "" && mode == "claimgraph" {
		stop := watchPeak(t, path)
		defer stop()
	}
	start := time.Now()
	var n int
	var err error
	switch mode {
	case "cayley":
		n, err = loadPlainCayley("bbolt", store, data)
	case "claimgraph":
		n, err = importMovies(t, store, data)
	case "cayley-pg":
		n, err = loadPlainCayley("postgres", store, data)
	case "claimgraph-pg", "claimgraph-pg-cayley":
		var sum graph.Summary
		sum, err = movietest.ImportURL(t.Context(), store, data, func(s *cayley.Store) {
			cayley.SetNoBulk(s, mode == "claimgraph-pg-cayley")
		})
		n = sum.Added
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d in %s (GOMAXPROCS %d)", mode, n, time.Since(start), runtime.GOMAXPROCS(0))
}

// loadPlainCayley loads the file into a new store of Cayley's backend
// ("bbolt" or "postgres") at path with Cayley's API the way `cayley load`
// does, and returns the number of quads.
func loadPlainCayley(backend, path, data string) (int, error) {
	if err := cgraph.InitQuadStore(backend, path, nil); err != nil {
		return 0, err
	}
	qs, err := cgraph.NewQuadStore(backend, path, nil)
	if err != nil {
		return 0, err
	}
	defer qs.Close()
	w, err := cgraph.NewQuadWriter("single", qs, cgraph.Options{"ignore_missing": true, "ignore_duplicate": true})
	if err != nil {
		return 0, err
	}
	defer w.Close()
	f, err := os.Open(data)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return 0, err
	}
	r := nquads.NewReader(gz, false)
	defer r.Close()
	n, err := quad.CopyBatch(cgraph.NewWriter(w), r, quad.DefaultBatch)
	if err != nil && !errors.Is(err, nil) {
		return n, err
	}
	return n, err
}

// importMovies imports the file through the shipped mapping into a new
// bolt store and returns the number of items.
func importMovies(t *testing.T, path, data string) (int, error) {
	sum, err := movietest.ImportFile(t.Context(), path, data)
	return sum.Added, err
}

// watchPeak samples the process's memory every 50 ms until stop is
// called: it writes a heap profile to path whenever the heap in use
// reaches a new high (by 5% at least), and logs the peak anonymous and
// file-backed RSS (from /proc/self/status) when stopped.
func watchPeak(t *testing.T, path string) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	var peakHeap uint64
	var peakAnon, peakFile int64
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > peakHeap*21/20 {
			peakHeap = ms.HeapInuse
			if f, err := os.Create(path); err == nil {
				pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
		status, _ := os.ReadFile("/proc/self/status")
		for _, line := range strings.Split(string(status), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			switch f[0] {
			case "RssAnon:":
				peakAnon = max(peakAnon, kb)
			case "RssFile:":
				peakFile = max(peakFile, kb)
			}
		}
	}
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
				sample()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		t.Logf("peak heap in use %d MiB, peak RSS anonymous %d MiB, file-backed %d MiB (profile %s)",
			peakHeap>>20, peakAnon>>10, peakFile>>10, path)
	}
}
