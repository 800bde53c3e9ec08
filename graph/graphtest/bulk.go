package graphtest

import (
	"context"
	"errors"

	"slices"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// TestBulkStore runs the conformance suite of graph.BulkStore against the
// stores open returns (new and empty each time; the suite closes them).
func TestBulkStore(t *testing.T, open func(t testing.TB) graph.BulkStore) {
	s := bulkSuite{open: open}
	t.Run("ImportReadBack", s.testReadBack)
	t.Run("ImportIdempotent", s.testIdempotent)
	t.Run("ImportReplaces", s.testReplaces)
	t.Run("ImportInvalid", s.testInvalid)
	t.Run("ImportConflict", s.testConflict)
	t.Run("ImportDryRun", s.testDryRun)
	t.Run("ImportCancelled", s.testCancelled)
	t.Run("ImportReadFails", s.testReadFails)
	t.Run("ImportRetract", s.testRetract)
	t.Run("ImportAttribution", s.testAttribution)
}

type bulkSuite struct {
	open func(t testing.TB) graph.BulkStore
}

func (s bulkSuite) fresh(t *testing.T) graph.BulkStore { return closedAtEnd(t, s.open(t)) }

// MovieImport returns a small bulk import: films, people, who directed and
// who acted in which film (with a character).
func MovieImport() graph.BulkImport {
	ents := []graph.Entity{
		{ID: "casablanca", Type: "Film", Name: "Casablanca"},
		{ID: "curtiz", Type: "Person", Name: "Michael Curtiz"},
		{ID: "bogart", Type: "Person", Name: "Humphrey Bogart"},
		{ID: "bergman", Type: "Person", Name: "Ingrid Bergman"},
		{ID: "sabrina", Type: "Film", Name: "Sabrina"},
	}
	sts := []graph.Statement{
		{Subject: "casablanca", Type: "directed-by", Object: "curtiz"},
		{Subject: "bogart", Type: "acted-in", Object: "casablanca", Attributes: map[string]string{"character": "Rick Blaine"}},
		{Subject: "bergman", Type: "acted-in", Object: "casablanca"},
		{Subject: "bogart", Type: "acted-in", Object: "sabrina"},
	}
	return bulk(ents, sts, "digest-1")
}

func bulk(ents []graph.Entity, sts []graph.Statement, digest string) graph.BulkImport {
	return graph.BulkImport{
		Source: graph.Source{ID: "movies", Title: "A movie data set"},
		Ontology: graph.Ontology{
			EntityTypes: []graph.EntityType{{Name: "Film"}, {Name: "Person"}},
			RelationTypes: []graph.RelationType{
				{Name: "directed-by", Subject: []string{"Film"}, Object: []string{"Person"}},
				{Name: "acted-in", Subject: []string{"Person"}, Object: []string{"Film"}, Attributes: []string{"character"}},
			},
		},
		Digest:        digest,
		NumEntities:   len(ents),
		NumStatements: len(sts),
		Entities:      slices.Values(ents),
		Statements:    slices.Values(sts),
	}
}

// movieItems is what MovieImport counts: 5 entities, 4 statements and
// their 4 implicit claims, the source and 4 types.
const movieItems = 5 + 4 + 4 + 1 + 4

func mustImport(t testing.TB, st graph.BulkStore, imp graph.BulkImport, opts graph.BulkOptions) graph.Summary {
	t.Helper()
	sum, err := st.Import(t.Context(), imp, opts)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	return sum
}

func (s bulkSuite) testReadBack(t *testing.T) {
	st := s.fresh(t)
	ctx := t.Context()
	sum := mustImport(t, st, MovieImport(), graph.BulkOptions{})
	deepEqual(t, "summary", sum, graph.Summary{Added: movieItems})
	t.Run("entities read back with their type and name", func(t *testing.T) {
		e, err := st.Entity(ctx, "bogart")
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "entity", e, graph.Entity{ID: "bogart", Type: "Person", Name: "Humphrey Bogart"})
		films, err := st.Entities(ctx, graph.EntityQuery{Type: "Film"})
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "films", entityIDs(films), []string{"casablanca", "sabrina"})
	})
	t.Run("relations carry the source's implicit claim and are reported", func(t *testing.T) {
		rels, err := st.Relations(ctx, "bogart", graph.RelationQuery{})
		if err != nil {
			t.Fatal(err)
		}
		want := []graph.Statement{
			{ID: "bogart.acted-in.casablanca", Subject: "bogart", Type: "acted-in", Object: "casablanca",
				Attributes: map[string]string{"character": "Rick Blaine"},
				Claims:     []graph.Claim{graph.ImplicitClaim("bogart.acted-in.casablanca", "movies")}},
			{ID: "bogart.acted-in.sabrina", Subject: "bogart", Type: "acted-in", Object: "sabrina",
				Claims: []graph.Claim{graph.ImplicitClaim("bogart.acted-in.sabrina", "movies")}},
		}
		deepEqual(t, "relations", rels, want)
		if rels[0].Status() != graph.Reported {
			t.Errorf("status = %s, want %s", rels[0].Status(), graph.Reported)
		}
		in, err := st.Relations(ctx, "casablanca", graph.RelationQuery{Direction: graph.In})
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "casablanca's actors", ids(in), []string{"bergman.acted-in.casablanca", "bogart.acted-in.casablanca"})
	})
	t.Run("statement reads back by its derived id", func(t *testing.T) {
		got, err := st.Statement(ctx, "casablanca.directed-by.curtiz")
		if err != nil {
			t.Fatal(err)
		}
		if got.Subject != "casablanca" || len(got.Claims) != 1 || got.Claims[0].Source != "movies" {
			t.Errorf("statement = %+v", got)
		}
	})
	t.Run("source and ontology are stored with the import", func(t *testing.T) {
		if _, err := st.Source(ctx, "movies"); err != nil {
			t.Errorf("Source: %v", err)
		}
		ont, err := st.Ontology(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := ont.RelationType("acted-in"); !ok {
			t.Errorf("ontology %+v lacks acted-in", ont)
		}
	})
	t.Run("a fact file can add a denial to an imported statement", func(t *testing.T) {
		b := graph.Batch{
			Sources: []graph.Source{{ID: "critic", Title: "A critic"}},
			Statements: []graph.Statement{{Subject: "bergman", Type: "acted-in", Object: "casablanca", Claims: []graph.Claim{
				{Source: "critic", Claimant: "curtiz", Stance: graph.Denies},
			}}},
		}
		mustApply(t, st, b)
		got, err := st.Statement(ctx, "bergman.acted-in.casablanca")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Claims) != 2 || got.Status() != graph.Disputed {
			t.Errorf("statement = %+v, want the implicit claim and the denial, disputed", got)
		}
	})
}

