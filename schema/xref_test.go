package schema

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cache"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// spelledOtherwise names the TTP as another report does.
const spelledOtherwise = `
sources: [{id: src-other, title: Another report}]
entities:
  - {id: tehrik-i-taliban-pakistan, type: Group, name: Tehrik-i-Taliban Pakistan}
statements:
  - subject: india
    relation: accused-of-backing
    object: tehrik-i-taliban-pakistan
    claims: [{source: src-other, by: pakistan, stance: ASSERTS, quote: India backs the Pakistani Taliban}]
`

func TestCandidatesJudgementsAndMergesOverGraphQL(t *testing.T) {
	ctx := t.Context()
	raw, err := cayley.Open(ctx, "bolt:"+t.TempDir()+"/x.db", cayley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	if _, err := seed.Load(ctx, raw, graph.ApplyOptions{}, append(seed.Builtin(), seed.Input{Name: "other.yaml", Data: []byte(spelledOtherwise)})...); err != nil {
		t.Fatal(err)
	}
	st := cache.New(raw, 0)
	srv := httptest.NewServer(handlerOn(t, st, Options{Token: "secret"}))
	t.Cleanup(srv.Close)
	ask := func(tb testing.TB, q string) Response {
		tb.Helper()
		_, resp := post(tb, srv.URL, "secret", q)
		if len(resp.Errors) > 0 {
			tb.Fatalf("%s: %v", q, resp.Errors)
		}
		return resp
	}
	const top = `{ duplicateCandidates(first: 1, type: Group) { totalCount nodes { a { id } b { id } score reasons { kind } } } }`
	if got := string(ask(t, top).Data); !strings.Contains(got, `"a":{"id":"tehrik-i-taliban-pakistan"},"b":{"id":"ttp"}`) || !strings.Contains(got, `"kind":"fingerprint"`) {
		t.Fatalf("top candidate: %s", got)
	}

	t.Run("a judged pair is not offered again", func(t *testing.T) {
		ask(t, `mutation { judgeCandidate(a: "ttp", b: "tehrik-i-taliban-pakistan", verdict: UNSURE) { by verdict } }`)
		if got := string(ask(t, top).Data); strings.Contains(got, `"tehrik-i-taliban-pakistan"`) {
			t.Errorf("judged pair offered: %s", got)
		}
	})
	t.Run("a merged id answers with the kept entity and says so", func(t *testing.T) {
		ask(t, `mutation { mergeEntities(keep: "ttp", merge: ["tehrik-i-taliban-pakistan"]) { joined } }`)
		for _, q := range []string{
			`{ entity(id: "tehrik-i-taliban-pakistan") { id aliases } }`,
			`{ shortestPath(from: "india", to: "tehrik-i-taliban-pakistan") { length } }`,
		} {
			resp := ask(t, q)
			red, _ := json.Marshal(resp.Extensions["redirects"])
			if string(red) != `[{"from":"tehrik-i-taliban-pakistan","to":"ttp"}]` {
				t.Errorf("%s: redirects %s, data %s", q, red, resp.Data)
			}
		}
		got := string(ask(t, `{ entity(id: "india") { relations(types: ["accused-of-backing"]) { to { id } claims { source { id } } } } }`).Data)
		if strings.Count(got, `"source:src-other"`) != 1 || strings.Contains(got, "tehrik-i") {
			t.Errorf("relations after the merge: %s", got)
		}
	})
	t.Run("writes need the token", func(t *testing.T) {
		_, resp := post(t, srv.URL, "", `mutation { unmergeEntities(id: "tehrik-i-taliban-pakistan") { id } }`)
		if codes := codesOf(resp); len(codes) != 1 || codes[0] != CodeUnauthenticated {
			t.Errorf("codes %v", codes)
		}
	})
	t.Run("unmerge restores the id", func(t *testing.T) {
		ask(t, `mutation { unmergeEntities(id: "tehrik-i-taliban-pakistan") { merged } }`)
		resp := ask(t, `{ entity(id: "tehrik-i-taliban-pakistan") { id } }`)
		if resp.Extensions != nil || !strings.Contains(string(resp.Data), `"id":"tehrik-i-taliban-pakistan"`) {
			t.Errorf("after unmerge: %s %v", resp.Data, resp.Extensions)
		}
	})
}

func TestMergedFromListsWhatWasMergedAndFollowsRedirects(t *testing.T) {
	ctx := t.Context()
	st := seeded(t)
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Input{Name: "let.yaml", Data: []byte(`
entities:
  - {id: lashkar, type: Group, name: Lashkar}
  - {id: lashkar-e-taiba, type: Group, name: Lashkar-e-Taiba}
  - {id: let, type: Group, name: LeT}
`)}); err != nil {
		t.Fatal(err)
	}
	m := st.(graph.Merger)
	if _, err := m.Merge(ctx, "let", []string{"lashkar-e-taiba"}, "ana"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Merge(ctx, "lashkar", []string{"let"}, "bo"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handlerOn(t, cache.New(st.(cache.Versioned), 0), Options{}))
	t.Cleanup(srv.Close)
	for _, c := range []struct {
		name, query, want, redirects string
	}{
		{"the kept entity lists both merges, oldest first, each into what it is now",
			`{ entity(id: "lashkar") { mergedFrom { id name intoId into { id } by } } }`,
			`{"entity":{"mergedFrom":[{"by":"ana","id":"lashkar-e-taiba","into":{"id":"lashkar"},"intoId":"let","name":"Lashkar-e-Taiba"},` +
				`{"by":"bo","id":"let","into":{"id":"lashkar"},"intoId":"lashkar","name":"LeT"}]}}`,
			`[{"from":"let","to":"lashkar"}]`},
		{"an entity nothing was merged into lists none",
			`{ entity(id: "india") { mergedFrom { id } } }`, `{"entity":{"mergedFrom":[]}}`, `null`},
		{"a merged id answers with the kept entity's list",
			`{ entity(id: "lashkar-e-taiba") { id mergedFrom { id } } }`,
			`{"entity":{"id":"lashkar","mergedFrom":[{"id":"lashkar-e-taiba"},{"id":"let"}]}}`,
			`[{"from":"lashkar-e-taiba","to":"lashkar"}]`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, resp := post(t, srv.URL, "", c.query)
			if len(resp.Errors) > 0 {
				t.Fatalf("errors %+v", resp.Errors)
			}
			var data any
			json.Unmarshal(resp.Data, &data)
			got, _ := json.Marshal(data)
			if string(got) != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			if red, _ := json.Marshal(resp.Extensions["redirects"]); string(red) != c.redirects {
				t.Errorf("redirects %s, want %s", red, c.redirects)
			}
		})
	}
}

