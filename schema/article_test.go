package schema

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

type anchorJSON struct {
	Exact, Prefix, Suffix string
	Start, End            int
	Orphaned              bool
}

// decode unmarshals the data of a response into v.
func decode(tb testing.TB, resp Response, v any) {
	tb.Helper()
	if len(resp.Errors) > 0 {
		tb.Fatalf("errors: %+v", resp.Errors)
	}
	data, _ := json.Marshal(resp.Data)
	if err := json.Unmarshal(data, v); err != nil {
		tb.Fatal(err)
	}
}

// TestBuiltinClaimsAreAnchored asks for every claim of the built-in seed
// over GraphQL: each answers an anchor whose exact text is its quote and
// stands at [start, end) of its source's text, with the text around it as
// prefix and suffix.
func TestBuiltinClaimsAreAnchored(t *testing.T) {
	st := seeded(t)
	srv := httptest.NewServer(handlerOn(t, st, Options{}))
	t.Cleanup(srv.Close)
	_, resp := post(t, srv.URL, "", `{ source(id: "`+seedSource+`") { text digest
		claims(first: 100) { totalCount nodes { id quote anchor { exact prefix suffix start end orphaned } } } } }`)
	var got struct {
		Source struct {
			Text, Digest string
			Claims       struct {
				TotalCount int
				Nodes      []struct {
					ID, Quote string
					Anchor    *anchorJSON
				}
			}
		}
	}
	decode(t, resp, &got)
	text := []rune(got.Source.Text)
	if len(text) == 0 || got.Source.Digest != graph.TextDigest(got.Source.Text) {
		t.Fatalf("source: %d code points of text, digest %q", len(text), got.Source.Digest)
	}
	if got.Source.Claims.TotalCount == 0 || got.Source.Claims.TotalCount != len(got.Source.Claims.Nodes) {
		t.Fatalf("%d claims, %d listed", got.Source.Claims.TotalCount, len(got.Source.Claims.Nodes))
	}
	for _, c := range got.Source.Claims.Nodes {
		a := c.Anchor
		switch {
		case a == nil:
			t.Errorf("%s: no anchor", c.ID)
		case a.Exact != c.Quote || a.Orphaned || a.Start < 0 || a.End > len(text) || string(text[a.Start:a.End]) != a.Exact:
			t.Errorf("%s: anchor %+v does not hold its quote %q", c.ID, a, c.Quote)
		case a.Prefix != string(text[max(0, a.Start-graph.AnchorContext):a.Start]) || a.Suffix != string(text[a.End:min(len(text), a.End+graph.AnchorContext)]):
			t.Errorf("%s: prefix %q or suffix %q is not the text around the quote", c.ID, a.Prefix, a.Suffix)
		}
	}
	t.Logf("%d claims anchored in %d code points of text", len(got.Source.Claims.Nodes), len(text))
}

