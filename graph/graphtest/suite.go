package graphtest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

// TestStore runs the conformance suite against the stores open returns.
// open must return a new, empty store for each call; the suite closes it.
func TestStore(t *testing.T, open func(t testing.TB) graph.Store) {
	s := suite{open: open}
	t.Run("ReadBack", s.testReadBack)
	t.Run("Status", s.testStatus)
	t.Run("Relations", s.testRelations)
	t.Run("Entities", s.testEntities)
	t.Run("NotFound", s.testNotFound)
	t.Run("Invalid", s.testInvalid)
	t.Run("Conflict", s.testConflict)
	t.Run("Idempotence", s.testIdempotence)
	t.Run("Update", s.testUpdate)
	t.Run("DryRun", s.testDryRun)
	t.Run("OntologyMerge", s.testOntologyMerge)
	t.Run("Concurrency", s.testConcurrency)
	t.Run("Create", s.testCreate)
	t.Run("IfUnchanged", s.testIfUnchanged)
	t.Run("ClaimsOnly", s.testClaimsOnly)
	t.Run("ConcurrentCreate", s.testConcurrentCreate)
	t.Run("ConcurrentUpdate", s.testConcurrentUpdate)
	t.Run("Cancel", s.testCancel)
	t.Run("RelationFilters", s.testRelationFilters)
	t.Run("ReportedBy", s.testReportedBy)
	t.Run("Search", s.testSearch)
	t.Run("EntitiesByID", s.testEntitiesByID)
	t.Run("Sources", s.testSources)
	t.Run("Disputes", s.testDisputes)
	t.Run("RetractClaim", s.testRetractClaim)
	t.Run("RetractSource", s.testRetractSource)
	t.Run("OntologyVersion", s.testOntologyVersion)
	t.Run("Attribution", s.testAttribution)
	t.Run("Audit", s.testAudit)
	t.Run("Feed", s.testFeed)
}

type suite struct {
	open func(t testing.TB) graph.Store
}

// fresh opens an empty store that is closed when the test ends.
func (s suite) fresh(t *testing.T) graph.Store { return closedAtEnd(t, s.open(t)) }

// closedAtEnd closes st when the test ends, failing it if Close fails.
func closedAtEnd[S interface{ Close() error }](t *testing.T, st S) S {
	t.Helper()
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return st
}

// loaded opens a store holding the fixture.
func (s suite) loaded(t *testing.T) graph.Store {
	t.Helper()
	st := s.fresh(t)
	mustApply(t, st, Fixture())
	return st
}

func mustApply(t testing.TB, st graph.Store, b graph.Batch) graph.Summary {
	t.Helper()
	sum, err := st.Apply(t.Context(), b, graph.ApplyOptions{})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return sum
}

// wantCode fails the test unless err has the given graph error code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := graph.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
}

