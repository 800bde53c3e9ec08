package seed_test

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

// articleSourceID is the id of the article's source in the built-in seed.
const articleSourceID = "src-86013d487e35f14f"

func TestBuiltinOrder(t *testing.T) {
	var names []string
	for _, in := range seed.Builtin() {
		names = append(names, in.Name)
	}
	want := []string{"seed/data/ontology.yaml", "seed/data/000-pakistan-warns-social-media.yaml"}
	if !slices.Equal(names, want) {
		t.Errorf("Builtin() = %q, want the ontology first: %q", names, want)
	}
}

func TestBuiltinIsValidOnItsOwn(t *testing.T) {
	if err := check(t, seed.Builtin()...); err != nil {
		t.Fatalf("built-in seed is invalid:\n%v", err)
	}
}

// TestBuiltinQuotesAreVerbatim checks that every quote of the built-in seed
// is the article's own words (a copy of the article is in testdata).
func TestBuiltinQuotesAreVerbatim(t *testing.T) {
	article, err := os.ReadFile(filepath.Join("testdata", "article.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := seed.Parse(seed.Builtin()...)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, st := range p.Batch.Statements {
		for _, c := range st.Claims {
			if c.Quote == "" {
				t.Errorf("claim %s has no quote", c.ID)
				continue
			}
			n++
			if !strings.Contains(string(article), c.Quote) {
				t.Errorf("claim %s quotes words the article does not have: %q", c.ID, c.Quote)
			}
		}
	}
	if n == 0 {
		t.Error("no quotes found")
	}
	// The source's title is the article's headline, word for word.
	for _, s := range p.Batch.Sources {
		if !strings.HasPrefix(string(article), s.Title+"\n") {
			t.Errorf("source %s title %q is not the article's headline", s.ID, s.Title)
		}
	}
}

// TestBuiltinFacts loads the built-in seed and checks the facts the article
// supports, with the status each must have.
func TestBuiltinFacts(t *testing.T) {
	ctx := t.Context()
	st := newFakeStore()
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		t.Fatalf("Load(Builtin()): %v", err)
	}

	t.Run("the article is the only source and tells no publisher, URL or date", func(t *testing.T) {
		src, err := st.Source(ctx, articleSourceID)
		if err != nil {
			t.Fatal(err)
		}
		text, err := os.ReadFile("testdata/article.txt")
		if err != nil {
			t.Fatal(err)
		}
		want := graph.Source{ID: articleSourceID, Title: "Pakistan warns it may block social media platforms for non-compliance",
			Text: string(text), Digest: graph.TextDigest(string(text))}
		if src != want {
			t.Errorf("source = %+v, want %+v", src, want)
		}
		if len(st.sources) != 1 {
			t.Errorf("%d sources, want 1", len(st.sources))
		}
	})

	t.Run("contract entities exist with their types", func(t *testing.T) {
		for id, typ := range map[string]string{
			"pakistan": "Country", "afghanistan": "Country", "india": "Country",
			"ttp": "Group", "bla": "Group", "afghan-taliban": "Group",
			"x": "Platform", "talal-chaudhry": "Official",
		} {
			e, err := st.Entity(ctx, id)
			if err != nil {
				t.Errorf("entity %s: %v", id, err)
				continue
			}
			if e.Type != typ {
				t.Errorf("entity %s has type %s, want %s", id, e.Type, typ)
			}
		}
		for id, alias := range map[string]string{"ttp": "TTP", "bla": "BLA"} {
			e, _ := st.Entity(ctx, id)
			if !slices.Contains(e.Aliases, graph.Alias{Name: alias}) {
				t.Errorf("entity %s aliases = %v, want %s among them", id, e.Aliases, alias)
			}
		}
	})

	type claim struct {
		by     string
		stance graph.Stance
	}
	tests := []struct {
		name   string
		id     string // statement id
		status graph.Status
		claims []claim // exactly these, in order
		attrs  map[string]string
		since  graph.Date
	}{
		{name: "india accused of backing ttp is disputed", id: "india.accused-of-backing.ttp", status: graph.Disputed,
			claims: []claim{{"pakistan", graph.Asserts}, {"india", graph.Denies}}},
		{name: "india accused of backing bla is disputed", id: "india.accused-of-backing.bla", status: graph.Disputed,
			claims: []claim{{"pakistan", graph.Asserts}, {"india", graph.Denies}}},
		{name: "afghanistan accused of backing ttp is disputed", id: "afghanistan.accused-of-backing.ttp", status: graph.Disputed,
			claims: []claim{{"pakistan", graph.Asserts}, {"afghanistan", graph.Denies}}},
		{name: "afghanistan accused of backing bla is disputed", id: "afghanistan.accused-of-backing.bla", status: graph.Disputed,
			claims: []claim{{"pakistan", graph.Asserts}, {"afghanistan", graph.Denies}}},
		{name: "ttp allied with the afghan taliban is reported", id: "ttp.allied-with.afghan-taliban", status: graph.Reported,
			claims: []claim{{"", graph.Asserts}}},
		{name: "afghan taliban govern afghanistan since 2021-08, reported", id: "afghan-taliban.governs.afghanistan", status: graph.Reported,
			claims: []claim{{"", graph.Asserts}}, since: "2021-08"},
		{name: "ttp found refuge in afghanistan is reported", id: "ttp.refuge-in.afghanistan", status: graph.Reported,
			claims: []claim{{"", graph.Asserts}}},
		{name: "bla violence in pakistan is reported", id: "bla.violence-in.pakistan", status: graph.Reported,
			claims: []claim{{"", graph.Asserts}}},
		{name: "ttp violence in pakistan is reported", id: "ttp.violence-in.pakistan", status: graph.Reported,
			claims: []claim{{"", graph.Asserts}}},
		{name: "talal chaudhry is deputy interior minister of pakistan", id: "talal-chaudhry.official-of.pakistan", status: graph.Reported,
			claims: []claim{{"", graph.Asserts}}, attrs: map[string]string{"role": "Deputy Interior Minister"}},
		{name: "pakistan warned the platforms, reported and in chaudhry's words", id: "pakistan.warned.social-media-platforms", status: graph.Reported,
			claims: []claim{{"", graph.Asserts}, {"talal-chaudhry", graph.Asserts}}},
		{name: "talal chaudhry issued the warning, reported", id: "talal-chaudhry.warned.social-media-platforms", status: graph.Reported,
			claims: []claim{{"", graph.Asserts}}},
		{name: "at least 19 accounts operating from india are alleged by chaudhry", id: "x-accounts-india.operating-from.india", status: graph.Alleged,
			claims: []claim{{"talal-chaudhry", graph.Asserts}}, attrs: map[string]string{"count": "at least 19"}},
		{name: "over two dozen accounts operating from afghanistan are alleged by chaudhry", id: "x-accounts-afghanistan.operating-from.afghanistan", status: graph.Alleged,
			claims: []claim{{"talal-chaudhry", graph.Asserts}}, attrs: map[string]string{"count": "over two dozen"}},
		{name: "india accounts on x are alleged", id: "x-accounts-india.active-on.x", status: graph.Alleged,
			claims: []claim{{"talal-chaudhry", graph.Asserts}}},
		{name: "afghanistan accounts on x are alleged", id: "x-accounts-afghanistan.active-on.x", status: graph.Alleged,
			claims: []claim{{"talal-chaudhry", graph.Asserts}}},
		{name: "some afghanistan accounts linked to the afghan taliban are alleged", id: "x-accounts-afghanistan.linked-to.afghan-taliban", status: graph.Alleged,
			claims: []claim{{"talal-chaudhry", graph.Asserts}}, attrs: map[string]string{"scope": "some of the accounts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := st.Statement(ctx, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Status(); got != tt.status {
				t.Errorf("status = %s, want %s", got, tt.status)
			}
			var got []claim
			for _, c := range s.Claims {
				got = append(got, claim{c.Claimant, c.Stance})
				if c.Source != articleSourceID || c.Said != "" || c.Credibility != "" {
					t.Errorf("claim %s: source %q, said %q, credibility %q; want the article, no date, no grade", c.ID, c.Source, c.Said, c.Credibility)
				}
			}
			if !slices.Equal(got, tt.claims) {
				t.Errorf("claims (by, stance) = %v, want %v", got, tt.claims)
			}
			if len(s.Attributes)+len(tt.attrs) > 0 && !maps.Equal(s.Attributes, tt.attrs) {
				t.Errorf("attributes = %v, want %v", s.Attributes, tt.attrs)
			}
			if s.ValidFrom != tt.since || s.ValidUntil != "" {
				t.Errorf("valid time = %q..%q, want %q..", s.ValidFrom, s.ValidUntil, tt.since)
			}
		})
	}

	t.Run("no statement beyond those the article supports", func(t *testing.T) {
		if len(st.statements) != len(tests) {
			var ids []string
			for id := range st.statements {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			t.Errorf("%d statements, want %d: %s", len(ids), len(tests), strings.Join(ids, ", "))
		}
	})

	t.Run("accused-of-backing connects a Country to a Group", func(t *testing.T) {
		ont, _ := st.Ontology(ctx)
		rt, ok := ont.RelationType("accused-of-backing")
		if !ok || rt.Label != "accused of backing" || !rt.Allows("Country", "Group") {
			t.Errorf("accused-of-backing = %+v, %v", rt, ok)
		}
	})
}
