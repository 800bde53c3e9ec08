package cayley

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley/bolttest"
	"github.com/claimgraph/claimgraph/graph/graphtest"
)

// manyPagesStore writes the fixture and n generated groups, each allied
// with the next, into a new bolt file in dir, and returns its path: a
// file of many pages.
func manyPagesStore(tb testing.TB, dir string, n int) string {
	tb.Helper()
	path := filepath.Join(dir, "graph.bolt")
	s, err := Open(tb.Context(), "bolt:"+path, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Apply(tb.Context(), graphtest.Fixture(), graph.ApplyOptions{}); err != nil {
		tb.Fatal(err)
	}
	var b graph.Batch
	for i := range n {
		b.Entities = append(b.Entities, graph.Entity{ID: fmt.Sprintf("g-%05d", i), Type: "Group", Name: fmt.Sprintf("Group number %d", i)})
		if i > 0 {
			b.Statements = append(b.Statements, graph.Statement{Subject: fmt.Sprintf("g-%05d", i-1), Type: "allied-with", Object: fmt.Sprintf("g-%05d", i),
				Claims: []graph.Claim{{Source: graphtest.SourceID, Stance: graph.Asserts, Quote: fmt.Sprintf("Groups %d and %d are allied.", i-1, i)}}})
		}
	}
	if _, err := s.Apply(tb.Context(), b, graph.ApplyOptions{}); err != nil {
		tb.Fatal(err)
	}
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

func copyOf(tb testing.TB, path, name string) string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	to := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(to, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return to
}

// wantCorrupt fails tb unless err is the Internal error of a corrupt
// bolt file that names path.
func wantCorrupt(tb testing.TB, what string, err error, path string) {
	tb.Helper()
	if graph.ErrorCode(err) != graph.Internal || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "corrupt") {
		tb.Errorf("%s: err = %v (code %q), want an internal error saying %s is corrupt", what, err, graph.ErrorCode(err), path)
	}
}

// closeWithin closes s and fails tb when Close takes longer than d.
func closeWithin(tb testing.TB, s *Store, d time.Duration) {
	tb.Helper()
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		tb.Fatalf("Close did not return within %s", d)
	}
}

func TestOpenRefusesCorruptBoltFile(t *testing.T) {
	orig := manyPagesStore(t, t.TempDir(), 2000)
	tree, free, pageSize := bolttest.Pages(t, orig)
	if len(tree) < 50 {
		t.Fatalf("the store has %d tree pages; the test needs many", len(tree))
	}
	tests := []struct {
		name string
		page int
		at   int // bytes into the page
	}{
		{"a page at 25% of the tree", tree[len(tree)/4], 0},
		{"a page at 50% of the tree", tree[len(tree)/2], 0},
		{"a page at 75% of the tree", tree[3*len(tree)/4], 0},
		{"the end of one page and the header of the last", tree[len(tree)-1] - 1, pageSize / 2},
		{"the header of meta page 0", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := copyOf(t, orig, "corrupt.bolt")
			bolttest.Flip(t, path, int64(tt.page*pageSize+tt.at), 4096)
			start := time.Now()
			s, err := Open(t.Context(), "bolt:"+path, Options{})
			if err == nil {
				s.Close()
			}
			wantCorrupt(t, "Open", err, path)
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("Open took %s", took)
			}
		})
	}
	t.Run("a free page is harmless", func(t *testing.T) {
		if len(free) == 0 {
			t.Fatal("the store has no free page")
		}
		path := copyOf(t, orig, "free.bolt")
		bolttest.Flip(t, path, int64(free[len(free)/2]*pageSize), 4096)
		s, err := Open(t.Context(), "bolt:"+path, Options{})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer s.Close()
		if _, err := s.Entity(t.Context(), "g-01000"); err != nil {
			t.Errorf("Entity: %v", err)
		}
	})
}