func deepEqual(t testing.TB, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

func ids(sts []graph.Statement) []string {
	out := make([]string, len(sts))
	for i, st := range sts {
		out[i] = st.ID
	}
	return out
}

func entityIDs(es []graph.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// sortedOntology returns o as a Store returns it: types and their lists
// sorted.
func sortedOntology(o graph.Ontology) graph.Ontology {
	o = o.Merge(graph.Ontology{})
	for i := range o.RelationTypes {
		rt := &o.RelationTypes[i]
		rt.Subject, rt.Object, rt.Attributes = slices.Sorted(slices.Values(rt.Subject)),
			slices.Sorted(slices.Values(rt.Object)), slices.Sorted(slices.Values(rt.Attributes))
		rt.Cues = slices.Sorted(slices.Values(rt.Cues))
	}
	return o
}

// snapshot is everything a store tells about the fixture's items and the
// ones the tests add.
type snapshot struct {
	Ontology   graph.Ontology
	Entities   []graph.Entity
	Relations  map[string][]graph.Statement
	Statements map[string]graph.Statement
	Sources    map[string]graph.Source
}

// snap reads the whole store through its public methods.
func snap(t testing.TB, st graph.Store) snapshot {
	t.Helper()
	ctx := t.Context()
	var sn snapshot
	var err error
	if sn.Ontology, err = st.Ontology(ctx); err != nil {
		t.Fatalf("Ontology: %v", err)
	}
	if sn.Entities, err = st.Entities(ctx, graph.EntityQuery{}); err != nil {
		t.Fatalf("Entities: %v", err)
	}
	sn.Relations = map[string][]graph.Statement{}
	sn.Statements = map[string]graph.Statement{}
	sn.Sources = map[string]graph.Source{}
	for _, e := range sn.Entities {
		rels, err := st.Relations(ctx, e.ID, graph.RelationQuery{})
		if err != nil {
			t.Fatalf("Relations(%s): %v", e.ID, err)
		}
		sn.Relations[e.ID] = rels
		for _, r := range rels {
			sn.Statements[r.ID] = r
			for _, c := range r.Claims {
				if _, ok := sn.Sources[c.Source]; ok {
					continue
				}
				src, err := st.Source(ctx, c.Source)
				if err != nil {
					t.Fatalf("Source(%s): %v", c.Source, err)
				}
				sn.Sources[c.Source] = src
			}
		}
	}
	return sn
}

func (s suite) testReadBack(t *testing.T) {
	st := s.fresh(t)
	ctx := t.Context()
	t.Run("empty store has an empty ontology and no entities", func(t *testing.T) {
		ont, err := st.Ontology(ctx)
		if err != nil {
			t.Fatal(err)
		}
		es, err := st.Entities(ctx, graph.EntityQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ont.EntityTypes)+len(ont.RelationTypes)+len(es) != 0 {
			t.Errorf("empty store: ontology %+v, entities %+v", ont, es)
		}
	})
	sum := mustApply(t, st, Fixture())
	deepEqual(t, "first Apply summary", sum, graph.Summary{Added: FixtureItems})

	t.Run("ontology reads back sorted", func(t *testing.T) {
		got, err := st.Ontology(ctx)
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "ontology", got, sortedOntology(FixtureOntology()))
	})
	t.Run("every entity reads back exactly, aliases in order", func(t *testing.T) {
		for _, want := range FixtureEntities() {
			got, err := st.Entity(ctx, want.ID)
			if err != nil {
				t.Fatalf("Entity(%s): %v", want.ID, err)
			}
			deepEqual(t, "entity "+want.ID, got, want)
		}
	})
	t.Run("source reads back exactly", func(t *testing.T) {
		got, err := st.Source(ctx, SourceID)
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "source", got, FixtureSource())
	})
	t.Run("every statement reads back exactly with its claims", func(t *testing.T) {
		for _, want := range wantStatements() {
			got, err := st.Statement(ctx, want.ID)
			if err != nil {
				t.Fatalf("Statement(%s): %v", want.ID, err)
			}
			deepEqual(t, "statement "+want.ID, got, want)
		}
	})
	t.Run("default statement and claim ids are derived", func(t *testing.T) {
		got, err := st.Statement(ctx, StDefaultID)
		if err != nil {
			t.Fatal(err)
		}
		wantClaim := graph.DefaultClaimID(StDefaultID, SourceID, "pakistan")
		if len(got.Claims) != 1 || got.Claims[0].ID != wantClaim {
			t.Errorf("claims = %+v, want one with id %q", got.Claims, wantClaim)
		}
	})
	t.Run("caller's batch is not modified", func(t *testing.T) {
		b := Fixture()
		mustApply(t, st, b)
		deepEqual(t, "batch after Apply", b, Fixture())
	})
}

