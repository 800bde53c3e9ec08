package cayley

import (
	"testing"

	cgraph "github.com/cayleygraph/cayley/graph"

	"github.com/claimgraph/claimgraph/graph"
)

// TestCommittedKeepsRecentEventsWithoutCopyingThem checks that a commit
// adds its events to those the store keeps in memory without copying the
// ones kept: with the memory full, a commit allocates nothing but now and
// then (the trim, the slice's growth), not a copy of the window each time.
func TestCommittedKeepsRecentEventsWithoutCopyingThem(t *testing.T) {
	s, err := Open(t.Context(), "memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.feed.mu.Lock()
	for i := range recentEvents {
		s.feed.recent = append(s.feed.recent, graph.ChangeEvent{ID: uint64(i + 1)})
	}
	s.feed.mu.Unlock()
	const commits = 200
	txs := make([]*cgraph.Transaction, commits+1)
	events := make([][]graph.ChangeEvent, commits+1)
	for i := range txs {
		txs[i] = cgraph.NewTransaction()
		events[i] = []graph.ChangeEvent{{ID: uint64(recentEvents + 1 + i), Kind: graph.EventClaimAdded}}
	}
	next := 0
	allocs := testing.AllocsPerRun(commits, func() {
		s.feed.mu.Lock()
		if s.feed.pending == nil {
			s.feed.pending = map[*cgraph.Transaction][]graph.ChangeEvent{}
		}
		s.feed.pending[txs[next]] = events[next]
		s.feed.mu.Unlock()
		s.committed(txs[next], true)
		next++
	})
	if allocs >= 1 {
		t.Errorf("%.2f allocations a commit with %d events kept, want fewer than 1", allocs, recentEvents)
	}
	s.feed.mu.Lock()
	n, last := len(s.feed.recent), s.feed.recent[len(s.feed.recent)-1].ID
	s.feed.mu.Unlock()
	if n < recentEvents || n > 2*recentEvents || last != uint64(recentEvents+commits+1) {
		t.Errorf("%d events kept, the newest %d; want %d to %d, the newest %d", n, last, recentEvents, 2*recentEvents, recentEvents+commits+1)
	}
}
