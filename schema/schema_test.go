package schema

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// newHandler returns a handler on a memory store holding the built-in seed.
func newHandler(tb testing.TB) *Handler {
	tb.Helper()
	ctx := tb.Context()
	st, err := cayley.Open(ctx, "memory:", cayley.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		tb.Fatal(err)
	}
	h, err := NewHandler(ctx, st, slog.New(slog.DiscardHandler), Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// do runs a query in-process and decodes its data into out; it returns the
// error codes of the response.
func do(tb testing.TB, h *Handler, query string, out any) []string {
	tb.Helper()
	resp, _ := h.Do(tb.Context(), Request{Query: query})
	var codes []string
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		codes = append(codes, code)
	}
	if out != nil && resp.Data != nil {
		b, _ := json.Marshal(resp.Data)
		if err := json.Unmarshal(b, out); err != nil {
			tb.Fatalf("decode %s: %v", b, err)
		}
	}
	return codes
}

func mustDo(tb testing.TB, h *Handler, query string, out any) {
	tb.Helper()
	if codes := do(tb, h, query, out); len(codes) > 0 {
		tb.Fatalf("query %s: error codes %v", query, codes)
	}
}

type rel struct {
	ID     string
	Type   string
	Label  string
	From   struct{ ID string }
	To     struct{ ID string }
	Status string
	Claims []struct {
		ID       string
		Stance   string
		Claimant *struct{ ID string }
	}
	Attributes []struct{ Key, Value string }
	ValidFrom  *string
}

func TestRelationsFilters(t *testing.T) {
	h := newHandler(t)
	tests := []struct {
		name  string
		query string
		want  []string // "from type to status" of each relation, in order
	}{
		{"out relations of the TTP", `{ entity(id:"ttp") { relations(direction: OUT) { from { id } type to { id } status } } }`,
			[]string{"ttp allied-with afghan-taliban REPORTED", "ttp refuge-in afghanistan REPORTED", "ttp violence-in pakistan REPORTED"}},
		{"in relations of the TTP", `{ entity(id:"ttp") { relations(direction: IN) { from { id } type to { id } status } } }`,
			[]string{"afghanistan accused-of-backing ttp DISPUTED", "india accused-of-backing ttp DISPUTED", "ttp allied-with afghan-taliban REPORTED"}},
		{"symmetric alliance is seen from the other end going out", `{ entity(id:"afghan-taliban") { relations(direction: OUT, types:["allied-with"]) { from { id } type to { id } status } } }`,
			[]string{"ttp allied-with afghan-taliban REPORTED"}},
		{"status filter keeps only alleged", `{ entity(id:"afghanistan") { relations(status:[ALLEGED]) { from { id } type to { id } status } } }`,
			[]string{"x-accounts-afghanistan operating-from afghanistan ALLEGED"}},
		{"status filter keeps reported and disputed", `{ entity(id:"afghanistan") { relations(status:[REPORTED, DISPUTED], types:["governs","accused-of-backing"]) { from { id } type to { id } status } } }`,
			[]string{"afghanistan accused-of-backing bla DISPUTED", "afghanistan accused-of-backing ttp DISPUTED", "afghan-taliban governs afghanistan REPORTED"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d struct{ Entity struct{ Relations []rel } }
			mustDo(t, h, tt.query, &d)
			var got []string
			for _, r := range d.Entity.Relations {
				got = append(got, strings.Join([]string{r.From.ID, r.Type, r.To.ID, r.Status}, " "))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("relations:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestRelationFieldsCarryTheirEvidence(t *testing.T) {
	h := newHandler(t)
	var d struct{ Entity struct{ Relations []rel } }
	mustDo(t, h, `{ entity(id:"afghan-taliban") { relations(types:["governs"]) { id label validFrom attributes { key value } claims { id stance claimant { id } } } } }`, &d)
	if len(d.Entity.Relations) != 1 {
		t.Fatalf("relations = %+v", d.Entity.Relations)
	}
	r := d.Entity.Relations[0]
	if r.ID != "relation:afghan-taliban.governs.afghanistan" || r.Label != "governs" || r.ValidFrom == nil || *r.ValidFrom != "2021-08" {
		t.Errorf("relation = %+v", r)
	}
	if len(r.Claims) != 1 || r.Claims[0].Claimant != nil || r.Claims[0].Stance != "ASSERTS" {
		t.Errorf("claims = %+v, want one the source states itself", r.Claims)
	}

	var a struct{ Entity struct{ Relations []rel } }
	mustDo(t, h, `{ entity(id:"x-accounts-india") { relations(types:["operating-from"]) { attributes { key value } claims(stance: DENIES) { id } } } }`, &a)
	if got := a.Entity.Relations[0].Attributes; len(got) != 1 || got[0].Key != "count" || got[0].Value != "at least 19" {
		t.Errorf("attributes = %+v", got)
	}
	if n := len(a.Entity.Relations[0].Claims); n != 0 {
		t.Errorf("claims(stance: DENIES) = %d claims, want none", n)
	}
}

func TestNodeResolvesEveryKind(t *testing.T) {
	h := newHandler(t)
	var d struct{ Entity struct{ Relations []rel } }
	mustDo(t, h, `{ entity(id:"india") { relations(types:["accused-of-backing"]) { id claims { id } } } }`, &d)
	relID := d.Entity.Relations[0].ID
	claimID := d.Entity.Relations[0].Claims[0].ID
	tests := []struct {
		name, id, typename string
	}{
		{"entity", "india", "Country"},
		{"relation", relID, "Relation"},
		{"claim", claimID, "Claim"},
		{"source", "source:src-86013d487e35f14f", "Source"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" resolves", func(t *testing.T) {
			var n struct {
				Node *struct {
					Typename string `json:"__typename"`
					ID       string
				}
			}
			mustDo(t, h, `{ node(id:`+strconvQuote(tt.id)+`) { __typename id } }`, &n)
			if n.Node == nil || n.Node.Typename != tt.typename || n.Node.ID != tt.id {
				t.Errorf("node(%q) = %+v, want a %s with the same id", tt.id, n.Node, tt.typename)
			}
		})
	}
	t.Run("unknown id is null", func(t *testing.T) {
		var n struct{ Node any }
		mustDo(t, h, `{ node(id:"claim:nope#nope") { id } }`, &n)
		if n.Node != nil {
			t.Errorf("node = %v, want null", n.Node)
		}
	})
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestEntitiesPaging(t *testing.T) {
	h := newHandler(t)
	var all []string
	after := ""
	for page := 0; page < 20; page++ {
		q := `{ entities(first: 4` + after + `) { nodes { id } pageInfo { hasNextPage endCursor } } }`
		var d struct {
			Entities struct {
				Nodes    []struct{ ID string }
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		mustDo(t, h, q, &d)
		for _, n := range d.Entities.Nodes {
			all = append(all, n.ID)
		}
		if !d.Entities.PageInfo.HasNextPage {
			break
		}
		after = `, after: ` + strconvQuote(d.Entities.PageInfo.EndCursor)
	}
	if len(all) != 11 || !slices.IsSorted(all) || slices.Compact(slices.Clone(all)) == nil {
		t.Errorf("paged ids = %v, want the 11 seeded entities in order, once each", all)
	}
	var typed struct {
		Entities struct{ Nodes []struct{ ID string } }
	}
	mustDo(t, h, `{ entities(type: Country) { nodes { id } } }`, &typed)
	if len(typed.Entities.Nodes) != 3 {
		t.Errorf("countries = %v", typed.Entities.Nodes)
	}
	var found struct {
		Entities struct{ Nodes []struct{ ID string } }
	}
	mustDo(t, h, `{ entities(search: "ttp") { nodes { id } } }`, &found)
	if len(found.Entities.Nodes) != 1 || found.Entities.Nodes[0].ID != "ttp" {
		t.Errorf("search ttp = %v, want the alias match", found.Entities.Nodes)
	}
}

func TestErrorsCarryStableCodes(t *testing.T) {
	h := newHandler(t)
	tests := []struct {
		name, query, code string
	}{
		{"first over the cap", `{ entities(first: 1000000) { nodes { id } } }`, CodeBadUserInput},
		{"unknown relation type", `{ entity(id:"india") { relations(types:["invented"]) { id } } }`, CodeBadUserInput},
		{"unknown entity type filter", `{ entities(type: Planet) { nodes { id } } }`, CodeValidationFailed},
		{"entity type filter given as a string", `{ entities(type: "Country") { nodes { id } } }`, CodeValidationFailed},
		{"unknown entity type in a path filter", `{ paths(from: "india", to: "ttp", entityTypes: [Planet]) { length } }`, CodeValidationFailed},
		{"bad cursor", `{ entities(after: "!!") { nodes { id } } }`, CodeBadUserInput},
		{"syntax error", `{ entity(id:"india") { name }`, CodeParseFailed},
		{"unknown field", `{ entity(id:"india") { nickname } }`, CodeValidationFailed},
		{"cyclic fragments", `query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`, CodeValidationFailed},
		{"deep nesting before parsing", `{ entity(id:"india") ` + strings.Repeat("{ relations ", 70) + strings.Repeat("}", 71), CodeParseFailed},
		{"deep selection after fragments", `{ entity(id:"india") { ...R } } fragment R on Entity ` + strings.Repeat("{ relations { to ", 11) + "{ id }" + strings.Repeat(" } }", 11), CodeValidationFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is "+tt.code, func(t *testing.T) {
			codes := do(t, h, tt.query, nil)
			if len(codes) == 0 || codes[0] != tt.code {
				t.Errorf("codes = %v, want %s", codes, tt.code)
			}
		})
	}
}

func TestIntrospectionListsTheOntologyTypes(t *testing.T) {
	h := newHandler(t)
	var d struct {
		Schema struct{ Types []struct{ Name string } } `json:"__schema"`
	}
	mustDo(t, h, `{ __schema { types { name } } }`, &d)
	var names []string
	for _, ty := range d.Schema.Types {
		names = append(names, ty.Name)
	}
	for _, want := range []string{"Country", "Group", "Platform", "Official", "AccountCluster", "Organization", "Entity", "Node", "Relation", "Claim", "Source", "Status", "Stance", "Direction"} {
		if !slices.Contains(names, want) {
			t.Errorf("schema has no type %s", want)
		}
	}
}

func TestHTTP(t *testing.T) {
	srv := httptest.NewServer(newHandler(t))
	t.Cleanup(srv.Close)
	valid := `{"query":"{ entity(id:\"india\") { name } }"}`
	invalid := `{"query":"{ entity(id:\"india\") { nickname } }"}`
	tests := []struct {
		name        string
		method      string
		accept      string
		body        string
		query       string
		wantStatus  int
		wantType    string
		wantContent string
	}{
		{"POST answers JSON by default", "POST", "", valid, "", 200, mediaJSON, `"India"`},
		{"POST answers graphql-response+json when accepted", "POST", mediaGraphQLResponse, valid, "", 200, mediaGraphQLResponse, `"India"`},
		{"validation error is 200 under application/json", "POST", mediaJSON, invalid, "", 200, mediaJSON, `GRAPHQL_VALIDATION_FAILED`},
		{"validation error is 400 under graphql-response+json", "POST", mediaGraphQLResponse, invalid, "", 400, mediaGraphQLResponse, `GRAPHQL_VALIDATION_FAILED`},
		{"GET runs a query", "GET", "", "", `{ entity(id:"india") { name } }`, 200, mediaJSON, `"India"`},
		{"GET of a mutation is 405", "GET", "", "", `mutation { x }`, 405, "text/plain", ""},
		{"unacceptable media type is 406", "POST", "text/html", valid, "", 406, "text/plain", ""},
		{"oversized body is 413", "POST", "", `{"query":"` + strings.Repeat(" ", 2<<20) + `{ entity(id:\"india\") { name } }"}`, "", 413, "text/plain", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := srv.URL
			if tt.query != "" {
				u += "?query=" + url.QueryEscape(tt.query)
			}
			req, _ := http.NewRequestWithContext(t.Context(), tt.method, u, strings.NewReader(tt.body))
			if tt.method == "POST" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d (%s)", resp.StatusCode, tt.wantStatus, b)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.wantType) {
				t.Errorf("Content-Type = %q, want %s", ct, tt.wantType)
			}
			if !strings.Contains(string(b), tt.wantContent) {
				t.Errorf("body %s does not contain %s", b, tt.wantContent)
			}
			if tt.wantStatus == 405 && resp.Header.Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
		})
	}
}

func TestDataKeepsTheQueryFieldOrder(t *testing.T) {
	h := newHandler(t)
	tests := []struct{ query, want string }{
		{`{ entity(id:"india") { name id type } }`, `{"entity":{"name":"India","id":"india","type":"Country"}}`},
		{`{ b: entity(id:"bla") { id } a: entity(id:"india") { ... on Country { type } id } }`,
			`{"b":{"id":"bla"},"a":{"type":"Country","id":"india"}}`},
		{`query { entity(id:"ttp") { ...F name } } fragment F on Entity { type id }`,
			`{"entity":{"type":"Group","id":"ttp","name":"Tehrik-e-Taliban Pakistan"}}`},
	}
	for _, tt := range tests {
		resp, _ := h.Do(t.Context(), Request{Query: tt.query})
		if string(resp.Data) != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.query, resp.Data, tt.want)
		}
	}
}

func TestNonASCIICommentsDoNotBreakParsing(t *testing.T) {
	h := newHandler(t)
	resp, ok := h.Do(t.Context(), Request{
		Query:         "# India — TTP, “quoted”\nquery Named { entity(id:\"india\") { name } }\n# ça va\n",
		OperationName: "Named",
	})
	if !ok || len(resp.Errors) > 0 || string(resp.Data) != `{"entity":{"name":"India"}}` {
		t.Errorf("response = %s %+v", resp.Data, resp.Errors)
	}
	resp, _ = h.Do(t.Context(), Request{Query: `{ entities(search: "—é") { nodes { id } } }`})
	if len(resp.Errors) > 0 {
		t.Errorf("a non-ASCII string argument failed: %+v", resp.Errors)
	}
}
