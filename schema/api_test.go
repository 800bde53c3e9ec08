package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

const seedSource = "src-86013d487e35f14f"

// countingStore counts the entity reads of a Store, and can make
// Relations wait for its context to end.
type countingStore struct {
	graph.Store
	entity, batches            atomic.Int64
	relations, relationBatches atomic.Int64
	slow                       bool
	sawCancel                  atomic.Bool
}

func (c *countingStore) RelationsOf(ctx context.Context, ids []string, q graph.RelationQuery) (map[string][]graph.Statement, error) {
	c.relationBatches.Add(1)
	c.wait(ctx)
	return graph.RelationsOf(ctx, c.Store, ids, q)
}

func (c *countingStore) Entity(ctx context.Context, id string) (graph.Entity, error) {
	c.entity.Add(1)
	return c.Store.Entity(ctx, id)
}

func (c *countingStore) EntitiesByID(ctx context.Context, ids []string) (map[string]graph.Entity, error) {
	c.batches.Add(1)
	return c.Store.EntitiesByID(ctx, ids)
}

func (c *countingStore) Relations(ctx context.Context, id string, q graph.RelationQuery) ([]graph.Statement, error) {
	c.relations.Add(1)
	c.wait(ctx)
	return c.Store.Relations(ctx, id, q)
}

// wait waits for ctx to end when c is slow.
func (c *countingStore) wait(ctx context.Context) {
	if c.slow {
		<-ctx.Done()
		c.sawCancel.Store(true)
	}
}