func (s suite) testStatus(t *testing.T) {
	st := s.loaded(t)
	for id, want := range map[string]graph.Status{
		StDisputed:  graph.Disputed,
		StAlleged:   graph.Alleged,
		StReported:  graph.Reported,
		StDenied:    graph.Denied,
		StOfficial:  graph.Reported,
		StDefaultID: graph.Alleged,
	} {
		t.Run(fmt.Sprintf("%s is %s", id, want), func(t *testing.T) {
			got, err := st.Statement(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status() != want {
				t.Errorf("status = %s, want %s", got.Status(), want)
			}
		})
	}
}

func (s suite) testRelations(t *testing.T) {
	st := s.loaded(t)
	for _, tc := range []struct {
		name   string
		entity string
		q      graph.RelationQuery
		want   []string
	}{
		{"both directions ordered by type, subject, object, id", "ttp", graph.RelationQuery{},
			[]string{StReported, StAlleged, StDisputed}},
		{"zero query equals BOTH", "ttp", graph.RelationQuery{Direction: graph.Both},
			[]string{StReported, StAlleged, StDisputed}},
		{"OUT keeps statements whose subject is the entity", "india", graph.RelationQuery{Direction: graph.Out},
			[]string{StDenied, StDisputed}},
		{"IN of a subject-only entity is empty", "india", graph.RelationQuery{Direction: graph.In}, nil},
		{"IN keeps statements whose object is the entity", "ttp", graph.RelationQuery{Direction: graph.In},
			[]string{StReported, StAlleged, StDisputed}},
		{"symmetric relation is seen OUT from its object", "afghan-taliban", graph.RelationQuery{Direction: graph.Out},
			[]string{StDefaultID, StReported}},
		{"symmetric relation is seen IN at its subject", "ttp", graph.RelationQuery{Direction: graph.In, Types: []string{"allied-with"}},
			[]string{StReported}},
		{"type filter keeps only listed types", "pakistan", graph.RelationQuery{Types: []string{"official-of"}},
			[]string{StOfficial}},
		{"type filter with no match is empty", "pakistan", graph.RelationQuery{Types: []string{"backs"}}, nil},
		{"status filter keeps DISPUTED only", "ttp", graph.RelationQuery{Status: []graph.Status{graph.Disputed}},
			[]string{StDisputed}},
		{"status filter keeps ALLEGED and DENIED", "india", graph.RelationQuery{Status: []graph.Status{graph.Alleged, graph.Denied}},
			[]string{StDenied}},
		{"claims of other entities do not make relations", "pakistan", graph.RelationQuery{},
			[]string{StOfficial}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.Relations(t.Context(), tc.entity, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tc.want) {
				t.Errorf("Relations(%s, %+v) = %v, want %v", tc.entity, tc.q, ids(got), tc.want)
			}
		})
	}
	t.Run("relations carry their claims", func(t *testing.T) {
		got, err := st.Relations(t.Context(), "india", graph.RelationQuery{Types: []string{"backs"}, Status: []graph.Status{graph.Disputed}})
		if err != nil {
			t.Fatal(err)
		}
		want := wantStatements()[0]
		if len(got) != 1 {
			t.Fatalf("got %d relations, want 1", len(got))
		}
		deepEqual(t, "relation", got[0], want)
	})
}

func (s suite) testEntities(t *testing.T) {
	st := s.loaded(t)
	all := entityIDs(FixtureEntities())
	for _, tc := range []struct {
		name string
		q    graph.EntityQuery
		want []string
	}{
		{"no filter lists every entity ordered by id", graph.EntityQuery{}, all},
		{"type keeps entities of that type", graph.EntityQuery{Type: "Country"}, []string{"afghanistan", "india", "pakistan"}},
		{"unknown type finds nothing", graph.EntityQuery{Type: "Planet"}, nil},
		{"search matches the name case-insensitively", graph.EntityQuery{Search: "TALIBAN"}, []string{"afghan-taliban", "ttp"}},
		{"search matches an alias", graph.EntityQuery{Search: "khawarij"}, []string{"ttp"}},
		{"search with type combines both", graph.EntityQuery{Type: "Country", Search: "stan"}, []string{"afghanistan", "pakistan"}},
		{"search with no match finds nothing", graph.EntityQuery{Search: "atlantis"}, nil},
		{"limit caps the first page", graph.EntityQuery{Limit: 2}, all[:2]},
		{"after starts past the cursor", graph.EntityQuery{After: all[1], Limit: 2}, all[2:4]},
		{"after the last id is empty", graph.EntityQuery{After: all[len(all)-1]}, nil},
		{"limit applies after search", graph.EntityQuery{Search: "a", Limit: 1}, all[:1]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.Entities(t.Context(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(entityIDs(got), tc.want) {
				t.Errorf("Entities(%+v) = %v, want %v", tc.q, entityIDs(got), tc.want)
			}
		})
	}
	t.Run("paging visits every entity once", func(t *testing.T) {
		var seen []string
		after := ""
		for range len(all) + 1 {
			page, err := st.Entities(t.Context(), graph.EntityQuery{After: after, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			seen = append(seen, entityIDs(page)...)
			after = page[len(page)-1].ID
		}
		if !slices.Equal(seen, all) {
			t.Errorf("pages = %v, want %v", seen, all)
		}
	})
	t.Run("listed entities carry every field", func(t *testing.T) {
		got, err := st.Entities(t.Context(), graph.EntityQuery{Search: "Fitna"})
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "entities", got, FixtureEntities()[6:7])
	})
}

func (s suite) testNotFound(t *testing.T) {
	st := s.loaded(t)
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"unknown entity is not_found", func() error { _, err := st.Entity(ctx, "atlantis"); return err }},
		{"a statement id is not an entity", func() error { _, err := st.Entity(ctx, StDisputed); return err }},
		{"unknown statement is not_found", func() error { _, err := st.Statement(ctx, "nope"); return err }},
		{"an entity id is not a statement", func() error { _, err := st.Statement(ctx, "india"); return err }},
		{"unknown source is not_found", func() error { _, err := st.Source(ctx, "nope"); return err }},
		{"relations of unknown entity are not_found", func() error {
			_, err := st.Relations(ctx, "atlantis", graph.RelationQuery{})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.call(), graph.NotFound) })
	}
}

