package graphtest

import (
	"maps"
	"slices"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// This file holds the conformance tests of the Store methods the GraphQL
// API reads and writes through: relation filters, folded search, batched
// entity reads, sources, disputes, retraction and the ontology version.

func (s suite) testRelationFilters(t *testing.T) {
	st := s.loaded(t)
	for _, tc := range []struct {
		name   string
		entity string
		q      graph.RelationQuery
		want   []string
	}{
		{"claimant keeps statements with a claim by that entity", "ttp", graph.RelationQuery{Claimant: "india"},
			[]string{StDisputed}},
		{"claimant matches any claim of a statement", "ttp", graph.RelationQuery{Claimant: "pakistan"},
			[]string{StAlleged, StDisputed}},
		{"source keeps statements the source has claims on", "ttp", graph.RelationQuery{Source: SourceID},
			[]string{StReported, StAlleged, StDisputed}},
		{"unknown source keeps nothing", "ttp", graph.RelationQuery{Source: "nope"}, nil},
		{"asOf before a statement starts leaves it out", "ttp", graph.RelationQuery{AsOf: "2021-07"},
			[]string{StAlleged, StDisputed}},
		{"asOf a year overlapping the start keeps it", "ttp", graph.RelationQuery{AsOf: "2021"},
			[]string{StReported, StAlleged, StDisputed}},
		{"asOf inside the valid time keeps it", "pakistan", graph.RelationQuery{AsOf: "2025-06-15"},
			[]string{StOfficial}},
		{"asOf after the valid time ends leaves it out", "pakistan", graph.RelationQuery{AsOf: "2026"}, nil},
		{"asOf before the valid time starts leaves it out", "pakistan", graph.RelationQuery{AsOf: "2024-12"}, nil},
		{"filters combine", "ttp", graph.RelationQuery{Claimant: "pakistan", Status: []graph.Status{graph.Alleged}, Direction: graph.In},
			[]string{StAlleged}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.Relations(t.Context(), tc.entity, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tc.want) {
				t.Errorf("Relations(%s, %+v) = %v, want %v", tc.entity, tc.q, ids(got), tc.want)
			}
			// The same in a batch, beside an id of no entity and the
			// other end's list.
			batch, err := graph.RelationsOf(t.Context(), st, []string{tc.entity, "atlantis", "india", tc.entity}, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := batch["atlantis"]; ok || len(batch) != 2 {
				t.Errorf("RelationsOf answered for %d ids, want 2 (not atlantis)", len(batch))
			}
			if !slices.Equal(ids(batch[tc.entity]), tc.want) {
				t.Errorf("RelationsOf(%s, %+v) = %v, want %v", tc.entity, tc.q, ids(batch[tc.entity]), tc.want)
			}
			india, err := st.Relations(t.Context(), "india", tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(batch["india"]), ids(india)) {
				t.Errorf("RelationsOf(india, %+v) = %v, Relations %v", tc.q, ids(batch["india"]), ids(india))
			}
		})
	}
}

func (s suite) testSearch(t *testing.T) {
	st := s.loaded(t)
	mustApply(t, st, graph.Batch{Entities: []graph.Entity{
		{ID: "cote-divoire", Type: "Country", Name: "Côte d'Ivoire"},
		{ID: "germany", Type: "Country", Name: "Germany", Aliases: []graph.Alias{{Name: "Großdeutschland"}}},
	}})
	for _, tc := range []struct {
		name   string
		search string
		want   []string
	}{
		{"plain letters find a name with diacritics", "cote", []string{"cote-divoire"}},
		{"diacritics in the search match plain letters", "PÁKISTAN", []string{"pakistan", "ttp"}},
		{"case folding matches sharp s as ss", "grossdeutsch", []string{"germany"}},
		{"sharp s in the search matches", "Groß", []string{"germany"}},
		{"an exact name with diacritics finds itself", "Côte d'Ivoire", []string{"cote-divoire"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.Entities(t.Context(), graph.EntityQuery{Search: tc.search})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(entityIDs(got), tc.want) {
				t.Errorf("Entities(search %q) = %v, want %v", tc.search, entityIDs(got), tc.want)
			}
		})
	}
}

func (s suite) testEntitiesByID(t *testing.T) {
	st := s.loaded(t)
	want := map[string]graph.Entity{}
	for _, e := range FixtureEntities() {
		if e.ID == "ttp" || e.ID == "india" {
			want[e.ID] = e
		}
	}
	t.Run("known ids read back exactly, unknown ones are absent", func(t *testing.T) {
		got, err := st.EntitiesByID(t.Context(), []string{"ttp", "atlantis", "india", "ttp"})
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "entities", got, want)
	})
	t.Run("no ids give an empty map", func(t *testing.T) {
		got, err := st.EntitiesByID(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("got %v, want nothing", got)
		}
	})
}

