package feed_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/feed"
	"github.com/claimgraph/claimgraph/graph/graphtest"
)

func start(tb testing.TB, opts feed.Options) (*cayley.Store, *feed.Hub) {
	tb.Helper()
	st, err := cayley.Open(tb.Context(), "memory:", cayley.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if _, err := st.Apply(tb.Context(), graphtest.Fixture(), graph.ApplyOptions{}); err != nil { // events 1-7
		tb.Fatal(err)
	}
	h, err := feed.Start(tb.Context(), st, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return st, h
}

// addClaims adds n assertions to the fixture's alleged statement, one
// write and one claimAdded event each.
func addClaims(tb testing.TB, st graph.Store, from, n int) {
	tb.Helper()
	for i := from; i < from+n; i++ {
		b := graphtest.DenialClaim(fmt.Sprintf("c-%03d", i))
		b.Statements[0].Claims[0].Claimant, b.Statements[0].Claims[0].Stance = "pakistan", graph.Asserts
		if _, err := st.Apply(tb.Context(), b, graph.ApplyOptions{}); err != nil {
			tb.Fatal(err)
		}
	}
}

func next(tb testing.TB, s *feed.Subscription) *graph.ChangeEvent {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), 10*time.Second)
	defer cancel()
	e, err := s.Next(ctx)
	if err != nil {
		tb.Fatalf("Next: %v", err)
	}
	return e
}

func ids(tb testing.TB, s *feed.Subscription, n int) []uint64 {
	tb.Helper()
	var out []uint64
	for range n {
		out = append(out, next(tb, s).ID)
	}
	return out
}

