package cayley

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	cproto "github.com/cayleygraph/cayley/graph/proto"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/pquads"
	hbolt "github.com/hidal-go/hidalgo/kv/bbolt"
	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley/boltbulk"
	"github.com/claimgraph/claimgraph/graph/graphtest"
)

// kvState is what a bolt file holds in Cayley's KV layout, read by plain
// Cayley and by bbolt, with what differs between two runs masked (import
// node names, times, version tokens): the live quads and, for each value,
// the count of quads using it.
type kvState = storeState[uint64]

// maskValue writes a value's String form with what differs between two
// runs masked: the values in tokens as token, import node names and times.
func maskValue(s string, tokens map[string]bool, token string) string {
	if tokens[s] {
		return token
	}
	return maskTime.ReplaceAllString(maskImport.ReplaceAllString(s, "cg:imp/X"), "TIME")
}

// maskQuad writes q with its values masked as maskValue does.
func maskQuad(q quad.Quad, tokens map[string]bool, token string) string {
	mask := func(s string) string { return maskValue(s, tokens, token) }
	return mask(q.Subject.String()) + " " + mask(q.Predicate.String()) + " " + mask(q.Object.String()) + " " + mask(quad.StringOf(q.Label))
}

// storeState is what a backend's tables hold, read below Cayley: the
// quads (masked where they differ by import), each value's reference
// count, and Cayley's own counts.
type storeState[N int64 | uint64] struct {
	Quads []string
	Refs  map[string]N
	Size  int64 // Cayley's quad count
	Nodes int64 // Cayley's exact node count
}

var (
	maskImport = regexp.MustCompile(`cg:imp/[^>"]*`)
	maskTime   = regexp.MustCompile(`\d{4}-\d\d-\d\dT[0-9:.]+Z`)
)

