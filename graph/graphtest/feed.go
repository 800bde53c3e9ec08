package graphtest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

// eventRow is the part of an event the feed tests compare.
type eventRow struct {
	Kind, Statement, Claim string
	From, To               graph.Status
	Removed                bool
}

func rows(events []graph.ChangeEvent) []eventRow {
	out := make([]eventRow, len(events))
	for i, e := range events {
		out[i] = eventRow{e.Kind, e.Statement, e.Claim, e.From, e.To, e.ClaimRemoved}
	}
	return out
}

// DenialClaim is a denial of the fixture's alleged statement (StAlleged)
// by Afghanistan: it turns the statement from ALLEGED into DISPUTED.
func DenialClaim(id string) graph.Batch {
	return graph.Batch{Statements: []graph.Statement{{ID: StAlleged, Subject: "afghanistan", Type: "backs", Object: "ttp",
		Claims: []graph.Claim{{ID: id, Source: SourceID, Claimant: "afghanistan", Stance: graph.Denies, Quote: "Kabul denies it."}}}}}
}

// testFeed checks the change events of a store that keeps them: one per
// claim added and per status changed, with ids that grow by one, none for
// a write that changes nothing, and the status changes in the audit log.
func (s suite) testFeed(t *testing.T) {
	st := s.fresh(t)
	log, ok := st.(graph.EventLog)
	if !ok {
		t.Skip("the store keeps no change events")
	}
	ctx := t.Context()
	last, err := log.LastEventID(ctx)
	if err != nil || last != 0 {
		t.Fatalf("LastEventID of an empty store: %d, %v", last, err)
	}
	wake := log.WatchEvents(ctx)
	ana := graph.WithAuthor(ctx, "ana")
	if _, err := st.Apply(ana, Fixture(), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-wake:
	case <-time.After(10 * time.Second):
		t.Fatal("WatchEvents did not wake after a write")
	}
	seeded, err := log.Events(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a new statement's claims are added, and no status changes", func(t *testing.T) {
		if len(seeded) != 7 {
			t.Fatalf("%d events, want 7 claims added: %+v", len(seeded), rows(seeded))
		}
		for i, e := range seeded {
			if e.ID != uint64(i+1) || e.Kind != graph.EventClaimAdded || e.User != "ana" || e.Claim == "" || e.Subject == "" {
				t.Errorf("event %d: %+v", i, e)
			}
		}
	})
	if _, err := st.Apply(ana, Fixture(), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ana, DenialClaim("c-afghanistan-denies"), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RetractClaim(ana, "c-afghanistan-denies"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RetractClaim(ana, "c-dawn-reports-alliance"); err != nil {
		t.Fatal(err)
	}
	later, err := log.Events(ctx, 7, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a denial disputes, its retraction undoes it, the last claim's retraction ends the statement", func(t *testing.T) {
		deepEqual(t, "events after the seed", rows(later), []eventRow{
			{graph.EventClaimAdded, StAlleged, "c-afghanistan-denies", "", "", false},
			{graph.EventStatusChanged, StAlleged, "c-afghanistan-denies", graph.Alleged, graph.Disputed, false},
			{graph.EventStatusChanged, StAlleged, "c-afghanistan-denies", graph.Disputed, graph.Alleged, true},
			{graph.EventStatusChanged, StReported, "c-dawn-reports-alliance", graph.Reported, "", true},
		})
		for i, e := range later {
			if e.ID != uint64(8+i) {
				t.Errorf("event %d has id %d, want %d", i, e.ID, 8+i)
			}
		}
		if last, err := log.LastEventID(ctx); err != nil || last != 11 {
			t.Errorf("LastEventID = %d, %v; want 11", last, err)
		}
	})
	t.Run("pages of events", func(t *testing.T) {
		got, err := log.Events(ctx, 3, 2)
		if err != nil || len(got) != 2 || got[0].ID != 4 || got[1].ID != 5 {
			t.Errorf("Events(3, 2) = %+v, %v", got, err)
		}
		got, err = log.Events(ctx, 11, 0)
		if err != nil || len(got) != 0 {
			t.Errorf("Events after the newest = %+v, %v", got, err)
		}
	})
	t.Run("the audit log keeps the status changes", func(t *testing.T) {
		a, ok := st.(graph.Auditor)
		if !ok {
			t.Skip("no audit log")
		}
		entries, err := a.AuditLog(ctx, graph.AuditQuery{Limit: 3})
		if err != nil || len(entries) != 3 {
			t.Fatalf("audit log: %d entries, %v", len(entries), err)
		}
		deepEqual(t, "statuses of the denial", entries[2].Statuses, []graph.StatusTransition{
			{Statement: StAlleged, From: graph.Alleged, To: graph.Disputed, Claim: "c-afghanistan-denies"}})
	})
}

// TestSharedFeed checks the change feed of stores that share their
// storage, as instances sharing a PostgreSQL database do: open returns
// handles opened apart. Writes through every handle get ids that grow by
// one in commit order, and each handle's watchers wake for the others'
// writes.
func TestSharedFeed(t *testing.T, open func(t testing.TB) []graph.Store) {
	hs := open(t)
	for _, h := range hs {
		closedAtEnd(t, h)
	}
	ctx := t.Context()
	a, b := hs[0], hs[1]
	la, lb := a.(graph.EventLog), b.(graph.EventLog)
	if _, err := a.Apply(ctx, Fixture(), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	wake := lb.WatchEvents(ctx)
	time.Sleep(200 * time.Millisecond) // the listener connects
	drain(wake)
	if _, err := a.Apply(ctx, DenialClaim("c-afghanistan-denies"), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Run("another handle wakes and reads the write", func(t *testing.T) {
		select {
		case <-wake:
		case <-time.After(10 * time.Second):
			t.Fatal("the other handle's watcher did not wake within 10s")
		}
		got, err := lb.Events(ctx, 7, 0)
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "events", rows(got), []eventRow{
			{graph.EventClaimAdded, StAlleged, "c-afghanistan-denies", "", "", false},
			{graph.EventStatusChanged, StAlleged, "c-afghanistan-denies", graph.Alleged, graph.Disputed, false},
		})
	})
	t.Run("concurrent writes through both handles get ids one by one", func(t *testing.T) {
		start, err := la.LastEventID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		const each = 10
		var wg sync.WaitGroup
		for i, h := range hs {
			wg.Go(func() {
				for j := range each {
					c := DenialClaim(fmt.Sprintf("c-%d-%d", i, j))
					c.Statements[0].Claims[0].Claimant = "pakistan"
					c.Statements[0].Claims[0].Stance = graph.Asserts
					if _, err := h.Apply(context.WithoutCancel(ctx), c, graph.ApplyOptions{}); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		got, err := la.Events(ctx, start, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2*each {
			t.Fatalf("%d events, want %d", len(got), 2*each)
		}
		for i, e := range got {
			if e.ID != start+1+uint64(i) {
				t.Errorf("event %d has id %d, want %d", i, e.ID, start+1+uint64(i))
			}
		}
		again, err := lb.Events(ctx, start, 0)
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "the other handle's events", rows(again), rows(got))
	})
}

func drain(c <-chan struct{}) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}