func seq(from, to uint64) []uint64 {
	var out []uint64
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func TestHub(t *testing.T) {
	t.Run("a live subscription gets the events of each write in order", func(t *testing.T) {
		st, h := start(t, feed.Options{})
		s, err := h.Subscribe(t.Context(), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := st.Apply(t.Context(), graphtest.DenialClaim("c-denial"), graph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		a, b := next(t, s), next(t, s)
		if a.ID != 8 || a.Kind != graph.EventClaimAdded || b.ID != 9 || b.Kind != graph.EventStatusChanged || b.To != graph.Disputed {
			t.Errorf("events %+v, %+v", a, b)
		}
	})
	t.Run("a resumed subscription gets what it missed, then the live events, once each", func(t *testing.T) {
		st, h := start(t, feed.Options{})
		addClaims(t, st, 0, 5) // 8-12
		after := uint64(3)
		s, err := h.Subscribe(t.Context(), &after, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		addClaims(t, st, 5, 3) // 13-15
		if got, want := ids(t, s, 12), seq(4, 15); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ids %v, want %v", got, want)
		}
	})
	t.Run("a resume older than the hub's memory is read back from the store", func(t *testing.T) {
		st, h := start(t, feed.Options{Ring: 2})
		addClaims(t, st, 0, 6) // 8-13
		waitFor(t, h, 13)
		after := uint64(2)
		s, err := h.Subscribe(t.Context(), &after, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if got, want := ids(t, s, 11), seq(3, 13); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ids %v, want %v", got, want)
		}
	})
	t.Run("a filter keeps the events it takes", func(t *testing.T) {
		st, h := start(t, feed.Options{})
		s, err := h.Subscribe(t.Context(), nil, func(e *graph.ChangeEvent) bool { return e.Kind == graph.EventStatusChanged })
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := st.Apply(t.Context(), graphtest.DenialClaim("c-denial"), graph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		if e := next(t, s); e.ID != 9 || e.From != graph.Alleged {
			t.Errorf("event %+v", e)
		}
	})
	t.Run("a subscriber that falls behind is dropped, not buffered", func(t *testing.T) {
		st, h := start(t, feed.Options{Queue: 3})
		s, err := h.Subscribe(t.Context(), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		addClaims(t, st, 0, 5)
		waitFor(t, h, 12)
		if _, err := s.Next(t.Context()); !errors.Is(err, feed.ErrTooSlow) {
			t.Errorf("Next after 5 unread events with a queue of 3: %v, want ErrTooSlow", err)
		}
		if n := h.Subscriptions(); n != 0 {
			t.Errorf("%d subscriptions left open", n)
		}
	})
	t.Run("subscriptions past the limit are refused", func(t *testing.T) {
		_, h := start(t, feed.Options{MaxSubscriptions: 2})
		for i := range 3 {
			s, err := h.Subscribe(t.Context(), nil, nil)
			if i < 2 && err != nil {
				t.Fatal(err)
			}
			if i == 2 {
				if code := graph.ErrorCode(err); code != graph.Unavailable {
					t.Errorf("third subscription: code %q (%v), want %q", code, err, graph.Unavailable)
				}
				break
			}
			defer s.Close()
		}
	})
}

// waitFor waits until the hub has handed out the event id.
func waitFor(tb testing.TB, h *feed.Hub, id uint64) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for h.Last() < id {
		if time.Now().After(deadline) {
			tb.Fatalf("the hub handed out up to %d, not %d, within 10s", h.Last(), id)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestResumeWindowIsBoundedByAge checks the second bound of the window a
// subscription may resume in: besides the events the store keeps (a
// count, see TestEventWindow in graph/cayley), none older than MaxAge, from
// the hub's memory and from the store alike.
func TestResumeWindowIsBoundedByAge(t *testing.T) {
	later := func(d time.Duration) func() time.Time { return func() time.Time { return time.Now().Add(d) } }
	after := func(n uint64) *uint64 { return &n }
	for _, c := range []struct {
		name  string
		opts  feed.Options
		after uint64
		want  string
	}{
		{"a recent event resumes from memory", feed.Options{MaxAge: time.Hour}, 3, ""},
		{"a recent event resumes from the store", feed.Options{MaxAge: time.Hour, Ring: 1}, 3, ""},
		{"an event older than the window is not found in memory", feed.Options{MaxAge: time.Hour, Now: later(2 * time.Hour)}, 3, graph.NotFound},
		{"an event older than the window is not found in the store", feed.Options{MaxAge: time.Hour, Ring: 1, Now: later(2 * time.Hour)}, 3, graph.NotFound},
		{"the default window is a day", feed.Options{Ring: 1, Now: later(25 * time.Hour)}, 3, graph.NotFound},
		{"resuming after the newest event misses nothing, however old", feed.Options{MaxAge: time.Hour, Now: later(2 * time.Hour)}, 9, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, h := start(t, c.opts) // events 1-7
			addClaims(t, st, 0, 2)    // 8, 9
			waitFor(t, h, 9)
			s, err := h.Subscribe(t.Context(), after(c.after), nil)
			if graph.ErrorCode(err) != c.want {
				t.Fatalf("Subscribe(after %d): %v, want code %q", c.after, err, c.want)
			}
			if err != nil {
				return
			}
			defer s.Close()
			if c.after < 9 {
				if got := ids(t, s, int(9-c.after)); got[0] != c.after+1 {
					t.Errorf("resumed with %v", got)
				}
			}
		})
	}
}

// TestHubHandsOutOncePerInterval checks that the events committed within
// the hub's interval are handed out together, one wake-up of the
// subscriber for all of them, while an event that finds the hub idle is
// handed out at once.
func TestHubHandsOutOncePerInterval(t *testing.T) {
	const interval = 3 * time.Second // far longer than five writes to a memory store take
	st, h := start(t, feed.Options{Interval: interval})
	s, err := h.Subscribe(t.Context(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	t.Run("an event after a quiet spell is handed out at once", func(t *testing.T) {
		addClaims(t, st, 0, 1)
		start := time.Now()
		got, err := s.NextBatch(ctx, nil, 0)
		if err != nil || len(got) != 1 {
			t.Fatalf("NextBatch: %d events, %v; want 1", len(got), err)
		}
		if d := time.Since(start); d > interval/2 {
			t.Errorf("the first event took %v, want it at once", d)
		}
	})
	t.Run("the events of an interval come in one hand-out", func(t *testing.T) {
		start := time.Now()
		const writes = 5
		addClaims(t, st, 1, writes)
		if d := time.Since(start); d > interval/2 {
			t.Skipf("the writes took %v, too long to fall within one interval of %v", d, interval)
		}
		got, err := s.NextBatch(ctx, nil, 0)
		if err != nil || len(got) != writes {
			t.Fatalf("NextBatch: %d events, %v; want the %d of the interval at once", len(got), err, writes)
		}
	})
}
