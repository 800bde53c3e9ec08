package seed_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

func readTestdata(tb testing.TB, name string) string {
	tb.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return string(data)
}

func TestReadArticle(t *testing.T) {
	article := readTestdata(t, "article.txt")
	title := "Pakistan warns it may block social media platforms for non-compliance"
	tests := []struct {
		name     string
		file     string
		data     string
		want     graph.Source // ID "" means src- and the start of the digest
		wantCode string
	}{
		{"a text file keeps its text, its title is the first line", "a.txt", article,
			graph.Source{Title: title, Text: article}, ""},
		{"a web page gives the text of the text file and its meta data", "a.html", readTestdata(t, "article.html"),
			graph.Source{Title: title, Publisher: "World News", Text: article}, ""},
		{"front matter gives the source's fields and is not text",
			"a.md", "---\nid: src-front\ntitle: A title\npublisher: The Paper\nurl: https://example.org/a\npublished: 2025-03-02\n---\n# Heading\nBody.\n",
			graph.Source{ID: "src-front", Title: "A title", Publisher: "The Paper", URL: "https://example.org/a", Published: "2025-03-02", Text: "# Heading\nBody.\n"}, ""},
		{"a Markdown heading is the title without its marks", "a.md", "# The heading\n\nBody.",
			graph.Source{Title: "The heading", Text: "# The heading\n\nBody."}, ""},
		{"line ends become LF and the text NFC", "a.txt", "Que\u0301tta\r\nsecond\rthird",
			graph.Source{Title: "Quétta", Text: "Quétta\nsecond\nthird"}, ""},
		{"a page by its content when the name tells nothing", "upload", "<!DOCTYPE html><html><head><title>T</title></head><body><article><p>" +
			strings.Repeat("A long enough paragraph of the article. ", 20) + "</p></article></body></html>",
			graph.Source{Title: "T", Text: "T\n" + strings.TrimSpace(strings.Repeat("A long enough paragraph of the article. ", 20))}, ""},
		{"an unknown front matter key is refused", "a.txt", "---\nauthor: Someone\n---\nText", graph.Source{}, graph.Invalid},
		{"an unclosed front matter is refused", "a.txt", "---\nid: x\nText", graph.Source{}, graph.Invalid},
		{"an empty article is refused", "a.txt", " \n\n", graph.Source{}, graph.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := seed.ReadArticle(tc.file, strings.NewReader(tc.data))
			if graph.ErrorCode(err) != tc.wantCode {
				t.Fatalf("err = %v, want code %q", err, tc.wantCode)
			}
			if tc.wantCode != "" {
				return
			}
			want := tc.want
			want.Digest = graph.TextDigest(want.Text)
			if want.ID == "" {
				want.ID = "src-" + want.Digest[:16]
			}
			if got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestSeedArticle seeds the seed article as a file of its own: its text
// and digest are stored, seeding it again changes nothing, a claim whose
// quote is not in it is refused at its place with the closest match, and
// a new version of the text orphans the claims it no longer carries.
func TestSeedArticle(t *testing.T) {
	ctx := t.Context()
	st, err := cayley.Open(ctx, "memory:", cayley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		t.Fatal(err)
	}
	files, err := seed.ReadFiles("testdata/article.txt")
	if err != nil {
		t.Fatal(err)
	}
	article := readTestdata(t, "article.txt")
	id := "src-" + graph.TextDigest(article)[:16]

	t.Run("the article file creates a source with its text and digest", func(t *testing.T) {
		sum, err := seed.Load(ctx, st, graph.ApplyOptions{}, files...)
		if err != nil || sum.Added != 1 {
			t.Fatalf("summary %+v, err %v; want 1 added", sum, err)
		}
		src, err := st.Source(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if src.Text != article || src.Digest != graph.TextDigest(article) || src.Title != seed.FirstLine(article) {
			t.Errorf("source %s: title %q, digest %q, %d bytes of text", id, src.Title, src.Digest, len(src.Text))
		}
	})
	t.Run("seeding it again changes nothing", func(t *testing.T) {
		sum, err := seed.Load(ctx, st, graph.ApplyOptions{}, files...)
		if err != nil || sum.Changes() {
			t.Fatalf("summary %+v, err %v; want no change", sum, err)
		}
	})
	t.Run("a quote not in the text is refused at its place with the closest match", func(t *testing.T) {
		facts := "statements:\n  - subject: india\n    relation: accused-of-backing\n    object: bla\n    claims:\n" +
			"      - source: " + id + "\n        by: pakistan\n        quote: Pakistan often accuses India of backing the BLA\n"
		_, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Input{Name: "facts.yaml", Data: []byte(facts)})
		want := `facts.yaml:8:16: quote not found in ` + id + `; closest: "accuses Afghanistan and India of backing the BLA"`
		if graph.ErrorCode(err) != graph.Invalid || !slices.Contains(lines(err), want) {
			t.Fatalf("err = %q (code %q), want the line %q", lines(err), graph.ErrorCode(err), want)
		}
	})
	t.Run("a quote that occurs twice is refused with where it occurs", func(t *testing.T) {
		facts := "statements:\n  - subject: x-accounts-india\n    relation: operating-from\n    object: india\n    claims:\n" +
			"      - source: " + id + "\n        quote: operating from Afghanistan, India\n"
		_, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Input{Name: "facts.yaml", Data: []byte(facts)})
		if graph.ErrorCode(err) != graph.Invalid || len(lines(err)) != 1 ||
			!strings.Contains(lines(err)[0], "quote occurs 2 times in "+id+" (at code points 452, 532); give prefix/suffix or start") {
			t.Fatalf("err = %q (code %q)", lines(err), graph.ErrorCode(err))
		}
		facts = strings.Replace(facts, "quote:", "prefix: \"claimed that many accounts on X were \"\n        quote:", 1)
		if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Input{Name: "facts.yaml", Data: []byte(facts)}); err != nil {
			t.Fatalf("with a prefix: %v", err)
		}
	})
}

// TestNewVersionOrphansClaims changes the text of a source with claims:
// the claim whose quote is gone is orphaned (listed by the write, flagged
// in the store, its anchor kept), the one whose quote moved is re-placed,
// and seeding the same version again changes nothing.
func TestNewVersionOrphansClaims(t *testing.T) {
	ctx := t.Context()
	st, err := cayley.Open(ctx, "memory:", cayley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		t.Fatal(err)
	}
	v1 := "---\nid: src-versioned\n---\nIndia denied the claims. Pakistan said India backs the BLA.\n"
	facts := `statements:
  - subject: india
    relation: accused-of-backing
    object: bla
    claims:
      - {id: said, source: src-versioned, by: pakistan, quote: Pakistan said India backs the BLA.}
      - {id: denied, source: src-versioned, by: india, stance: DENIES, quote: India denied the claims.}
`
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Input{Name: "v1.txt", Data: []byte(v1)}, seed.Input{Name: "facts.yaml", Data: []byte(facts)}); err != nil {
		t.Fatal(err)
	}
	before := claimsByID(t, st, "src-versioned")
	v2 := "---\nid: src-versioned\n---\nUpdated. India rejected the claims. Pakistan said India backs the BLA.\n"
	sum, err := seed.Load(graph.WithAuthor(ctx, "ana"), st, graph.ApplyOptions{}, seed.Input{Name: "v2.txt", Data: []byte(v2)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sum.Orphaned, []string{"denied"}) || sum.Changed != 3 {
		t.Errorf("summary %+v; want the source and both claims changed, \"denied\" orphaned", sum)
	}
	after := claimsByID(t, st, "src-versioned")
	if a := after["denied"].Anchor; !a.Orphaned || a.Start != before["denied"].Anchor.Start {
		t.Errorf("denied: anchor %+v, want orphaned where it was (%+v)", a, before["denied"].Anchor)
	}
	for _, id := range []string{"denied", "said"} {
		if by := after[id].Recorded.By; by != "ana" {
			t.Errorf("%s: recorded by %q, want the author of the new version", id, by)
		}
	}
	v1Digest := graph.TextDigest(bodyOf(v1))
	wantDiff := []graph.Change{
		{Kind: graph.KindSource, ID: "src-versioned", Field: "title"}, // the first lines, below
		{Kind: graph.KindSource, ID: "src-versioned", Field: "digest", Old: v1Digest, New: graph.TextDigest(bodyOf(v2))},
		{Kind: graph.KindClaim, ID: "denied", Field: "anchor", Old: before["denied"].Anchor.String(), New: before["denied"].Anchor.String() + " (orphaned)"},
		{Kind: graph.KindClaim, ID: "said", Field: "anchor", Old: before["said"].Anchor.String(), New: after["said"].Anchor.String()},
	}
	wantDiff[0].Old, wantDiff[0].New = seed.FirstLine(bodyOf(v1)), seed.FirstLine(bodyOf(v2)) // the titles default to the first lines
	slices.SortStableFunc(sum.Diff, func(a, b graph.Change) int { return strings.Compare(a.Kind+a.ID, b.Kind+b.ID) })
	slices.SortStableFunc(wantDiff, func(a, b graph.Change) int { return strings.Compare(a.Kind+a.ID, b.Kind+b.ID) })
	if !slices.Equal(sum.Diff, wantDiff) {
		t.Errorf("changes %+v, want %+v", sum.Diff, wantDiff)
	}
	v2Text := bodyOf(v2)
	if a := after["said"].Anchor; a.Orphaned || a.Start != strings.Index(v2Text, "Pakistan said") || a.Start == before["said"].Anchor.Start {
		t.Errorf("said: anchor %+v, want it re-placed from %+v", a, before["said"].Anchor)
	}
	sum, err = seed.Load(ctx, st, graph.ApplyOptions{}, seed.Input{Name: "v2.txt", Data: []byte(v2)})
	if err != nil || sum.Changes() || len(sum.Orphaned) > 0 {
		t.Errorf("the same version again: %+v, %v; want no change", sum, err)
	}
}

// bodyOf returns an article's text without its front matter.
func bodyOf(article string) string { return article[strings.Index(article, "\n---\n")+5:] }

func claimsByID(tb testing.TB, st graph.Store, source string) map[string]graph.Claim {
	tb.Helper()
	list, err := st.ClaimsBySource(tb.Context(), source)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]graph.Claim{}
	for _, c := range list {
		out[c.ID] = c.Claim
	}
	return out
}