// TestCorruptPageFoundByAReadStopsWrites damages the file under an open
// store: bbolt panics in the reads that meet a damaged page. Each read
// must return an error instead, the store must refuse writes and report
// itself corrupt, and Close must not hang.
func TestCorruptPageFoundByAReadStopsWrites(t *testing.T) {
	path := manyPagesStore(t, t.TempDir(), 2000)
	tree, _, pageSize := bolttest.Pages(t, path)
	s, err := Open(t.Context(), "bolt:"+path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Err(); err != nil {
		t.Fatalf("Err of a sound store: %v", err)
	}
	for _, id := range tree {
		bolttest.Flip(t, path, int64(id*pageSize), pageSize)
	}
	ctx := t.Context()
	reads := []struct {
		name string
		read func() error
	}{
		{"Entity", func() error { _, err := s.Entity(ctx, "g-01000"); return err }},
		{"Entities", func() error { _, err := s.Entities(ctx, graph.EntityQuery{}); return err }},
		{"Relations", func() error { _, err := s.Relations(ctx, "g-00010", graph.RelationQuery{}); return err }},
		{"WriteNQuads", func() error { return s.WriteNQuads(ctx, io.Discard) }},
		{"Scan", func() error { _, err := s.Scan(ctx); return err }},
		{"AuditLog", func() error { _, err := s.AuditLog(ctx, graph.AuditQuery{}); return err }},
	}
	for _, r := range reads {
		t.Run(r.name, func(t *testing.T) { wantCorrupt(t, r.name, r.read(), path) })
	}
	wantCorrupt(t, "Err", s.Err(), path)
	_, err = s.Apply(ctx, graph.Batch{Entities: []graph.Entity{{ID: "new", Type: "Group", Name: "New"}}}, graph.ApplyOptions{})
	wantCorrupt(t, "Apply", err, path)
	closeWithin(t, s, 10*time.Second)
}

// TestBackgroundCheckHoldsWrites: a check that outlasts Open's bound goes
// on in the background; writes wait for it, and go ahead after it passed
// or are refused after it found a damaged page.
func TestBackgroundCheckHoldsWrites(t *testing.T) {
	orig := manyPagesStore(t, t.TempDir(), 500)
	tree, _, pageSize := bolttest.Pages(t, orig)
	write := graph.Batch{Entities: []graph.Entity{{ID: "new", Type: "Group", Name: "New"}}}
	tests := []struct {
		name    string
		damage  bool
		wantErr string
	}{
		{"sound file: the write goes ahead", false, ""},
		{"damaged file: the write is refused", true, graph.Internal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := copyOf(t, orig, "graph.bolt")
			s, err := Open(t.Context(), "bolt:"+path, Options{CheckTimeout: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer closeWithin(t, s, 10*time.Second)
			if tt.damage {
				bolttest.Flip(t, path, int64(tree[len(tree)/2]*pageSize), 4096)
			}
			release := make(chan struct{})
			s.checkHook = func() { <-release }
			if err := s.startCheck(t.Context(), time.Millisecond); err != nil {
				t.Fatalf("startCheck: %v", err)
			}
			if !tt.damage {
				// (On the damaged file, planning the write may read the
				// damaged page, which refuses it at once.)
				short, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
				defer cancel()
				if _, err := s.Apply(short, write, graph.ApplyOptions{}); graph.ErrorCode(err) != graph.Unavailable {
					t.Errorf("a write while the check runs: err = %v, want it to wait and then be unavailable", err)
				}
			}
			if err := s.Err(); err != nil {
				t.Errorf("Err while the check runs: %v", err)
			}
			// On the damaged file the write comes after the check, so that
			// only the check can have found the damage.
			applied := make(chan error, 1)
			apply := func() { _, err := s.Apply(t.Context(), write, graph.ApplyOptions{}); applied <- err }
			if !tt.damage {
				go apply()
			}
			close(release)
			select {
			case <-s.checked:
			case <-time.After(10 * time.Second):
				t.Fatal("the check did not end within 10s")
			}
			if tt.damage {
				wantCorrupt(t, "Err after the check", s.Err(), path)
				go apply()
			} else if err := s.Err(); err != nil {
				t.Errorf("Err after the check: %v", err)
			}
			select {
			case err := <-applied:
				if graph.ErrorCode(err) != tt.wantErr {
					t.Errorf("the write after the check: err = %v, want code %q", err, tt.wantErr)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the write did not return within 10s of the check")
			}
		})
	}
}
