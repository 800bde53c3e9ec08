package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/claimgraph/claimgraph/graph/cache"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// coStarFilms and coStarCast shape the co-star fixture: the star acts in
// coStarFilms films with coStarCast other people each, drawn from a pool
// smaller than all their parts, so that people recur across films as they
// do in the movie data.
const (
	coStarFilms = 30
	coStarCast  = 8
	coStarPool  = 60
)

// coStarRows is how many names the co-star query gives for the star.
const coStarRows = coStarFilms * (coStarCast + 1)

// coStarHandler returns a handler as claimgraph serve --response-cache 0
// runs it (the read cache on, the response cache off) on a bolt store
// holding the co-star fixture, imported as the movie data is, through the
// shipped mapping; the star's id is "star".
func coStarHandler(tb testing.TB) *Handler {
	tb.Helper()
	var nq strings.Builder
	quad := func(s, p, o string) { fmt.Fprintf(&nq, "%s <%s> %s .\n", s, p, o) }
	person := func(id, name string) {
		quad("</en/"+id+">", "type", "</people/person>")
		quad("</en/"+id+">", "name", fmt.Sprintf("%q", name))
	}
	person("star", "The Star")
	for i := range coStarPool {
		person(fmt.Sprintf("actor_%d", i), fmt.Sprintf("Actor Number %d", i))
	}
	for f := range coStarFilms {
		film := fmt.Sprintf("</en/film_%d>", f)
		quad(film, "type", "</film/film>")
		quad(film, "name", fmt.Sprintf("%q", fmt.Sprintf("Film %d", f)))
		cast := []string{"star"}
		for c := range coStarCast {
			cast = append(cast, fmt.Sprintf("actor_%d", (f*coStarCast+c*7)%coStarPool))
		}
		for c, actor := range cast {
			perf := fmt.Sprintf("</guid/perf_%d_%d>", f, c)
			quad(film, "/film/film/starring", perf)
			quad(perf, "/film/performance/actor", "</en/"+actor+">")
		}
	}
	mdata, err := os.ReadFile(filepath.Join("..", "seed", "examples", "movie-mapping.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	m, err := seed.ParseMapping(seed.Input{Name: "movie-mapping.yaml", Data: mdata})
	if err != nil {
		tb.Fatal(err)
	}
	st, err := cayley.Open(tb.Context(), "bolt:"+filepath.Join(tb.TempDir(), "costar.db"), cayley.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	in := seed.Input{Name: "costar.nq", Format: seed.FormatNQuads, Data: []byte(nq.String())}
	if _, err := seed.Import(tb.Context(), st, []seed.Input{in}, seed.Options{Mapping: m}); err != nil {
		tb.Fatalf("import the fixture: %v", err)
	}
	return handlerOn(tb, cache.New(st, 0), noResultCache)
}

// coStarRequest is the body of the co-star query for id, as a client
// posts it.
func coStarRequest(tb testing.TB, id string) []byte {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": movieCoStar, "variables": map[string]string{"id": id}})
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// serveCoStar posts body to h and returns the response body, failing on
// anything but a 200 without errors.
func serveCoStar(tb testing.TB, h *Handler, body []byte) []byte {
	rec := httptest.NewRecorder()
	req := httptest.NewRequestWithContext(tb.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
		tb.Fatalf("%d %.300s", rec.Code, rec.Body.String())
	}
	return rec.Body.Bytes()
}

// TestCoStarAllocations bounds the allocations of an uncached co-star
// query per row of its result: garbage per row is what makes the
// collector run under load, and what a change to the read path must not
// bring back. The bound is generous; it fails when a per-row cost returns,
// not on small changes.
func TestCoStarAllocations(t *testing.T) {
	h := coStarHandler(t)
	body := coStarRequest(t, "star")
	out := serveCoStar(t, h, body) // fills the read cache
	if n := bytes.Count(out, []byte(`"name"`)); n != coStarRows {
		t.Fatalf("%d names in the result, want %d", n, coStarRows)
	}
	allocs := testing.AllocsPerRun(50, func() { serveCoStar(t, h, body) })
	perRow := allocs / coStarRows
	t.Logf("%.0f allocations a request, %.2f a row", allocs, perRow)
	if limit := 8.0; perRow > limit {
		t.Errorf("%.2f allocations a row of the result (%.0f a request), want at most %.1f", perRow, allocs, limit)
	}
}

// TestCoStarConcurrentRequestsKeepTheirResults runs co-star queries of
// several people at once, as many clients do, and wants each the answer it
// gets alone: what one execution reuses of another's memory (fastMemory,
// the output buffers) holds nothing of it.
func TestCoStarConcurrentRequestsKeepTheirResults(t *testing.T) {
	h := coStarHandler(t)
	ids := []string{"star", "actor-0", "actor-7", "actor-13", "film-3", "nobody"}
	want := map[string][]byte{}
	for _, id := range ids {
		want[id] = bytes.Clone(serveCoStar(t, h, coStarRequest(t, id)))
		if found := bytes.Contains(want[id], []byte(`"name"`)); found != (id == "star" || strings.HasPrefix(id, "actor-")) {
			t.Fatalf("%s: %.200s", id, want[id])
		}
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 30 {
				id := ids[(w+i)%len(ids)]
				if got := serveCoStar(t, h, coStarRequest(t, id)); !bytes.Equal(got, want[id]) {
					t.Errorf("%s: got %.200s, want %.200s", id, got, want[id])
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestSlabHandsOutSeparateZeroedSlices(t *testing.T) {
	var s slab[int]
	for round := range 3 {
		var got [][]int
		for _, n := range []int{1, 3, slabChunk - 2, 5, slabChunk + 7, 2} {
			x := s.take(n)
			if len(x) != n || cap(x) != n {
				t.Fatalf("round %d: take(%d) gave len %d cap %d", round, n, len(x), cap(x))
			}
			for i := range x {
				if x[i] != 0 {
					t.Fatalf("round %d: take(%d) gave a used element", round, n)
				}
				x[i] = len(got) + 1
			}
			got = append(got, x)
		}
		for i, x := range got {
			for _, v := range x {
				if v != i+1 {
					t.Fatalf("round %d: slice %d was overwritten by another", round, i)
				}
			}
		}
		s.reset()
	}
}

// BenchmarkCoStar runs the co-star query on the fixture of
// TestCoStarAllocations, in one goroutine:
//
//	go test ./schema -run '^$' -bench 'CoStar$' -benchmem
func BenchmarkCoStar(b *testing.B) {
	h := coStarHandler(b)
	body := coStarRequest(b, "star")
	serveCoStar(b, h, body)
	for b.Loop() {
		serveCoStar(b, h, body)
	}
}