// TestImportTellsArticlesAndAnnotations sends articles and annotations to
// Import as streams, under names that tell nothing or the wrong thing:
// the content decides, the name's suffix is a hint where it does not.
func TestImportTellsArticlesAndAnnotations(t *testing.T) {
	ctx := t.Context()
	page := readTestdata(t, "article.html")
	text := readTestdata(t, "article.txt")
	id := "src-" + graph.TextDigest(text)[:16]
	var annotations bytes.Buffer
	if err := seed.WriteAnnotations(ctx, seededStore(t), &annotations); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, input, data string
		wantID            string // the source the input gives, when it is an article
		wantText          string
	}{
		{"a web page under a name that tells nothing", "body", page, id, text},
		{"a web page under a .txt name is a web page", "page.txt", page, id, text},
		{"a text by its .txt name", "report.txt", text, id, text},
		{"a text with front matter under a name that tells nothing", "body", "---\nid: src-front\n---\nThe text.\n", "src-front", "The text.\n"},
		{"annotations under a name that tells nothing", "body", annotations.String(), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := seededStore(t)
			rep, err := seed.Import(ctx, st, []seed.Input{{Name: tt.input, R: strings.NewReader(tt.data)}}, seed.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Parts) != 1 || rep.Parts[0].Kind != seed.PartFacts {
				t.Fatalf("report %+v, want one part of facts", rep)
			}
			if tt.wantID == "" {
				if rep.Summary().Changes() {
					t.Errorf("the seed's own annotations changed %+v", rep.Summary())
				}
				return
			}
			src, err := st.Source(ctx, tt.wantID)
			if err != nil || src.Text != tt.wantText {
				t.Fatalf("source %s: %q, %v; want the text %q", tt.wantID, src.Text, err, tt.wantText)
			}
		})
	}
}

