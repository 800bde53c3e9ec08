package cayley

import (
	"bytes"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/graphtest"
)

// groupBatches are writes that depend on each other: each needs to see
// what those before it changed.
func groupBatches() []struct {
	name string
	b    graph.Batch
	opts graph.ApplyOptions
	code string
} {
	met := graph.RelationType{Name: "met", Label: "met", Subject: []string{"Country"}, Object: []string{"Group"}}
	metStatement := graph.Statement{ID: "st-met", Subject: "india", Type: "met", Object: "bla",
		Claims: []graph.Claim{{ID: "c-met", Source: graphtest.SourceID, Claimant: "pakistan", Stance: graph.Asserts}}}
	second := graph.Statement{ID: "st-met-2", Subject: "pakistan", Type: "met", Object: "ttp",
		Claims: []graph.Claim{{ID: "c-met-2", Source: graphtest.SourceID, Claimant: "india", Stance: graph.Asserts}}}
	denial := graph.Statement{ID: "st-met", Claims: []graph.Claim{{ID: "c-met-denied", Source: graphtest.SourceID, Claimant: "india", Stance: graph.Denies}}}
	renamed := graphtest.FixtureEntities()[3]
	renamed.Name = "Republic of India"
	unknown := graph.Statement{ID: "st-unknown", Subject: "nobody", Type: "backs", Object: "ttp",
		Claims: []graph.Claim{{ID: "c-unknown", Source: graphtest.SourceID, Claimant: "pakistan", Stance: graph.Asserts}}}
	return []struct {
		name string
		b    graph.Batch
		opts graph.ApplyOptions
		code string
	}{
		{"a new relation type and a statement of it", graph.Batch{Ontology: graph.Ontology{RelationTypes: []graph.RelationType{met}},
			Statements: []graph.Statement{metStatement}}, graph.ApplyOptions{}, ""},
		{"a statement of the type added before", graph.Batch{Statements: []graph.Statement{second}},
			graph.ApplyOptions{Create: []graph.Ref{{Kind: graph.KindStatement, ID: second.ID}}}, ""},
		{"creating it again conflicts", graph.Batch{Statements: []graph.Statement{second}},
			graph.ApplyOptions{Create: []graph.Ref{{Kind: graph.KindStatement, ID: second.ID}}}, graph.Conflict},
		{"an unknown entity is invalid", graph.Batch{Statements: []graph.Statement{unknown}}, graph.ApplyOptions{}, graph.Invalid},
		{"a denial of the statement added before", graph.Batch{Statements: []graph.Statement{denial}},
			graph.ApplyOptions{ClaimsOnly: true, Create: []graph.Ref{{Kind: graph.KindClaim, ID: "c-met-denied"}}}, ""},
		{"the same denial again changes nothing", graph.Batch{Statements: []graph.Statement{denial}},
			graph.ApplyOptions{ClaimsOnly: true}, ""},
		{"a renamed subject", graph.Batch{Entities: []graph.Entity{renamed}}, graph.ApplyOptions{}, ""},
		{"a claim of the renamed subject's statement", graph.Batch{Statements: []graph.Statement{{ID: graphtest.StDisputed,
			Claims: []graph.Claim{{ID: "c-more", Source: graphtest.SourceID, Claimant: "afghanistan", Stance: graph.Denies}}}}},
			graph.ApplyOptions{ClaimsOnly: true}, ""},
	}
}

type outcome struct {
	sum  graph.Summary
	code string
}

