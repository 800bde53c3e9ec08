package cayley_test

import (
	"bufio"
	"compress/gzip"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/cayley/internal/movietest"
	"github.com/claimgraph/claimgraph/graph/graphtest"
)

// TestScanOfBoltReadsWhatCayleyReads scans bolt stores through the direct
// read of their log and through Cayley's quad iterator, and wants the
// very same snapshot: explicit statements with claims, bulk imports (live,
// superseded and retracted, written below Cayley or by Cayley's writer),
// explicit statements on imported edges, a retracted claim, a merge and a
// deletion.
func TestScanOfBoltReadsWhatCayleyReads(t *testing.T) {
	for _, tc := range []struct {
		name         string
		cayleyWrites bool
	}{
		{"imports written below Cayley", false},
		{"imports written by Cayley", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openBolt(t, filepath.Join(t.TempDir(), "graph.bolt"))
			if tc.cayleyWrites {
				cayley.SetNoBulk(st, true)
			}
			writeHistory(t, st)
			snap := sameScans(t, st)
			if len(snap.Statements) < 5 || len(snap.Sources) < 2 || len(snap.Names) < 5 {
				t.Errorf("the snapshot holds %d statements, %d sources, %d named entities: the history wrote more",
					len(snap.Statements), len(snap.Sources), len(snap.Names))
			}
		})
	}
}