// TestTextFileIsReadBesideTheFactFile seeds a fact file whose source names
// its text in a textFile: read from the fact file's directory, whether the
// file is read whole or opened as a stream; an input that is no file (a
// request body) cannot name one.
func TestTextFileIsReadBesideTheFactFile(t *testing.T) {
	dir := t.TempDir()
	facts := "sources:\n  - id: src-beside\n    title: Beside\n    textFile: texts/report.md\n"
	for name, data := range map[string]string{"facts.yaml": facts, "texts/report.md": "# Report\nIndia denied it.\n"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read, err := seed.ReadFiles(filepath.Join(dir, "facts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	opened, closeAll, err := seed.OpenFiles(filepath.Join(dir, "facts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll()
	for name, inputs := range map[string][]seed.Input{"read whole": read, "opened": opened} {
		t.Run(name, func(t *testing.T) {
			st := seededStore(t)
			if _, err := seed.Import(t.Context(), st, inputs, seed.Options{}); err != nil {
				t.Fatal(err)
			}
			if src, err := st.Source(t.Context(), "src-beside"); err != nil || src.Text != "# Report\nIndia denied it.\n" {
				t.Errorf("source: %+v, %v", src, err)
			}
		})
	}
	t.Run("a body names no textFile", func(t *testing.T) {
		_, err := seed.Import(t.Context(), seededStore(t), []seed.Input{{Name: "body", Data: []byte(facts)}}, seed.Options{})
		if got := lines(err); graph.ErrorCode(err) != graph.Invalid || len(got) != 1 || !strings.HasPrefix(got[0], "body:4:15: ") {
			t.Errorf("err = %q (code %q), want one problem at the textFile", got, graph.ErrorCode(err))
		}
	})
}
