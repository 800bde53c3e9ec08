package schema

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

// budgetTwoHop asks for the relations of Pakistan and of every entity at their
// other ends: on the built-in seed, a result of a few dozen items.
const budgetTwoHop = `{ entity(id: "pakistan") { relations { to { id relations { to { id } } } from { id } } } }`

// TestTheResultBudgetBoundsARequest finds the smallest budget the two-hop
// query fits in: every smaller one must fail with the error that names the
// limit, and the answer within the budget must be the unbounded one.
func TestTheResultBudgetBoundsARequest(t *testing.T) {
	st := seeded(t)
	var full map[string]any
	mustDo(t, handlerOn(t, st, Options{}), budgetTwoHop, &full)
	// Find the smallest budget the query fits in.
	fits := 0
	for n := 1; n < 10_000; n++ {
		h := handlerOn(t, st, Options{Limits: Limits{MaxResultItems: n}})
		resp, _ := h.Do(t.Context(), Request{Query: budgetTwoHop})
		if len(resp.Errors) == 0 {
			fits = n
			break
		}
		for _, e := range resp.Errors {
			if e.Extensions["code"] != CodeBadUserInput || !strings.Contains(e.Message, "the limit of one request") {
				t.Fatalf("with a budget of %d: error %q (%v), want BAD_USER_INPUT naming the limit", n, e.Message, e.Extensions)
			}
		}
	}
	if fits < 20 {
		t.Fatalf("the two-hop query fits in a budget of %d items; want a result of at least 20 items counted", fits)
	}
	t.Logf("the two-hop query fits in %d items", fits)
	var again map[string]any
	mustDo(t, handlerOn(t, st, Options{Limits: Limits{MaxResultItems: fits}}), budgetTwoHop, &again)
	if !equalJSON(full, again) {
		t.Errorf("within its budget the answer differs from the unbounded one")
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// blockingStore makes Relations wait until released, counting the calls
// waiting.
type blockingStore struct {
	graph.Store
	release chan struct{}
	mu      sync.Mutex
	waiting int
}

func (b *blockingStore) Relations(ctx context.Context, id string, q graph.RelationQuery) ([]graph.Statement, error) {
	b.mu.Lock()
	b.waiting++
	b.mu.Unlock()
	select {
	case <-b.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return b.Store.Relations(ctx, id, q)
}

func (b *blockingStore) RelationsOf(ctx context.Context, ids []string, q graph.RelationQuery) (map[string][]graph.Statement, error) {
	out := map[string][]graph.Statement{}
	for _, id := range ids {
		rels, err := b.Relations(ctx, id, q)
		if err != nil {
			return nil, err
		}
		out[id] = rels
	}
	return out, nil
}

func TestRequestsBeyondTheConcurrencyLimitWaitTheirTurn(t *testing.T) {
	st := &blockingStore{Store: seeded(t), release: make(chan struct{})}
	h := handlerOn(t, st, Options{Limits: Limits{MaxConcurrent: 1, Timeout: 10 * time.Second}, ResultCacheBytes: -1})
	const q = `{ entity(id: "ttp") { relations { id } } }`
	first := make(chan Response, 1)
	go func() {
		resp, _ := h.Do(context.Background(), Request{Query: q})
		first <- resp
	}()
	for deadline := time.Now().Add(5 * time.Second); ; {
		st.mu.Lock()
		n := st.waiting
		st.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first request never reached the store")
		}
		time.Sleep(time.Millisecond)
	}
	// The one turn is taken: a second request waits until its client gives
	// up.
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	busy, _ := h.Do(ctx, Request{Query: `{ entity(id: "india") { relations { id } } }`})
	if codes := codesOf(busy); !slices.Equal(codes, []string{CodeServiceUnavailable}) || !strings.Contains(busy.Errors[0].Message, "busy") {
		t.Fatalf("a request beyond the limit: %+v, want SERVICE_UNAVAILABLE saying the server is busy", busy.Errors)
	}
	close(st.release)
	if resp := <-first; len(resp.Errors) > 0 {
		t.Fatalf("the first request: %+v", resp.Errors)
	}
	// The turn is free again.
	if resp, _ := h.Do(t.Context(), Request{Query: `{ entity(id: "india") { relations { id } } }`}); len(resp.Errors) > 0 {
		t.Fatalf("after the first request ended: %+v", resp.Errors)
	}
}
