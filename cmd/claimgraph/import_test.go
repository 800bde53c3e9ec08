package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mainArgsEnv makes the test binary run main with the JSON-encoded
// arguments it holds, so that tests can run and kill claimgraph as a
// process of its own.
const mainArgsEnv = "CLAIMGRAPH_TEST_MAIN_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(mainArgsEnv); args != "" {
		var list []string
		if err := json.Unmarshal([]byte(args), &list); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Args = append([]string{"claimgraph"}, list...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// writeFilms writes generated film data in the shape of Cayley's movie
// data: films, people, performances joining them, directors. It returns
// the path and the number of quads.
func writeFilms(tb testing.TB, dir string, films int) (string, int) {
	tb.Helper()
	path := filepath.Join(dir, "films.nq")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	n := 0
	quad := func(format string, args ...any) {
		fmt.Fprintf(w, format+"\n", args...)
		n++
	}
	for i := range films {
		quad(`</en/film_%d> <type> </film/film> .`, i)
		quad(`</en/film_%d> <name> "Film %d" .`, i, i)
		quad(`</en/person_%d> <type> </people/person> .`, i)
		quad(`</en/person_%d> <name> "Person %d" .`, i, i)
		quad(`</en/film_%d> </film/film/directed_by> </en/person_%d> .`, i, (i+1)%films)
		for k := range 2 {
			quad(`</en/film_%d> </film/film/starring> _:p%d_%d .`, i, i, k)
			quad(`_:p%d_%d </film/performance/actor> </en/person_%d> .`, i, k, (i+k+2)%films)
		}
		quad(`_:p%d_0 </film/performance/character> "Role %d" .`, i, i)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path, n
}

// exportNQuads runs claimgraph export on store.
func exportNQuads(tb testing.TB, store string) string {
	tb.Helper()
	var out bytes.Buffer
	if err := run(tb.Context(), []string{"export", "--store", store}, noEnv, &out, io.Discard); err != nil {
		tb.Fatalf("export: %v", err)
	}
	return out.String()
}

func TestSeedMappedImportIsIdempotentAndServed(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	data, _ := writeFilms(t, dir, 50)
	args := []string{"seed", "--store", store, "--mapping", filepath.Join("testdata", "films-mapping.yaml"), data}
	var out bytes.Buffer
	if err := run(t.Context(), args, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	// 100 entities; 50 directed-by and 100 acted-in statements, each with
	// its claim; the source and 4 types.
	if !strings.Contains(out.String(), "405 added, 0 changed, 0 unchanged") {
		t.Errorf("first seed said %q", out.String())
	}
	before := exportNQuads(t, store)
	out.Reset()
	if err := run(t.Context(), args, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("seed again: %v", err)
	}
	if !strings.Contains(out.String(), "0 added, 0 changed, 405 unchanged") || !strings.Contains(out.String(), "nothing changed") {
		t.Errorf("second seed said %q, want nothing changed", out.String())
	}
	if after := exportNQuads(t, store); after != before {
		t.Error("export changed after seeding the same file again")
	}

	out.Reset()
	q := `{ entity(id:"person-3") { name relations(types:["acted-in"]) { to { name } status attributes { key value } } } }`
	if err := run(t.Context(), []string{"query", "--store", store, q}, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("query: %v", err)
	}
	for _, want := range []string{`"Person 3"`, `"Film 0"`, `"Film 1"`, `"REPORTED"`, `"Role 1"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("query answer lacks %s:\n%s", want, out.String())
		}
	}
}

func TestExportReimportGivesTheSameGraph(t *testing.T) {
	dir := t.TempDir()
	a := "bolt:" + filepath.Join(dir, "a.db")
	data, _ := writeFilms(t, dir, 20)
	for _, args := range [][]string{
		{"seed", "--store", a}, // the built-in seed: explicit claims
		{"seed", "--store", a, "--mapping", filepath.Join("testdata", "films-mapping.yaml"), data}, // implicit claims
	} {
		if err := run(t.Context(), args, noEnv, io.Discard, io.Discard); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	first := exportNQuads(t, a)
	dump := filepath.Join(dir, "export.nq")
	if err := os.WriteFile(dump, []byte(first), 0o644); err != nil {
		t.Fatal(err)
	}
	b := "bolt:" + filepath.Join(dir, "b.db")
	if err := run(t.Context(), []string{"seed", "--store", b, dump}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed export: %v", err)
	}
	if second := exportNQuads(t, b); second != first {
		t.Errorf("re-imported export differs: %d bytes, want %d", len(second), len(first))
	}
	var out bytes.Buffer
	q := `{ entity(id:"india") { relations(types:["accused-of-backing"]) { claims { stance } } } film: entity(id:"film-1") { relations { id } } }`
	if err := run(t.Context(), []string{"query", "--store", b, q}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "DENIES") || !strings.Contains(out.String(), "film-1.directed-by.person-2") {
		t.Errorf("re-imported store answers:\n%s", out.String())
	}
}

// TestKilledImportLeavesTheStoreAsItWasOrComplete kills claimgraph with
// SIGKILL in the middle of an import of about 50,000 quads, after its
// first batches are written, then reopens the store: its export must be
// what it was before the import or what it is after a complete one.
func TestKilledImportLeavesTheStoreAsItWasOrComplete(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 50,000-quad store")
	}
	dir := t.TempDir()
	films := 5000 // 50,000 quads
	if raceEnabled {
		films = 2000 // the race detector slows the import down several times
	}
	data, n := writeFilms(t, dir, films)
	t.Logf("%d quads", n)
	store := "bolt:" + filepath.Join(dir, "x.db")
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	before := exportNQuads(t, store)
	args := []string{"seed", "--store", store, "--log-format", "json", "--log-level", "info", "--mapping", filepath.Join("testdata", "films-mapping.yaml"), data}

	// Run the import in a process of its own and kill it once it reports
	// written batches.
	encoded, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), mainArgsEnv+"="+string(encoded))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	killed := false
	for lines.Scan() {
		if strings.Contains(lines.Text(), `"msg":"importing"`) {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	go io.Copy(io.Discard, stderr)
	cmd.Wait()
	if !killed {
		t.Fatal("the import finished without reporting progress; nothing was killed")
	}

	var logs bytes.Buffer
	after := func() string {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"export", "--store", store}, noEnv, &out, &logs); err != nil {
			t.Fatalf("export after the kill: %v", err)
		}
		return out.String()
	}()
	if after != before {
		t.Logf("the store is complete after the kill (the import committed first)")
	} else {
		t.Logf("the store is as it was; open rolled back: %v", strings.Contains(logs.String(), "rolling back"))
	}

	// The complete import, for comparison.
	start := time.Now()
	if err := run(t.Context(), args[:len(args)-1], noEnv, io.Discard, io.Discard); err == nil {
		t.Fatal("seed --mapping without files succeeded")
	}
	if err := run(t.Context(), args, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed after the kill: %v", err)
	}
	t.Logf("complete import: %s", time.Since(start))
	complete := exportNQuads(t, store)
	if after != before && after != complete {
		t.Errorf("after SIGKILL the export (%d bytes) is neither the one before (%d bytes) nor the complete one (%d bytes)",
			len(after), len(before), len(complete))
	}
	if complete == before {
		t.Error("the complete import changed nothing")
	}
}

// TestMovieDataIsServedThroughTheShippedMapping seeds Cayley's movie data
// (471,705 quads) through seed/examples/movie-mapping.yaml and asks the
// GraphQL API for an actor's films. It is opt-in, taking half a minute:
//
//	CLAIMGRAPH_TEST_MOVIES=1 go test ./cmd/claimgraph -run MovieData
func TestMovieDataIsServedThroughTheShippedMapping(t *testing.T) {
	if os.Getenv("CLAIMGRAPH_TEST_MOVIES") == "" {
		t.Skip("set CLAIMGRAPH_TEST_MOVIES=1 to import Cayley's movie data")
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/cayleygraph/cayley").Output()
	if err != nil {
		t.Fatalf("locate the cayley module: %v", err)
	}
	data := filepath.Join(strings.TrimSpace(string(out)), "data", "30kmoviedata.nq.gz")
	store := "bolt:" + filepath.Join(t.TempDir(), "movies.db")
	mapping := filepath.Join("..", "..", "seed", "examples", "movie-mapping.yaml")
	var said bytes.Buffer
	if err := run(t.Context(), []string{"seed", "--store", store, "--mapping", mapping, data}, noEnv, &said, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	t.Log(strings.TrimSpace(said.String()))
	s := startServer(t, "--store", store)
	q := `{ entity(id: "gene-kelly") { name type relations(types: ["acted-in"], direction: OUT) { to { id name } status } } }`
	var r struct {
		Entity struct {
			Name, Type string
			Relations  []struct {
				To     struct{ ID, Name string }
				Status string
			}
		}
	}
	s.query(t, q, &r)
	e := r.Entity
	if e.Name != "Gene Kelly" || e.Type != "Person" || len(e.Relations) < 10 {
		t.Fatalf("gene-kelly = %+v, want a Person with his films", e)
	}
	found := false
	for _, rel := range e.Relations {
		found = found || rel.To.ID == "singin-in-the-rain"
		if rel.Status != "REPORTED" {
			t.Errorf("relation to %s is %s, want REPORTED", rel.To.ID, rel.Status)
		}
	}
	if !found {
		t.Errorf("Gene Kelly's films lack singin-in-the-rain: %+v", e.Relations)
	}
	t.Logf("gene-kelly acted in %d films", len(e.Relations))
}

func TestSeedMappedJSONLD(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	testdata := filepath.Join("..", "..", "seed", "testdata", "jsonld")
	var out bytes.Buffer
	args := []string{"seed", "--store", store, "--mapping", filepath.Join(testdata, "mapping.yaml"), filepath.Join(testdata, "good.jsonld")}
	if err := run(t.Context(), args, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	// 4 entities; 3 statements and their claims; the source and 4 types.
	if !strings.Contains(out.String(), "15 added") {
		t.Errorf("seed said %q", out.String())
	}
	out.Reset()
	q := `{ entity(id:"humphrey-bogart") { name relations(types:["acted-in"]) { to { name } attributes { key value } } } }`
	if err := run(t.Context(), []string{"query", "--store", store, q}, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("query: %v", err)
	}
	for _, want := range []string{`"Humphrey Bogart"`, `"Casablanca"`, `Rick \"Richard\" Blaine`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("query answer lacks %s:\n%s", want, out.String())
		}
	}
	err := run(t.Context(), []string{"seed", "--store", store, filepath.Join(testdata, "good.jsonld")}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--mapping") {
		t.Errorf("seed of JSON-LD without a mapping: %v, want a usage error naming --mapping", err)
	}
}
