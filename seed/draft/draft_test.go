package draft_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
	"github.com/claimgraph/claimgraph/seed/draft"
)

// ruritania returns the built-in ontology with the entities of the made-up
// report testdata/ruritania.txt, and the statements an analyst recorded
// from it.
func ruritania(tb testing.TB) (draft.Knowledge, []graph.Statement) {
	tb.Helper()
	p, err := seed.Parse(ontologyInput(tb), readInput(tb, "testdata/ruritania-entities.yaml"), readInput(tb, "testdata/ruritania-expected.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return draft.Knowledge{Ontology: p.Batch.Ontology, Entities: p.Batch.Entities}, p.Batch.Statements
}

func ontologyInput(tb testing.TB) seed.Input {
	tb.Helper()
	for _, in := range seed.Builtin() {
		if strings.HasSuffix(in.Name, "ontology.yaml") {
			return in
		}
	}
	tb.Fatal("no built-in ontology")
	return seed.Input{}
}

func readInput(tb testing.TB, name string) seed.Input {
	tb.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return seed.Input{Name: name, Data: data}
}

func extract(tb testing.TB, k draft.Knowledge, text string) draft.Draft {
	tb.Helper()
	d, err := draft.New(k).Extract(tb.(interface{ Context() context.Context }).Context(),
		draft.Document{Source: graph.Source{ID: "src-test", Title: "Test"}, Text: text})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func mentioned(d draft.Draft, how string) []string {
	var out []string
	for _, m := range d.Mentions {
		if how == "" || m.How == how {
			out = append(out, m.Text+"="+strings.Join(m.Entities, "+"))
		}
	}
	return out
}

func TestMentions(t *testing.T) {
	k, _ := ruritania(t)
	builtin, err := seed.Parse(seed.Builtin()...)
	if err != nil {
		t.Fatal(err)
	}
	seedK := draft.Knowledge{Ontology: builtin.Batch.Ontology, Entities: builtin.Batch.Entities}
	tests := []struct {
		name string
		k    draft.Knowledge
		text string
		want []string // "text=entity" of every mention
	}{
		{"names match whatever their case", seedK, "PAKISTAN and india met.", []string{"PAKISTAN=pakistan", "india=india"}},
		{"names match without their diacritics", k, "ELENA MARKOVIC spoke. Later Markovic left.",
			[]string{"ELENA MARKOVIC=elena-markovic", "Markovic=elena-markovic"}},
		{"names match as whole words only", seedK, "Indiana and Xanadu are not India.", []string{"India=india"}},
		{"a possessive keeps the name", seedK, "Afghanistan's rulers met.", []string{"Afghanistan=afghanistan"}},
		{"the longest name wins", seedK, "Tehrik-e-Taliban Pakistan grew.", []string{"Tehrik-e-Taliban Pakistan=ttp"}},
		{"acronyms match only as written", seedK, "The ttp and an x-ray; the TTP on X.", []string{"TTP=ttp", "X=x"}},
		{"a parenthesised alias joins its name", seedK, "The Baloch Liberation Army (BLA) struck.",
			[]string{"Baloch Liberation Army (BLA)=bla"}},
		{"he is the last person", seedK, "Talal Chaudhry spoke in Pakistan. He warned X.",
			[]string{"Talal Chaudhry=talal-chaudhry", "Pakistan=pakistan", "He=talal-chaudhry", "X=x"}},
		{"the minister is the last official", seedK, "Talal Chaudhry spoke. The minister left.",
			[]string{"Talal Chaudhry=talal-chaudhry", "The minister=talal-chaudhry"}},
		{"both countries are the two named together last", seedK,
			"Pakistan accuses Afghanistan and India of it, which both countries deny.",
			[]string{"Pakistan=pakistan", "Afghanistan=afghanistan", "India=india", "both countries=afghanistan+india"}},
		{"the group is the last group", k, "The Red Brigade met Sylvania. The group left.",
			[]string{"Red Brigade=red-brigade", "Sylvania=sylvania", "The group=red-brigade"}},
		{"an adjective of place names its country", k, "Ruritanian officials spoke.", []string{"Ruritanian=ruritania"}},
		{"a descriptive name is found by its words", k, "Some 30 accounts on Chirp were run from Sylvania.",
			[]string{"accounts=chirp-accounts-sylvania", "Chirp=chirp", "Sylvania=sylvania"}},
		{"a pronoun with no person before is left alone", seedK, "He left Pakistan.", []string{"Pakistan=pakistan"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := mentioned(extract(t, tc.k, tc.text), ""); !slices.Equal(got, tc.want) {
				t.Errorf("mentions of %q:\n got %q\nwant %q", tc.text, got, tc.want)
			}
		})
	}
}

// claimKey writes a drafted claim as "subject relation object by stance".
func claimKeys(d draft.Draft) []string {
	var out []string
	for _, s := range d.Statements {
		for _, c := range s.Claims {
			by := c.Claimant
			if by == "" {
				by = "source"
			}
			k := s.Subject + " " + s.Relation + " " + s.Object + " " + by + " " + string(c.Stance)
			for _, a := range []string{"count", "role"} {
				if v := s.Attributes[a]; v != "" {
					k += " " + a + "=" + v
				}
			}
			if s.Since != "" {
				k += " since=" + string(s.Since)
			}
			out = append(out, k)
		}
	}
	return out
}

func TestStatements(t *testing.T) {
	k, _ := ruritania(t)
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"a verb cue between two fitting names", "Ruritania backs the Red Brigade.",
			[]string{"ruritania accused-of-backing red-brigade source ASSERTS"}},
		{"a passive cue names the object first", "The Red Brigade is backed by Sylvania.",
			[]string{"sylvania accused-of-backing red-brigade source ASSERTS"}},
		{"a nominal cue after a possessive", "Freedonia's support for the Northern Front grew.",
			[]string{"freedonia accused-of-backing northern-front source ASSERTS"}},
		{"names of the wrong types give nothing", "The Red Brigade backs Freedonia.", nil},
		{"a cue without a second name gives nothing", "Ruritania backs the rebels.", nil},
		{"according to names the claimant", "According to Freedonia, the Northern Front is based in Sylvania.",
			[]string{"northern-front operating-from sylvania freedonia ASSERTS"}},
		{"he added names the last person", "Elena Marković spoke. The Red Brigade is allied with the Northern Front, she added.",
			[]string{"red-brigade allied-with northern-front elena-markovic ASSERTS"}},
		{"an accusation makes the accuser the claimant and a later denial adds the accused's",
			"Ruritania accuses Freedonia of sponsoring the Red Brigade, which Freedonia denies.",
			[]string{"freedonia accused-of-backing red-brigade ruritania ASSERTS", "freedonia accused-of-backing red-brigade freedonia DENIES"}},
		{"a denial before the cue is the claim", "Sylvania denied backing the Red Brigade.",
			[]string{"sylvania accused-of-backing red-brigade sylvania DENIES"}},
		{"a denial in the next sentence denies the one before",
			"Ruritania accuses Freedonia and Sylvania of arming the Red Brigade. Both countries reject the charge.",
			[]string{"freedonia accused-of-backing red-brigade ruritania ASSERTS", "freedonia accused-of-backing red-brigade freedonia DENIES",
				"sylvania accused-of-backing red-brigade ruritania ASSERTS", "sylvania accused-of-backing red-brigade sylvania DENIES"}},
		{"a negation denies", "Viktor Ostrov said the accounts on Chirp are not linked to the Red Brigade.",
			[]string{"chirp-accounts-sylvania active-on chirp viktor-ostrov ASSERTS",
				"chirp-accounts-sylvania linked-to red-brigade viktor-ostrov DENIES"}},
		{"a number before the subject is its count", "Elena Marković said at least 12 accounts on Chirp are run from Sylvania.",
			[]string{"chirp-accounts-sylvania active-on chirp elena-markovic ASSERTS",
				"chirp-accounts-sylvania operating-from sylvania elena-markovic ASSERTS count=at least 12"}},
		{"a title before an official is the role and the country comes from the sentence before",
			"Sylvania warned Chirp. Interior Minister Viktor Ostrov spoke.",
			[]string{"sylvania warned chirp source ASSERTS", "viktor-ostrov official-of sylvania source ASSERTS role=Interior Minister"}},
		{"since a date is the statement's since", "The Northern Front has governed Sylvania since March 2019.",
			[]string{"northern-front governs sylvania source ASSERTS since=2019-03"}},
		{"predicates joined by and share their subject",
			"The Red Brigade is based in Freedonia and is allied with the Northern Front.",
			[]string{"red-brigade operating-from freedonia source ASSERTS", "red-brigade allied-with northern-front source ASSERTS"}},
		{"a one-letter name ends a sentence", "Ruritania warned Chirp. Sylvania backs the Red Brigade.",
			[]string{"ruritania warned chirp source ASSERTS", "sylvania accused-of-backing red-brigade source ASSERTS"}},
		{"headings carry no statements", "Ruritania backs the Red Brigade\nIt was said.", nil},
		{"a name that states a relation is not drafted against it",
			"Chirp accounts run from Sylvania operate from Ruritania and Sylvania.",
			[]string{"chirp-accounts-sylvania operating-from sylvania source ASSERTS"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := claimKeys(extract(t, k, tc.text))
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("claims of %q:\n got %q\nwant %q", tc.text, got, want)
			}
		})
	}
}

