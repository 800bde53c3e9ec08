package graphtest

import (
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// TestSharedStore runs the tests of concurrent writers on stores that
// share their data, as two processes on one database do: open returns
// handles on one new, empty store, opened separately; the suite closes
// them. Of concurrent creates of one id through any of them exactly one
// succeeds, and compare-and-set updates lose no write.
func TestSharedStore(t *testing.T, open func(t testing.TB) []graph.Store) {
	handles := func(t *testing.T) []graph.Store {
		t.Helper()
		hs := open(t)
		for _, h := range hs {
			closedAtEnd(t, h)
		}
		mustApply(t, hs[0], Fixture())
		return hs
	}
	t.Run("concurrent creates of one id: exactly one succeeds", func(t *testing.T) { raceCreates(t, handles(t), 24) })
	t.Run("concurrent compare-and-set updates lose no write", func(t *testing.T) { raceUpdates(t, handles(t), 6, 4) })
}

func (s suite) testCreate(t *testing.T) {
	st := s.loaded(t)
	before := snap(t, st)
	claim := func(id string) []graph.Claim {
		return []graph.Claim{{ID: id, Source: SourceID, Claimant: "pakistan", Stance: graph.Asserts, Quote: "a new quote"}}
	}
	for _, tc := range []struct {
		name  string
		batch graph.Batch
		ref   graph.Ref
	}{
		{"creating a stored entity is a conflict", graph.Batch{Entities: []graph.Entity{{ID: "india", Type: "Group", Name: "Not India"}}},
			graph.Ref{Kind: graph.KindEntity, ID: "india"}},
		{"creating a stored source is a conflict", graph.Batch{Sources: []graph.Source{{ID: SourceID, Title: "Another title"}}},
			graph.Ref{Kind: graph.KindSource, ID: SourceID}},
		{"creating a stored statement is a conflict", graph.Batch{Statements: []graph.Statement{
			{ID: StAlleged, Subject: "afghanistan", Type: "backs", Object: "ttp", Claims: claim("c-new")}}},
			graph.Ref{Kind: graph.KindStatement, ID: StAlleged}},
		{"creating a stored claim is a conflict", graph.Batch{Statements: []graph.Statement{
			{ID: StAlleged, Subject: "afghanistan", Type: "backs", Object: "ttp", Claims: claim("c-pakistan-accuses-afghanistan")}}},
			graph.Ref{Kind: graph.KindClaim, ID: "c-pakistan-accuses-afghanistan"}},
		{"creating a claim stored on another statement is a conflict", graph.Batch{Statements: []graph.Statement{
			{ID: "iran-backs-ttp", Subject: "afghanistan", Type: "backs", Object: "ttp", Claims: claim("c-india-denies")}}},
			graph.Ref{Kind: graph.KindClaim, ID: "c-india-denies"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, dry := range []bool{true, false} {
				_, err := st.Apply(t.Context(), tc.batch, graph.ApplyOptions{DryRun: dry, Create: []graph.Ref{tc.ref}})
				wantCode(t, err, graph.Conflict)
			}
		})
	}
	t.Run("an unknown kind to create is invalid", func(t *testing.T) {
		_, err := st.Apply(t.Context(), graph.Batch{}, graph.ApplyOptions{Create: []graph.Ref{{Kind: "planet", ID: "mars"}}})
		wantCode(t, err, graph.Invalid)
	})
	t.Run("store is unchanged after refused creates", func(t *testing.T) {
		deepEqual(t, "store", snap(t, st), before)
	})
	t.Run("creating new items writes them", func(t *testing.T) {
		b := graph.Batch{
			Entities:   []graph.Entity{{ID: "iran", Type: "Country", Name: "Iran"}},
			Statements: []graph.Statement{{ID: "iran-backs-ttp", Subject: "iran", Type: "backs", Object: "ttp", Claims: claim("c-iran")}},
		}
		_, err := st.Apply(t.Context(), b, graph.ApplyOptions{Create: []graph.Ref{
			{Kind: graph.KindEntity, ID: "iran"}, {Kind: graph.KindStatement, ID: "iran-backs-ttp"}, {Kind: graph.KindClaim, ID: "c-iran"}}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.Statement(t.Context(), "iran-backs-ttp")
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "statement", got, b.Statements[0])
	})
}

func (s suite) testIfUnchanged(t *testing.T) {
	st := s.loaded(t)
	india, err := st.Entity(t.Context(), "india")
	if err != nil {
		t.Fatal(err)
	}
	changed := india
	changed.Description = "A country in South Asia."
	t.Run("an entity as read is replaced", func(t *testing.T) {
		if _, err := st.Apply(t.Context(), graph.Batch{Entities: []graph.Entity{changed}}, graph.ApplyOptions{IfUnchanged: []graph.Entity{india}}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("an entity changed since it was read is a conflict", func(t *testing.T) {
		stale := india
		stale.Name = "Bharat"
		_, err := st.Apply(t.Context(), graph.Batch{Entities: []graph.Entity{stale}}, graph.ApplyOptions{IfUnchanged: []graph.Entity{india}})
		wantCode(t, err, graph.Conflict)
		got, err := st.Entity(t.Context(), "india")
		if err != nil {
			t.Fatal(err)
		}
		deepEqual(t, "entity", got, changed)
	})
	t.Run("an entity gone is not found", func(t *testing.T) {
		_, err := st.Apply(t.Context(), graph.Batch{}, graph.ApplyOptions{IfUnchanged: []graph.Entity{{ID: "atlantis", Type: "Country", Name: "Atlantis"}}})
		wantCode(t, err, graph.NotFound)
	})
}

func (s suite) testClaimsOnly(t *testing.T) {
	st := s.loaded(t)
	add := graph.Claim{ID: "c-new", Source: SourceID, Claimant: "india", Stance: graph.Denies, Quote: "No such role."}
	t.Run("a claim is added and the statement keeps what is stored", func(t *testing.T) {
		want, err := st.Statement(t.Context(), StOfficial)
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.Apply(t.Context(), graph.Batch{Statements: []graph.Statement{{ID: StOfficial, Claims: []graph.Claim{add}}}},
			graph.ApplyOptions{ClaimsOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.Statement(t.Context(), StOfficial)
		if err != nil {
			t.Fatal(err)
		}
		want.Claims = append(want.Claims, add)
		deepEqual(t, "statement", got, want)
	})
	t.Run("a statement that is not stored is not found", func(t *testing.T) {
		_, err := st.Apply(t.Context(), graph.Batch{Statements: []graph.Statement{{ID: "nothing-here", Claims: []graph.Claim{add}}}},
			graph.ApplyOptions{ClaimsOnly: true})
		wantCode(t, err, graph.NotFound)
	})
}

func (s suite) testConcurrentCreate(t *testing.T) {
	raceCreates(t, []graph.Store{s.loaded(t)}, 24)
}

func (s suite) testConcurrentUpdate(t *testing.T) {
	raceUpdates(t, []graph.Store{s.loaded(t)}, 6, 4)
}

// raceCreates starts n goroutines at once, spread over the handles, that
// each create an entity, a source and a statement under ids they all
// share, with content of their own. Exactly one create of each id must
// succeed, the others must be Conflict, and the stored item must be the
// winner's.
func raceCreates(t *testing.T, handles []graph.Store, n int) {
	entity := func(i int) graph.Entity {
		return graph.Entity{ID: "race-e", Type: []string{"Country", "Group"}[i%2], Name: fmt.Sprintf("Racer %d", i)}
	}
	source := func(i int) graph.Source { return graph.Source{ID: "race-src", Title: fmt.Sprintf("Title %d", i)} }
	statement := func(i int) graph.Statement {
		return graph.Statement{ID: "race-st", Subject: "india", Type: "backs", Object: "ttp", Claims: []graph.Claim{
			{ID: "race-st~" + SourceID + "~pakistan", Source: SourceID, Claimant: "pakistan", Stance: graph.Asserts, Quote: fmt.Sprintf("quote %d", i)}}}
	}
	for _, tc := range []struct {
		kind  string
		batch func(i int) graph.Batch
		refs  []graph.Ref
		read  func(st graph.Store) (any, error)
		want  func(i int) any
	}{
		{graph.KindEntity, func(i int) graph.Batch { return graph.Batch{Entities: []graph.Entity{entity(i)}} },
			[]graph.Ref{{Kind: graph.KindEntity, ID: "race-e"}},
			func(st graph.Store) (any, error) { return st.Entity(t.Context(), "race-e") },
			func(i int) any { return entity(i) }},
		{graph.KindSource, func(i int) graph.Batch { return graph.Batch{Sources: []graph.Source{source(i)}} },
			[]graph.Ref{{Kind: graph.KindSource, ID: "race-src"}},
			func(st graph.Store) (any, error) { return st.Source(t.Context(), "race-src") },
			func(i int) any { return source(i) }},
		{graph.KindStatement, func(i int) graph.Batch { return graph.Batch{Statements: []graph.Statement{statement(i)}} },
			[]graph.Ref{{Kind: graph.KindStatement, ID: "race-st"}, {Kind: graph.KindClaim, ID: "race-st~" + SourceID + "~pakistan"}},
			func(st graph.Store) (any, error) { return st.Statement(t.Context(), "race-st") },
			func(i int) any { return statement(i) }},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			start := make(chan struct{})
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					<-start
					_, errs[i] = handles[i%len(handles)].Apply(t.Context(), tc.batch(i), graph.ApplyOptions{Create: tc.refs})
				})
			}
			close(start)
			wg.Wait()
			winner, won := -1, 0
			for i, err := range errs {
				switch graph.ErrorCode(err) {
				case "":
					winner = i
					won++
				case graph.Conflict:
				default:
					t.Errorf("create %d: %v, want success or %s", i, err, graph.Conflict)
				}
			}
			if won != 1 {
				t.Fatalf("%d of %d concurrent creates of one id succeeded, want exactly 1", won, n)
			}
			for h, st := range handles {
				got, err := tc.read(st)
				if err != nil {
					t.Fatal(err)
				}
				deepEqual(t, fmt.Sprintf("item read through handle %d", h), got, tc.want(winner))
			}
		})
	}
}

// raceUpdates has n goroutines, spread over the handles, each add one to
// a counter kept in an entity's description m times, by compare and set:
// read, write on condition that the entity is unchanged, and read again
// on Conflict. No increment may be lost.
func raceUpdates(t *testing.T, handles []graph.Store, n, m int) {
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			st := handles[i%len(handles)]
			for range m {
				for {
					before, err := st.Entity(ctx, "india")
					if err != nil {
						errs <- err
						return
					}
					count, _ := strconv.Atoi(before.Description)
					after := before
					after.Description = strconv.Itoa(count + 1)
					_, err = st.Apply(ctx, graph.Batch{Entities: []graph.Entity{after}}, graph.ApplyOptions{IfUnchanged: []graph.Entity{before}})
					if err == nil {
						break
					}
					if graph.ErrorCode(err) != graph.Conflict {
						errs <- err
						return
					}
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := handles[0].Entity(ctx, "india")
	if err != nil {
		t.Fatal(err)
	}
	if want := strconv.Itoa(n * m); got.Description != want {
		t.Errorf("counter after %d increments = %q, want %q: updates were lost", n*m, got.Description, want)
	}
}
