package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

const lashkarFacts = `entities:
  - {id: lashkar, type: Group, name: Lashkar}
statements:
  - subject: lashkar
    relation: allied-with
    object: ttp
    claims:
      - source: src-86013d487e35f14f
        quote: a quote for the test
`

// A statement with an unknown relation (line 4, column 15).
const badFacts = `entities:
  - {id: lashkar, type: Group, name: Lashkar}
statements:
  - {subject: lashkar, relation: funds, object: ttp, claims: [{source: src-86013d487e35f14f}]}
`

func TestImportFactsMutation(t *testing.T) {
	const token = "t0ken"
	s := startServer(t, "--store", "memory:", "--token", token)
	mutation := func(data string, dryRun bool) string {
		return `mutation { importFacts(format: "yaml", dryRun: ` + strconv.FormatBool(dryRun) + `, data: ` + strconvQuoteJSON(data) + `) { added changed unchanged dryRun } }`
	}
	if codes, _ := postAs(t, s.url, "", mutation(lashkarFacts, true)); len(codes) == 0 || codes[0] != "UNAUTHENTICATED" {
		t.Errorf("importFacts without a token: codes %v, want UNAUTHENTICATED", codes)
	}
	codes, data := postAs(t, s.url, token, mutation(lashkarFacts, true))
	if len(codes) > 0 || !strings.Contains(data, `"added":3`) || !strings.Contains(data, `"dryRun":true`) {
		t.Fatalf("dry run: codes %v, data %s; want 3 items that would be added", codes, data)
	}
	if _, data := postAs(t, s.url, "", `{ entity(id:"lashkar") { id } }`); !strings.Contains(data, `"entity":null`) {
		t.Errorf("a dry run wrote: %s", data)
	}
	codes, data = postAs(t, s.url, token, mutation(badFacts, false))
	if len(codes) == 0 || codes[0] != "BAD_USER_INPUT" {
		t.Errorf("bad facts: codes %v, data %s; want BAD_USER_INPUT", codes, data)
	}
	if _, data := postAs(t, s.url, "", `{ entity(id:"lashkar") { id } }`); !strings.Contains(data, `"entity":null`) {
		t.Errorf("a rejected import wrote: %s", data)
	}
	if codes, data := postAs(t, s.url, token, mutation(lashkarFacts, false)); len(codes) > 0 || !strings.Contains(data, `"added":3`) {
		t.Fatalf("import: codes %v, data %s", codes, data)
	}
	if _, data := postAs(t, s.url, "", `{ entity(id:"lashkar") { ... on Group { alliedWith { nodes { id } } } } }`); !strings.Contains(data, `ttp`) {
		t.Errorf("the imported alliance is not served: %s", data)
	}
}

func TestImportEndpoint(t *testing.T) {
	const token = "t0ken"
	s := startServer(t, "--store", "bolt:"+t.TempDir()+"/x.db", "--token", token)
	post := func(query, tok, body string) (int, map[string]any) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.url+"/import"+query, strings.NewReader(body))
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	if status, _ := post("", "", lashkarFacts); status != http.StatusUnauthorized {
		t.Errorf("without a token: %d, want 401", status)
	}
	status, out := post("?name=bad.yaml", token, badFacts)
	if status != http.StatusBadRequest {
		t.Fatalf("bad facts: %d %v, want 400", status, out)
	}
	b, _ := json.Marshal(out)
	if !strings.Contains(string(b), "bad.yaml:4:") {
		t.Errorf("the error does not point into the body: %s", b)
	}
	status, out = post("?format=yaml", token, lashkarFacts)
	if status != http.StatusOK || out["added"] != float64(3) {
		t.Fatalf("import: %d %v", status, out)
	}
	status, out = post("", token, lashkarFacts)
	if status != http.StatusOK || out["added"] != float64(0) || out["changed"] != float64(0) {
		t.Errorf("importing again: %d %v, want nothing added or changed", status, out)
	}
	if status, _ := post("?format=xml", token, lashkarFacts); status != http.StatusBadRequest {
		t.Errorf("unknown format: %d, want 400", status)
	}
}

func strconvQuoteJSON(s string) string { b, _ := json.Marshal(s); return string(b) }
