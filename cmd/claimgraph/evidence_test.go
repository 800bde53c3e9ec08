package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReseedingListsWhatChanges seeds a fact file, then the same file with
// a quote dropped and a name edited: dry runs and real runs, on the store
// and through a server, list every changed field with its old and new
// value and say plainly that evidence is removed.
func TestReseedingListsWhatChanges(t *testing.T) {
	const token = "t0k"
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	first := filepath.Join(dir, "v1", "facts.yaml")
	second := filepath.Join(dir, "v2", "facts.yaml")
	for _, f := range []struct{ path, text string }{{first, lashkarFacts}, {second, strings.NewReplacer(
		"    claims:\n      - source: src-86013d487e35f14f\n        quote: a press conference in Islamabad\n", "    claims:\n      - source: src-86013d487e35f14f\n",
		"name: Lashkar}", "name: Lashkar-e-Taiba}").Replace(lashkarFacts)}} {
		os.MkdirAll(filepath.Dir(f.path), 0o755)
		if err := os.WriteFile(f.path, []byte(f.text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, "seed", "--store", store)
	mustRun(t, "seed", "--store", store, first)

	wantLines := []string{
		`changed entity lashkar: name "Lashkar" → "Lashkar-e-Taiba"`,
		`changed claim lashkar.allied-with.ttp~src-86013d487e35f14f~source: quote "a press conference in Islamabad" → (none) (evidence removed)`,
	}
	check := func(t *testing.T, out, evidenceLine string) {
		t.Helper()
		for _, want := range append(wantLines, evidenceLine, "0 added, 2 changed") {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	}
	t.Run("a dry run on the store lists the changes", func(t *testing.T) {
		check(t, mustRun(t, "seed", "--store", store, "--dry-run", second), "EVIDENCE WOULD BE REMOVED: 1 field(s) of evidence")
	})

	s := startServer(t, "--store", store, "--token", token)
	server := map[string]string{"CLAIMGRAPH_SERVER": s.url, "CLAIMGRAPH_TOKEN": token}
	t.Run("a dry run through the server lists the changes", func(t *testing.T) {
		out, logs, err := cli(t, server, "seed", "--dry-run", second)
		if err != nil {
			t.Fatalf("%v\n%s", err, logs)
		}
		check(t, out, "EVIDENCE WOULD BE REMOVED: 1 field(s) of evidence")
	})
	t.Run("importFacts returns the changes", func(t *testing.T) {
		data, _ := os.ReadFile(second)
		codes, got := postAs(t, s.url, "", `mutation { importFacts(dryRun: true, data: `+strconvQuoteJSON(string(data))+`) {
			removesEvidence changes { kind id field old new removesEvidence } } }`)
		if len(codes) > 0 {
			t.Fatalf("codes %v: %s", codes, got)
		}
		for _, want := range []string{`"removesEvidence":true`, `{"kind":"claim","id":"lashkar.allied-with.ttp~src-86013d487e35f14f~source","field":"quote","old":"a press conference in Islamabad","new":null,"removesEvidence":true}`} {
			if !strings.Contains(got, want) {
				t.Errorf("answer lacks %s: %s", want, got)
			}
		}
	})
	t.Run("the real run through the server lists the changes", func(t *testing.T) {
		out, logs, err := cli(t, server, "seed", second)
		if err != nil {
			t.Fatalf("%v\n%s", err, logs)
		}
		check(t, out, "EVIDENCE REMOVED: 1 field(s) of evidence")
	})
}