// secondSource is a source the tests add next to the fixture's, with a
// claim of its own on the disputed statement and one on a new statement.
func secondSource() graph.Batch {
	return graph.Batch{
		Sources: []graph.Source{{ID: "agency-2025", Title: "Agency wire"}},
		Statements: []graph.Statement{
			{ID: StDisputed, Subject: "india", Type: "backs", Object: "ttp", Claims: []graph.Claim{
				{ID: "c-agency-india", Source: "agency-2025", Claimant: "pakistan", Stance: graph.Asserts}}},
			{ID: "afghanistan-backs-bla", Subject: "afghanistan", Type: "backs", Object: "bla", Claims: []graph.Claim{
				{ID: "c-agency-bla", Source: "agency-2025", Claimant: "pakistan", Stance: graph.Asserts}}},
		},
	}
}

func (s suite) testSources(t *testing.T) {
	st := s.loaded(t)
	mustApply(t, st, secondSource())
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		q    graph.Page
		want []string
	}{
		{"every source ordered by id", graph.Page{}, []string{"agency-2025", SourceID}},
		{"limit caps the page", graph.Page{Limit: 1}, []string{"agency-2025"}},
		{"after starts past the cursor", graph.Page{After: "agency-2025"}, []string{SourceID}},
		{"after the last id is empty", graph.Page{After: SourceID}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.Sources(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []string
			for _, s := range got {
				gotIDs = append(gotIDs, s.ID)
			}
			if !slices.Equal(gotIDs, tc.want) {
				t.Errorf("Sources(%+v) = %v, want %v", tc.q, gotIDs, tc.want)
			}
		})
	}
	t.Run("listed sources carry every field", func(t *testing.T) {
		got, err := st.Sources(ctx, graph.Page{After: "agency-2025"})
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "sources", got, []graph.Source{FixtureSource()})
	})
	t.Run("claims of a source carry their statements, ordered", func(t *testing.T) {
		got, err := st.ClaimsBySource(ctx, "agency-2025")
		if err != nil {
			t.Fatal(err)
		}
		want := []graph.StatementClaim{
			{Statement: "afghanistan-backs-bla", Claim: secondSource().Statements[1].Claims[0]},
			{Statement: StDisputed, Claim: secondSource().Statements[0].Claims[0]},
		}
		deepEqual(t, "claims", got, want)
	})
	t.Run("the fixture's source reports every fixture claim", func(t *testing.T) {
		got, err := st.ClaimsBySource(ctx, SourceID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, st := range wantStatements() {
			n += len(st.Claims)
		}
		if len(got) != n {
			t.Errorf("got %d claims, want %d", len(got), n)
		}
	})
	t.Run("claims of an unknown source are not_found", func(t *testing.T) {
		_, err := st.ClaimsBySource(ctx, "nope")
		wantCode(t, err, graph.NotFound)
	})
}

func (s suite) testDisputes(t *testing.T) {
	st := s.loaded(t)
	ctx := t.Context()
	t.Run("only the statement asserted and denied is a dispute", func(t *testing.T) {
		got, err := st.Disputes(ctx, graph.Page{})
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "disputes", got, wantStatements()[:1])
	})
	// Pakistan now accuses India of backing the BLA too: that denial
	// becomes a second dispute.
	mustApply(t, st, graph.Batch{Statements: []graph.Statement{{ID: StDenied, Subject: "india", Type: "backs", Object: "bla",
		Claims: []graph.Claim{{ID: "c-pakistan-bla", Source: SourceID, Claimant: "pakistan", Stance: graph.Asserts}}}}})
	for _, tc := range []struct {
		name string
		q    graph.Page
		want []string
	}{
		{"a denied statement that gains an assertion is disputed", graph.Page{}, []string{StDenied, StDisputed}},
		{"limit caps the page", graph.Page{Limit: 1}, []string{StDenied}},
		{"after starts past the cursor", graph.Page{After: StDenied}, []string{StDisputed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.Disputes(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tc.want) {
				t.Errorf("Disputes(%+v) = %v, want %v", tc.q, ids(got), tc.want)
			}
		})
	}
}

