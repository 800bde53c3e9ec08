package graphtest

import (
	"slices"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// testReportedBy checks RelationQuery.ReportedBy: only the claims reported
// by the date count, a claim without a said date is dated by its source's
// published date, a month counts for every day of it, and the status is
// derived from the claims that count.
func (s suite) testReportedBy(t *testing.T) {
	st := s.loaded(t)
	// A later, dated denial of the accusation only Pakistan made.
	denial := graph.Statement{ID: StAlleged, Subject: "afghanistan", Type: "backs", Object: "ttp", Claims: []graph.Claim{
		{ID: "c-afghanistan-denies", Source: SourceID, Claimant: "afghanistan", Stance: graph.Denies,
			Quote: "Afghanistan denies it.", Said: "2025-04-10"},
	}}
	mustApply(t, st, graph.Batch{Statements: []graph.Statement{denial}})
	type want struct {
		id     string
		status graph.Status
		claims int
	}
	for _, tc := range []struct {
		name   string
		entity string
		q      graph.RelationQuery
		want   []want
	}{
		{"before any claim nothing was reported", "ttp", graph.RelationQuery{ReportedBy: "2025-02"}, nil},
		{"a month-precision claim counts on the first day of its month", "ttp",
			graph.RelationQuery{ReportedBy: "2025-03-01", Claimant: "pakistan"},
			[]want{{StDisputed, graph.Disputed, 2}}},
		{"an undated claim counts from its source's published date", "ttp",
			graph.RelationQuery{ReportedBy: "2025-03-02", Direction: graph.In},
			[]want{{StReported, graph.Reported, 1}, {StAlleged, graph.Alleged, 1}, {StDisputed, graph.Disputed, 2}}},
		{"before the denial the accusation stands alone", "ttp",
			graph.RelationQuery{ReportedBy: "2025-04-09", Types: []string{"backs"}, Status: []graph.Status{graph.Alleged}},
			[]want{{StAlleged, graph.Alleged, 1}}},
		{"a month date counts the denial made within it", "ttp",
			graph.RelationQuery{ReportedBy: "2025-04", Types: []string{"backs"}},
			[]want{{StAlleged, graph.Disputed, 2}, {StDisputed, graph.Disputed, 2}}},
		{"the status filter sees the claims that count", "ttp",
			graph.RelationQuery{ReportedBy: "2025-04-09", Status: []graph.Status{graph.Disputed}},
			[]want{{StDisputed, graph.Disputed, 2}}},
		{"without reportedBy every claim counts", "afghanistan", graph.RelationQuery{Types: []string{"backs"}},
			[]want{{StAlleged, graph.Disputed, 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			check := func(what string, sts []graph.Statement) {
				t.Helper()
				var got []want
				for _, st := range sts {
					got = append(got, want{st.ID, st.Status(), len(st.Claims)})
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("%s(%s, %+v) = %+v, want %+v", what, tc.entity, tc.q, got, tc.want)
				}
			}
			got, err := st.Relations(t.Context(), tc.entity, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			check("Relations", got)
			batch, err := graph.RelationsOf(t.Context(), st, []string{tc.entity}, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			check("RelationsOf", batch[tc.entity])
		})
	}
	t.Run("a claim of no known report time never counts", func(t *testing.T) {
		undated := graph.Source{ID: "src-undated", Title: "An undated leaflet"}
		mustApply(t, st, graph.Batch{Sources: []graph.Source{undated}, Statements: []graph.Statement{{
			ID: StDenied, Subject: "india", Type: "backs", Object: "bla", Claims: []graph.Claim{
				{ID: "c-leaflet", Source: undated.ID, Claimant: "pakistan", Stance: graph.Asserts},
			}}}})
		got, err := st.Relations(t.Context(), "bla", graph.RelationQuery{ReportedBy: "2100", Types: []string{"backs"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != StDenied || len(got[0].Claims) != 1 || got[0].Claims[0].ID != "c-india-denies-bla" {
			t.Errorf("Relations(bla, reportedBy 2100) = %+v, want %s with only the dated denial", got, StDenied)
		}
	})
}