func (s bulkSuite) testIdempotent(t *testing.T) {
	st := s.fresh(t)
	mustImport(t, st, MovieImport(), graph.BulkOptions{})
	before := snap(t, st)
	sum := mustImport(t, st, MovieImport(), graph.BulkOptions{})
	deepEqual(t, "second summary", sum, graph.Summary{Unchanged: movieItems})
	deepEqual(t, "store", snap(t, st), before)
	t.Run("same content under a new digest changes nothing either", func(t *testing.T) {
		imp := MovieImport()
		imp.Digest = "digest-2"
		sum := mustImport(t, st, imp, graph.BulkOptions{})
		deepEqual(t, "summary", sum, graph.Summary{Unchanged: movieItems})
		deepEqual(t, "store", snap(t, st), before)
	})
}

func (s bulkSuite) testReplaces(t *testing.T) {
	st := s.fresh(t)
	ctx := t.Context()
	mustImport(t, st, MovieImport(), graph.BulkOptions{})
	ents := slices.Collect(MovieImport().Entities)
	ents[2].Name = "Humphrey DeForest Bogart" // changed
	ents = ents[:4]                           // sabrina dropped
	sts := slices.Collect(MovieImport().Statements)
	sts[1].Attributes = map[string]string{"character": "Richard Blaine"} // changed
	sts = sts[:3]                                                        // bogart.acted-in.sabrina dropped
	sum := mustImport(t, st, bulk(ents, sts, "digest-2"), graph.BulkOptions{})
	// Entities: 3 unchanged, 1 changed, 1 removed; statements: 2 unchanged,
	// 1 changed, 1 removed; claims: 3 unchanged, 1 removed; source and
	// types unchanged.
	deepEqual(t, "summary", sum, graph.Summary{Changed: 2, Unchanged: 3 + 2 + 3 + 5, Removed: 3})
	e, err := st.Entity(ctx, "bogart")
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "Humphrey DeForest Bogart" {
		t.Errorf("name = %q, want the new one", e.Name)
	}
	if _, err := st.Entity(ctx, "sabrina"); graph.ErrorCode(err) != graph.NotFound {
		t.Errorf("Entity(sabrina) = %v, want %s", err, graph.NotFound)
	}
	rels, err := st.Relations(ctx, "bogart", graph.RelationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 1 || rels[0].Attributes["character"] != "Richard Blaine" {
		t.Errorf("relations = %+v, want one, with the new character", rels)
	}
}

func (s bulkSuite) testInvalid(t *testing.T) {
	st := s.fresh(t)
	ents := slices.Collect(MovieImport().Entities)
	ents = append(ents, graph.Entity{ID: "Bad Id", Type: "Film", Name: "x"}, graph.Entity{ID: "robot", Type: "Robot", Name: "R"})
	sts := slices.Collect(MovieImport().Statements)
	sts = append(sts,
		graph.Statement{Subject: "curtiz", Type: "directed-by", Object: "casablanca"}, // Person → Film not allowed
		graph.Statement{Subject: "bogart", Type: "acted-in", Object: "nowhere"},
		graph.Statement{Subject: "bergman", Type: "acted-in", Object: "sabrina", Attributes: map[string]string{"salary": "1"}},
		graph.Statement{Subject: "casablanca", Type: "directed-by", Object: "curtiz"}, // given twice
	)
	_, err := st.Import(t.Context(), bulk(ents, sts, "d"), graph.BulkOptions{})
	wantCode(t, err, graph.Invalid)
	var ge *graph.Error
	if !asError(err, &ge) || len(ge.Problems) != 6 {
		t.Fatalf("problems = %v, want 6", err)
	}
	deepEqual(t, "store after a rejected import", snap(t, st), snap(t, s.fresh(t)))
}

func (s bulkSuite) testConflict(t *testing.T) {
	st := s.fresh(t)
	b := graph.Batch{
		Ontology: MovieImport().Ontology,
		Sources:  []graph.Source{{ID: "other", Title: "Other"}},
		Entities: []graph.Entity{{ID: "bogart", Type: "Person", Name: "Bogie"}},
	}
	mustApply(t, st, b)
	_, err := st.Import(t.Context(), MovieImport(), graph.BulkOptions{})
	wantCode(t, err, graph.Conflict)
	e, err := st.Entity(t.Context(), "bogart")
	if err != nil || e.Name != "Bogie" {
		t.Errorf("entity = %+v, %v; want the stored one untouched", e, err)
	}
}

func (s bulkSuite) testDryRun(t *testing.T) {
	st := s.fresh(t)
	empty := snap(t, st)
	sum := mustImport(t, st, MovieImport(), graph.BulkOptions{DryRun: true})
	deepEqual(t, "summary", sum, graph.Summary{Added: movieItems})
	deepEqual(t, "store", snap(t, st), empty)
}

func (s bulkSuite) testCancelled(t *testing.T) {
	st := s.fresh(t)
	empty := snap(t, st)
	ctx, cancel := context.WithCancel(t.Context())
	imp := MovieImport()
	ents := slices.Collect(imp.Entities)
	imp.Entities = func(yield func(graph.Entity) bool) {
		for _, e := range ents {
			if e.ID == "sabrina" {
				cancel() // half way
			}
			if !yield(e) {
				return
			}
		}
	}
	_, err := st.Import(ctx, imp, graph.BulkOptions{})
	if err == nil {
		t.Fatal("Import succeeded after its context was cancelled")
	}
	deepEqual(t, "store after a cancelled import", snap(t, st), empty)
	// And the next import works.
	mustImport(t, st, MovieImport(), graph.BulkOptions{})
}

// testReadFails gives an import whose items stop half way, as when the
// files they are read from fail, and whose Err says so: the store keeps
// nothing of it.
func (s bulkSuite) testReadFails(t *testing.T) {
	st := s.fresh(t)
	empty := snap(t, st)
	imp := MovieImport()
	sts := slices.Collect(imp.Statements)
	imp.Statements = slices.Values(sts[:2])
	imp.Err = func() error { return errors.New("the import's files cannot be read") }
	if _, err := st.Import(t.Context(), imp, graph.BulkOptions{}); err == nil {
		t.Fatal("Import succeeded though its items could not all be read")
	}
	deepEqual(t, "store after an import whose reading failed", snap(t, st), empty)
	mustImport(t, st, MovieImport(), graph.BulkOptions{})
}

func (s bulkSuite) testRetract(t *testing.T) {
	st := s.fresh(t)
	ctx := t.Context()
	mustImport(t, st, MovieImport(), graph.BulkOptions{})
	sum, err := st.RetractSource(ctx, "movies")
	if err != nil {
		t.Fatal(err)
	}
	// The source itself goes too (and the ontology stays).
	if sum.Removed != movieItems-4 {
		t.Errorf("removed %d, want %d (the source, entities, statements and claims)", sum.Removed, movieItems-4)
	}
	if _, err := st.Source(ctx, "movies"); graph.ErrorCode(err) != graph.NotFound {
		t.Errorf("Source(movies) after retraction: %v, want %s", err, graph.NotFound)
	}
	rels, err := st.Relations(ctx, "casablanca", graph.RelationQuery{})
	if graph.ErrorCode(err) != graph.NotFound && len(rels) != 0 {
		t.Errorf("relations after retraction = %v, %v", ids(rels), err)
	}
	// The source can be imported again.
	sum = mustImport(t, st, MovieImport(), graph.BulkOptions{})
	if sum.Added != 14 {
		t.Errorf("re-import after retraction: %+v, want 14 added (the source with its items)", sum)
	}
}

func asError(err error, target **graph.Error) bool {
	e, ok := err.(*graph.Error)
	if ok {
		*target = e
	}
	return ok
}
