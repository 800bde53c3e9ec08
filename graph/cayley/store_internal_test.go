package cayley

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
	bolt "go.etcd.io/bbolt"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/graphtest"
)

func openT(t *testing.T, url string) *Store {
	t.Helper()
	s, err := Open(t.Context(), url, Options{})
	if err != nil {
		t.Fatalf("Open(%s): %v", url, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func boltURL(t *testing.T) string { return "bolt:" + t.TempDir() + "/graph.bolt" }

// failingWriter makes the next write a real failed Cayley transaction: it
// applies the deltas with a delete of a missing quad and no ignore
// options, which Cayley's KV layer rejects after it has started the
// transaction (the failure that can poison Cayley's IRI cache).
type failingWriter struct {
	cgraph.QuadWriter
	qs cgraph.QuadStore
}

func (w failingWriter) ApplyTransaction(tx *cgraph.Transaction) error {
	missing := cgraph.Delta{Action: cgraph.Delete, Quad: quad.MakeIRI("cg:missing", "cg:p/missing", "cg:missing", "")}
	return w.qs.ApplyDeltas(append(tx.Deltas, missing), cgraph.IgnoreOpts{})
}

// breakNextWrite replaces the store's writer with a failingWriter.
func breakNextWrite(s *Store) cgraph.QuadStore {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.w = failingWriter{QuadWriter: s.w, qs: s.qs}
	return s.qs
}

func editedFixture() graph.Batch {
	b := graphtest.Fixture()
	b.Statements[0].Claims[1].Quote = "edited"
	b.Entities[6].Aliases = b.Entities[6].Aliases[1:]
	return b
}

func TestFailedWriteReopensBolt(t *testing.T) {
	s := openT(t, boltURL(t))
	ctx := t.Context()
	if _, err := s.Apply(ctx, graphtest.Fixture(), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	old := breakNextWrite(s)
	_, err := s.Apply(ctx, editedFixture(), graph.ApplyOptions{})
	if code := graph.ErrorCode(err); code != graph.Internal {
		t.Fatalf("failed write: code %q, want %q (err: %v)", code, graph.Internal, err)
	}
	var ge *graph.Error
	if !errors.As(err, &ge) {
		t.Fatalf("error %T is not a *graph.Error", err)
	}
	t.Run("handle is replaced by a fresh one", func(t *testing.T) {
		if s.qs == old {
			t.Fatal("quad store handle was not replaced after a failed write")
		}
	})
	t.Run("failed write changed nothing", func(t *testing.T) {
		st, err := s.Statement(ctx, graphtest.StDisputed)
		if err != nil {
			t.Fatal(err)
		}
		if q := st.Claims[1].Quote; q != "India is backing the TTP." {
			t.Errorf("quote after failed write = %q, want the original", q)
		}
	})
	t.Run("store writes and reads correctly after the failure", func(t *testing.T) {
		sum, err := s.Apply(ctx, editedFixture(), graph.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sum.Diff = nil // graphtest checks the field changes
		if want := (graph.Summary{Changed: 2, Unchanged: graphtest.FixtureItems - 2}); !reflect.DeepEqual(sum, want) {
			t.Errorf("summary = %+v, want %+v", sum, want)
		}
		e, err := s.Entity(ctx, "ttp")
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Aliases) != 1 || e.Aliases[0].Name != "Fitna al-Khawarij" || e.Aliases[0].UsedBy != "pakistan" {
			t.Errorf("aliases = %+v", e.Aliases)
		}
	})
}

func TestFailedWriteDisablesMemory(t *testing.T) {
	s := openT(t, "memory:")
	ctx := t.Context()
	if _, err := s.Apply(ctx, graphtest.Fixture(), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	breakNextWrite(s)
	_, err := s.Apply(ctx, editedFixture(), graph.ApplyOptions{})
	if code := graph.ErrorCode(err); code != graph.Unavailable {
		t.Fatalf("failed write: code %q, want %q (err: %v)", code, graph.Unavailable, err)
	}
	_, err = s.Entity(ctx, "ttp")
	if code := graph.ErrorCode(err); code != graph.Unavailable {
		t.Fatalf("read after failed write: code %q, want %q (err: %v)", code, graph.Unavailable, err)
	}
}

func TestWritesLeaveNoPins(t *testing.T) {
	s := openT(t, boltURL(t))
	ctx := t.Context()
	for _, b := range []graph.Batch{graphtest.Fixture(), editedFixture(), graphtest.Fixture()} {
		if _, err := s.Apply(ctx, b, graph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	pins, err := newReader(s.qs).subject(ctx, iriPins)
	if err != nil {
		t.Fatal(err)
	}
	if len(pins) != 0 {
		t.Errorf("%d pin quads left after writes: %v", len(pins), pins)
	}
}

func TestPinQuads(t *testing.T) {
	a, b := quad.IRI("cg:a"), quad.IRI("cg:b")
	name, keep := quad.String("x"), quad.String("y")
	for _, tc := range []struct {
		name   string
		deltas []cgraph.Delta
		want   map[quad.Value]int // pinned value → pins
	}{
		{"adds only need no pins", []cgraph.Delta{add(a, pName, name)}, nil},
		{"deletes only need no pins", []cgraph.Delta{del(a, pName, name), del(b, pName, keep)}, nil},
		{"a node losing more than it gains is pinned by the difference", []cgraph.Delta{
			del(a, pName, name), del(b, pName, keep), add(a, pName, keep)},
			map[quad.Value]int{pName: 1}},
		{"a node losing three and gaining one is pinned twice", []cgraph.Delta{
			del(a, pName, name), del(a, pDescription, keep), del(a, pLabel, keep), add(a, pAlias, b)},
			map[quad.Value]int{a: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[quad.Value]int{}
			labels := map[quad.Value]bool{}
			for _, q := range pinQuads(tc.deltas, 1) {
				if q.Subject != iriPins || q.Predicate != pPin {
					t.Errorf("pin %v is not <cg:pins> <cg:p/pin> …", q)
				}
				if labels[q.Label] {
					t.Errorf("pin label %v repeats", q.Label)
				}
				labels[q.Label] = true
				got[q.Object]++
			}
			if len(got) != len(tc.want) {
				t.Fatalf("pins = %v, want %v", got, tc.want)
			}
			for v, n := range tc.want {
				if got[v] != n {
					t.Errorf("pins of %v = %d, want %d", v, got[v], n)
				}
			}
		})
	}
}

func add(s, p, o quad.Value) cgraph.Delta {
	return cgraph.Delta{Action: cgraph.Add, Quad: quad.Make(s, p, o, nil)}
}

func del(s, p, o quad.Value) cgraph.Delta {
	return cgraph.Delta{Action: cgraph.Delete, Quad: quad.Make(s, p, o, nil)}
}

// countAll counts every quad of the store with a full scan, but for the
// bookkeeping quads (version and generation tokens) that export leaves out.
func countAll(t *testing.T, s *Store) int {
	t.Helper()
	it := s.qs.QuadsAllIterator().Iterate()
	defer it.Close()
	n := 0
	for it.Next(t.Context()) {
		q, err := s.qs.Quad(it.Result())
		if err != nil {
			t.Fatal(err)
		}
		if q.Predicate == pVersion || q.Predicate == pGeneration || q.Subject == iriAudit || hasPrefix(q.Subject.(quad.IRI), prefixAudit) ||
			q.Subject == iriFeed || hasPrefix(q.Subject.(quad.IRI), prefixEvent) {
			continue // bookkeeping, the audit log and the feed are not the graph
		}
		n++
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestExportReimportIsIdentical(t *testing.T) {
	ctx := t.Context()
	src := openT(t, boltURL(t))
	for _, b := range []graph.Batch{graphtest.Fixture(), editedFixture()} {
		if _, err := src.Apply(ctx, b, graph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var first bytes.Buffer
	if err := src.WriteNQuads(ctx, &first); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(first.String(), "\n"), "\n")
	t.Run("export holds every stored quad", func(t *testing.T) {
		if n := countAll(t, src); len(lines) != n {
			t.Errorf("export has %d quads, the store %d", len(lines), n)
		}
	})
	t.Run("export is sorted absolute IRIs", func(t *testing.T) {
		for i, l := range lines {
			if !strings.HasPrefix(l, "<cg:") {
				t.Fatalf("line %d does not start with a cg: IRI: %s", i+1, l)
			}
			if i > 0 && lines[i-1] >= l {
				t.Fatalf("lines %d and %d are not sorted", i, i+1)
			}
		}
	})

	dst := openT(t, "memory:")
	if err := dst.ReadNQuads(ctx, bytes.NewReader(first.Bytes())); err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	if err := dst.WriteNQuads(ctx, &second); err != nil {
		t.Fatal(err)
	}
	t.Run("reimported export is identical", func(t *testing.T) {
		if first.String() != second.String() {
			t.Errorf("exports differ:\n%s\n---\n%s", first.String(), second.String())
		}
	})
	t.Run("reimported store reads the same", func(t *testing.T) {
		for _, id := range []string{graphtest.StDisputed, graphtest.StOfficial} {
			a, err := src.Statement(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			b, err := dst.Statement(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("statement %s: %+v vs %+v", id, a, b)
			}
		}
	})
	t.Run("quads outside the layout are refused", func(t *testing.T) {
		err := dst.ReadNQuads(ctx, strings.NewReader("<http://x> <http://y> <http://z> .\n"))
		if code := graph.ErrorCode(err); code != graph.Invalid {
			t.Fatalf("code = %q, want %q (err: %v)", code, graph.Invalid, err)
		}
	})
}

// generationWatcher records the store's generation while a transaction is
// being applied, before it commits.
type generationWatcher struct {
	cgraph.QuadWriter
	s    *Store
	seen *[]string
}

func (w generationWatcher) ApplyTransaction(tx *cgraph.Transaction) error {
	g, err := w.s.Generation(context.Background())
	if err != nil {
		return err
	}
	*w.seen = append(*w.seen, g)
	return w.QuadWriter.ApplyTransaction(tx)
}

// TestGenerationMovesBeforeACommit checks that the generation a cache
// reads while a write is under way, before its commit is visible, is
// neither the one before the write nor the one after it. Were it the one
// before, a reader could cache the old data under a generation that is
// still current once the new data is visible, and answer a client from
// the old data after answering it from the new.
func TestGenerationMovesBeforeACommit(t *testing.T) {
	ctx := t.Context()
	s := openT(t, boltURL(t))
	generation := func() string {
		t.Helper()
		g, err := s.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	t.Run("write", func(t *testing.T) {
		var seen []string
		s.mu.Lock()
		s.w = generationWatcher{QuadWriter: s.w, s: s, seen: &seen}
		s.mu.Unlock()
		before := generation()
		if _, err := s.Apply(ctx, graphtest.Fixture(), graph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		after := generation()
		if len(seen) != 1 || seen[0] == before || seen[0] == after || before == after {
			t.Errorf("generation %s before the write, %v during it, %s after it: want three different ones", before, seen, after)
		}
	})
	t.Run("bulk", func(t *testing.T) {
		before := generation()
		var during string
		if err := (boltFile{s}).Update(func(*bolt.Tx) error { during = generation(); return nil }); err != nil {
			t.Fatal(err)
		}
		after := generation()
		if during == before || during == after || before == after {
			t.Errorf("generation %s before the bulk write, %s during it, %s after it: want three different ones", before, during, after)
		}
	})
}