func (s suite) testInvalid(t *testing.T) {
	st := s.loaded(t)
	before := snap(t, st)
	claim := []graph.Claim{{Source: SourceID, Claimant: "pakistan", Stance: graph.Asserts}}
	newEntity := graph.Entity{ID: "iran", Type: "Country", Name: "Iran"}
	for _, tc := range []struct {
		name  string
		batch graph.Batch
		kind  string
		field string
	}{
		{"unknown entity type is invalid", graph.Batch{Entities: []graph.Entity{newEntity, {ID: "mars", Type: "Planet", Name: "Mars"}}},
			graph.KindEntity, "type"},
		{"unknown entity in a statement is invalid", graph.Batch{Entities: []graph.Entity{newEntity}, Statements: []graph.Statement{
			{Subject: "iran", Type: "backs", Object: "hezbollah", Claims: claim}}},
			graph.KindStatement, "object"},
		{"disallowed subject type is invalid", graph.Batch{Entities: []graph.Entity{newEntity}, Statements: []graph.Statement{
			{Subject: "ttp", Type: "backs", Object: "bla", Claims: claim}}},
			graph.KindStatement, "type"},
		{"statement without claims is invalid", graph.Batch{Entities: []graph.Entity{newEntity}, Statements: []graph.Statement{
			{Subject: "iran", Type: "backs", Object: "ttp"}}},
			graph.KindStatement, "claims"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := st.Apply(t.Context(), tc.batch, graph.ApplyOptions{})
			wantCode(t, err, graph.Invalid)
			ge, ok := err.(*graph.Error)
			if !ok {
				t.Fatalf("error is %T, want *graph.Error itself", err)
			}
			if !slices.ContainsFunc(ge.Problems, func(p graph.Problem) bool { return p.Kind == tc.kind && p.Field == tc.field }) {
				t.Errorf("problems %+v lack one for %s.%s", ge.Problems, tc.kind, tc.field)
			}
			wantCode(t, func() error { _, err := st.Entity(t.Context(), "iran"); return err }(), graph.NotFound)
		})
	}
	t.Run("store is unchanged after rejected batches", func(t *testing.T) {
		deepEqual(t, "store", snap(t, st), before)
	})
}

func (s suite) testConflict(t *testing.T) {
	st := s.loaded(t)
	before := snap(t, st)
	t.Run("statement id changing its subject is a conflict", func(t *testing.T) {
		_, err := st.Apply(t.Context(), graph.Batch{Statements: []graph.Statement{
			{ID: StDisputed, Subject: "pakistan", Type: "backs", Object: "ttp",
				Claims: []graph.Claim{{Source: SourceID, Stance: graph.Asserts}}},
		}}, graph.ApplyOptions{})
		wantCode(t, err, graph.Conflict)
	})
	t.Run("claim id moving to another statement is a conflict", func(t *testing.T) {
		_, err := st.Apply(t.Context(), graph.Batch{Statements: []graph.Statement{
			{ID: StAlleged, Subject: "afghanistan", Type: "backs", Object: "ttp",
				Claims: []graph.Claim{{ID: "c-india-denies", Source: SourceID, Stance: graph.Asserts}}},
		}}, graph.ApplyOptions{})
		wantCode(t, err, graph.Conflict)
	})
	t.Run("store is unchanged after a conflict", func(t *testing.T) {
		deepEqual(t, "store", snap(t, st), before)
	})
}

