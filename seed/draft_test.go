package seed_test

import (
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
	"github.com/claimgraph/claimgraph/seed/draft"
)

// TestDraftOfSeedArticle measures the draft of the seed article, with the
// built-in ontology and entities, against the built-in seed's statements:
// subject, relation and object, and for each claim its claimant and stance.
func TestDraftOfSeedArticle(t *testing.T) {
	text, err := os.ReadFile("testdata/article.txt")
	if err != nil {
		t.Fatal(err)
	}
	p, err := seed.Parse(seed.Builtin()...)
	if err != nil {
		t.Fatal(err)
	}
	var want []graph.Statement
	src := p.Batch.Sources[0]
	for _, in := range seed.Builtin() {
		if strings.HasSuffix(in.Name, "000-pakistan-warns-social-media.yaml") {
			facts, err := seed.Parse(in)
			if err != nil {
				t.Fatal(err)
			}
			want, src = facts.Batch.Statements, facts.Batch.Sources[0]
		}
	}
	if len(want) == 0 {
		t.Fatal("the built-in seed has no statements")
	}
	x := draft.New(draft.Knowledge{Ontology: p.Batch.Ontology, Entities: p.Batch.Entities})
	start := time.Now()
	d, err := x.Extract(t.Context(), draft.Document{Source: src, Text: string(text)})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	sc := draft.Compare(d, want, p.Batch.Ontology)
	t.Logf("statements: %v", sc.Statements)
	t.Logf("claims (subject, relation, object, claimant, stance): %v", sc.Claims)
	t.Logf("drafted in %v (%s)", elapsed, runtime.GOARCH)
	if r := sc.Claims.Recall(); r < 0.8 {
		t.Errorf("claim recall %.2f, want at least 0.8", r)
	}
	if r := sc.Statements.Recall(); r < 0.8 {
		t.Errorf("statement recall %.2f, want at least 0.8", r)
	}
	runes := []rune(string(text))
	for _, s := range d.Statements {
		for _, c := range s.Claims {
			if string(runes[c.Start:c.End]) != c.Quote {
				t.Errorf("%s %s %s: anchor %d–%d does not hold %q", s.Subject, s.Relation, s.Object, c.Start, c.End, c.Quote)
			}
		}
	}
	// The draft names the built-in source, which the built-in seed stores:
	// the fact file loads on top of it.
	out := draft.Render(d, draft.RenderOptions{Article: "article.txt"})
	if _, err := seed.Parse(append(seed.Builtin(), seed.Input{Name: "draft.yaml", Data: out})...); err != nil {
		t.Fatalf("the rendered draft does not parse with the built-in seed: %v", err)
	}
}