// TestRecallOnAnUnseenReport measures the draft of a made-up report against
// what an analyst recorded from it.
func TestRecallOnAnUnseenReport(t *testing.T) {
	k, want := ruritania(t)
	text, err := os.ReadFile("testdata/ruritania.txt")
	if err != nil {
		t.Fatal(err)
	}
	d := extract(t, k, string(text))
	sc := draft.Compare(d, want, k.Ontology)
	t.Logf("statements: %v", sc.Statements)
	t.Logf("claims: %v", sc.Claims)
	if r := sc.Claims.Recall(); r < 0.8 {
		t.Errorf("claim recall %.2f, want at least 0.8", r)
	}
	checkAnchors(t, d, string(text))
}

// checkAnchors checks that every claim's quote is the text at its anchor,
// in code points.
func checkAnchors(tb testing.TB, d draft.Draft, text string) {
	tb.Helper()
	runes := []rune(text)
	for _, s := range d.Statements {
		for _, c := range s.Claims {
			if c.Start < 0 || c.End > len(runes) || c.Start >= c.End || string(runes[c.Start:c.End]) != c.Quote {
				tb.Errorf("claim %s %s %s: anchor %d–%d does not hold its quote %q", s.Subject, s.Relation, s.Object, c.Start, c.End, c.Quote)
			}
		}
	}
}