func (s suite) testIdempotence(t *testing.T) {
	st := s.loaded(t)
	before := snap(t, st)
	sum := mustApply(t, st, Fixture())
	t.Run("second Apply adds and changes nothing", func(t *testing.T) {
		deepEqual(t, "summary", sum, graph.Summary{Unchanged: FixtureItems})
	})
	t.Run("data is identical after the second Apply", func(t *testing.T) {
		deepEqual(t, "store", snap(t, st), before)
	})
}

func (s suite) testUpdate(t *testing.T) {
	st := s.loaded(t)
	ctx := t.Context()
	t.Run("edited quote changes one claim and replaces the old quote", func(t *testing.T) {
		b := Fixture()
		old := b.Statements[0].Claims[1]
		b.Statements[0].Claims[1].Quote = "India backs the TTP, says Pakistan."
		sum := mustApply(t, st, b)
		deepEqual(t, "summary", sum, graph.Summary{Changed: 1, Unchanged: FixtureItems - 1, Diff: []graph.Change{
			{Kind: graph.KindClaim, ID: old.ID, Field: "quote", Old: old.Quote, New: "India backs the TTP, says Pakistan."}}})
		got, err := st.Statement(ctx, StDisputed)
		if err != nil {
			t.Fatal(err)
		}
		want := wantStatements()[0]
		want.Claims[1].Quote = "India backs the TTP, says Pakistan."
		deepEqual(t, "statement", got, want)
	})
	t.Run("claim from a second source is added and the first kept", func(t *testing.T) {
		second := graph.Source{ID: "reuters-2025", Title: "Reuters report"}
		c := graph.Claim{ID: "c-reuters", Source: second.ID, Claimant: "pakistan", Stance: graph.Asserts, Quote: "Kabul harbours the TTP."}
		sum := mustApply(t, st, graph.Batch{Sources: []graph.Source{second}, Statements: []graph.Statement{
			{ID: StAlleged, Subject: "afghanistan", Type: "backs", Object: "ttp", Claims: []graph.Claim{c}},
		}})
		deepEqual(t, "summary", sum, graph.Summary{Added: 2, Unchanged: 1})
		got, err := st.Statement(ctx, StAlleged)
		if err != nil {
			t.Fatal(err)
		}
		want := wantStatements()[1]
		want.Claims = append(want.Claims, c)
		deepEqual(t, "statement", got, want)
	})
	t.Run("entity fields and aliases are replaced", func(t *testing.T) {
		e := FixtureEntities()[6]
		e.Aliases = []graph.Alias{{Name: "Fitna al-Khawarij", UsedBy: "pakistan"}}
		e.Description = "An armed group."
		sum := mustApply(t, st, graph.Batch{Entities: []graph.Entity{e}})
		deepEqual(t, "summary", sum, graph.Summary{Changed: 1, Diff: graph.EntityChanges(FixtureEntities()[6], e)})
		if len(sum.Diff) == 0 {
			t.Error("no field changes listed")
		}
		got, err := st.Entity(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "entity", got, e)
	})
	t.Run("a dropped quote is listed as removed evidence", func(t *testing.T) {
		stmt := Fixture().Statements[0]
		c := stmt.Claims[0]
		dropped := c
		dropped.Quote = ""
		stmt.Claims = []graph.Claim{dropped}
		sum, err := st.Apply(ctx, graph.Batch{Statements: []graph.Statement{stmt}}, graph.ApplyOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if c.Quote == "" {
			t.Fatal("the fixture's claim has no quote to drop")
		}
		deepEqual(t, "changes", sum.Diff, []graph.Change{
			{Kind: graph.KindClaim, ID: c.ID, Field: "quote", Old: c.Quote, RemovesEvidence: true}})
		if !sum.RemovesEvidence() {
			t.Error("the summary does not say that evidence is removed")
		}
	})
	t.Run("two statements on the same triple are both kept", func(t *testing.T) {
		twin := graph.Statement{ID: StDisputed + "-2", Subject: "india", Type: "backs", Object: "ttp",
			Claims: []graph.Claim{{ID: "c-twin", Source: SourceID, Stance: graph.Asserts}}}
		mustApply(t, st, graph.Batch{Statements: []graph.Statement{twin}})
		rels, err := st.Relations(ctx, "ttp", graph.RelationQuery{Types: []string{"backs"}})
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "relations", ids(rels), []string{StAlleged, StDisputed, twin.ID})
	})
	t.Run("statement attributes and valid time are replaced", func(t *testing.T) {
		want := wantStatements()[4]
		want.Attributes = map[string]string{"role": "Minister"}
		want.ValidUntil = ""
		b := graph.Batch{Statements: []graph.Statement{want}}
		sum := mustApply(t, st, b)
		deepEqual(t, "summary", sum, graph.Summary{Changed: 1, Unchanged: 1, Diff: graph.StatementChanges(wantStatements()[4], want)})
		got, err := st.Statement(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "statement", got, want)
		rels, err := st.Relations(ctx, "talal-chaudhry", graph.RelationQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rels) != 1 {
			t.Errorf("relations after update = %v, want one (no duplicate edge)", ids(rels))
		}
	})
}

