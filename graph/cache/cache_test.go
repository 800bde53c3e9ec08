package cache

import (
	"context"
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
