package seed_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

// bomb gzips size bytes of pattern repeated, one 1 MiB member repeated.
func bomb(tb testing.TB, size int, pattern string) []byte {
	tb.Helper()
	chunk := bytes.Repeat([]byte(pattern), (1<<20)/len(pattern)+1)[:1<<20]
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(chunk)
	zw.Close()
	return bytes.Repeat(member.Bytes(), size>>20)
}

// heapGrowth runs fn and returns how far the heap in use grew above what
// it was before, sampled every 10 ms, and the bytes fn allocated in all.
func heapGrowth(fn func()) (peak, total uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	sampled := make(chan uint64)
	go func() {
		var max uint64
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > before.HeapInuse && m.HeapInuse-before.HeapInuse > max {
				max = m.HeapInuse - before.HeapInuse
			}
			select {
			case <-done:
				sampled <- max
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	peak = <-sampled
	runtime.ReadMemStats(&after)
	return peak, after.TotalAlloc - before.TotalAlloc
}

// TestImportRefusesBombsInBoundedMemory reads 100 MB bombs through
// Import into every format: each fails with graph.TooLarge, and the
// whole import allocates a small part of what the bomb expands to.
func TestImportRefusesBombsInBoundedMemory(t *testing.T) {
	m, err := readMapping(t, "mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	zeros := bomb(t, 100<<20, "\x00")
	lines := bomb(t, 100<<20, "<cg:e/x> <cg:p/name> \"x\" .\n")
	json := bomb(t, 100<<20, `{"@id": "http://example.org/x"},`)
	noRatio := seed.Limits{}
	tests := []struct {
		name   string
		format seed.Format
		data   []byte
		plain  bool // sent as it is, not compressed
		lim    seed.Limits
		mapped bool
	}{
		{"zeros as YAML", seed.FormatYAML, zeros, false, seed.Limits{MaxRatio: 200}, false},
		{"zeros as CSV", seed.FormatCSV, zeros, false, seed.Limits{MaxRatio: 200}, false},
		{"zeros as N-Quads to restore", seed.FormatNQuads, zeros, false, seed.Limits{MaxRatio: 200}, false},
		{"zeros as N-Quads through a mapping", seed.FormatNQuads, zeros, false, seed.Limits{MaxRatio: 200}, true},
		{"quads to restore, past the ratio", seed.FormatNQuads, lines, false, seed.Limits{MaxRatio: 200}, false},
		{"quads through a mapping, past the ratio", seed.FormatNQuads, lines, false, seed.Limits{MaxRatio: 200}, true},
		{"quads to restore, past the size cap", seed.FormatNQuads, lines, false, seed.Limits{MaxDecompressed: 16 << 20}, false},
		{"JSON-LD past the size it is read whole to", seed.FormatJSONLD, json, false, noRatio, true},
		{"YAML lines past the size it is read whole to", seed.FormatYAML, lines, false, noRatio, false},
		{"100 MB of uncompressed zeros as CSV", seed.FormatCSV, make([]byte, 100<<20), true, noRatio, false},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is too large", func(t *testing.T) {
			var err error
			start := time.Now()
			peak, alloc := heapGrowth(func() {
				opts := seed.Options{Limits: tt.lim}
				if tt.mapped {
					opts.Mapping = m
				}
				_, err = seed.Import(t.Context(), seededStoreEmpty(t), []seed.Input{{Name: "bomb", Format: tt.format, R: bytes.NewReader(tt.data)}}, opts)
			})
			t.Logf("%v, heap grew by %d MB at most, %d MB allocated in all: %.200v", time.Since(start).Round(time.Millisecond), peak>>20, alloc>>20, err)
			if code := graph.ErrorCode(err); code != graph.TooLarge {
				t.Fatalf("code %q, want %q (err: %.300v)", code, graph.TooLarge, err)
			}
			if n := len(err.Error()); n > 1<<10 {
				t.Errorf("the error is %d bytes long", n)
			}
			// The bomb expands to 100 MB and, with no cap, would be held
			// and parsed whole, several times over.
			if limit := uint64(300 << 20); peak > limit {
				t.Errorf("the heap grew by %d MB, want under %d MB", peak>>20, limit>>20)
			}
		})
	}
}

// TestCSVWithManyColumnsIsRefusedQuickly gives CSV headers of 100,000
// columns (refused at once for their number) and of 1,000 unknown
// columns (each a problem, of which 100 are listed).
func TestCSVWithManyColumnsIsRefusedQuickly(t *testing.T) {
	header := func(n int) string {
		cols := make([]string, n)
		for i := range cols {
			cols[i] = "col" + strings.Repeat("x", i%7)
		}
		return strings.Join(cols, ",") + "\n"
	}
	t.Run("100,000 columns are refused for their number", func(t *testing.T) {
		start := time.Now()
		_, err := seed.Parse(seed.Input{Name: "wide.csv", Data: []byte(header(100_000))})
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Errorf("took %v", elapsed)
		}
		if graph.ErrorCode(err) != graph.Invalid || strings.Count(err.Error(), "\n") != 0 {
			t.Fatalf("err = %.300v, want one Invalid problem", err)
		}
	})
	t.Run("1,000 unknown columns list 100 problems and count the rest", func(t *testing.T) {
		start := time.Now()
		_, err := seed.Parse(seed.Input{Name: "wide.csv", Data: []byte("id,type,name," + header(997))})
		t.Logf("%v", time.Since(start))
		if graph.ErrorCode(err) != graph.Invalid {
			t.Fatalf("err = %.300v, want Invalid", err)
		}
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != seed.MaxReported+1 || !strings.HasPrefix(lines[len(lines)-1], "… and 897 more problems") {
			t.Errorf("%d lines, the last %q; want %d and a count of the rest", len(lines), lines[len(lines)-1], seed.MaxReported+1)
		}
	})
}

// TestInvalidUTF8ThroughAMappingIsAPositionedProblem reads a name with
// invalid UTF-8 through a mapping: the dry run and the real run both
// refuse it at its line and column.
func TestInvalidUTF8ThroughAMappingIsAPositionedProblem(t *testing.T) {
	m, err := readMapping(t, "mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join("testdata", "nquads", "good.nq"))
	if err != nil {
		t.Fatal(err)
	}
	data := string(good) + "</en/bad> </type/object/name> \"Bad\xff\xfeName\" .\n"
	line := strings.Count(string(good), "\n") + 1
	for _, dryRun := range []bool{true, false} {
		st := seededStoreEmpty(t)
		_, err := seed.Import(t.Context(), st, []seed.Input{{Name: "f.nq", R: strings.NewReader(data)}}, seed.Options{Mapping: m, DryRun: dryRun})
		if graph.ErrorCode(err) != graph.Invalid || !strings.HasPrefix(err.Error(), "f.nq:"+strconv.Itoa(line)+":35: ") {
			t.Errorf("dry run %v: %v; want Invalid at f.nq:%d:35", dryRun, err, line)
		}
	}
}