func (s suite) testDryRun(t *testing.T) {
	st := s.fresh(t)
	empty := snap(t, st)
	sum, err := st.Apply(t.Context(), Fixture(), graph.ApplyOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("dry run counts what would be added", func(t *testing.T) {
		deepEqual(t, "summary", sum, graph.Summary{Added: FixtureItems})
	})
	t.Run("dry run writes nothing", func(t *testing.T) {
		deepEqual(t, "store", snap(t, st), empty)
	})
	t.Run("dry run of an invalid batch is invalid", func(t *testing.T) {
		_, err := st.Apply(t.Context(), graph.Batch{Entities: []graph.Entity{{ID: "x", Type: "Nope", Name: "X"}}},
			graph.ApplyOptions{DryRun: true})
		wantCode(t, err, graph.Invalid)
	})
	t.Run("dry run on a loaded store counts changes only", func(t *testing.T) {
		mustApply(t, st, Fixture())
		b := Fixture()
		b.Sources[0].Title = "Edited"
		sum, err := st.Apply(t.Context(), b, graph.ApplyOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "summary", sum, graph.Summary{Changed: 1, Unchanged: FixtureItems - 1, Diff: []graph.Change{
			{Kind: graph.KindSource, ID: SourceID, Field: "title", Old: FixtureSource().Title, New: "Edited"}}})
		src, err := st.Source(t.Context(), SourceID)
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "source", src, FixtureSource())
	})
}