func (s suite) testRetractClaim(t *testing.T) {
	st := s.loaded(t)
	ctx := t.Context()
	t.Run("unknown claim is not_found and changes nothing", func(t *testing.T) {
		before := snap(t, st)
		_, err := st.RetractClaim(ctx, "nope")
		wantCode(t, err, graph.NotFound)
		deepEqual(t, "store", snap(t, st), before)
	})
	t.Run("retracting one of two claims keeps the statement", func(t *testing.T) {
		sum, err := st.RetractClaim(ctx, "c-india-denies")
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "summary", sum, graph.Summary{Removed: 1})
		got, err := st.Statement(ctx, StDisputed)
		if err != nil {
			t.Fatal(err)
		}
		want := wantStatements()[0]
		want.Claims = want.Claims[1:]
		deepEqual(t, "statement", got, want)
		if got.Status() != graph.Alleged {
			t.Errorf("status = %s, want ALLEGED once the denial is gone", got.Status())
		}
	})
	t.Run("retracting the last claim removes the statement and its edge", func(t *testing.T) {
		sum, err := st.RetractClaim(ctx, "c-pakistan-accuses-afghanistan")
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "summary", sum, graph.Summary{Removed: 2})
		_, err = st.Statement(ctx, StAlleged)
		wantCode(t, err, graph.NotFound)
		rels, err := st.Relations(ctx, "afghanistan", graph.RelationQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rels) != 0 {
			t.Errorf("afghanistan keeps relations %v", ids(rels))
		}
		if _, err := st.Entity(ctx, "afghanistan"); err != nil {
			t.Errorf("the entity went with its statement: %v", err)
		}
	})
	t.Run("a retracted claim is not_found the second time", func(t *testing.T) {
		_, err := st.RetractClaim(ctx, "c-india-denies")
		wantCode(t, err, graph.NotFound)
	})
	t.Run("applying the fixture again restores exactly what was retracted", func(t *testing.T) {
		sum := mustApply(t, st, Fixture())
		if sum.Added != 3 {
			t.Errorf("summary = %+v, want 3 added (two claims and a statement)", sum)
		}
		fresh := s.loaded(t)
		deepEqual(t, "store", snap(t, st), snap(t, fresh))
	})
}

func (s suite) testRetractSource(t *testing.T) {
	st := s.loaded(t)
	mustApply(t, st, secondSource())
	ctx := t.Context()
	t.Run("unknown source is not_found and changes nothing", func(t *testing.T) {
		before := snap(t, st)
		_, err := st.RetractSource(ctx, "nope")
		wantCode(t, err, graph.NotFound)
		deepEqual(t, "store", snap(t, st), before)
	})
	t.Run("retracting a source removes it, its claims and the statements left bare", func(t *testing.T) {
		sum, err := st.RetractSource(ctx, "agency-2025")
		if err != nil {
			t.Fatal(err)
		}
		// The source, its two claims and the statement only it supported.
		deepEqual(t, "summary", sum, graph.Summary{Removed: 4})
		_, err = st.Source(ctx, "agency-2025")
		wantCode(t, err, graph.NotFound)
		_, err = st.Statement(ctx, "afghanistan-backs-bla")
		wantCode(t, err, graph.NotFound)
		got, err := st.Statement(ctx, StDisputed)
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "statement the other source supports", got, wantStatements()[0])
		fresh := s.loaded(t)
		deepEqual(t, "store", snap(t, st), snap(t, fresh))
	})
	t.Run("retracting the only source leaves entities and types", func(t *testing.T) {
		sum, err := st.RetractSource(ctx, SourceID)
		if err != nil {
			t.Fatal(err)
		}
		want := 1 + len(wantStatements())
		for _, s := range wantStatements() {
			want += len(s.Claims)
		}
		deepEqual(t, "summary", sum, graph.Summary{Removed: want})
		sn := snap(t, st)
		deepEqual(t, "entities", sn.Entities, FixtureEntities())
		for id, rels := range sn.Relations {
			if len(rels) > 0 {
				t.Errorf("%s keeps relations %v", id, ids(rels))
			}
		}
		srcs, err := st.Sources(ctx, graph.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(srcs) != 0 {
			t.Errorf("sources left: %+v", srcs)
		}
		deepEqual(t, "ontology", sn.Ontology, sortedOntology(FixtureOntology()))
	})
}

func (s suite) testOntologyVersion(t *testing.T) {
	st := s.fresh(t)
	ctx := t.Context()
	version := func(t *testing.T) string {
		t.Helper()
		v, err := st.OntologyVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	seen := map[string]bool{}
	t.Run("empty store has no version", func(t *testing.T) {
		if v := version(t); v != "" {
			t.Errorf("version = %q, want empty", v)
		}
	})
	mustApply(t, st, Fixture())
	first := version(t)
	seen[first] = true
	t.Run("writing an ontology sets a version", func(t *testing.T) {
		if first == "" {
			t.Error("version is empty after the ontology was written")
		}
	})
	t.Run("writes that leave the ontology alone keep the version", func(t *testing.T) {
		mustApply(t, st, Fixture())
		mustApply(t, st, secondSource())
		if v := version(t); v != first {
			t.Errorf("version = %q, want %q", v, first)
		}
	})
	for _, tc := range []struct {
		name string
		ont  graph.Ontology
	}{
		{"a new relation type changes the version", graph.Ontology{RelationTypes: []graph.RelationType{{Name: "hosts-talks"}}}},
		{"an edited type changes the version", graph.Ontology{EntityTypes: []graph.EntityType{{Name: "Official", Description: "Holds office."}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mustApply(t, st, graph.Batch{Ontology: tc.ont})
			v := version(t)
			if seen[v] {
				t.Errorf("version %q was seen before", v)
			}
			seen[v] = true
		})
	}
	if len(seen) != 3 {
		t.Errorf("versions seen: %v", slices.Sorted(maps.Keys(seen)))
	}
}