// TestScanOfBoltReadsWhatCayleyReadsOnMovies does the same on a tenth of
// the films of Cayley's movie data imported through the shipped mapping,
// with an entity deleted afterwards.
func TestScanOfBoltReadsWhatCayleyReadsOnMovies(t *testing.T) {
	if testing.Short() {
		t.Skip("imports part of the movie data")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "movies.nq")
	someFilms(t, movietest.Data(t), data, 10)
	file := filepath.Join(dir, "graph.bolt")
	if _, err := movietest.ImportFile(t.Context(), file, data); err != nil {
		t.Fatal(err)
	}
	st := openBolt(t, file)
	snap := sameScans(t, st)
	if len(snap.Statements) < 1000 {
		t.Fatalf("the movie subset gave %d statements", len(snap.Statements))
	}
	// An entity added by hand, with a statement to a film, then deleted.
	var film string
	for _, s := range snap.Statements {
		if s.Type == "acted-in" {
			film = s.Object
		}
	}
	if _, err := st.Apply(t.Context(), graph.Batch{
		Sources:  []graph.Source{{ID: "critic", Title: "A critic"}},
		Entities: []graph.Entity{{ID: "extra", Type: "Person", Name: "An extra"}},
		Statements: []graph.Statement{{Subject: "extra", Type: "acted-in", Object: film,
			Claims: []graph.Claim{{Source: "critic", Stance: graph.Asserts}}}},
	}, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	sameScans(t, st)
	if _, err := st.DeleteEntity(t.Context(), "extra", graph.DeleteOptions{Cascade: true}); err != nil {
		t.Fatal(err)
	}
	sameScans(t, st)
}

func openBolt(tb testing.TB, file string) *cayley.Store {
	tb.Helper()
	st, err := cayley.Open(tb.Context(), "bolt:"+file, cayley.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// sameScans scans st both ways and fails tb unless the snapshots are equal.
func sameScans(tb testing.TB, st *cayley.Store) graph.Snapshot {
	tb.Helper()
	direct, err := st.Scan(tb.Context())
	if err != nil {
		tb.Fatal(err)
	}
	through, err := cayley.ScanThroughCayley(tb.Context(), st)
	if err != nil {
		tb.Fatal(err)
	}
	if reflect.DeepEqual(direct, through) {
		return direct
	}
	tb.Errorf("the direct scan differs from the scan through Cayley: %d/%d statements, %d/%d entities, %d/%d names, %d/%d sources",
		len(direct.Statements), len(through.Statements), len(direct.EntityTypes), len(through.EntityTypes),
		len(direct.Names), len(through.Names), len(direct.Sources), len(through.Sources))
	for i := range min(len(direct.Statements), len(through.Statements)) {
		if !reflect.DeepEqual(direct.Statements[i], through.Statements[i]) {
			tb.Fatalf("first difference: statement %d\ndirect:  %+v\nthrough: %+v", i, direct.Statements[i], through.Statements[i])
		}
	}
	for id, names := range through.Names {
		if !reflect.DeepEqual(direct.Names[id], names) {
			tb.Fatalf("names of %s: direct %q, through Cayley %q", id, direct.Names[id], names)
		}
	}
	tb.FailNow()
	return graph.Snapshot{}
}

// writeHistory writes to st what Scan has to sort out.
func writeHistory(tb testing.TB, st *cayley.Store) {
	tb.Helper()
	ctx := tb.Context()
	must := func(what string, err error) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("%s: %v", what, err)
		}
	}
	_, err := st.Apply(ctx, graphtest.Fixture(), graph.ApplyOptions{})
	must("apply the fixture", err)
	_, err = st.Import(ctx, graphtest.MovieImport(), graph.BulkOptions{})
	must("import the movies", err)
	// A second import of the same source supersedes the first.
	imp := graphtest.MovieImport()
	sts := slices.Collect(imp.Statements)
	imp.Statements, imp.NumStatements, imp.Digest = slices.Values(sts[1:]), len(sts)-1, "digest-2"
	_, err = st.Import(ctx, imp, graph.BulkOptions{})
	must("import the movies again", err)
	// An import of another source, retracted.
	other := graphtest.MovieImport()
	var ents []graph.Entity
	for e := range other.Entities {
		e.ID = "r-" + e.ID
		ents = append(ents, e)
	}
	sts = nil
	for s := range other.Statements {
		s.Subject, s.Object = "r-"+s.Subject, "r-"+s.Object
		sts = append(sts, s)
	}
	other.Source, other.Digest = graph.Source{ID: "reviews", Title: "Reviews"}, "r1"
	other.Entities, other.Statements = slices.Values(ents), slices.Values(sts)
	_, err = st.Import(ctx, other, graph.BulkOptions{})
	must("import the reviews", err)
	_, err = st.RetractSource(ctx, "reviews")
	must("retract the reviews", err)
	// An explicit claim on an imported edge, and an explicit statement.
	_, err = st.Apply(ctx, graph.Batch{
		Sources:  []graph.Source{{ID: "critic", Title: "A critic"}},
		Entities: []graph.Entity{{ID: "bacall", Type: "Person", Name: "Lauren Bacall", Aliases: []graph.Alias{{Name: "Betty"}}}},
		Statements: []graph.Statement{
			{Subject: "bogart", Type: "acted-in", Object: "sabrina", Claims: []graph.Claim{{Source: "critic", Stance: graph.Asserts}}},
			{ID: "bacall-sabrina", Subject: "bacall", Type: "acted-in", Object: "sabrina", ValidFrom: "1954",
				Claims: []graph.Claim{{ID: "c-bacall", Source: "critic", Stance: graph.Denies}}},
		},
	}, graph.ApplyOptions{})
	must("apply explicit statements", err)
	_, err = st.RetractClaim(ctx, "c-india-denies")
	must("retract a claim", err)
	_, err = st.Merge(ctx, "bogart", []string{"bacall"}, "tester")
	must("merge", err)
	_, err = st.DeleteEntity(ctx, "talal-chaudhry", graph.DeleteOptions{Cascade: true})
	must("delete an entity", err)
}

// someFilms writes to dst the quads of the gzipped movie data src about
// one film in every: who directed and who acted in it, with the names and
// types of everything they name.
func someFilms(tb testing.TB, src, dst string, every uint32) {
	tb.Helper()
	f, err := os.Open(src)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	var lines [][3]string // subject, predicate, whole line
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		fields := strings.SplitN(sc.Text(), " ", 3)
		if len(fields) == 3 {
			lines = append(lines, [3]string{fields[0], fields[1], sc.Text()})
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	kept := map[string]bool{}  // the subjects whose quads are kept
	named := map[string]bool{} // the nodes whose names and types are kept
	for _, l := range lines {
		if (l[1] == "</film/film/starring>" || l[1] == "</film/film/directed_by>") && crc32.ChecksumIEEE([]byte(l[0]))%every == 0 {
			kept[l[0]], named[l[0]] = true, true
			obj, _, _ := strings.Cut(strings.SplitN(l[2], " ", 3)[2], " ")
			kept[obj], named[obj] = true, true
		}
	}
	for _, l := range lines {
		if kept[l[0]] && strings.HasPrefix(l[0], "_:") {
			obj, _, _ := strings.Cut(strings.SplitN(l[2], " ", 3)[2], " ")
			named[obj] = true
		}
	}
	var b strings.Builder
	for _, l := range lines {
		switch {
		case l[1] == "<type>" || l[1] == "<name>":
			if named[l[0]] {
				b.WriteString(l[2] + "\n")
			}
		case kept[l[0]] && (l[1] != "</film/film/starring>" && l[1] != "</film/film/directed_by>" || crc32.ChecksumIEEE([]byte(l[0]))%every == 0):
			b.WriteString(l[2] + "\n")
		}
	}
	if err := os.WriteFile(dst, []byte(b.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
}