func (s suite) testOntologyMerge(t *testing.T) {
	st := s.fresh(t)
	ctx := t.Context()
	full := FixtureOntology()
	first := graph.Ontology{EntityTypes: full.EntityTypes[:1]}
	second := graph.Ontology{EntityTypes: full.EntityTypes[1:], RelationTypes: full.RelationTypes}
	mustApply(t, st, graph.Batch{Ontology: first, Entities: []graph.Entity{FixtureEntities()[1]}})
	sum := mustApply(t, st, graph.Batch{Ontology: second})
	t.Run("second ontology adds its types", func(t *testing.T) {
		deepEqual(t, "summary", sum, graph.Summary{Added: 5})
		got, err := st.Ontology(ctx)
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "ontology", got, sortedOntology(full))
	})
	t.Run("a batch may use types stored by an earlier one", func(t *testing.T) {
		mustApply(t, st, graph.Batch{Entities: []graph.Entity{FixtureEntities()[0]}})
		if _, err := st.Entity(ctx, "afghan-taliban"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a redeclared type replaces the stored one", func(t *testing.T) {
		rt := full.RelationTypes[2]
		rt.Attributes = []string{"role"}
		rt.Symmetric = true
		rt.Label = ""
		sum := mustApply(t, st, graph.Batch{Ontology: graph.Ontology{RelationTypes: []graph.RelationType{rt}}})
		deepEqual(t, "summary", sum, graph.Summary{Changed: 1})
		got, err := st.Ontology(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := full.Merge(graph.Ontology{RelationTypes: []graph.RelationType{rt}})
		deepEqual(t, "ontology", got, sortedOntology(want))
	})
}

func (s suite) testConcurrency(t *testing.T) {
	st := s.loaded(t)
	ctx := t.Context()
	const writes = 10
	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, 64)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for i := range writes {
			b := Fixture()
			b.Entities[0].Description = fmt.Sprintf("version %d", i)
			b.Statements[0].Claims[0].Quote = fmt.Sprintf("quote %d", i)
			if _, err := st.Apply(ctx, b, graph.ApplyOptions{}); err != nil {
				errs <- fmt.Errorf("Apply %d: %w", i, err)
				return
			}
		}
	}()
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				rels, err := st.Relations(ctx, "india", graph.RelationQuery{})
				if err != nil {
					errs <- err
					return
				}
				if len(rels) != 2 || len(rels[1].Claims) != 2 {
					errs <- fmt.Errorf("reader saw %d relations of india (%+v), want 2 with 2 claims on the second", len(rels), rels)
					return
				}
				es, err := st.Entities(ctx, graph.EntityQuery{Type: "Group"})
				if err != nil {
					errs <- err
					return
				}
				if len(es) != 3 {
					errs <- fmt.Errorf("reader saw %d groups, want 3", len(es))
					return
				}
			}
		}()
	}
	// A second writer races the first; Apply calls must not interleave.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range writes {
			if _, err := st.Apply(ctx, Fixture(), graph.ApplyOptions{}); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Run("store is consistent after concurrent writes", func(t *testing.T) {
		sum := mustApply(t, st, Fixture())
		if sum.Added != 0 {
			t.Errorf("summary after concurrent writes = %+v, want nothing added", sum)
		}
		rels, err := st.Relations(ctx, "india", graph.RelationQuery{})
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "india relations", ids(rels), []string{StDenied, StDisputed})
	})
}

func (s suite) testCancel(t *testing.T) {
	st := s.loaded(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"Apply with cancelled context fails", func() error { _, err := st.Apply(ctx, Fixture(), graph.ApplyOptions{}); return err }},
		{"Ontology with cancelled context fails", func() error { _, err := st.Ontology(ctx); return err }},
		{"Entity with cancelled context fails", func() error { _, err := st.Entity(ctx, "india"); return err }},
		{"Entities with cancelled context fails", func() error { _, err := st.Entities(ctx, graph.EntityQuery{}); return err }},
		{"Relations with cancelled context fails", func() error {
			_, err := st.Relations(ctx, "india", graph.RelationQuery{})
			return err
		}},
		{"Statement with cancelled context fails", func() error { _, err := st.Statement(ctx, StDisputed); return err }},
		{"Source with cancelled context fails", func() error { _, err := st.Source(ctx, SourceID); return err }},
		{"EntitiesByID with cancelled context fails", func() error { _, err := st.EntitiesByID(ctx, []string{"india"}); return err }},
		{"Sources with cancelled context fails", func() error { _, err := st.Sources(ctx, graph.Page{}); return err }},
		{"ClaimsBySource with cancelled context fails", func() error { _, err := st.ClaimsBySource(ctx, SourceID); return err }},
		{"Disputes with cancelled context fails", func() error { _, err := st.Disputes(ctx, graph.Page{}); return err }},
		{"OntologyVersion with cancelled context fails", func() error { _, err := st.OntologyVersion(ctx); return err }},
		{"RetractClaim with cancelled context fails", func() error { _, err := st.RetractClaim(ctx, "c-india-denies"); return err }},
		{"RetractSource with cancelled context fails", func() error { _, err := st.RetractSource(ctx, SourceID); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := make(chan error, 1)
			go func() { res <- tc.call() }()
			select {
			case err := <-res:
				if err == nil {
					t.Fatal("got nil error with a cancelled context")
				}
				if code := graph.ErrorCode(err); code == graph.NotFound || code == graph.Invalid {
					t.Errorf("error code = %q for a cancelled context (err: %v)", code, err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("call did not return within 5s of a cancelled context")
			}
		})
	}
	t.Run("store still works after cancelled calls", func(t *testing.T) {
		if _, err := st.Entity(t.Context(), "india"); err != nil {
			t.Fatal(err)
		}
	})
}