// TestArticleWrites adds a source with its text and claims on it through
// the API: a quote not in the text is refused with the closest match, one
// that occurs twice needs a start, and a new version of the text orphans
// the claim it no longer carries, which the API flags.
func TestArticleWrites(t *testing.T) {
	st := seeded(t)
	const token = "s3cret"
	srv := httptest.NewServer(handlerOn(t, st, Options{Token: token}))
	t.Cleanup(srv.Close)
	text := "Iran backs the BLA, Pakistan said.\r\nIran denied it. Pakistan said so again."
	_, resp := post(t, srv.URL, token, `mutation { addSource(text: `+strconvQuote(text)+`) { id title text digest } }`)
	var added struct {
		AddSource struct{ ID, Title, Text, Digest string }
	}
	decode(t, resp, &added)
	want := strings.ReplaceAll(text, "\r\n", "\n")
	if s := added.AddSource; s.Text != want || s.Digest != graph.TextDigest(want) || s.ID != "source:src-"+s.Digest[:16] ||
		s.Title != "Iran backs the BLA, Pakistan said." {
		t.Fatalf("added %+v", s)
	}
	src := strings.TrimPrefix(added.AddSource.ID, "source:")
	claim := func(quote, extra string) string {
		return `mutation { addClaim(relation: "india.accused-of-backing.bla",
			claim: {source: "` + src + `", claimant: "pakistan", stance: ASSERTS, quote: ` + strconvQuote(quote) + extra + `}) {
			claims { anchor { exact start end prefix orphaned } } } }`
	}
	steps := []struct {
		name, query string
		code, part  string // the error code and a part of its message, or a part of the data
	}{
		{"a quote not in the text is refused with the closest match", claim("India backs the BLA", ""),
			CodeBadUserInput, `quote not found in ` + src + `; closest: \"Iran backs the BLA\"`},
		{"a quote that occurs twice is refused with where", claim("Pakistan said", ""),
			CodeBadUserInput, "quote occurs 2 times in " + src + " (at code points 20, 51); give prefix/suffix or start"},
		{"a start places it", claim("Pakistan said", ", start: 51"),
			"", `{"exact":"Pakistan said","start":51,"end":64,"prefix":" Pakistan said.\nIran denied it. ","orphaned":false}`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			_, resp := post(t, srv.URL, token, s.query)
			if s.code != "" {
				msg, _ := json.Marshal(resp.Errors)
				if !slices.Equal(codesOf(resp), []string{s.code}) || !strings.Contains(string(msg), s.part) {
					t.Fatalf("errors %s, want %s with %q", msg, s.code, s.part)
				}
				return
			}
			data, _ := json.Marshal(resp.Data)
			if len(resp.Errors) > 0 || !strings.Contains(string(data), s.part) {
				t.Fatalf("data %s, errors %+v; want %s", data, resp.Errors, s.part)
			}
		})
	}
	t.Run("a new version of the text orphans the claim and the API flags it", func(t *testing.T) {
		sum, err := st.Apply(t.Context(), graph.Batch{Sources: []graph.Source{{ID: src, Title: "v2", Text: "Iran denied it. Nobody else spoke."}}}, graph.ApplyOptions{})
		if err != nil || len(sum.Orphaned) != 1 {
			t.Fatalf("summary %+v, err %v; want one orphaned claim", sum, err)
		}
		_, resp := post(t, srv.URL, "", `{ source(id: "`+src+`") { orphanedClaims { id quote anchor { orphaned start end } } } }`)
		var got struct {
			Source struct {
				OrphanedClaims []struct {
					ID, Quote string
					Anchor    anchorJSON
				}
			}
		}
		decode(t, resp, &got)
		oc := got.Source.OrphanedClaims
		stID, rest, _ := strings.Cut(sum.Orphaned[0], "~") // a default claim id: STATEMENT~SOURCE~CLAIMANT
		if len(oc) != 1 || !oc[0].Anchor.Orphaned || oc[0].Anchor.Start != 51 || oc[0].ID != "claim:"+stID+"#~"+rest {
			t.Errorf("orphaned claims %+v; want %v, flagged, where it stood", oc, sum.Orphaned)
		}
	})
}

// TestDraftOverGraphQL drafts the built-in source's stored text: the
// statements come with subject, relation, object and claims anchored in
// the text, each with its reason, and Source.mentions lists where known
// entities are named.
func TestDraftOverGraphQL(t *testing.T) {
	st := seeded(t)
	srv := httptest.NewServer(handlerOn(t, st, Options{}))
	t.Cleanup(srv.Close)
	_, resp := post(t, srv.URL, "", `{ source(id: "`+seedSource+`") { text mentions { start end text how entities { id } } }
		draft(sourceId: "`+seedSource+`") {
			statements { subject { id } relation object { id } reason claims { claimant { id } stance quote reason anchor { exact start end } } }
			candidates { name } } }`)
	var got struct {
		Source struct {
			Text     string
			Mentions []struct {
				Start, End int
				Text, How  string
				Entities   []struct{ ID string }
			}
		}
		Draft struct {
			Statements []struct {
				Subject, Object struct{ ID string }
				Relation        string
				Reason          string
				Claims          []struct {
					Claimant      *struct{ ID string }
					Stance, Quote string
					Reason        string
					Anchor        anchorJSON
				}
			}
		}
	}
	decode(t, resp, &got)
	text := []rune(got.Source.Text)
	var names []string
	for _, m := range got.Source.Mentions {
		if string(text[m.Start:m.End]) != m.Text || len(m.Entities) == 0 {
			t.Errorf("mention %+v is not at its place", m)
		}
		names = append(names, m.Entities[0].ID)
	}
	for _, id := range []string{"pakistan", "talal-chaudhry", "x", "ttp", "bla", "afghan-taliban"} {
		if !slices.Contains(names, id) {
			t.Errorf("no mention of %s among %v", id, names)
		}
	}
	var statements []string
	for _, s := range got.Draft.Statements {
		statements = append(statements, s.Subject.ID+" "+s.Relation+" "+s.Object.ID)
		if s.Reason == "" || len(s.Claims) == 0 {
			t.Errorf("statement %+v has no reason or no claim", s)
		}
		for _, c := range s.Claims {
			if a := c.Anchor; a.Exact != c.Quote || string(text[a.Start:a.End]) != c.Quote || c.Reason == "" {
				t.Errorf("claim %+v: its anchor does not hold its quote, or it has no reason", c)
			}
		}
	}
	if !slices.Contains(statements, "ttp allied-with afghan-taliban") || !slices.Contains(statements, "india accused-of-backing ttp") {
		t.Errorf("drafted statements %q lack the article's alliance or accusation", statements)
	}
	_, resp = post(t, srv.URL, "", `{ draft(sourceId: "nowhere") { statements { relation } } }`)
	if len(resp.Errors) > 0 || string(mustJSON(resp.Data)) != `{"draft":null}` {
		t.Errorf("draft of an unknown source: %+v %s", resp.Errors, mustJSON(resp.Data))
	}
}