func TestEverySuggestionHasAReason(t *testing.T) {
	k, _ := ruritania(t)
	text, err := os.ReadFile("testdata/ruritania.txt")
	if err != nil {
		t.Fatal(err)
	}
	d := extract(t, k, string(text))
	if len(d.Statements) == 0 || len(d.Candidates) == 0 {
		t.Fatalf("draft has %d statements and %d candidates, want some of each", len(d.Statements), len(d.Candidates))
	}
	for _, s := range d.Statements {
		if !strings.Contains(s.Reason, "cue") {
			t.Errorf("statement %s %s %s: reason %q names no cue", s.Subject, s.Relation, s.Object, s.Reason)
		}
		for _, c := range s.Claims {
			if c.Reason == "" {
				t.Errorf("statement %s %s %s: a claim has no reason", s.Subject, s.Relation, s.Object)
			}
		}
	}
	for _, m := range d.Mentions {
		if m.Reason == "" || m.How == "" {
			t.Errorf("mention %q has no reason", m.Text)
		}
	}
	if got := d.Candidates[0]; got.Name != "Strelsau" || got.ID != "strelsau" {
		t.Errorf("first candidate = %+v, want Strelsau", got)
	}
}

// TestRenderedDraftLoads renders a draft, reads it back as a fact file and
// applies it (dry run) to a store holding the ontology and the entities.
func TestRenderedDraftLoads(t *testing.T) {
	k, _ := ruritania(t)
	text, err := os.ReadFile("testdata/ruritania.txt")
	if err != nil {
		t.Fatal(err)
	}
	d := extract(t, k, string(text))
	out := draft.Render(d, draft.RenderOptions{Article: "ruritania.txt", DeclareSource: true})
	for _, want := range []string{"# Candidate entities", "#   - {id: strelsau, type: ?, name: Strelsau}", "# accused-of-backing: cue", "; anchor "} {
		if !strings.Contains(string(out), want) {
			t.Errorf("rendered draft lacks %q:\n%s", want, out)
		}
	}
	p, err := seed.Parse(seed.Input{Name: "draft.yaml", Data: out})
	if err != nil {
		t.Fatalf("rendered draft does not parse: %v\n%s", err, out)
	}
	if len(p.Batch.Statements) != len(d.Statements) || len(p.Batch.Sources) != 1 {
		t.Fatalf("parsed %d statements and %d sources, want %d and 1", len(p.Batch.Statements), len(p.Batch.Sources), len(d.Statements))
	}
	for i, s := range p.Batch.Statements {
		for j, c := range s.Claims {
			if want := d.Statements[i].Claims[j].Quote; c.Quote != want {
				t.Errorf("statement %d claim %d: quote read back as %q, want %q", i, j, c.Quote, want)
			}
		}
	}
	st, err := cayley.Open(t.Context(), "memory:", cayley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Apply(t.Context(), graph.Batch{Ontology: k.Ontology, Entities: k.Entities}, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	sum, err := seed.Load(t.Context(), st, graph.ApplyOptions{DryRun: true}, seed.Input{Name: "draft.yaml", Data: out})
	if err != nil {
		t.Fatalf("the store refuses the draft: %v", err)
	}
	if sum.Added == 0 {
		t.Errorf("dry run would add nothing: %+v", sum)
	}
}

func TestRenderWithoutStatementsLoads(t *testing.T) {
	k, _ := ruritania(t)
	d := extract(t, k, "Nothing happened today.")
	out := draft.Render(d, draft.RenderOptions{})
	if _, err := seed.Parse(seed.Input{Name: "draft.yaml", Data: out}); err != nil {
		t.Fatalf("empty draft does not parse: %v\n%s", err, out)
	}
}

func TestExtractRefuses(t *testing.T) {
	k, _ := ruritania(t)
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		doc  draft.Document
		code string
		err  error
	}{
		{"a document without source id is invalid", t.Context(), draft.Document{Text: "Ruritania backs the Red Brigade."}, graph.Invalid, nil},
		{"a document without text is invalid", t.Context(), draft.Document{Source: graph.Source{ID: "s"}, Text: " \n"}, graph.Invalid, nil},
		{"a cancelled context stops the draft", cancelled, draft.Document{Source: graph.Source{ID: "s"}, Text: "Ruritania backs the Red Brigade."}, "", context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := draft.New(k).Extract(tc.ctx, tc.doc)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if graph.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want code %s", err, tc.code)
			}
		})
	}
}

