package cayley_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// deleteFixture adds to the built-in seed an entity that everything can
// name: lashkar is an end of one statement, makes a claim on a seeded
// statement and the only claim of another, uses an alias of jaish, had
// lashkar-e-taiba merged into it and is judged against jaish.
const deleteFixture = `
sources: [{id: src-x, title: Another report}]
entities:
  - {id: lashkar, type: Group, name: Lashkar, aliases: [LeT]}
  - {id: lashkar-e-taiba, type: Group, name: Lashkar-e-Taiba}
  - {id: jaish, type: Group, name: Jaish, aliases: [{name: JeM, usedBy: lashkar}]}
  - {id: loner, type: Group, name: Loner}
statements:
  - subject: lashkar
    relation: operating-from
    object: pakistan
    claims: [{source: src-x, by: india, quote: Lashkar operates from Pakistan}]
  - subject: jaish
    relation: allied-with
    object: ttp
    claims: [{source: src-x, by: lashkar, quote: Jaish is allied with the TTP}]
  - subject: india
    relation: accused-of-backing
    object: ttp
    claims: [{source: src-x, by: lashkar, stance: DENIES, quote: India does not back the TTP}]
`

func openDeleteFixture(tb testing.TB) *cayley.Store {
	tb.Helper()
	ctx := context.Background()
	st := openClosed(tb, boltURL(tb))
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, append(seed.Builtin(), seed.Input{Name: "x.yaml", Data: []byte(deleteFixture)})...); err != nil {
		tb.Fatal(err)
	}
	if _, err := st.Merge(ctx, "lashkar", []string{"lashkar-e-taiba"}, "tester"); err != nil {
		tb.Fatal(err)
	}
	if err := st.Judge(ctx, graph.Judgement{A: "jaish", B: "lashkar", Verdict: graph.Different, By: "tester"}); err != nil {
		tb.Fatal(err)
	}
	return st
}