// seeded opens a memory store holding the built-in seed.
func seeded(tb testing.TB) graph.Store {
	tb.Helper()
	st, err := cayley.Open(tb.Context(), "memory:", cayley.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if _, err := seed.Load(tb.Context(), st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		tb.Fatal(err)
	}
	return st
}

func handlerOn(tb testing.TB, st graph.Store, opts Options) *Handler {
	tb.Helper()
	h, err := NewHandler(tb.Context(), st, slog.New(slog.DiscardHandler), opts)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func TestRelationFieldNames(t *testing.T) {
	t.Run("clashing names are left out, others kept", func(t *testing.T) {
		ont := graph.Ontology{RelationTypes: []graph.RelationType{
			{Name: "relations"}, {Name: "knows"}, {Name: "knows-by", Symmetric: true},
		}}
		fields, clashes := typedFields(ont, "Country", map[string]bool{"relations": true})
		var names []string
		for _, f := range fields {
			names = append(names, f.name)
		}
		if want := []string{"relationsBy", "knows", "knowsBy"}; !slices.Equal(names, want) {
			t.Errorf("fields = %v, want %v", names, want)
		}
		if want := []string{"relations", "knowsBy"}; !slices.Equal(clashes, want) {
			t.Errorf("clashes = %v, want %v", clashes, want)
		}
	})
	t.Run("the fixed entity fields are the reserved field names", func(t *testing.T) {
		h := newHandler(t)
		var d struct {
			Type struct{ Fields []struct{ Name string } } `json:"__type"`
		}
		mustDo(t, h, `{ __type(name: "Entity") { fields { name } } }`, &d)
		names := []string{"aliasDetails"}
		for _, f := range d.Type.Fields {
			names = append(names, f.Name)
		}
		slices.Sort(names)
		if !slices.Equal(names, graph.ReservedFieldNames) {
			t.Errorf("Entity fields and aliasDetails = %v, graph.ReservedFieldNames = %v", names, graph.ReservedFieldNames)
		}
	})
}

func TestTypedRelationFields(t *testing.T) {
	h := newHandler(t)
	type page struct {
		Nodes []struct {
			From, To struct{ ID string }
			Status   string
		}
	}
	ends := func(p page) []string {
		var out []string
		for _, n := range p.Nodes {
			out = append(out, n.From.ID+">"+n.To.ID+" "+n.Status)
		}
		return out
	}
	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"forward field on the subject type", `{ entity(id:"india") { ... on Country { r: accusedOfBacking { nodes { from { id } to { id } status } } } } }`,
			[]string{"india>bla DISPUTED", "india>ttp DISPUTED"}},
		{"inverse field on the object type, named from the declared inverse", `{ entity(id:"ttp") { ... on Group { r: saidToBeBackedBy { nodes { from { id } to { id } status } } } } }`,
			[]string{"afghanistan>ttp DISPUTED", "india>ttp DISPUTED"}},
		{"governs reads governedBy from the object", `{ entity(id:"afghanistan") { ... on Country { r: governedBy { nodes { from { id } to { id } status } } } } }`,
			[]string{"afghan-taliban>afghanistan REPORTED"}},
		{"symmetric field reads both ways", `{ entity(id:"afghan-taliban") { ... on Group { r: alliedWith { nodes { from { id } to { id } status } } } } }`,
			[]string{"ttp>afghan-taliban REPORTED"}},
		{"filters apply to typed fields", `{ entity(id:"ttp") { ... on Group { r: saidToBeBackedBy(claimant: "afghanistan") { nodes { from { id } to { id } status } } } } }`,
			[]string{"afghanistan>ttp DISPUTED"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d struct{ Entity struct{ R page } }
			mustDo(t, h, tc.query, &d)
			if got := ends(d.Entity.R); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("a field exists only on the types the relation allows", func(t *testing.T) {
		codes := do(t, h, `{ entity(id:"india") { ... on Country { saidToBeBackedBy { nodes { id } } } } }`, nil)
		if !slices.Equal(codes, []string{CodeValidationFailed}) {
			t.Errorf("codes = %v, want a validation failure", codes)
		}
	})
}

// TestInverseFieldsAnswerAsRelationsIn compares every inverse field of the
// built-in seed's ontology, on every entity that has it, with
// relations(types, direction: IN).
func TestInverseFieldsAnswerAsRelationsIn(t *testing.T) {
	st := seeded(t)
	h := handlerOn(t, st, Options{})
	ont, err := st.Ontology(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Entities struct{ Nodes []struct{ ID, Type string } }
	}
	mustDo(t, h, `{ entities(first: 100) { nodes { id type } } }`, &d)
	var checked []string
	for _, e := range d.Entities.Nodes {
		fields, _ := ont.RelationFields(e.Type)
		for _, f := range fields {
			if f.Direction != graph.In {
				continue
			}
			q := fmt.Sprintf(`{ entity(id: %q) { ... on %s { typed: %s(first: 100) { nodes { id } } }
				relations(types: [%q], direction: IN) { id } } }`, e.ID, e.Type, f.Name, f.Relation.Name)
			var r struct {
				Entity struct {
					Typed     struct{ Nodes []struct{ ID string } }
					Relations []struct{ ID string }
				}
			}
			mustDo(t, h, q, &r)
			if !slices.Equal(r.Entity.Typed.Nodes, r.Entity.Relations) {
				t.Errorf("%s.%s = %v, relations IN = %v", e.ID, f.Name, r.Entity.Typed.Nodes, r.Entity.Relations)
			}
			if len(r.Entity.Relations) > 0 {
				checked = append(checked, e.Type+"."+f.Name)
			}
		}
	}
	slices.Sort(checked)
	checked = slices.Compact(checked)
	for _, want := range []string{"Country.governedBy", "Country.hosts", "Group.saidToBeBackedBy"} {
		if !slices.Contains(checked, want) {
			t.Errorf("no entity has relations through %s; checked %v", want, checked)
		}
	}
}

func TestRelationFiltersAndConnections(t *testing.T) {
	h := newHandler(t)
	ids := func(query string) []string {
		var d struct {
			Entity struct {
				RelationsConnection struct {
					Nodes []struct{ ID string }
				}
			}
		}
		mustDo(t, h, query, &d)
		var out []string
		for _, n := range d.Entity.RelationsConnection.Nodes {
			out = append(out, strings.TrimPrefix(n.ID, "relation:"))
		}
		return out
	}
	for _, tc := range []struct {
		name, args string
		want       []string
	}{
		{"claimant keeps relations with a claim by that entity", `claimant: "india"`,
			[]string{"india.accused-of-backing.bla", "india.accused-of-backing.ttp"}},
		{"source keeps relations of that source", `source: "source:` + seedSource + `", types: ["accused-of-backing"]`,
			[]string{"india.accused-of-backing.bla", "india.accused-of-backing.ttp"}},
		{"unknown source keeps nothing", `source: "nope"`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(`{ entity(id:"india") { relationsConnection(` + tc.args + `) { nodes { id } } } }`)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("asOf keeps what held then", func(t *testing.T) {
		before := ids(`{ entity(id:"afghanistan") { relationsConnection(types:["governs"], asOf: "2020") { nodes { id } } } }`)
		after := ids(`{ entity(id:"afghanistan") { relationsConnection(types:["governs"], asOf: "2022-01-01") { nodes { id } } } }`)
		if len(before) != 0 || len(after) != 1 {
			t.Errorf("governs asOf 2020 = %v (want none), asOf 2022 = %v (want one)", before, after)
		}
	})
	t.Run("a bad asOf is BAD_USER_INPUT", func(t *testing.T) {
		codes := do(t, h, `{ entity(id:"india") { relations(asOf: "yesterday") { id } } }`, nil)
		if !slices.Equal(codes, []string{CodeBadUserInput}) {
			t.Errorf("codes = %v", codes)
		}
	})
	t.Run("paging one at a time visits every relation once", func(t *testing.T) {
		var all []string
		var list struct {
			Entity struct{ Relations []struct{ ID string } }
		}
		mustDo(t, h, `{ entity(id:"ttp") { relations { id } } }`, &list)
		after := ""
		for range 20 {
			var d struct {
				Entity struct {
					RelationsConnection struct {
						Edges    []struct{ Cursor string }
						Nodes    []struct{ ID string }
						PageInfo struct {
							HasNextPage bool
							EndCursor   string
						}
					}
				}
			}
			mustDo(t, h, `{ entity(id:"ttp") { relationsConnection(first: 1`+after+`) { edges { cursor } nodes { id } pageInfo { hasNextPage endCursor } } } }`, &d)
			c := d.Entity.RelationsConnection
			for _, n := range c.Nodes {
				all = append(all, n.ID)
			}
			if !c.PageInfo.HasNextPage {
				break
			}
			after = `, after: ` + strconvQuote(c.PageInfo.EndCursor)
		}
		var want []string
		for _, r := range list.Entity.Relations {
			want = append(want, r.ID)
		}
		if len(want) < 3 || !slices.Equal(all, want) {
			t.Errorf("paged = %v, want %v", all, want)
		}
	})
	t.Run("a cursor of another list is refused", func(t *testing.T) {
		var d struct {
			Entities struct{ PageInfo struct{ EndCursor string } }
		}
		mustDo(t, h, `{ entities(first: 1) { pageInfo { endCursor } } }`, &d)
		codes := do(t, h, `{ entity(id:"ttp") { relationsConnection(after: `+strconvQuote(d.Entities.PageInfo.EndCursor)+`) { nodes { id } } } }`, nil)
		if !slices.Equal(codes, []string{CodeBadUserInput}) {
			t.Errorf("codes = %v", codes)
		}
	})
}

func TestDisputesAndSources(t *testing.T) {
	h := newHandler(t)
	t.Run("disputes tell who is on each side", func(t *testing.T) {
		var d struct {
			Disputes struct {
				Nodes []struct {
					ID         string
					Status     string
					AssertedBy []struct{ ID string }
					DeniedBy   []struct{ ID string }
				}
			}
		}
		mustDo(t, h, `{ disputes { nodes { id status assertedBy { id } deniedBy { id } } } }`, &d)
		if len(d.Disputes.Nodes) != 4 {
			t.Fatalf("disputes = %+v, want the four accusations", d.Disputes.Nodes)
		}
		for _, n := range d.Disputes.Nodes {
			accused := strings.Split(strings.TrimPrefix(n.ID, "relation:"), ".")[0]
			if n.Status != "DISPUTED" || len(n.AssertedBy) != 1 || n.AssertedBy[0].ID != "pakistan" ||
				len(n.DeniedBy) != 1 || n.DeniedBy[0].ID != accused {
				t.Errorf("dispute %+v: want pakistan asserting, %s denying", n, accused)
			}
		}
	})
	t.Run("sources list with their claims and the claims' relations", func(t *testing.T) {
		var d struct {
			Sources struct {
				Nodes []struct {
					ID     string
					Claims struct {
						Nodes    []struct{ Relation struct{ ID string } }
						PageInfo struct{ HasNextPage bool }
					}
				}
			}
		}
		mustDo(t, h, `{ sources { nodes { id claims(first: 3) { nodes { relation { id } } pageInfo { hasNextPage } } } } }`, &d)
		if len(d.Sources.Nodes) != 1 || d.Sources.Nodes[0].ID != "source:"+seedSource {
			t.Fatalf("sources = %+v", d.Sources.Nodes)
		}
		c := d.Sources.Nodes[0].Claims
		if len(c.Nodes) != 3 || !c.PageInfo.HasNextPage || c.Nodes[0].Relation.ID == "" {
			t.Errorf("claims = %+v, want a first page of 3 with relations", c)
		}
	})
	t.Run("source by id, and null for an unknown one", func(t *testing.T) {
		var d struct{ A, B *struct{ Title string } }
		mustDo(t, h, `{ a: source(id: "`+seedSource+`") { title } b: source(id: "nope") { title } }`, &d)
		if d.A == nil || d.A.Title == "" || d.B != nil {
			t.Errorf("got %+v, %+v", d.A, d.B)
		}
	})
	t.Run("search ignores case and diacritics", func(t *testing.T) {
		var d struct {
			Entities struct{ Nodes []struct{ ID string } }
		}
		mustDo(t, h, `{ entities(search: "PÂKÎSTÁN", type: Country) { nodes { id } } }`, &d)
		if len(d.Entities.Nodes) != 1 || d.Entities.Nodes[0].ID != "pakistan" {
			t.Errorf("got %+v", d.Entities.Nodes)
		}
	})
}

func TestEntityAndRelationReadsAreBatched(t *testing.T) {
	st := &countingStore{Store: seeded(t)}
	h := handlerOn(t, st, Options{})
	// Two hops: every relation's far end, and their relations' ends.
	var d struct {
		Entity struct {
			Relations []struct {
				To struct {
					Name      string
					Relations []struct{ From, To struct{ Name string } }
				}
			}
		}
	}
	mustDo(t, h, `{ entity(id:"ttp") { relations { to { name relations { from { name } to { name } } } } } }`, &d)
	hops := 0
	for _, r := range d.Entity.Relations {
		hops += 1 + 2*len(r.To.Relations)
	}
	if hops < 10 {
		t.Fatalf("only %d entity references; the test needs more", hops)
	}
	// One batch for the first level of ends and one for the second.
	if got := st.batches.Load(); got != 2 {
		t.Errorf("EntitiesByID calls = %d for %d entity references, want 2", got, hops)
	}
	if got := st.entity.Load(); got != 1 {
		t.Errorf("Entity calls = %d, want 1 (the root)", got)
	}
	// The same for relation lists: the root's, then all of its ends'.
	if got, one := st.relationBatches.Load(), st.relations.Load(); got != 2 || one != 0 {
		t.Errorf("RelationsOf calls = %d and Relations calls = %d for %d ends' lists; want 2 and 0", got, one, len(d.Entity.Relations))
	}
}

func TestSchemaFollowsTheOntology(t *testing.T) {
	st := seeded(t)
	h := handlerOn(t, st, Options{OntologyCheck: time.Nanosecond})
	q := `{ entity(id:"india") { ... on Country { hostsTalksWith { nodes { to { id } } } } } }`
	if codes := do(t, h, q, nil); !slices.Equal(codes, []string{CodeValidationFailed}) {
		t.Fatalf("before the change: codes = %v, want a validation failure", codes)
	}
	_, err := st.Apply(t.Context(), graph.Batch{
		Ontology: graph.Ontology{RelationTypes: []graph.RelationType{{Name: "hosts-talks-with", Subject: []string{"Country"}, Object: []string{"Country"}}}},
		Statements: []graph.Statement{{Subject: "india", Type: "hosts-talks-with", Object: "pakistan",
			Claims: []graph.Claim{{Source: seedSource, Stance: graph.Asserts}}}},
	}, graph.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Entity struct {
			HostsTalksWith struct {
				Nodes []struct{ To struct{ ID string } }
			}
		}
	}
	mustDo(t, h, q, &d)
	if n := d.Entity.HostsTalksWith.Nodes; len(n) != 1 || n[0].To.ID != "pakistan" {
		t.Errorf("after the change: %+v", n)
	}
}

// post sends a GraphQL request over HTTP with an optional bearer token.
func post(tb testing.TB, url, token, query string) (int, Response) {
	tb.Helper()
	body, _ := json.Marshal(Request{Query: query})
	req, _ := http.NewRequestWithContext(tb.Context(), "POST", url, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out Response
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		tb.Fatalf("decode: %v", err)
	}
	return resp.StatusCode, out
}

func codesOf(r Response) []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// storeState reads everything the mutation tests touch.
func storeState(tb testing.TB, st graph.Store) any {
	tb.Helper()
	ctx := tb.Context()
	es, err := st.Entities(ctx, graph.EntityQuery{})
	if err != nil {
		tb.Fatal(err)
	}
	rels := map[string][]graph.Statement{}
	for _, e := range es {
		if rels[e.ID], err = st.Relations(ctx, e.ID, graph.RelationQuery{}); err != nil {
			tb.Fatal(err)
		}
	}
	srcs, err := st.Sources(ctx, graph.Page{})
	if err != nil {
		tb.Fatal(err)
	}
	return []any{es, rels, srcs}
}

func TestMutations(t *testing.T) {
	st := seeded(t)
	const token = "s3cret"
	srv := httptest.NewServer(handlerOn(t, st, Options{Token: token}))
	t.Cleanup(srv.Close)
	open := httptest.NewServer(handlerOn(t, st, Options{}))
	t.Cleanup(open.Close)
	const addEntity = `mutation { addEntity(id: "iran", type: "Country", name: "Iran", aliases: [{name: "Persia"}]) { id name aliases } }`

	for _, tc := range []struct {
		name, url, token string
	}{
		{"a server without a token refuses writes", open.URL, token},
		{"a request without the token is refused", srv.URL, ""},
		{"a wrong token is refused", srv.URL, "guess"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := storeState(t, st)
			status, resp := post(t, tc.url, tc.token, addEntity)
			if status != 200 || !slices.Equal(codesOf(resp), []string{CodeUnauthenticated}) {
				t.Errorf("status %d, codes %v, want 200 and UNAUTHENTICATED", status, codesOf(resp))
			}
			if !reflect.DeepEqual(storeState(t, st), before) {
				t.Error("the store changed")
			}
		})
	}
	t.Run("reads stay open without a token", func(t *testing.T) {
		if _, resp := post(t, srv.URL, "", `{ entity(id:"india") { name } }`); len(resp.Errors) > 0 {
			t.Errorf("errors = %+v", resp.Errors)
		}
	})

	steps := []struct {
		name, query string
		want        string // a fragment of the data, or the error code
	}{
		{"addSource adds a source", `mutation { addSource(id: "wire-1", title: "A wire report") { id title } }`, `"source:wire-1"`},
		{"addEntity adds an entity", addEntity, `"aliases":["Persia"]`},
		{"addEntity of a taken id is CONFLICT", addEntity, CodeConflict},
		{"updateEntity changes the given fields only", `mutation { updateEntity(id: "iran", description: "A country.") { name description aliases } }`,
			`{"name":"Iran","description":"A country.","aliases":["Persia"]}`},
		{"updateEntity of an unknown entity is NOT_FOUND", `mutation { updateEntity(id: "atlantis", name: "A") { id } }`, CodeNotFound},
		{"addStatement adds a statement with its claim", `mutation { addStatement(subject: "iran", type: "accused-of-backing", object: "bla",
			claim: {source: "wire-1", claimant: "pakistan", stance: ASSERTS, quote: "Iran backs the BLA"}) { id status claims { stance } } }`,
			`"id":"relation:iran.accused-of-backing.bla","status":"ALLEGED"`},
		{"addStatement breaking the ontology is BAD_USER_INPUT", `mutation { addStatement(subject: "bla", type: "accused-of-backing", object: "iran",
			claim: {source: "wire-1", stance: ASSERTS}) { id } }`, CodeBadUserInput},
		{"addStatement with an unknown source is BAD_USER_INPUT", `mutation { addStatement(subject: "iran", type: "accused-of-backing", object: "ttp",
			claim: {source: "nope", stance: ASSERTS}) { id } }`, CodeBadUserInput},
		{"addClaim adds a denial: the statement becomes disputed", `mutation { addClaim(relation: "relation:iran.accused-of-backing.bla",
			claim: {source: "wire-1", claimant: "iran", stance: DENIES}) { status deniedBy { id } } }`,
			`"status":"DISPUTED","deniedBy":[{"id":"iran"}]`},
		{"addClaim with a taken claim id is CONFLICT", `mutation { addClaim(relation: "iran.accused-of-backing.bla",
			claim: {source: "wire-1", claimant: "iran", stance: ASSERTS}) { id } }`, CodeConflict},
		{"addClaim to an unknown statement is NOT_FOUND", `mutation { addClaim(relation: "iran.accused-of-backing.ttp",
			claim: {source: "wire-1", claimant: "iran", stance: DENIES}) { id } }`, CodeNotFound},
		{"addStatement of a taken id is CONFLICT", `mutation { addStatement(subject: "iran", type: "accused-of-backing", object: "bla",
			claim: {source: "wire-1", claimant: "india", stance: ASSERTS}) { id } }`, CodeConflict},
		{"addSource of a taken id is CONFLICT", `mutation { addSource(id: "wire-1", title: "Another title") { id } }`, CodeConflict},
		{"retractClaim removes one claim", `mutation { retractClaim(id: "iran.accused-of-backing.bla~wire-1~iran") { removed } }`, `{"removed":1}`},
		{"retractClaim of an unknown claim is NOT_FOUND", `mutation { retractClaim(id: "nope") { removed } }`, CodeNotFound},
		{"retractSource removes the source, its claim and the bare statement", `mutation { retractSource(id: "source:wire-1") { removed } }`, `{"removed":3}`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			before := storeState(t, st)
			_, resp := post(t, srv.URL, token, s.query)
			if strings.ToUpper(s.want) == s.want && !strings.Contains(s.want, `"`) {
				if !slices.Equal(codesOf(resp), []string{s.want}) {
					t.Fatalf("codes = %v (%+v), want %s", codesOf(resp), resp.Errors, s.want)
				}
				if !reflect.DeepEqual(storeState(t, st), before) {
					t.Error("a rejected write changed the store")
				}
				return
			}
			if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), s.want) {
				t.Errorf("data %s, errors %+v; want data containing %s", resp.Data, resp.Errors, s.want)
			}
		})
	}
	t.Run("the retracted statement is gone", func(t *testing.T) {
		_, resp := post(t, srv.URL, "", `{ relation(id: "iran.accused-of-backing.bla") { id } }`)
		if string(resp.Data) != `{"relation":null}` {
			t.Errorf("data = %s", resp.Data)
		}
	})
}