// fixed is an extractor that always proposes the same statements, as a
// recogniser of another kind might.
type fixed []draft.Statement

func (f fixed) Extract(_ context.Context, doc draft.Document) (draft.Draft, error) {
	return draft.Draft{Source: doc.Source, Statements: f}, nil
}

func TestJoinMergesDrafts(t *testing.T) {
	k, _ := ruritania(t)
	other := fixed{
		{Subject: "ruritania", Relation: "accused-of-backing", Object: "red-brigade", Claims: []draft.Claim{
			{Stance: graph.Asserts, Reason: "other"}, {Claimant: "ruritania", Stance: graph.Denies, Reason: "other"}}},
		{Subject: "sylvania", Relation: "warned", Object: "chirp", Claims: []draft.Claim{{Stance: graph.Asserts, Reason: "other"}}},
	}
	d, err := draft.Join(draft.New(k), other).Extract(t.Context(), draft.Document{Source: graph.Source{ID: "s"}, Text: "Ruritania backs the Red Brigade."})
	if err != nil {
		t.Fatal(err)
	}
	got := claimKeys(d)
	want := []string{"ruritania accused-of-backing red-brigade source ASSERTS", "ruritania accused-of-backing red-brigade ruritania DENIES",
		"sylvania warned chirp source ASSERTS"}
	if !slices.Equal(got, want) {
		t.Errorf("joined claims:\n got %q\nwant %q", got, want)
	}
	if r := d.Statements[0].Claims[0].Reason; strings.Contains(r, "other") {
		t.Errorf("the first extractor's claim should win, got reason %q", r)
	}
}

// FuzzExtract checks that no text breaks the extractor and that every
// anchor holds its quote.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{"", "\n\n", ".", "Dr.", "\"", "U.S. e.g. J. R.", "(BLA) (", "both countries deny",
		"He said.\nThe minister.", "Ruritania accuses Freedonia of sponsoring the Red Brigade, which Freedonia denies.",
		"at least 19 accounts on Chirp run from Sylvania", "Ru\u0301ritania\u00a0backs\tthe Red Brigade’s", "’s ’ ‘ — –"} {
		f.Add(s)
	}
	k, _ := ruritania(f)
	x := draft.New(k)
	f.Fuzz(func(t *testing.T, text string) {
		d, err := x.Extract(t.Context(), draft.Document{Source: graph.Source{ID: "s"}, Text: text})
		if err != nil {
			if graph.ErrorCode(err) != graph.Invalid {
				t.Fatal(err)
			}
			return
		}
		checkAnchors(t, d, text)
		if _, err := seed.Parse(seed.Input{Name: "d.yaml", Data: draft.Render(d, draft.RenderOptions{DeclareSource: true})}); err != nil {
			t.Fatalf("rendered draft does not parse: %v", err)
		}
	})
}
