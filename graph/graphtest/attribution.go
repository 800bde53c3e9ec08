package graphtest

import (
	"context"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

// testAttribution checks who-wrote-what: every item a write adds records
// its author and time; a re-apply of the same content by someone else
// records nothing new; a change records its author and keeps the creator.
func (s suite) testAttribution(t *testing.T) {
	st := s.fresh(t)
	start := time.Now().Add(-time.Second)
	ana := graph.WithAuthor(t.Context(), "ana")
	bob := graph.WithAuthor(t.Context(), "bob")
	if _, err := st.Apply(ana, Fixture(), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	by := func(a graph.Attribution) string { return a.By }
	recent := func(t *testing.T, what string, a graph.Attribution) {
		t.Helper()
		if a.At.Before(start) || a.At.After(time.Now().Add(time.Minute)) {
			t.Errorf("%s recorded at %v, want about now", what, a.At)
		}
	}
	read := func(t *testing.T) (graph.Entity, graph.Statement, graph.Source) {
		t.Helper()
		e, err := st.Entity(t.Context(), "india")
		if err != nil {
			t.Fatal(err)
		}
		s, err := st.Statement(t.Context(), StDisputed)
		if err != nil {
			t.Fatal(err)
		}
		src, err := st.Source(t.Context(), SourceID)
		if err != nil {
			t.Fatal(err)
		}
		return e, s, src
	}
	e0, s0, src0 := read(t)
	t.Run("an added item records its author and time", func(t *testing.T) {
		deepEqual(t, "entity by", []string{by(e0.Created), by(e0.Recorded)}, []string{"ana", "ana"})
		deepEqual(t, "statement by", []string{by(s0.Created), by(s0.Recorded)}, []string{"ana", "ana"})
		deepEqual(t, "source by", by(src0.Recorded), "ana")
		for _, c := range s0.Claims {
			deepEqual(t, "claim "+c.ID+" by", by(c.Recorded), "ana")
			recent(t, "claim", c.Recorded)
		}
		recent(t, "entity", e0.Recorded)
	})
	t.Run("re-applying the same content records nothing new", func(t *testing.T) {
		sum, err := st.Apply(bob, Fixture(), graph.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Changes() {
			t.Errorf("summary %+v, want no change", sum)
		}
		e, s, src := read(t)
		deepEqual(t, "entity", e, e0)
		deepEqual(t, "statement", s, s0)
		deepEqual(t, "source", src, src0)
	})
	t.Run("a change records its author and keeps the creator", func(t *testing.T) {
		e := e0
		e.Name = "Republic of India"
		e.Created, e.Recorded = graph.Attribution{}, graph.Attribution{}
		if _, err := st.Apply(bob, graph.Batch{Entities: []graph.Entity{e}}, graph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		got, _, _ := read(t)
		deepEqual(t, "created, recorded by", []string{by(got.Created), by(got.Recorded)}, []string{"ana", "bob"})
		deepEqual(t, "created at", got.Created.At, e0.Created.At)
	})
	t.Run("a write without an author records none", func(t *testing.T) {
		b := graph.Batch{Entities: []graph.Entity{{ID: "iran", Type: "Country", Name: "Iran"}}}
		mustApply(t, st, b)
		e, err := st.Entity(t.Context(), "iran")
		if err != nil {
			t.Fatal(err)
		}
		if !e.Created.IsZero() || !e.Recorded.IsZero() {
			t.Errorf("attribution %+v %+v, want none", e.Created, e.Recorded)
		}
	})
	t.Run("KeepAttribution restores what the batch carries", func(t *testing.T) {
		when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
		kept := graph.Attribution{By: "carol", At: when}
		b := graph.Batch{Entities: []graph.Entity{{ID: "nepal", Type: "Country", Name: "Nepal", Created: kept, Recorded: kept}}}
		if _, err := st.Apply(bob, b, graph.ApplyOptions{KeepAttribution: true}); err != nil {
			t.Fatal(err)
		}
		e, err := st.Entity(t.Context(), "nepal")
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "attribution", []graph.Attribution{e.Created, e.Recorded}, []graph.Attribution{kept, kept})
	})
}

// testAttribution checks that a bulk import records its author once, on
// the import, and that its statements and claims read it from there.
func (s bulkSuite) testAttribution(t *testing.T) {
	st := s.fresh(t)
	if _, err := st.Import(graph.WithAuthor(t.Context(), "ivan"), MovieImport(), graph.BulkOptions{}); err != nil {
		t.Fatal(err)
	}
	stmt, err := st.Statement(context.WithoutCancel(t.Context()), graph.DefaultStatementID("bogart", "acted-in", "casablanca"))
	if err != nil {
		t.Fatal(err)
	}
	if stmt.Recorded.By != "ivan" || stmt.Recorded.At.IsZero() {
		t.Errorf("statement recorded %+v, want by ivan", stmt.Recorded)
	}
	for _, c := range stmt.Claims {
		if c.Recorded.By != "ivan" || c.Recorded.At.IsZero() {
			t.Errorf("claim %s recorded %+v, want by ivan", c.ID, c.Recorded)
		}
	}
	src, err := st.Source(t.Context(), "movies")
	if err != nil {
		t.Fatal(err)
	}
	if src.Recorded.By != "ivan" {
		t.Errorf("source recorded %+v, want by ivan", src.Recorded)
	}
}
