package graphtest

import (
	"slices"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

// testAudit checks the audit log of a store that keeps one: an entry per
// write that changes something, newest first, with its user, operation and
// the items it changed; filters by user and time; paging.
func (s suite) testAudit(t *testing.T) {
	st := s.fresh(t)
	a, ok := st.(graph.Auditor)
	if !ok {
		t.Skip("the store keeps no audit log")
	}
	ctx := t.Context()
	start := time.Now().Add(-time.Second)
	ana := graph.WithOperation(graph.WithAuthor(ctx, "ana"), "seed")
	bob := graph.WithAuthor(ctx, "bob")
	if _, err := st.Apply(ana, Fixture(), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(bob, Fixture(), graph.ApplyOptions{}); err != nil { // no change: no entry
		t.Fatal(err)
	}
	e, err := st.Entity(ctx, "india")
	if err != nil {
		t.Fatal(err)
	}
	e.Name = "Republic of India"
	if _, err := st.Apply(graph.WithOperation(bob, "updateEntity"), graph.Batch{Entities: []graph.Entity{e}}, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(bob, graph.Batch{Entities: []graph.Entity{{ID: "iran", Type: "Country", Name: "Iran"}}}, graph.ApplyOptions{DryRun: true}); err != nil {
		t.Fatal(err) // a dry run: no entry
	}
	if _, err := st.RetractClaim(bob, "c-india-denies"); err != nil {
		t.Fatal(err)
	}
	all, err := a.AuditLog(ctx, graph.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ User, Op string }
	var rows []row
	for _, e := range all {
		rows = append(rows, row{e.User, e.Operation})
		if e.At.Before(start) || e.At.After(time.Now().Add(time.Minute)) {
			t.Errorf("entry %s at %v, want about now", e.ID, e.At)
		}
	}
	deepEqual(t, "entries, newest first", rows, []row{{"bob", "retractClaim"}, {"bob", "updateEntity"}, {"ana", "seed"}})
	if len(all) != 3 {
		t.FailNow()
	}
	t.Run("an entry names what it changed", func(t *testing.T) {
		deepEqual(t, "update", all[1].Changes, []graph.AuditChange{{ID: "entity:india", Change: "changed", Fields: []string{"name"}}})
		if !slices.Contains(all[0].IDs(), "claim:c-india-denies") || all[0].Removed < 1 {
			t.Errorf("retraction %+v", all[0])
		}
		if !slices.Contains(all[2].IDs(), "entity:pakistan") || all[2].Added < 20 {
			t.Errorf("seed %+v", all[2])
		}
	})
	t.Run("filters and pages", func(t *testing.T) {
		got, err := a.AuditLog(ctx, graph.AuditQuery{User: "ana"})
		if err != nil || len(got) != 1 || got[0].ID != all[2].ID {
			t.Errorf("user ana: %+v, %v", got, err)
		}
		got, err = a.AuditLog(ctx, graph.AuditQuery{Since: all[1].At})
		if err != nil || len(got) != 2 {
			t.Errorf("since the update: %d entries, %v", len(got), err)
		}
		got, err = a.AuditLog(ctx, graph.AuditQuery{After: all[0].ID, Limit: 1})
		if err != nil || len(got) != 1 || got[0].ID != all[1].ID {
			t.Errorf("page after the newest: %+v, %v", got, err)
		}
	})
}
