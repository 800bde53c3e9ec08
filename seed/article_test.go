package seed_test

import (
	"os"
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
	sum, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Input{Name: "v2.txt", Data: []byte(v2)})
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
	v2Text := v2[strings.Index(v2, "Updated"):]
	if a := after["said"].Anchor; a.Orphaned || a.Start != strings.Index(v2Text, "Pakistan said") || a.Start == before["said"].Anchor.Start {
		t.Errorf("said: anchor %+v, want it re-placed from %+v", a, before["said"].Anchor)
	}
	sum, err = seed.Load(ctx, st, graph.ApplyOptions{}, seed.Input{Name: "v2.txt", Data: []byte(v2)})
	if err != nil || sum.Changes() || len(sum.Orphaned) > 0 {
		t.Errorf("the same version again: %+v, %v; want no change", sum, err)
	}
}

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
