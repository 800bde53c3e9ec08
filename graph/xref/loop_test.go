package xref_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/path"
	"github.com/claimgraph/claimgraph/seed"
)

func export(tb testing.TB, st *cayley.Store) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := st.WriteNQuads(tb.Context(), &buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// merges are the true pairs, kept entity first, in the order merged.
var merges = [][2]string{
	{"ttp", "tehrik-i-taliban-pakistan"},
	{"afghan-taliban", "islamic-emirate-of-afghanistan"},
	{"bla", "balochistan-liberation-army"},
}

func mergeAll(tb testing.TB, st *cayley.Store) {
	tb.Helper()
	for _, m := range merges {
		if _, err := st.Merge(tb.Context(), m[0], []string{m[1]}, "tester"); err != nil {
			tb.Fatal(err)
		}
	}
}

// sourcesOf returns the sources cited by the claims of a hop.
func sourcesOf(h path.Hop) []string {
	var out []string
	for _, c := range h.Statement.Claims {
		if !slices.Contains(out, c.Source) {
			out = append(out, c.Source)
		}
	}
	slices.Sort(out)
	return out
}

func TestMergeJoinsPathsAndUnmergeRestores(t *testing.T) {
	ctx := t.Context()
	st := openSeeded(t)
	before := export(t, st)
	ont, err := st.Ontology(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mergeAll(t, st)

	// India → Afghan Taliban: every hop now carries both reports.
	paths, err := path.ShortestPaths(ctx, path.StoreNeighbors(st, ont), path.PathQuery{From: "india", To: "afghan-taliban"})
	if err != nil || len(paths) == 0 {
		t.Fatalf("paths %v, %v", paths, err)
	}
	for _, h := range paths[0].Hops {
		if got := sourcesOf(h); !slices.Equal(got, []string{"src-86013d487e35f14f", "src-second-report"}) {
			t.Errorf("hop %s → %s (%s) cites %v, want both reports", h.From, h.To, h.Statement.ID, got)
		}
	}
	// Nothing dropped: the joined statement holds the claims of both.
	rels, err := st.Relations(ctx, "tehrik-i-taliban-pakistan", graph.RelationQuery{Types: []string{"accused-of-backing"}, Direction: graph.In})
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 2 || len(rels[slices.IndexFunc(rels, func(s graph.Statement) bool { return s.Subject == "india" })].Claims) != 3 {
		t.Errorf("relations of the merged id: %+v", rels)
	}
	e, err := st.Entity(ctx, "tehrik-i-taliban-pakistan")
	if err != nil || e.ID != "ttp" || !slices.Contains(e.Aliases, graph.Alias{Name: "Tehrik-i-Taliban Pakistan"}) {
		t.Errorf("entity of the merged id: %+v, %v", e, err)
	}

	t.Run("unmerging out of order is refused and changes nothing", func(t *testing.T) {
		mid := export(t, st)
		_, err := st.Unmerge(ctx, "tehrik-i-taliban-pakistan")
		if graph.ErrorCode(err) != graph.Conflict {
			t.Fatalf("unmerge: %v, want conflict", err)
		}
		if !bytes.Equal(mid, export(t, st)) {
			t.Error("a refused unmerge changed the store")
		}
	})
	for _, m := range slices.Backward(merges) {
		if _, err := st.Unmerge(ctx, m[1]); err != nil {
			t.Fatal(err)
		}
	}
	if after := export(t, st); !bytes.Equal(before, after) {
		t.Errorf("export after merge and unmerge differs from before:\n%s\n----\n%s", before, after)
	}
}

func TestMergedIDsKeepWorking(t *testing.T) {
	ctx := t.Context()
	st := openSeeded(t)
	mergeAll(t, st)
	t.Run("the second report seeded again changes nothing", func(t *testing.T) {
		second, err := seed.ReadFiles("testdata/second-report.yaml")
		if err != nil {
			t.Fatal(err)
		}
		sum, err := seed.Load(ctx, st, graph.ApplyOptions{}, second...)
		if err != nil || sum.Changes() {
			t.Fatalf("reseed: %+v, %v", sum, err)
		}
	})
	t.Run("a later file that names a merged id lands on the kept entity", func(t *testing.T) {
		later := seed.Input{Name: "later.yaml", Data: []byte(`
sources: [{id: src-later, title: A later report}]
statements:
  - {subject: tehrik-i-taliban-pakistan, relation: refuge-in, object: afghanistan,
     claims: [{source: src-later, quote: TTP fighters shelter across the border}]}
`)}
		if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, later); err != nil {
			t.Fatal(err)
		}
		rels, err := st.Relations(ctx, "ttp", graph.RelationQuery{Types: []string{"refuge-in"}})
		if err != nil || len(rels) != 1 || len(rels[0].Claims) != 2 {
			t.Fatalf("refuge-in of ttp: %+v, %v", rels, err)
		}
	})
	t.Run("an entity of another type cannot be merged", func(t *testing.T) {
		_, err := st.Merge(ctx, "ttp", []string{"pakistan"}, "tester")
		if graph.ErrorCode(err) != graph.Invalid {
			t.Fatalf("merge: %v, want invalid", err)
		}
	})
	t.Run("a merged id cannot be merged again", func(t *testing.T) {
		_, err := st.Merge(ctx, "bla", []string{"balochistan-liberation-army"}, "tester")
		if graph.ErrorCode(err) != graph.Invalid {
			t.Fatalf("merge: %v, want invalid", err)
		}
	})
	t.Run("an unknown id is not found", func(t *testing.T) {
		_, err := st.Merge(ctx, "ttp", []string{"no-such-group"}, "tester")
		if graph.ErrorCode(err) != graph.NotFound {
			t.Fatalf("merge: %v, want not found", err)
		}
	})
}
