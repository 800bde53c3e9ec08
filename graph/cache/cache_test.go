package cache

import (
	"context"
	"reflect"
	"runtime"
	"strconv"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// racyStore is a Versioned whose data changes while a read is under way,
// as when another process commits a write between a cache's generation
// check and its read.
type racyStore struct {
	graph.Store
	gen   int
	name  string
	reads int
	// during runs inside a read, after the generation was checked.
	during func(s *racyStore)
}

func (s *racyStore) Generation(context.Context) (string, error) { return strconv.Itoa(s.gen), nil }

func (s *racyStore) Entity(_ context.Context, id string) (graph.Entity, error) {
	s.reads++
	e := graph.Entity{ID: id, Type: "Group", Name: s.name}
	if s.during != nil {
		s.during(s)
		s.during = nil
	}
	return e, nil
}

func TestAValueReadWhileTheStoreChangedIsNotKept(t *testing.T) {
	src := &racyStore{name: "old"}
	c := New(src, 0)
	src.during = func(s *racyStore) { s.name, s.gen = "new", s.gen+1 }
	e, _ := c.Entity(t.Context(), "ttp")
	if e.Name != "old" {
		t.Fatalf("first read = %q", e.Name)
	}
	e, _ = c.Entity(t.Context(), "ttp")
	if e.Name != "new" {
		t.Errorf("second read = %q, want the value written during the first read", e.Name)
	}
	if src.reads != 2 {
		t.Errorf("store reads = %d, want 2", src.reads)
	}
	c.Entity(t.Context(), "ttp")
	if src.reads != 2 {
		t.Errorf("store reads = %d after a third read, want the cached value used", src.reads)
	}
}

func TestTheCacheStartsOverPastItsBound(t *testing.T) {
	src := &racyStore{name: "x"}
	c := New(src, 3)
	for i := range 10 {
		c.Entity(t.Context(), strconv.Itoa(i))
	}
	c.mu.Lock()
	n := len(c.entities)
	c.mu.Unlock()
	if n > 3 {
		t.Errorf("cache holds %d entities, bound 3", n)
	}
}

func TestUnderstood(t *testing.T) {
	if !understood(graph.RelationQuery{Types: []string{"backs"}, Direction: graph.Out, Status: []graph.Status{graph.Reported}}) {
		t.Error("a query on types, direction and status should be served from the cache")
	}
}

// listStore is a Versioned that holds the relations of entities in
// Store.Relations order.
type listStore struct {
	graph.Store
	ont  graph.Ontology
	rels map[string][]graph.Statement
}

func (s *listStore) Generation(context.Context) (string, error) { return "1", nil }

func (s *listStore) Ontology(context.Context) (graph.Ontology, error) { return s.ont, nil }

func (s *listStore) Relations(_ context.Context, id string, q graph.RelationQuery) ([]graph.Statement, error) {
	var out []graph.Statement
	for _, st := range s.rels[id] {
		if st, ok := q.Select(id, st, false, nil); ok {
			out = append(out, st)
		}
	}
	return out, nil
}

// filmStore holds a film with n actors (acted-in, the film the object), a
// director (directed-by, the film the subject) and a sequel (the film the
// object of another type), ordered as Store.Relations orders them.
func filmStore(n int) *listStore {
	claim := func(stance graph.Stance, said graph.Date) []graph.Claim {
		return []graph.Claim{{ID: "c", Source: "s", Stance: stance, Said: said}}
	}
	var rels []graph.Statement
	for i := range n {
		stance, said := graph.Asserts, graph.Date("2001")
		if i%3 == 0 {
			stance, said = graph.Denies, "2010"
		}
		rels = append(rels, graph.Statement{ID: strconv.Itoa(i), Subject: "actor-" + strconv.Itoa(i), Type: "acted-in", Object: "film", Claims: claim(stance, said)})
	}
	rels = append(rels,
		graph.Statement{ID: "d", Subject: "film", Type: "directed-by", Object: "director", Claims: claim(graph.Asserts, "2001")},
		graph.Statement{ID: "s", Subject: "sequel", Type: "follows", Object: "film", Claims: claim(graph.Asserts, "2001")})
	ont := graph.Ontology{RelationTypes: []graph.RelationType{{Name: "acted-in"}, {Name: "directed-by"}, {Name: "follows"}}}
	return &listStore{ont: ont, rels: map[string][]graph.Statement{"film": rels}}
}

func TestRelationsFilterAsTheStoreDoes(t *testing.T) {
	cases := []struct {
		name string
		q    graph.RelationQuery
	}{
		{"all", graph.RelationQuery{}},
		{"one type in one direction, a run of the list", graph.RelationQuery{Types: []string{"acted-in"}, Direction: graph.In}},
		{"the last type", graph.RelationQuery{Types: []string{"follows"}}},
		{"one direction over two types, not a run", graph.RelationQuery{Direction: graph.In}},
		{"by status, not a run", graph.RelationQuery{Types: []string{"acted-in"}, Status: []graph.Status{graph.Reported}}},
		{"reported by a date, statements rewritten", graph.RelationQuery{ReportedBy: "2005"}},
		{"nothing", graph.RelationQuery{Types: []string{"unknown"}}},
	}
	src := filmStore(10)
	c := New(src, 0)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, _ := src.Relations(t.Context(), "film", tc.q)
			for _, read := range []func() ([]graph.Statement, error){
				func() ([]graph.Statement, error) { return c.Relations(t.Context(), "film", tc.q) },
				func() ([]graph.Statement, error) {
					m, err := c.RelationsOf(t.Context(), []string{"film"}, tc.q)
					return m["film"], err
				},
			} {
				got, err := read()
				if err != nil {
					t.Fatal(err)
				}
				if got == nil || !reflect.DeepEqual(got, append([]graph.Statement{}, want...)) {
					t.Fatalf("got %+v, want %+v", got, want)
				}
				// What a caller appends stays its own.
				_ = append(got, graph.Statement{ID: "appended"})
			}
			all, _ := c.Relations(t.Context(), "film", graph.RelationQuery{})
			if len(all) != 12 || all[len(all)-1].ID != "s" {
				t.Errorf("the cached list changed: %+v", all)
			}
		})
	}
}

// TestRelationsOfOneTypeCostNoCopy checks that a list of one relation type
// in one direction, a run of the cached list, is answered without copying
// its statements: bytes allocated do not grow with the list.
func TestRelationsOfOneTypeCostNoCopy(t *testing.T) {
	src := filmStore(500)
	c := New(src, 0)
	q := graph.RelationQuery{Types: []string{"acted-in"}, Direction: graph.In}
	if rels, _ := c.Relations(t.Context(), "film", q); len(rels) != 500 {
		t.Fatalf("%d relations, want 500", len(rels))
	}
	const runs = 100
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		if _, err := c.Relations(t.Context(), "film", q); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	// A copy of the list is 500 statements of some 200 bytes each.
	if perCall := (after.TotalAlloc - before.TotalAlloc) / runs; perCall > 4096 {
		t.Errorf("%d bytes allocated a call, want the list not copied (at most 4096)", perCall)
	}
}
