package cayley

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/refs"
	csql "github.com/cayleygraph/cayley/graph/sql"
	"github.com/cayleygraph/quad"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley/pgtest"
	"github.com/claimgraph/claimgraph/graph/graphtest"
	"github.com/claimgraph/claimgraph/graph/path"
)

// pgState is what Cayley's tables in one schema hold, with what differs
// between two runs masked (import node names, times, version and
// generation tokens): every quad row as its values, and for each value the
// refs its row counts. Horizons and timestamps are left out.
type pgState = storeState[int64]

// readPG reads Cayley's tables at url through plain SQL and Cayley's own
// value decoding, and checks what Cayley's reads rely on: every value's
// hash is the hash of the value it holds, its refs count the quad
// directions that use it, no value is unused, and every quad has a time.
func readPG(t *testing.T, url string) pgState {
	t.Helper()
	ctx := t.Context()
	qs, err := cgraph.NewQuadStore("postgres", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer qs.Close()
	db := sqlDB(t, url)

	type row struct{ s, p, o, l []byte }
	var rows []row
	used := map[string]int64{}
	rs, err := db.QueryContext(ctx, `SELECT subject_hash, predicate_hash, object_hash, label_hash, ts IS NULL FROM quads`)
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var r row
		var noTime bool
		if err := rs.Scan(&r.s, &r.p, &r.o, &r.l, &noTime); err != nil {
			t.Fatal(err)
		}
		if noTime {
			t.Errorf("a quad has no time")
		}
		for _, h := range [][]byte{r.s, r.p, r.o, r.l} {
			if h != nil {
				used[string(h)]++
			}
		}
		rows = append(rows, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	names := map[string]quad.Value{}
	nameOf := func(h []byte) quad.Value {
		if h == nil {
			return nil
		}
		if v, ok := names[string(h)]; ok {
			return v
		}
		var vh refs.ValueHash
		copy(vh[:], h)
		v, err := qs.NameOf(csql.NodeHash{ValueHash: vh})
		if err != nil || v == nil {
			t.Fatalf("value %x: %v, %v", h, v, err)
		}
		if got := refs.HashOf(v); !bytes.Equal(got[:], h) {
			t.Errorf("value %v is stored under hash %x, not its own %x", v, h, got[:])
		}
		names[string(h)] = v
		return v
	}
	var quads []quad.Quad
	masked := map[string]bool{}
	for _, r := range rows {
		q := quad.Quad{Subject: nameOf(r.s), Predicate: nameOf(r.p), Object: nameOf(r.o), Label: nameOf(r.l)}
		if q.Predicate == pVersion || q.Predicate == pGeneration {
			masked[q.Object.String()] = true
		}
		quads = append(quads, q)
	}
	var st pgState
	for _, q := range quads {
		st.Quads = append(st.Quads, maskQuad(q, masked, `"TOKEN"`))
	}
	slices.Sort(st.Quads)
	st.Refs = map[string]int64{}
	rs, err = db.QueryContext(ctx, `SELECT hash, refs FROM nodes`)
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var h []byte
		var n int64
		if err := rs.Scan(&h, &n); err != nil {
			t.Fatal(err)
		}
		v := nameOf(h)
		if n != used[string(h)] {
			t.Errorf("value %v counts %d refs, and %d quad directions use it", v, n, used[string(h)])
		}
		delete(used, string(h))
		st.Refs[maskValue(v.String(), masked, `"TOKEN"`)] += n
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	if len(used) > 0 {
		t.Errorf("%d values used by quads have no row", len(used))
	}
	stats, err := qs.Stats(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	st.Size, st.Nodes = stats.Quads.Value, stats.Nodes.Value
	return st
}

func sqlDB(tb testing.TB, url string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// rawPG is every column of every row of Cayley's tables at url, sorted:
// two equal rawPGs are the same tables, ids and times included.
func rawPG(t *testing.T, url string) string {
	t.Helper()
	db := sqlDB(t, url)
	var b strings.Builder
	for _, q := range []string{
		`SELECT n::text FROM nodes n ORDER BY hash`,
		`SELECT q::text FROM quads q ORDER BY horizon`,
	} {
		rs, err := db.QueryContext(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var s string
			if err := rs.Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s)
			b.WriteByte('\n')
		}
		if err := rs.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// export is the store's N-Quads export with the import nodes' names,
// unique to each import, masked.
func export(t *testing.T, s *Store) string {
	t.Helper()
	var b bytes.Buffer
	if err := s.WriteNQuads(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	return maskTime.ReplaceAllString(maskImport.ReplaceAllString(b.String(), "cg:imp/X"), "TIME")
}

// reads is what the store answers to the reads of an imported graph: an
// entity, its neighbours with their claims, and the paths between two
// entities.
func reads(t *testing.T, s *Store) string {
	t.Helper()
	ctx := t.Context()
	var b strings.Builder
	e, err := s.Entity(ctx, "bogart")
	if err != nil {
		return fmt.Sprintf("entity: %s", graph.ErrorCode(err))
	}
	fmt.Fprintf(&b, "entity %s %s %s\n", e.ID, e.Type, e.Name)
	rels, err := s.Relations(ctx, "bogart", graph.RelationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rels {
		fmt.Fprintf(&b, "relation %s %s %s %v %s claims=%d\n", r.Subject, r.Type, r.Object, r.Attributes, r.Status(), len(r.Claims))
	}
	ont, err := s.Ontology(ctx)
	if err != nil {
		t.Fatal(err)
	}
	paths, err := path.KShortestPaths(ctx, path.StoreNeighbors(s, ont), path.PathQuery{From: "curtiz", To: "sabrina", K: 3, Filter: path.Filter{Direction: graph.Both}})
	if err != nil {
		fmt.Fprintf(&b, "paths: %v\n", err)
	}
	for _, p := range paths {
		fmt.Fprintf(&b, "path %v\n", p.Nodes())
	}
	return b.String()
}

// TestPostgresBulkWritesAsCayley runs the same changes on two PostgreSQL
// schemas, one importing and dropping imports below Cayley (package
// pgbulk) and one through Cayley's writer and deletes, and compares after
// each: the exports, byte for byte (import node names masked), Cayley's
// tables row by row (ids, times and tokens masked), every value's
// reference count, and what reads through Cayley answer. The changes are
// an import into a store that shares values with it, the same import
// again, a second import that replaces the first, an edit through Apply,
// and the retraction of the source.
func TestPostgresBulkWritesAsCayley(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := t.Context()
	steps := []struct {
		name string
		do   func(s *Store) error
	}{
		{"fixture", func(s *Store) error { _, err := s.Apply(ctx, graphtest.Fixture(), graph.ApplyOptions{}); return err }},
		{"import", func(s *Store) error { _, err := s.Import(ctx, movieImport(false), graph.BulkOptions{}); return err }},
		{"same import", func(s *Store) error { _, err := s.Import(ctx, movieImport(false), graph.BulkOptions{}); return err }},
		{"replacing import", func(s *Store) error { _, err := s.Import(ctx, movieImport(true), graph.BulkOptions{}); return err }},
		{"edit", func(s *Store) error { _, err := s.Apply(ctx, editedFixture(), graph.ApplyOptions{}); return err }},
		{"retract", func(s *Store) error { _, err := s.RetractSource(ctx, "movies"); return err }},
	}
	bulk, plain := pgtest.FreshSchema(t, dsn), pgtest.FreshSchema(t, dsn)
	for i, step := range steps {
		states, exports, answers := map[string]pgState{}, map[string]string{}, map[string]string{}
		for _, url := range []string{bulk, plain} {
			s := openT(t, url)
			s.noBulk = url == plain
			s.auditClock = func() (time.Time, string) { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), fmt.Sprint(i) }
			if err := step.do(s); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			exports[url], answers[url] = export(t, s), reads(t, s)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			states[url] = readPG(t, url)
		}
		diffState(t, step.name, states[bulk], states[plain])
		if exports[bulk] != exports[plain] {
			t.Errorf("%s: exports differ:\n%s", step.name, lineDiff(exports[bulk], exports[plain]))
		}
		if answers[bulk] != answers[plain] {
			t.Errorf("%s: reads differ:\n got  %s\n want %s", step.name, answers[bulk], answers[plain])
		}
		if step.name == "import" {
			if len(states[bulk].Quads) < 20 {
				t.Fatalf("only %d quads after the import", len(states[bulk].Quads))
			}
			if !strings.Contains(answers[bulk], "path [curtiz casablanca bogart sabrina]") {
				t.Errorf("no path from the director to Sabrina after the import:\n%s", answers[bulk])
			}
		}
	}
}

// pgBase returns the URL of a fresh schema holding the fixture and a
// committed bulk import.
func pgBase(t *testing.T) string {
	t.Helper()
	url := pgtest.FreshSchema(t, pgtest.DSN(t))
	s := openT(t, url)
	defer s.Close()
	if _, err := s.Apply(t.Context(), graphtest.Fixture(), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(t.Context(), movieImport(false), graph.BulkOptions{}); err != nil {
		t.Fatal(err)
	}
	return url
}

// TestPostgresBulkRollsBack stops a replacing import after each quad the
// bulk writer sends, as a failure and as a cancelled context, and refuses
// one for a problem found after all its quads were sent: each time
// Cayley's tables are exactly what they were, row for row, ids and times
// included, and the next import goes through.
func TestPostgresBulkRollsBack(t *testing.T) {
	url := pgBase(t)
	want := rawPG(t, url)
	s := openT(t, url)
	imp := movieImport(true)
	for _, cancelled := range []bool{false, true} {
		for n := int64(1); ; n++ {
			name := fmt.Sprintf("failed at quad %d", n)
			ctx, cancel := context.WithCancel(t.Context())
			wantCode := graph.Internal
			if cancelled {
				name = fmt.Sprintf("cancelled at quad %d", n)
				wantCode = graph.Unavailable
			}
			reached := false
			s.pgBulkStep = func(sent int64) error {
				if sent < n {
					return nil
				}
				reached = true
				if cancelled {
					cancel()
					return nil
				}
				return errStep
			}
			_, err := s.Import(ctx, imp, graph.BulkOptions{})
			cancel()
			if !reached {
				if err != nil {
					t.Fatal(err)
				}
				if n < 15 {
					t.Fatalf("the import sent only %d quads", n-1)
				}
				t.Logf("stopped after each of %d quads", n-1)
				break
			}
			if code := graph.ErrorCode(err); code != wantCode {
				t.Fatalf("%s: import error %v (%s), want %s", name, err, code, wantCode)
			}
			if got := rawPG(t, url); got != want {
				t.Fatalf("%s: the tables changed:\n got  %s\n want %s", name, got, want)
			}
		}
		// Back to the first import, for the next round.
		s.pgBulkStep = nil
		if _, err := s.Import(t.Context(), movieImport(false), graph.BulkOptions{}); err != nil {
			t.Fatal(err)
		}
		want = rawPG(t, url)
	}

	t.Run("a problem found after the last quad leaves the tables as they were", func(t *testing.T) {
		bad := movieImport(true)
		sts := slices.Collect(bad.Statements)
		sts = append(sts, graph.Statement{Subject: "bogart", Type: "acted-in", Object: "no-such-film"})
		bad.Statements, bad.NumStatements = slices.Values(sts), len(sts)
		_, err := s.Import(t.Context(), bad, graph.BulkOptions{})
		if code := graph.ErrorCode(err); code != graph.Invalid {
			t.Fatalf("import error %v (%s), want %s", err, code, graph.Invalid)
		}
		if got := rawPG(t, url); got != want {
			t.Fatalf("the tables changed:\n got  %s\n want %s", got, want)
		}
	})
	t.Run("the same import again changes nothing", func(t *testing.T) {
		sum, err := s.Import(t.Context(), movieImport(false), graph.BulkOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Added+sum.Changed+sum.Removed != 0 || sum.Unchanged == 0 {
			t.Errorf("summary %+v, want all unchanged", sum)
		}
		if got := rawPG(t, url); got != want {
			t.Fatalf("the tables changed:\n got  %s\n want %s", got, want)
		}
	})
	t.Run("a replacing import leaves no quad of the one it replaces", func(t *testing.T) {
		ctx := t.Context()
		var old quad.Value
		err := s.read(func(qs cgraph.QuadStore) (err error) {
			old, _, err = newReader(qs).liveImport(ctx, "movies")
			return err
		})
		if err != nil || old == nil {
			t.Fatalf("live import %v, %v", old, err)
		}
		if _, err := s.Import(ctx, movieImport(true), graph.BulkOptions{}); err != nil {
			t.Fatal(err)
		}
		var n int
		h := csql.HashOf(old).SQLValue()
		if err := sqlDB(t, url).QueryRowContext(ctx, `SELECT count(*) FROM quads WHERE label_hash = $1 OR subject_hash = $1 OR object_hash = $1`, h).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d quads of the replaced import %v are left", n, old)
		}
		if got, err := s.Entity(ctx, "bogart"); err != nil || got.Name != "Humphrey DeForest Bogart" {
			t.Errorf("entity after the replacement: %+v, %v", got, err)
		}
	})
}

// lineDiff lists the lines only got has (+) and only want has (-).
func lineDiff(got, want string) string {
	count := map[string]int{}
	for _, l := range strings.Split(got, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(want, "\n") {
		count[l]--
	}
	var out []string
	for l, n := range count {
		for ; n > 0; n-- {
			out = append(out, "+ "+l)
		}
		for ; n < 0; n++ {
			out = append(out, "- "+l)
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}