func TestCandidatesAreKeptUntilTheNextWrite(t *testing.T) {
	ctx := t.Context()
	st := seeded(t)
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Input{Name: "other.yaml", Data: []byte(spelledOtherwise)}); err != nil {
		t.Fatal(err)
	}
	h := handlerOn(t, cache.New(st.(cache.Versioned), 0), Options{Token: "secret", ResultCacheBytes: -1})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ask := func(tb testing.TB, q string) string {
		tb.Helper()
		_, resp := post(tb, srv.URL, "secret", q)
		if len(resp.Errors) > 0 {
			tb.Fatalf("%s: %v", q, resp.Errors)
		}
		return string(resp.Data)
	}
	computed := func() int {
		h.candidates.mu.Lock()
		defer h.candidates.mu.Unlock()
		return h.candidates.computed
	}
	const page = `{ duplicateCandidates(first: 1%s) { pageInfo { endCursor } nodes { a { id } b { id } } } }`
	first := ask(t, fmt.Sprintf(page, ""))
	var data struct {
		DuplicateCandidates struct{ PageInfo struct{ EndCursor string } }
	}
	json.Unmarshal([]byte(first), &data)
	ask(t, fmt.Sprintf(page, fmt.Sprintf(", after: %q", data.DuplicateCandidates.PageInfo.EndCursor)))
	ask(t, fmt.Sprintf(page, ", type: Group"))
	ask(t, fmt.Sprintf(page, ", type: Group")+" ")
	if n := computed(); n != 2 {
		t.Errorf("four asks (two pages of all types, two of groups) computed the candidates %d times, want 2 (once per type)", n)
	}
	if !strings.Contains(first, `"tehrik-i-taliban-pakistan"`) {
		t.Fatalf("top candidate: %s", first)
	}
	ask(t, `mutation { judgeCandidate(a: "ttp", b: "tehrik-i-taliban-pakistan", verdict: DIFFERENT) { verdict } }`)
	if got := ask(t, fmt.Sprintf(page, "")); strings.Contains(got, `"tehrik-i-taliban-pakistan"`) {
		t.Errorf("after a judgement the judged pair is still offered: %s", got)
	}
	if n := computed(); n != 3 {
		t.Errorf("the ask after a write computed %d times in all, want 3", n)
	}
}