// TestArticleImportsKeepTheRoles imports an article through importFacts
// as the role tests' users do: a source with text is an editor's write,
// recorded under the editor's name and in the audit log; a new version of
// the text, imported by an admin, answers the claims it orphans, which
// then record the admin as the last to change them, as the audit log does.
func TestArticleImportsKeepTheRoles(t *testing.T) {
	srv, _ := roleServer(t, Options{})
	importArticle := func(token, text string) (int, Response) {
		return post(t, srv.URL, token, `mutation { importFacts(format: "article", data: `+strconvQuote(text)+`) { added changed orphaned } }`)
	}
	const v1 = "---\nid: src-roles\ntitle: Roles\n---\nIndia denied it. Pakistan said India backs the TTP.\n"
	const v2 = "---\nid: src-roles\ntitle: Roles\n---\nPakistan said India backs the TTP.\n"
	for _, c := range roleCases {
		t.Run("the "+c.who+"'s article", func(t *testing.T) {
			_, resp := importArticle(c.token, v1)
			if want := wantAuthCode(c.role, RoleEditor); !slices.Equal(codesOf(resp), nonEmpty(want)) {
				t.Errorf("codes %v, want %q", codesOf(resp), want)
			}
		})
	}
	_, resp := post(t, srv.URL, "ed-token", `mutation { addClaim(relation: "india.accused-of-backing.ttp",
		claim: {id: "roles-denial", source: "src-roles", claimant: "india", stance: DENIES, quote: "India denied it."}) { id } }`)
	decode(t, resp, &struct{}{})

	_, resp = importArticle("ada-token", v2)
	var imported struct{ ImportFacts struct{ Orphaned []string } }
	decode(t, resp, &imported)
	if !slices.Equal(imported.ImportFacts.Orphaned, []string{"roles-denial"}) {
		t.Errorf("orphaned %v, want the denial", imported.ImportFacts.Orphaned)
	}
	_, resp = post(t, srv.URL, "ada-token", `{ source(id: "src-roles") { recordedBy orphanedClaims { recordedBy anchor { orphaned } } }
		auditLog(first: 1) { nodes { user operation ids } } }`)
	var got struct {
		Source struct {
			RecordedBy     string
			OrphanedClaims []struct {
				RecordedBy string
				Anchor     anchorJSON
			}
		}
		AuditLog struct {
			Nodes []struct {
				User, Operation string
				IDs             []string
			}
		}
	}
	decode(t, resp, &got)
	if oc := got.Source.OrphanedClaims; got.Source.RecordedBy != "ada" || len(oc) != 1 || oc[0].RecordedBy != "ada" || !oc[0].Anchor.Orphaned {
		t.Errorf("source %+v: want it and its orphaned claim recorded by ada", got.Source)
	}
	if n := got.AuditLog.Nodes; len(n) != 1 || n[0].User != "ada" || n[0].Operation != "importFacts" ||
		!slices.Contains(n[0].IDs, "source:src-roles") || !slices.ContainsFunc(n[0].IDs, func(id string) bool { return strings.HasSuffix(id, "roles-denial") }) {
		t.Errorf("audit log %+v: want ada's import with the source and the orphaned claim", n)
	}
}

// nonEmpty returns the list of code, or none for "".
func nonEmpty(code string) []string {
	if code == "" {
		return nil
	}
	return []string{code}
}