// TestGroupCommitActsAsWritesOneAfterAnother commits dependent writes as
// one group and checks that each caller gets what it would get writing
// alone, one after the other, and that the store, its events and its
// audit log end up the same (rejected writes leave nothing).
func TestGroupCommitActsAsWritesOneAfterAnother(t *testing.T) {
	ctx := t.Context()
	grouped, alone := openT(t, boltURL(t)), openT(t, boltURL(t))
	alone.groupCommits = false
	for _, s := range []*Store{grouped, alone} {
		if _, err := s.Apply(ctx, graphtest.Fixture(), graph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	batches := groupBatches()
	var reqs []*applyRequest
	for _, tc := range batches {
		b := cloneBatch(tc.b)
		graph.NormalizeBatch(&b)
		reqs = append(reqs, &applyRequest{ctx: ctx, b: b, opts: tc.opts, done: make(chan applyResult, 1)})
	}
	unlock, err := grouped.lockWrites(ctx)
	if err != nil {
		t.Fatal(err)
	}
	grouped.commitGroup(reqs)
	unlock()

	for i, tc := range batches {
		t.Run(tc.name, func(t *testing.T) {
			res := <-reqs[i].done
			got := outcome{res.sum, graph.ErrorCode(res.err)}
			sum, err := alone.Apply(ctx, tc.b, tc.opts)
			want := outcome{sum, graph.ErrorCode(err)}
			if want.code != tc.code {
				t.Fatalf("alone: code %q (%v), want %q", want.code, err, tc.code)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("grouped %+v (%v), alone %+v", got, res.err, want)
			}
		})
	}
	t.Run("the stores are the same", func(t *testing.T) {
		if g, a := storeQuads(t, grouped), storeQuads(t, alone); !bytes.Equal(g, a) {
			t.Errorf("grouped store:\n%s\nwritten alone:\n%s", g, a)
		}
	})
	t.Run("the events are the same", func(t *testing.T) {
		if g, a := eventsOf(t, grouped), eventsOf(t, alone); g != a {
			t.Errorf("grouped events:\n%s\nwritten alone:\n%s", g, a)
		}
	})
	t.Run("the audit logs are the same", func(t *testing.T) {
		if g, a := auditOf(t, grouped), auditOf(t, alone); g != a {
			t.Errorf("grouped audit:\n%s\nwritten alone:\n%s", g, a)
		}
	})
	t.Run("the events read back after a reopen", func(t *testing.T) {
		want := eventsOf(t, grouped)
		grouped.Close()
		s := openT(t, "bolt:"+grouped.file)
		if got := eventsOf(t, s); got != want {
			t.Errorf("after reopen:\n%s\nbefore:\n%s", got, want)
		}
	})
}

// TestGroupCommitFailureChangesNothing fails the one transaction of a
// group: every caller gets the error, the store is as it was, and the
// next writes number their events after the last stored one.
func TestGroupCommitFailureChangesNothing(t *testing.T) {
	ctx := t.Context()
	s := openT(t, boltURL(t))
	if _, err := s.Apply(ctx, graphtest.Fixture(), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	before, events := storeQuads(t, s), eventsOf(t, s)
	var reqs []*applyRequest
	for _, tc := range groupBatches()[:2] {
		b := cloneBatch(tc.b)
		graph.NormalizeBatch(&b)
		reqs = append(reqs, &applyRequest{ctx: ctx, b: b, opts: tc.opts, done: make(chan applyResult, 1)})
	}
	breakNextWrite(s)
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.commitGroup(reqs)
	unlock()
	for i, req := range reqs {
		if res := <-req.done; graph.ErrorCode(res.err) != graph.Internal {
			t.Errorf("write %d: code %q (%v), want %q", i, graph.ErrorCode(res.err), res.err, graph.Internal)
		}
	}
	if after := storeQuads(t, s); !bytes.Equal(after, before) {
		t.Errorf("store changed by a failed group:\n%s\nbefore:\n%s", after, before)
	}
	if got := eventsOf(t, s); got != events {
		t.Errorf("events after a failed group:\n%s\nbefore:\n%s", got, events)
	}
	last, err := s.LastEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, graphtest.DenialClaim("c-after"), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Events(ctx, last, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].ID != last+1 {
		t.Errorf("events after %d: %+v, want ids from %d", last, got, last+1)
	}
}

// TestConcurrentAppliesOnBolt writes from many goroutines at once: every
// write lands, and the events are numbered one after the other with none
// lost or repeated.
func TestConcurrentAppliesOnBolt(t *testing.T) {
	ctx := t.Context()
	s := openT(t, boltURL(t))
	if _, err := s.Apply(ctx, graphtest.Fixture(), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	first, err := s.LastEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 6
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("st-%d-%d", w, i)
				st := graph.Statement{ID: id, Subject: "india", Type: "backs", Object: "ttp",
					Claims: []graph.Claim{{ID: "c-" + id, Source: graphtest.SourceID, Claimant: "pakistan", Stance: graph.Asserts}}}
				_, err := s.Apply(ctx, graph.Batch{Statements: []graph.Statement{st}},
					graph.ApplyOptions{Create: []graph.Ref{{Kind: graph.KindStatement, ID: id}}})
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Events(ctx, first, 0)
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]bool{}
	for i, e := range got {
		if e.ID != first+1+uint64(i) {
			t.Fatalf("event %d has id %d, want %d", i, e.ID, first+1+uint64(i))
		}
		if e.Kind == graph.EventClaimAdded {
			claims[e.Claim] = true
		}
	}
	if len(claims) != writers*each {
		t.Errorf("%d claimAdded events for distinct claims, want %d", len(claims), writers*each)
	}
	rels, err := s.Relations(ctx, "india", graph.RelationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rels); n < writers*each {
		t.Errorf("%d relations of india, want at least %d", n, writers*each)
	}
}

func storeQuads(tb testing.TB, s *Store) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := s.WriteNQuads(tb.Context(), &buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// eventsOf describes the stored events, leaving out their times.
func eventsOf(tb testing.TB, s *Store) string {
	tb.Helper()
	events, err := s.Events(tb.Context(), 0, 0)
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	for _, e := range events {
		fmt.Fprintf(&buf, "%d %s %s %s %s %s %s->%s\n", e.ID, e.Kind, e.Statement, e.Claim, e.Stance, e.Claimant, e.From, e.To)
	}
	return buf.String()
}

// auditOf describes the audit log, leaving out times and ids.
func auditOf(tb testing.TB, s *Store) string {
	tb.Helper()
	entries, err := s.AuditLog(tb.Context(), graph.AuditQuery{})
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	for _, e := range entries {
		fmt.Fprintf(&buf, "%s %s +%d ~%d -%d %v %v\n", e.User, e.Operation, e.Added, e.Changed, e.Removed, e.Changes, e.Statuses)
	}
	return buf.String()
}