func exportOf(tb testing.TB, st *cayley.Store) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := st.WriteNQuads(tb.Context(), &buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestDeleteEntityRefusesWhileReferencedAndChangesNothing(t *testing.T) {
	st := openDeleteFixture(t)
	before := exportOf(t, st)
	last, err := st.LastEventID(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		id   string
		opts graph.DeleteOptions
		want string
	}{
		{"a referenced entity without cascade is a conflict", "lashkar", graph.DeleteOptions{}, graph.Conflict},
		{"its dry run without cascade is the same conflict", "lashkar", graph.DeleteOptions{DryRun: true}, graph.Conflict},
		{"a merged id is not followed", "lashkar-e-taiba", graph.DeleteOptions{Cascade: true}, graph.NotFound},
		{"an unknown id is not found", "atlantis", graph.DeleteOptions{Cascade: true}, graph.NotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := st.DeleteEntity(t.Context(), c.id, c.opts)
			if graph.ErrorCode(err) != c.want {
				t.Fatalf("DeleteEntity(%s, %+v): %v, want %s", c.id, c.opts, err, c.want)
			}
			if c.want == graph.Conflict && !strings.Contains(err.Error(), "1 statement") {
				t.Errorf("the conflict does not count the statements: %v", err)
			}
			if !bytes.Equal(before, exportOf(t, st)) {
				t.Error("a refused deletion changed the store")
			}
		})
	}
	t.Run("a dry run with cascade counts and writes nothing", func(t *testing.T) {
		got, err := st.DeleteEntity(t.Context(), "lashkar", graph.DeleteOptions{Cascade: true, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		want := graph.Deletion{Entity: "lashkar", Statements: 2, Claims: 3, Aliases: 1, Redirects: 1, Judgements: 1, DryRun: true}
		if got != want {
			t.Errorf("dry run: %+v, want %+v", got, want)
		}
		if !bytes.Equal(before, exportOf(t, st)) {
			t.Error("a dry run changed the store")
		}
	})
	if now, err := st.LastEventID(t.Context()); err != nil || now != last {
		t.Errorf("refused deletions and dry runs recorded events: %d → %d, %v", last, now, err)
	}
}

func TestDeleteEntityCascadeRemovesStatementsAndClaimsOnly(t *testing.T) {
	ctx := graph.WithAuthor(t.Context(), "rita")
	st := openDeleteFixture(t)
	before := exportOf(t, st)
	last, err := st.LastEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.DeleteEntity(ctx, "lashkar", graph.DeleteOptions{Cascade: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := (graph.Deletion{Entity: "lashkar", Statements: 2, Claims: 3, Aliases: 1, Redirects: 1, Judgements: 1}); got != want {
		t.Errorf("deletion: %+v, want %+v", got, want)
	}
	after := exportOf(t, st)

	// Every quad removed belongs to what the deletion names, and nothing
	// is added.
	lines := func(b []byte) []string { return strings.Split(strings.TrimSpace(string(b)), "\n") }
	old, now := lines(before), lines(after)
	for _, l := range now {
		if !slices.Contains(old, l) {
			t.Errorf("the deletion added %s", l)
		}
	}
	gone := []string{
		"<cg:e/lashkar>", "<cg:e/lashkar#alias/", "<cg:e/lashkar-e-taiba>", "<cg:m/lashkar~", "<cg:merges> <cg:p/merge> <cg:m/lashkar~",
		"<cg:s/lashkar.operating-from.pakistan>", "<cg:c/lashkar.operating-from.pakistan~",
		"<cg:s/jaish.allied-with.ttp>", "<cg:c/jaish.allied-with.ttp~",
		"<cg:c/india.accused-of-backing.ttp~src-x~lashkar>", "<cg:s/india.accused-of-backing.ttp> <cg:p/claim> <cg:c/india.accused-of-backing.ttp~src-x~lashkar>",
		"<cg:e/jaish#alias/0> <cg:p/usedBy> <cg:e/lashkar>",
		"<cg:judgements> <cg:p/judgement> <cg:j/jaish~lashkar>", "<cg:j/jaish~lashkar>",
	}
	for _, l := range old {
		if slices.Contains(now, l) {
			continue
		}
		ok := slices.ContainsFunc(gone, func(p string) bool { return strings.HasPrefix(l, p) }) ||
			strings.HasSuffix(l, "<cg:s/lashkar.operating-from.pakistan> .") || strings.HasSuffix(l, "<cg:s/jaish.allied-with.ttp> .")
		if !ok {
			t.Errorf("the deletion removed %s", l)
		}
		if strings.Contains(l, "<cg:s/india.accused-of-backing.ttp> <cg:p/subject>") {
			t.Errorf("the deletion removed a statement that keeps claims: %s", l)
		}
	}
	for _, want := range []string{"<cg:e/jaish#alias/0> <cg:p/name> \"JeM\"", "<cg:e/jaish> <cg:p/name> \"Jaish\""} {
		if !strings.Contains(string(after), want) {
			t.Errorf("the deletion removed %s", want)
		}
	}
	for _, l := range now {
		if strings.Contains(l, "lashkar") {
			t.Errorf("still names lashkar: %s", l)
		}
	}

	t.Run("the statement it denied keeps its other claims", func(t *testing.T) {
		s, err := st.Statement(ctx, "india.accused-of-backing.ttp")
		if err != nil || len(s.Claims) != 2 || s.Status() != graph.Disputed {
			t.Errorf("india.accused-of-backing.ttp: %+v, %v", s, err)
		}
	})
	t.Run("the merged id resolves to nothing", func(t *testing.T) {
		if _, err := st.Entity(ctx, "lashkar-e-taiba"); graph.ErrorCode(err) != graph.NotFound {
			t.Errorf("Entity(lashkar-e-taiba): %v", err)
		}
	})
	t.Run("the feed tells the deletion and the relations gone", func(t *testing.T) {
		events, err := st.Events(ctx, last, 0)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, e.Kind+":"+e.Entity+e.Statement+"→"+string(e.To))
		}
		// The deletion first, then its statements' changes (in the
		// order of their quads).
		want := []string{"entityDeleted:lashkar→", "statusChanged:jaish.allied-with.ttp→", "statusChanged:lashkar.operating-from.pakistan→"}
		if !slices.Equal(kinds, want) {
			t.Errorf("events %v, want %v", kinds, want)
		}
		if len(events) > 0 && (events[0].User != "rita" || events[0].Count != 2) {
			t.Errorf("entityDeleted %+v: want by rita, 2 statements", events[0])
		}
	})
	t.Run("the audit log records who deleted what", func(t *testing.T) {
		entries, err := st.AuditLog(ctx, graph.AuditQuery{Limit: 1})
		if err != nil || len(entries) != 1 {
			t.Fatalf("audit log: %v, %v", entries, err)
		}
		e := entries[0]
		if e.User != "rita" || e.Operation != "delete" || !slices.Contains(e.IDs(), "entity:lashkar") {
			t.Errorf("audit entry %+v", e)
		}
	})
	t.Run("an entity nothing names goes without cascade", func(t *testing.T) {
		got, err := st.DeleteEntity(ctx, "loner", graph.DeleteOptions{})
		if err != nil || got != (graph.Deletion{Entity: "loner"}) {
			t.Fatalf("delete loner: %+v, %v", got, err)
		}
		if _, err := st.Entity(ctx, "loner"); graph.ErrorCode(err) != graph.NotFound {
			t.Errorf("loner after its deletion: %v", err)
		}
	})
}

func TestMergeTellsTheFeedEachMergedEntity(t *testing.T) {
	ctx := graph.WithAuthor(t.Context(), "ana")
	st := openClosed(t, boltURL(t))
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, append(seed.Builtin(), seed.Input{Name: "x.yaml", Data: []byte(deleteFixture)})...); err != nil {
		t.Fatal(err)
	}
	last, err := st.LastEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Merge(ctx, "lashkar", []string{"lashkar-e-taiba", "loner"}, "ana"); err != nil {
		t.Fatal(err)
	}
	events, err := st.Events(ctx, last, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.Kind+":"+e.Entity+"→"+e.Into+" by "+e.User)
	}
	want := []string{"entityMerged:lashkar-e-taiba→lashkar by ana", "entityMerged:loner→lashkar by ana"}
	if !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
}

func TestEntitiesByIDFollowsRedirects(t *testing.T) {
	ctx := t.Context()
	st := openDeleteFixture(t) // lashkar-e-taiba is merged into lashkar
	got, err := st.EntitiesByID(ctx, []string{"lashkar-e-taiba", "india", "atlantis"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["lashkar-e-taiba"].ID != "lashkar" || got["india"].ID != "india" {
		t.Errorf("EntitiesByID: %+v, want lashkar-e-taiba answered by lashkar, india, no atlantis", got)
	}
}
