package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pipelineFormat is one input format of the import matrix: a file whose
// name tells nothing of its format, the mapping it is read through (or
// none), and a query whose answer shows it arrived.
type pipelineFormat struct {
	name    string
	file    string // under the test's directory
	mapping string // a path, or ""
	format  string // the format's name, for the explicit variants
	query   string
	want    string
}

// pipelineFormats writes an input of every format into dir: facts about
// Lashkar as YAML, JSON and CSV, claimgraph's N-Quads export of a store
// that holds them, and films as N-Quads and as JSON-LD with their
// mappings.
func pipelineFormats(t *testing.T, dir string) []pipelineFormat {
	t.Helper()
	testdata := filepath.Join("..", "..", "seed", "testdata")
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile := func(name string, from ...string) {
		b, err := os.ReadFile(filepath.Join(append([]string{testdata}, from...)...))
		if err != nil {
			t.Fatal(err)
		}
		write(name, string(b))
	}
	write("yaml-input", lashkarFacts)
	write("json-input", `{"entities": [{"id": "lashkar", "type": "Group", "name": "Lashkar"}],
 "statements": [{"subject": "lashkar", "relation": "allied-with", "object": "ttp",
   "claims": [{"source": "src-86013d487e35f14f", "quote": "a press conference in Islamabad"}]}]}
`)
	write("csv-input", "id,type,name\nlashkar,Group,Lashkar\n")
	copyFile("nq-input", "nquads", "good.nq")
	copyFile("nq-mapping.yaml", "nquads", "mapping.yaml")
	copyFile("jsonld-input", "jsonld", "good.jsonld")
	copyFile("jsonld-mapping.yaml", "jsonld", "mapping.yaml")
	// claimgraph's own N-Quads: the export of a store with the facts.
	store := "bolt:" + filepath.Join(dir, "own.db")
	for _, args := range [][]string{{"seed", "--store", store}, {"seed", "--store", store, filepath.Join(dir, "yaml-input")}} {
		if err := run(t.Context(), args, noEnv, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	write("own-input", exportNQuads(t, store))

	lashkar := `{ entity(id: "lashkar") { name } }`
	film := `{ entity(id: "casablanca") { name } }`
	return []pipelineFormat{
		{"yaml", "yaml-input", "", "yaml", lashkar, `"Lashkar"`},
		{"json", "json-input", "", "json", lashkar, `"Lashkar"`},
		{"csv", "csv-input", "", "csv", lashkar, `"Lashkar"`},
		{"claimgraph's N-Quads", "own-input", "", "nquads", lashkar, `"Lashkar"`},
		{"N-Quads through a mapping", "nq-input", "nq-mapping.yaml", "nquads", film, `"Casablanca"`},
		{"JSON-LD through a mapping", "jsonld-input", "jsonld-mapping.yaml", "jsonld", film, `"Casablanca"`},
	}
}

// TestEveryCallerImportsEveryFormat imports an input of each format
// through each caller of seed.Import — the seed command, serve --seed,
// the importFacts mutation and POST /import — into a store holding the
// built-in seed, with the format told from the content (no name says
// it) and, through the API, also given: each is then served.
func TestEveryCallerImportsEveryFormat(t *testing.T) {
	const token = "t0ken"
	dir := t.TempDir()
	formats := pipelineFormats(t, dir)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	served := func(t *testing.T, url string, f pipelineFormat) {
		t.Helper()
		if _, data := postAs(t, url, "", f.query); !strings.Contains(data, f.want) {
			t.Errorf("not served: %s", data)
		}
	}
	for _, f := range formats {
		t.Run("the seed command reads "+f.name, func(t *testing.T) {
			store := "bolt:" + filepath.Join(t.TempDir(), "x.db")
			args := []string{"seed", "--store", store}
			if err := run(t.Context(), args, noEnv, io.Discard, io.Discard); err != nil {
				t.Fatal(err)
			}
			if f.mapping != "" {
				args = append(args, "--mapping", filepath.Join(dir, f.mapping))
			}
			var out bytes.Buffer
			if err := run(t.Context(), append(args, filepath.Join(dir, f.file)), noEnv, &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`: [1-9][0-9]* added, 0 changed, [0-9]+ unchanged\n`).MatchString(out.String()) {
				t.Errorf("output %q, want the counts", out.String())
			}
			var q bytes.Buffer
			if err := run(t.Context(), []string{"query", "--store", store, f.query}, noEnv, &q, io.Discard); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(q.String(), f.want) {
				t.Errorf("not stored: %s", q.String())
			}
		})
		t.Run("serve --seed reads "+f.name, func(t *testing.T) {
			args := []string{"--store", "memory:", "--seed", filepath.Join(dir, f.file)}
			if f.mapping != "" {
				args = append(args, "--seed-mapping", filepath.Join(dir, f.mapping))
			}
			served(t, startServer(t, args...).url, f)
		})
		for _, given := range []bool{false, true} {
			format, how := "", "told from the content"
			if given {
				format, how = f.format, "given"
			}
			t.Run("importFacts reads "+f.name+", the format "+how, func(t *testing.T) {
				s := startServer(t, "--store", "memory:", "--token", token)
				vars := map[string]any{"data": read(f.file), "format": nil}
				if format != "" {
					vars["format"] = format
				}
				if f.mapping != "" {
					vars["mapping"] = read(f.mapping)
				}
				const m = `mutation($data: String!, $format: String, $mapping: String) { importFacts(data: $data, format: $format, mapping: $mapping) { added } }`
				codes, data := postVars(t, s.url, token, m, vars)
				if len(codes) > 0 || strings.Contains(data, `"added":0`) {
					t.Fatalf("importFacts: %v %s", codes, data)
				}
				served(t, s.url, f)
			})
			t.Run("POST /import reads "+f.name+", the format "+how, func(t *testing.T) {
				s := startServer(t, "--store", "memory:", "--token", token)
				url := s.url + "/import"
				if format != "" {
					url += "?format=" + format
				}
				var status int
				var out string
				if f.mapping != "" {
					status, out = postMapped(t, url, token, [3]string{"mapping", f.mapping, read(f.mapping)}, [3]string{"data", f.file, read(f.file)})
				} else {
					status, out = postImport(t, url, token, read(f.file))
				}
				if status != http.StatusOK || strings.Contains(out, `"added":0`) {
					t.Fatalf("POST /import: %d %s", status, out)
				}
				served(t, s.url, f)
			})
		}
	}
}

// postImport posts body to an /import URL and returns the status and the
// answer.
func postImport(t *testing.T, url, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// TestSeedDryRunOfABrokenExportFails checks claimgraph seed --dry-run on
// an export with faults on three lines, in a process of its own: it exits
// with status 1 and lists each fault at its FILE:LINE:COL, first line 3.
func TestSeedDryRunOfABrokenExportFails(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(exportNQuads(t, store), "\n")
	lines[2] = "garbage here .\n"
	lines[6] = strings.Replace(lines[6], "<cg:", "<cg :", 1)
	lines[9] = strings.Replace(lines[9], "<cg:", "<", 1) // a relative IRI
	broken := filepath.Join(dir, "broken.nq")
	if err := os.WriteFile(broken, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	before := exportNQuads(t, store)
	for _, dryRun := range []bool{true, false} {
		args := []string{"seed", "--store", store, broken}
		if dryRun {
			args = append(args, "--dry-run")
		}
		cmd := child(args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Fatalf("dry run %v: %v, want exit status 1; stdout %s", dryRun, err, stdout.String())
		}
		for _, want := range []string{
			broken + ":3:1: N-Quads syntax error: expected the subject",
			broken + ":7:4: N-Quads syntax error: a space is not allowed in an IRI",
			broken + ":10:1: N-Quads syntax error: relative IRI",
		} {
			if !strings.Contains(stderr.String(), "\n"+want) && !strings.Contains(stderr.String(), "claimgraph: "+want) {
				t.Errorf("dry run %v: no %q in:\n%s", dryRun, want, stderr.String())
			}
		}
		if stdout.Len() > 0 {
			t.Errorf("dry run %v printed counts for a broken file: %s", dryRun, stdout.String())
		}
	}
	if after := exportNQuads(t, store); after != before {
		t.Error("the store changed")
	}
}

// TestExportSeedsBackByteForByte exports a store in both backup formats,
// under names that are not the formats' usual suffixes, seeds each into a
// new store, and exports that: the same bytes. A dry run first prints
// the counts the real run prints.
func TestExportSeedsBackByteForByte(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "a.db")
	films, _ := writeFilms(t, dir, 5)
	for _, args := range [][]string{
		{"seed", "--store", store},
		{"seed", "--store", store, "--mapping", filepath.Join("testdata", "films-mapping.yaml"), films},
	} {
		if err := run(t.Context(), args, noEnv, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	for _, format := range []string{"nquads", "json"} {
		t.Run("the "+format+" export is seeded back as it was", func(t *testing.T) {
			backup := filepath.Join(t.TempDir(), "backup."+format)
			export := func(store, out string) []byte {
				if err := run(t.Context(), []string{"export", "--store", store, "--format", format, "--out", out}, noEnv, io.Discard, io.Discard); err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			first := export(store, backup)
			fresh := "bolt:" + filepath.Join(t.TempDir(), "new.db")
			var dry, real bytes.Buffer
			if err := run(t.Context(), []string{"seed", "--store", fresh, "--dry-run", backup}, noEnv, &dry, io.Discard); err != nil {
				t.Fatalf("dry run: %v", err)
			}
			if err := run(t.Context(), []string{"seed", "--store", fresh, backup}, noEnv, &real, io.Discard); err != nil {
				t.Fatal(err)
			}
			if want := "dry run, nothing written: would have " + real.String(); dry.String() != want {
				t.Errorf("the dry run printed %q, the real run %q", dry.String(), real.String())
			}
			if !regexp.MustCompile(`^(restored|seeded) .*: [1-9][0-9]* added, 0 changed, 0 unchanged\n$`).MatchString(real.String()) {
				t.Errorf("the seed printed %q", real.String())
			}
			if again := export(fresh, filepath.Join(t.TempDir(), "again")); !bytes.Equal(again, first) {
				t.Errorf("the export of the restored store differs: %d bytes, want %d", len(again), len(first))
			}
		})
	}
}

// TestSeedOfGraphMLNamesTheFormats seeds a GraphML export: refused with
// the formats seed reads, as a bad input (exit status 1).
func TestSeedOfGraphMLNamesTheFormats(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	x := filepath.Join(dir, "x.graphml")
	if err := run(t.Context(), []string{"export", "--store", store, "--format", "graphml", "--out", x}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	err := run(t.Context(), []string{"seed", "--store", store, x}, noEnv, io.Discard, io.Discard)
	want := x + ": GraphML is an export format and cannot be seeded; seed reads yaml, json, csv, nquads (claimgraph's export, or RDF with a mapping), jsonld (with a mapping), article (.txt, .md, .html) and annotations (W3C Web Annotations)"
	if err == nil || err.Error() != want {
		t.Errorf("err %v, want %q", err, want)
	}
}

// TestImportEndpointTakesTheJSONExport posts claimgraph's JSON export to
// POST /import?format=json of a new server: it is imported, and the new
// store's JSON export is the same.
func TestImportEndpointTakesTheJSONExport(t *testing.T) {
	const token = "t0ken"
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "a.db")
	for _, args := range [][]string{{"seed", "--store", store}, {"seed", "--store", store, filepath.Join(dir, "facts.yaml")}} {
		if len(args) == 4 {
			if err := os.WriteFile(args[3], []byte(lashkarFacts), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := run(t.Context(), args, noEnv, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	var export bytes.Buffer
	if err := run(t.Context(), []string{"export", "--store", store, "--format", "json"}, noEnv, &export, io.Discard); err != nil {
		t.Fatal(err)
	}
	fresh := "bolt:" + filepath.Join(dir, "b.db")
	s := startServer(t, "--store", fresh, "--token", token)
	status, out := postImport(t, s.url+"/import?format=json&name=backup.json", token, export.String())
	var sum map[string]any
	json.Unmarshal([]byte(out), &sum)
	if status != http.StatusOK || sum["added"] != float64(3) {
		t.Fatalf("POST /import?format=json: %d %s; want the 3 items the built-in seed lacks added", status, out)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := run(t.Context(), []string{"export", "--store", fresh, "--format", "json"}, noEnv, &again, io.Discard); err != nil {
		t.Fatal(err)
	}
	// The new server held the built-in seed already, written by itself:
	// an import that finds an item unchanged leaves its attribution (who
	// wrote it, when) as it was, so that part may differ.
	attribution := regexp.MustCompile(`(?m)^\s*"(created|recorded)(By|At)": "[^"]*",?\n`)
	want, got := attribution.ReplaceAllString(export.String(), ""), attribution.ReplaceAllString(again.String(), "")
	if got != want {
		t.Errorf("the export after the import differs: %d bytes, want %d\n%s", len(got), len(want), lineDiff(want, got))
	}
}

// lineDiff lists the first lines where b differs from a.
func lineDiff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(x), len(y)) && len(out) < 10; i++ {
		var l, r string
		if i < len(x) {
			l = x[i]
		}
		if i < len(y) {
			r = y[i]
		}
		if l != r {
			out = append(out, fmt.Sprintf("line %d: want %q, got %q", i+1, l, r))
		}
	}
	return strings.Join(out, "\n")
}
