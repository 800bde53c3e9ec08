package schema

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/claimgraph/claimgraph/graph/cache"
	"github.com/claimgraph/claimgraph/graph/cayley"
)

// movieCoStar is the co-star query: the films a person acted in and the
// names of everyone who acted in them (Gizmo on plain Cayley:
// g.V(person).Out(acted-in).In(acted-in).Out(name)).
const movieCoStar = `query($id: ID!) { entity(id: $id) { relations(types: ["acted-in"], direction: OUT) { to { relations(types: ["acted-in"], direction: IN) { from { name } } } } } }`

// BenchmarkMovieCoStar runs movieCoStar over HTTP requests served by the
// handler (response cache off, read cache on, as claimgraph serve
// --response-cache 0 runs it) for 200 people of the movie data, from as
// many goroutines as GOMAXPROCS. It is opt-in (see movieStorePath):
//
//	CLAIMGRAPH_BENCH_MOVIES=1 go test ./schema -run '^$' -bench MovieCoStar
func BenchmarkMovieCoStar(b *testing.B) {
	if os.Getenv("CLAIMGRAPH_BENCH_MOVIES") == "" && os.Getenv(movieBoltEnv) == "" {
		b.Skip("set CLAIMGRAPH_BENCH_MOVIES=1 (or " + movieBoltEnv + "=FILE) to run the movie benchmarks")
	}
	ctx := b.Context()
	st, err := cayley.Open(ctx, "bolt:"+movieStorePath(b), cayley.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	people := moviePeople(b, st, 200)
	h := handlerOn(b, cache.New(st, 0), noResultCache)
	bodies := make([][]byte, len(people))
	for i, id := range people {
		bodies[i], _ = json.Marshal(map[string]any{"query": movieCoStar, "variables": map[string]string{"id": id}})
	}
	serve := func(body []byte) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
			b.Fatalf("%d %.300s", rec.Code, rec.Body.String())
		}
	}
	for _, body := range bodies {
		serve(body) // fills the read cache
	}
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serve(bodies[int(next.Add(1))%len(bodies)])
		}
	})
}