// readKV reads the closed bolt file at path; it also checks that every
// quad is found again through a subject lookup, as reads do, that values,
// counts and log entries go together, and that no journal is left.
func readKV(t *testing.T, path string) kvState {
	t.Helper()
	ctx := t.Context()
	db, err := hbolt.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	qs, err := kv.New(db, cgraph.Options{kv.OptNoBloom: true})
	if err != nil {
		t.Fatal(err)
	}
	defer qs.Close()
	var quads []quad.Quad
	versions := map[string]bool{}
	it := qs.QuadsAllIterator().Iterate()
	for it.Next(ctx) {
		q, err := qs.Quad(it.Result())
		if err != nil {
			t.Fatal(err)
		}
		quads = append(quads, q)
		if q.Predicate == pVersion {
			versions[q.Object.String()] = true
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	it.Close()
	var st kvState
	for _, q := range quads {
		st.Quads = append(st.Quads, maskQuad(q, versions, `"VERSION"`))
		if !hasQuad(t, qs, q) {
			t.Errorf("quad %v is not found through its subject", q)
		}
	}
	slices.Sort(st.Quads)
	stats, err := qs.Stats(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	st.Size, st.Nodes = stats.Quads.Value, stats.Nodes.Value
	if int(st.Size) != len(quads) {
		t.Errorf("Cayley's size is %d, with %d quads stored", st.Size, len(quads))
	}
	qs.Close()

	bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	st.Refs = map[string]uint64{}
	err = bdb.View(func(tx *bolt.Tx) error {
		log := tx.Bucket([]byte("log")) // Cayley's log of values and quads
		values := 0
		err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if boltbulk.IsJournal(name) {
				return fmt.Errorf("a journal is left: %s", name)
			}
			if len(name) != 3 || name[0] != 'v' {
				return nil
			}
			refs := tx.Bucket([]byte{'n', name[1], name[2]})
			return b.ForEach(func(h, v []byte) error {
				values++
				id, _ := binary.Uvarint(v)
				var p cproto.Primitive
				if err := proto.Unmarshal(log.Get(binary.BigEndian.AppendUint64(nil, id)), &p); err != nil || !p.IsNode() {
					return fmt.Errorf("value %d has no log entry (%v)", id, err)
				}
				val, err := pquads.UnmarshalValue(p.Value)
				if err != nil {
					return err
				}
				var n uint64
				if refs != nil {
					n, _ = binary.Uvarint(refs.Get(h))
				}
				if n == 0 {
					return fmt.Errorf("value %s is stored with no reference count", val)
				}
				st.Refs[maskValue(val.String(), versions, `"VERSION"`)] += n
				return nil
			})
		})
		if err != nil {
			return err
		}
		counts := 0
		err = tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if len(name) == 3 && name[0] == 'n' {
				counts += b.Stats().KeyN
			}
			return nil
		})
		if counts != values {
			return fmt.Errorf("%d reference counts for %d values", counts, values)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func hasQuad(t *testing.T, qs cgraph.QuadStore, q quad.Quad) bool {
	ref, err := qs.ValueOf(q.Subject)
	if err != nil || ref == nil {
		return false
	}
	it := qs.QuadIterator(quad.Subject, ref).Iterate()
	defer it.Close()
	for it.Next(t.Context()) {
		if got, err := qs.Quad(it.Result()); err == nil && got == q {
			return true
		}
	}
	return false
}

func diffState[N int64 | uint64](t *testing.T, what string, got, want storeState[N]) {
	t.Helper()
	if !slices.Equal(got.Quads, want.Quads) {
		t.Errorf("%s: quads differ:\n got  %q\n want %q", what, got.Quads, want.Quads)
	}
	if !maps.Equal(got.Refs, want.Refs) {
		for k := range maps.Keys(got.Refs) {
			if got.Refs[k] != want.Refs[k] {
				t.Errorf("%s: value %s counts %d references, want %d", what, k, got.Refs[k], want.Refs[k])
			}
		}
		for k := range maps.Keys(want.Refs) {
			if _, ok := got.Refs[k]; !ok {
				t.Errorf("%s: value %s is missing", what, k)
			}
		}
	}
	if got.Size != want.Size || got.Nodes != want.Nodes {
		t.Errorf("%s: Cayley counts %d quads and %d nodes, want %d and %d", what, got.Size, got.Nodes, want.Size, want.Nodes)
	}
}

// movieImport is graphtest.MovieImport with its second version.
func movieImport(second bool) graph.BulkImport {
	imp := graphtest.MovieImport()
	if !second {
		return imp
	}
	ents := slices.Collect(imp.Entities)
	ents[2].Name = "Humphrey DeForest Bogart"
	sts := slices.Collect(imp.Statements)[1:]
	sts[0].Attributes = map[string]string{"character": "Richard Blaine"}
	imp.Digest = "digest-2"
	imp.Entities, imp.Statements = slices.Values(ents), slices.Values(sts)
	imp.NumEntities, imp.NumStatements = len(ents), len(sts)
	return imp
}

// TestBulkWritesAsCayley runs the same changes on two bolt stores, one
// importing and dropping imports below Cayley (package boltbulk) and
// one through Cayley's writer and deletes, and compares what plain Cayley
// reads back, and every value's reference count, after each: an import
// into a store that shares values with it, a second import that replaces
// the first, an edit through Apply, and the retraction of the source.
func TestBulkWritesAsCayley(t *testing.T) {
	ctx := t.Context()
	steps := []struct {
		name string
		do   func(s *Store) error
	}{
		{"fixture", func(s *Store) error { _, err := s.Apply(ctx, graphtest.Fixture(), graph.ApplyOptions{}); return err }},
		{"import", func(s *Store) error { _, err := s.Import(ctx, movieImport(false), graph.BulkOptions{}); return err }},
		{"replacing import", func(s *Store) error { _, err := s.Import(ctx, movieImport(true), graph.BulkOptions{}); return err }},
		{"edit", func(s *Store) error { _, err := s.Apply(ctx, editedFixture(), graph.ApplyOptions{}); return err }},
		{"retract", func(s *Store) error { _, err := s.RetractSource(ctx, "movies"); return err }},
	}
	dir := t.TempDir()
	bulk, plain := filepath.Join(dir, "bulk.bolt"), filepath.Join(dir, "plain.bolt")
	for i, step := range steps {
		states := map[string]kvState{}
		for _, path := range []string{bulk, plain} {
			s := openT(t, "bolt:"+path)
			s.noBulk = path == plain
			s.auditClock = func() (time.Time, string) { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), fmt.Sprint(i) }
			if err := step.do(s); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			states[path] = readKV(t, path)
		}
		diffState(t, step.name, states[bulk], states[plain])
		if step.name == "import" && len(states[bulk].Quads) < 20 {
			t.Fatalf("only %d quads after the import", len(states[bulk].Quads))
		}
	}
}

var errStep = errors.New("stopped by the test")

// baseStore writes dir/before.bolt holding the fixture and, withImport,
// a committed bulk import, and returns its path.
func baseStore(t *testing.T, dir string, withImport bool) string {
	t.Helper()
	before := filepath.Join(dir, "before.bolt")
	s := openT(t, "bolt:"+before)
	defer s.Close()
	if _, err := s.Apply(t.Context(), graphtest.Fixture(), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if withImport {
		if _, err := s.Import(t.Context(), movieImport(false), graph.BulkOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return before
}

// TestBulkRollsBack stops an import after each transaction of the bulk writer,
// with one value or quad per transaction, twice: once as a failure (the
// importing call rolls back) and once as a crash (a copy of the file at
// that moment is opened, and Open rolls back). Either way the store is
// what it was before, down to the reference counts.
func TestBulkRollsBack(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	before := baseStore(t, dir, true)
	want := readKV(t, before)
	for step := 1; ; step++ {
		path := filepath.Join(dir, fmt.Sprintf("failed-%d.bolt", step))
		crash := filepath.Join(dir, fmt.Sprintf("crashed-%d.bolt", step))
		copyFile(t, before, path)
		s := openT(t, "bolt:"+path)
		s.boltDB.NoSync = true // a crash is a copy of the file here
		s.bulkChunk = 1
		reached := false
		s.bulkStep = func(n int) error {
			if n < step {
				return nil
			}
			reached = true
			if err := s.boltDB.View(func(tx *bolt.Tx) error { return tx.CopyFile(crash, 0o600) }); err != nil {
				return err
			}
			return errStep
		}
		_, err := s.Import(ctx, movieImport(true), graph.BulkOptions{})
		if !reached {
			if err != nil {
				t.Fatal(err)
			}
			if step < 30 {
				t.Fatalf("the import took only %d transactions", step-1)
			}
			t.Logf("stopped after each of %d transactions", step-1)
			break
		}
		if err == nil || !strings.Contains(err.Error(), errStep.Error()) {
			t.Fatalf("step %d: import error %v, want the test's", step, err)
		}
		s.Close()
		diffState(t, fmt.Sprintf("failed at step %d", step), readKV(t, path), want)
		c := openT(t, "bolt:"+crash)
		c.Close()
		diffState(t, fmt.Sprintf("crashed at step %d", step), readKV(t, crash), want)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	db, err := bolt.Open(from, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.View(func(tx *bolt.Tx) error { return tx.CopyFile(to, 0o600) }); err != nil {
		t.Fatal(err)
	}
}

// TestBulkRollbackResumes cuts the rollback of an uncommitted import
// short after each of its transactions (a failure, then the process
// ends) and checks that the next Open finishes it.
func TestBulkRollbackResumes(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	before := baseStore(t, dir, false)
	want := readKV(t, before)
	for cut := 1; ; cut++ {
		path := filepath.Join(dir, fmt.Sprintf("cut-%d.bolt", cut))
		copyFile(t, before, path)
		s := openT(t, "bolt:"+path)
		s.boltDB.NoSync = true // the process does not die here
		s.bulkChunk = 3
		// An import written in full but not committed.
		im, err := s.prepareImport(ctx, movieImport(false))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.write(im.startTx()); err != nil {
			t.Fatal(err)
		}
		if err := im.run(ctx, movieImport(false), graph.BulkOptions{}); err != nil {
			t.Fatal(err)
		}
		n := 0
		s.bulkStep = func(int) error {
			if n++; n >= cut {
				return errStep
			}
			return nil
		}
		err = s.dropImport(ctx, im.node)
		s.Close()
		if err == nil {
			if cut < 15 {
				t.Fatalf("the rollback took only %d transactions", cut)
			}
			t.Logf("cut after each of %d transactions", cut-1)
			break
		}
		if !errors.Is(err, errStep) {
			t.Fatalf("cut %d: rollback error %v, want the test's", cut, err)
		}
		s = openT(t, "bolt:"+path)
		s.Close()
		diffState(t, fmt.Sprintf("rollback cut after %d transactions", cut), readKV(t, path), want)
	}
}

// TestBulkDropResumes cuts the drop of a retracted import short after
// each of its transactions and checks that the next Open finishes it, to
// the same store as a drop that was not cut.
func TestBulkDropResumes(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	before := baseStore(t, dir, true)
	whole := filepath.Join(dir, "whole.bolt")
	copyFile(t, before, whole)
	s := openT(t, "bolt:"+whole)
	fixed := func() (time.Time, string) { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), "fixed" }
	s.auditClock = fixed
	if _, err := s.RetractSource(ctx, "movies"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	want := readKV(t, whole)
	for cut := 1; ; cut++ {
		path := filepath.Join(dir, fmt.Sprintf("cut-%d.bolt", cut))
		copyFile(t, before, path)
		s := openT(t, "bolt:"+path)
		s.boltDB.NoSync = true // the process does not die here
		s.bulkChunk = 2
		s.auditClock = fixed
		n := 0
		s.bulkStep = func(int) error {
			if n++; n >= cut {
				return errStep
			}
			return nil
		}
		if _, err := s.RetractSource(ctx, "movies"); err != nil {
			t.Fatal(err) // the source is retracted; the drop's failure is logged
		}
		s.Close()
		s = openT(t, "bolt:"+path)
		s.Close()
		diffState(t, fmt.Sprintf("drop cut after %d transactions", cut), readKV(t, path), want)
		if n < cut {
			if cut < 5 {
				t.Fatalf("the drop took only %d transactions", n)
			}
			t.Logf("cut after each of %d transactions", cut-1)
			break
		}
	}
}
