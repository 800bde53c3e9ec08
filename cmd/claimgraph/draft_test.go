package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

// TestDraftIsSeedable drafts the seed article against a store holding the
// built-in seed, checks that the fact file parses and cites the stored
// source, and that seed --dry-run accepts it.
func TestDraftIsSeedable(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "draft.db")
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"draft", "--store", store, "../../seed/testdata/article.txt"}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	p, err := seed.Parse(seed.Input{Name: "draft.yaml", Data: out.Bytes()})
	if err != nil {
		t.Fatalf("draft does not parse: %v\n%s", err, out.String())
	}
	if len(p.Batch.Sources) != 0 {
		t.Errorf("draft declares %d sources; the article's source is stored already", len(p.Batch.Sources))
	}
	if len(p.Batch.Statements) < 10 {
		t.Fatalf("draft has %d statements, want the article's", len(p.Batch.Statements))
	}
	for _, s := range p.Batch.Statements {
		for _, c := range s.Claims {
			if c.Source != "src-86013d487e35f14f" {
				t.Fatalf("claim cites %q, want the stored source src-86013d487e35f14f", c.Source)
			}
		}
	}
	file := filepath.Join(dir, "draft.yaml")
	if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var seeded bytes.Buffer
	if err := run(t.Context(), []string{"seed", "--store", store, "--dry-run", file}, noEnv, &seeded, io.Discard); err != nil {
		t.Fatalf("seed --dry-run refuses the draft: %v", err)
	}
	if !strings.Contains(seeded.String(), "dry run") {
		t.Errorf("seed --dry-run said %q", seeded.String())
	}
}

// TestDraftOnAnEmptyStore drafts with the built-in knowledge, declares a
// source of its own, and loads together with the built-in seed.
func TestDraftOnAnEmptyStore(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "empty.db")
	article := filepath.Join(dir, "report.txt")
	text := "Talks in Strelsau\r\nIndia backs the TTP, Pakistan said in Strelsau on Monday. India denied it.\r\n"
	if err := os.WriteFile(article, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"draft", "--store", store, article}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	p, err := seed.Parse(append(seed.Builtin(), seed.Input{Name: "draft.yaml", Data: out.Bytes()})...)
	if err != nil {
		t.Fatalf("draft does not parse with the built-in seed: %v\n%s", err, out.String())
	}
	var src graph.Source
	for _, s := range p.Batch.Sources {
		if strings.HasPrefix(s.ID, "src-") && s.Title == "Talks in Strelsau" {
			src = s
		}
	}
	if src.ID == "" {
		t.Fatalf("draft declares no source titled by the first line:\n%s", out.String())
	}
	for _, want := range []string{"by: pakistan", "by: india", "stance: DENIES", "#   - {id: strelsau, type: ?, name: Strelsau}"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("draft lacks %q:\n%s", want, out.String())
		}
	}
	file := filepath.Join(dir, "draft.yaml")
	if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(t.Context(), []string{"seed", "--store", store, "--dry-run", "../../seed/data", file}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed --dry-run refuses the built-in seed with the draft: %v", err)
	}
}

func TestDraftRefuses(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	tests := []struct {
		name  string
		args  []string
		usage bool
		code  string
	}{
		{"no article is a usage error", []string{"draft", "--store", store}, true, ""},
		{"two articles are a usage error", []string{"draft", "--store", store, "a.txt", "b.txt"}, true, ""},
		{"a missing article is not found", []string{"draft", "--store", store, filepath.Join(dir, "missing.txt")}, false, graph.NotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := run(t.Context(), tc.args, noEnv, io.Discard, io.Discard)
			if tc.usage {
				if _, ok := err.(usageError); !ok {
					t.Fatalf("err = %v, want a usage error", err)
				}
				return
			}
			if graph.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want code %s", err, tc.code)
			}
		})
	}
}

// TestDraftOfAWebPageIsTheDraftOfItsText drafts the seed article and a
// web page holding it (with a menu, an advertisement, related links and a
// footer around it): the readability extractor finds the same text, so the
// drafts are the same.
func TestDraftOfAWebPageIsTheDraftOfItsText(t *testing.T) {
	store := "bolt:" + filepath.Join(t.TempDir(), "draft.db")
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	drafts := map[string]string{}
	for _, name := range []string{"article.txt", "article.html"} {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"draft", "--store", store, "../../seed/testdata/" + name}, noEnv, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		drafts[name] = strings.ReplaceAll(out.String(), name, "ARTICLE")
	}
	if drafts["article.txt"] != drafts["article.html"] {
		t.Errorf("the drafts differ:\n--- article.txt\n%s\n--- article.html\n%s", drafts["article.txt"], drafts["article.html"])
	}
	if !strings.Contains(drafts["article.html"], "relation: accused-of-backing") {
		t.Errorf("the draft of the page lacks the accusation:\n%s", drafts["article.html"])
	}
}

// TestSeedArticleFiles seeds an article file from the command line: it
// becomes a source with its text, seeding it again changes nothing, and a
// new version of its text lists the claims it orphans.
func TestSeedArticleFiles(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "articles.db")
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	seedFiles := func(files ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(t.Context(), append([]string{"seed", "--store", store}, files...), noEnv, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if out := seedFiles("../../seed/testdata/article.txt"); !strings.Contains(out, "1 added") {
		t.Errorf("first seed of the article: %q", out)
	}
	if out := seedFiles("../../seed/testdata/article.txt"); !strings.Contains(out, "nothing changed") {
		t.Errorf("second seed of the article: %q", out)
	}
	write := func(name, data string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	v1 := write("v1.md", "---\nid: src-report\n---\n# Report\nIndia denied it. Pakistan said India backs the TTP.\n")
	facts := write("facts.yaml", "statements:\n  - subject: india\n    relation: accused-of-backing\n    object: ttp\n    claims:\n"+
		"      - {id: denial, source: src-report, by: india, stance: DENIES, quote: India denied it.}\n")
	seedFiles(v1, facts)
	v2 := write("v2.md", "---\nid: src-report\n---\n# Report\nPakistan said India backs the TTP.\n")
	if out := seedFiles(v2); !strings.Contains(out, "1 claim(s) orphaned") || !strings.Contains(out, "  denial\n") {
		t.Errorf("seeding a new version: %q, want the orphaned claim listed", out)
	}
}
