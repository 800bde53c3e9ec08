package graphtest

import (
	"slices"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// secondSource returns a batch with a second source that adds one claim to
// the fixture's disputed statement and is alone in reporting a new one.
func secondSource() graph.Batch {
	return graph.Batch{
		Sources: []graph.Source{{ID: "second", Title: "A second report"}},
		Statements: []graph.Statement{
			{ID: StDisputed, Subject: "india", Type: "backs", Object: "ttp", Claims: []graph.Claim{
				{ID: "c-second-reports", Source: "second", Stance: graph.Asserts, Quote: "India backs the TTP."},
			}},
			{ID: "afghanistan-backs-bla", Subject: "afghanistan", Type: "backs", Object: "bla", Claims: []graph.Claim{
				{ID: "c-second-afghanistan", Source: "second", Claimant: "pakistan", Stance: graph.Asserts},
				{ID: "c-second-afghanistan-denies", Source: "second", Claimant: "afghanistan", Stance: graph.Denies},
			}},
		},
	}
}

func (s suite) testRetractSource(t *testing.T) {
	ctx := t.Context()
	t.Run("retracting a source removes its claims and the statements left without any", func(t *testing.T) {
		st := s.loaded(t)
		before := snap(t, st)
		mustApply(t, st, secondSource())
		sum, err := st.RetractSource(ctx, "second")
		if err != nil {
			t.Fatalf("RetractSource: %v", err)
		}
		// Three claims and the statement only the second source reported.
		deepEqual(t, "summary", sum, graph.Summary{Removed: 4})
		after := snap(t, st)
		deepEqual(t, "store after retraction", after, before)
		if _, err := st.Statement(ctx, "afghanistan-backs-bla"); graph.ErrorCode(err) != graph.NotFound {
			t.Errorf("Statement(afghanistan-backs-bla) error = %v, want %s", err, graph.NotFound)
		}
		if _, err := st.Source(ctx, "second"); err != nil {
			t.Errorf("Source(second) = %v, want the source kept", err)
		}
	})
	t.Run("statement keeps the claims of other sources", func(t *testing.T) {
		st := s.loaded(t)
		mustApply(t, st, secondSource())
		if _, err := st.RetractSource(ctx, "second"); err != nil {
			t.Fatal(err)
		}
		got, err := st.Statement(ctx, StDisputed)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(got.Claims, func(c graph.Claim) bool { return c.Source == "second" }) || len(got.Claims) != 2 {
			t.Errorf("claims = %+v, want the fixture's two only", got.Claims)
		}
	})
	t.Run("retracting twice changes nothing the second time", func(t *testing.T) {
		st := s.loaded(t)
		mustApply(t, st, secondSource())
		if _, err := st.RetractSource(ctx, "second"); err != nil {
			t.Fatal(err)
		}
		sum, err := st.RetractSource(ctx, "second")
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "summary", sum, graph.Summary{})
	})
	t.Run("retracting the only source empties the relations", func(t *testing.T) {
		st := s.loaded(t)
		if _, err := st.RetractSource(ctx, SourceID); err != nil {
			t.Fatal(err)
		}
		for _, e := range FixtureEntities() {
			rels, err := st.Relations(ctx, e.ID, graph.RelationQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rels) != 0 {
				t.Errorf("Relations(%s) = %v, want none", e.ID, ids(rels))
			}
		}
		// The statements can be given again.
		sum := mustApply(t, st, Fixture())
		if sum.Added != 13 {
			t.Errorf("re-applying the fixture: %+v, want 6 statements and 7 claims added", sum)
		}
	})
	t.Run("unknown source is not found", func(t *testing.T) {
		st := s.loaded(t)
		_, err := st.RetractSource(ctx, "no-such-source")
		wantCode(t, err, graph.NotFound)
	})
}
