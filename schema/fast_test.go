package schema

import (
	"bytes"
	"errors"
	"testing"

	"github.com/graphql-go/graphql"
)

// TestFastExecuteMatchesGraphQLGo runs queries of every shape the schema
// answers through the direct executor and through graphql-go, and wants
// the same bytes from both, with no fall-back.
func TestFastExecuteMatchesGraphQLGo(t *testing.T) {
	h := newHandler(t)
	ctx := t.Context()
	cases := []struct {
		name, query string
		vars        map[string]any
	}{
		{"relations with claims", `{ entity(id: "india") { name relations(types: ["accused-of-backing"]) { label to { name } status claims { stance claimant { name } quote } } } }`, nil},
		{"fragments merge fields of one response key", `{ entity(id: "ttp") { __typename id ... on Group { name relations { id } } ...E } } fragment E on Entity { aliases name relations { type } }`, nil},
		{"a fragment on another type is left out", `{ entity(id: "india") { ... on Group { aliases } name ... on Country { id } } }`, nil},
		{"aliases", `{ a: entity(id: "india") { n: name } b: entity(id: "pakistan") { name id } }`, nil},
		{"skip and include", `query($s: Boolean!, $i: Boolean = false) { entity(id: "india") { name @skip(if: $s) id @include(if: $i) aliases @include(if: true) type @skip(if: false) } }`, map[string]any{"s": true}},
		{"a connection", `{ entities(type: Country, first: 3) { totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }`, nil},
		{"node of an entity and of a relation", `{ a: node(id: "india") { id ... on Country { name } } b: node(id: "relation:india.accused-of-backing.ttp") { id ... on Relation { status from { id } } } }`, nil},
		{"paths", `{ paths(from: "india", to: "afghan-taliban", k: 2) { length hops { from { id } relation { type status claims { stance } } to { id } } } }`, nil},
		{"ontology", `{ ontology { entityTypes { name } relationTypes { name symmetric subjectTypes { name } } } }`, nil},
		{"a single value for a list argument", `{ entity(id: "india") { relations(types: "accused-of-backing", status: DISPUTED) { id } } }`, nil},
		{"a single value for a list variable", `query($t: [String!]) { entity(id: "ttp") { relations(types: $t) { id } } }`, map[string]any{"t": "allied-with"}},
		{"an enum variable", `query($d: Direction) { entity(id: "ttp") { relations(direction: $d) { id from { id } } } }`, map[string]any{"d": "IN"}},
		{"a variable left out takes its default", `query($d: Direction = OUT) { entity(id: "ttp") { relations(direction: $d) { id } } }`, nil},
		{"neighbourhood", `{ neighborhood(id: "india", depth: 2) { nodes { depth entity { id } } hops { relation { type } } } }`, nil},
		{"an unknown entity is null", `{ entity(id: "nobody") { name } }`, nil},
		{"__typename at the root", `{ __typename }`, nil},
		{"a typed relation field", `{ entity(id: "india") { ... on Country { accusedOfBacking { totalCount nodes { to { name } } } } } }`, nil},
		{"the same field twice", `{ entity(id: "india") { name name id } }`, nil},
		{"a search", `{ entities(search: "tali", first: 10) { nodes { id name } } }`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := h.current(ctx)
			req := Request{Query: c.query, Variables: c.vars}
			prep, rerr := h.prepare(ctx, b, req, false)
			if rerr != nil {
				t.Fatalf("prepare: %+v", rerr.errs)
			}
			res := graphql.Execute(graphql.ExecuteParams{Schema: b.schema, AST: prep.doc, Args: c.vars, Context: withLoader(ctx, h.store, 0)})
			if len(res.Errors) > 0 {
				t.Fatalf("graphql-go: %+v", res.Errors)
			}
			want, err := orderedData(prep.doc, prep.op, res.Data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := fastExecute(withLoader(ctx, h.store, 0), &b.schema, prep.doc, prep.op, c.vars)
			if err != nil {
				t.Fatalf("the direct executor gave up: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("direct executor:\n%s\ngraphql-go:\n%s", got, want)
			}
		})
	}
}

// TestFastExecuteFallsBack checks that what the direct executor does not
// take runs through graphql-go, which answers as it always has.
func TestFastExecuteFallsBack(t *testing.T) {
	h := newHandler(t)
	ctx := t.Context()
	cases := []struct {
		name, query string
		vars        map[string]any
		code        string // the response's first error code; "" for none
	}{
		{"introspection", `{ __schema { queryType { name } } }`, nil, ""},
		{"a variable of the wrong type", `query($d: Direction) { entity(id: "ttp") { relations(direction: $d) { id } } }`, map[string]any{"d": "SIDEWAYS"}, CodeBadUserInput},
		{"a resolver error", `{ entity(id: "india") { relations(asOf: "not a date") { id } } }`, nil, CodeBadUserInput},
		{"a mutation", `mutation { addSource(id: "s", title: "t") { id } }`, nil, CodeUnauthenticated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := h.current(ctx)
			req := Request{Query: c.query, Variables: c.vars}
			prep, rerr := h.prepare(ctx, b, req, false)
			if rerr != nil {
				t.Fatalf("prepare: %+v", rerr.errs)
			}
			if _, err := fastExecute(withLoader(ctx, h.store, 0), &b.schema, prep.doc, prep.op, c.vars); !errors.Is(err, errFallback) {
				t.Errorf("the direct executor answered %v, want errFallback", err)
			}
			resp, _ := h.Do(ctx, req)
			var code string
			if len(resp.Errors) > 0 {
				code, _ = resp.Errors[0].Extensions["code"].(string)
			}
			if code != c.code {
				t.Errorf("code %q, want %q (%+v)", code, c.code, resp.Errors)
			}
			if c.code == "" && string(resp.Data) == "null" {
				t.Errorf("no data")
			}
		})
	}
}
