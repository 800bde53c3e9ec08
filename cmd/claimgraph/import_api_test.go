package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
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
        quote: a press conference in Islamabad
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
	if codes, _ := postAs(t, s.url, "", mutation(lashkarFacts, false)); len(codes) == 0 || codes[0] != "UNAUTHENTICATED" {
		t.Errorf("importFacts without a token: codes %v, want UNAUTHENTICATED", codes)
	}
	// A dry run writes nothing: it needs no token.
	codes, data := postAs(t, s.url, "", mutation(lashkarFacts, true))
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
	if status, out := post("?dryRun=true", "", lashkarFacts); status != http.StatusOK || out["dryRun"] != true || out["added"] != float64(3) {
		t.Errorf("a dry run without a token: %d %v, want 200 and 3 items that would be added", status, out)
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

// TestDryRunsNeedNoToken runs the playground's dry run on a server started
// as the README starts it, with no token: a dry run writes nothing, so it
// is answered; a real import is still refused.
func TestDryRunsNeedNoToken(t *testing.T) {
	s := startServer(t, "--store", "memory:")
	tests := []struct {
		name     string
		dryRun   bool
		wantCode string
	}{
		{"a dry run is answered", true, ""},
		{"an import is refused", false, "UNAUTHENTICATED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := `mutation { importFacts(format: "yaml", dryRun: ` + strconv.FormatBool(tt.dryRun) + `, data: ` + strconvQuoteJSON(lashkarFacts) + `) { added dryRun } }`
			codes, data := postAs(t, s.url, "", q)
			if tt.wantCode == "" && (len(codes) > 0 || !strings.Contains(data, `"added":3`)) {
				t.Errorf("codes %v, data %s; want 3 items that would be added", codes, data)
			}
			if tt.wantCode != "" && (len(codes) == 0 || codes[0] != tt.wantCode) {
				t.Errorf("codes %v; want %s", codes, tt.wantCode)
			}
			resp, err := http.Post(s.url+"/import?dryRun="+strconv.FormatBool(tt.dryRun), "application/yaml", strings.NewReader(lashkarFacts))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if want := map[bool]int{true: http.StatusOK, false: http.StatusUnauthorized}[tt.dryRun]; resp.StatusCode != want {
				t.Errorf("POST /import: %d, want %d", resp.StatusCode, want)
			}
		})
	}
	if _, data := postAs(t, s.url, "", `{ entity(id:"lashkar") { id } }`); !strings.Contains(data, `"entity":null`) {
		t.Errorf("a dry run wrote: %s", data)
	}
}

func strconvQuoteJSON(s string) string { b, _ := json.Marshal(s); return string(b) }

// postMapped posts a mapped import to /import as multipart/form-data: the
// parts in the order given, each a file.
func postMapped(t *testing.T, url, token string, parts ...[3]string) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts { // form name, file name, content
		w, err := mw.CreateFormFile(p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p[2]))
	}
	mw.Close()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func TestImportEndpointReadsRDFThroughAMapping(t *testing.T) {
	const token = "t0ken"
	s := startServer(t, "--store", "bolt:"+t.TempDir()+"/x.db", "--token", token)
	testdata := filepath.Join("..", "..", "seed", "testdata")
	read := func(parts ...string) string {
		b, err := os.ReadFile(filepath.Join(append([]string{testdata}, parts...)...))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	mapping, good, bad := read("nquads", "mapping.yaml"), read("nquads", "good.nq"), read("nquads", "bad.nq")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(good))
	zw.Close()

	if status, _ := postMapped(t, s.url+"/import?format=nquads", "", [3]string{"mapping", "m.yaml", mapping}, [3]string{"data", "good.nq", good}); status != http.StatusUnauthorized {
		t.Errorf("without a token: %d, want 401", status)
	}
	status, out := postMapped(t, s.url+"/import?format=nquads", token, [3]string{"mapping", "m.yaml", mapping}, [3]string{"data", "bad.nq", bad})
	if status != http.StatusBadRequest || !strings.Contains(out, "bad.nq:3:22: directed-by cannot connect") || !strings.Contains(out, "bad.nq:10:43:") {
		t.Errorf("a bad file: %d %s", status, out)
	}
	if _, data := postAs(t, s.url, "", `{ entity(id:"casablanca") { id } }`); !strings.Contains(data, `"entity":null`) {
		t.Errorf("a rejected import wrote: %s", data)
	}
	status, out = postMapped(t, s.url+"/import?format=nquads&dryRun=true", token, [3]string{"mapping", "m.yaml", mapping}, [3]string{"data", "good.nq.gz", gz.String()})
	if status != http.StatusOK || !strings.Contains(out, `"dryRun":true`) || strings.Contains(out, `"added":0`) {
		t.Errorf("a dry run of gzip-compressed N-Quads: %d %s", status, out)
	}
	status, out = postMapped(t, s.url+"/import?format=nquads", token, [3]string{"mapping", "m.yaml", mapping}, [3]string{"data", "good.nq.gz", gz.String()})
	if status != http.StatusOK || strings.Contains(out, `"added":0`) {
		t.Fatalf("the import: %d %s", status, out)
	}
	_, data := postAs(t, s.url, "", `{ entity(id:"humphrey-bogart") { name relations(types:["acted-in"]) { to { name } attributes { value } } } }`)
	if !strings.Contains(data, `"Casablanca"`) || !strings.Contains(data, `Rick \"Richard\" Blaine`) {
		t.Errorf("the imported films are not served: %s", data)
	}
	status, out = postMapped(t, s.url+"/import?format=nquads", token, [3]string{"data", "good.nq", good}, [3]string{"mapping", "m.yaml", mapping})
	if status != http.StatusBadRequest || !strings.Contains(out, `\"mapping\"`) {
		t.Errorf("data before the mapping: %d %s", status, out)
	}
	status, out = postMapped(t, s.url+"/import?format=nquads", token, [3]string{"mapping", "m.yaml", "mapping:\n  nmae: x\n"}, [3]string{"data", "good.nq", good})
	if status != http.StatusBadRequest || !strings.Contains(out, "m.yaml:2:3:") {
		t.Errorf("a bad mapping: %d %s", status, out)
	}

	// JSON-LD, through the importFacts mutation, into a new store.
	s = startServer(t, "--store", "memory:", "--token", token)
	const m = `mutation($data: String!, $mapping: String) { importFacts(format: "jsonld", data: $data, mapping: $mapping) { added } }`
	codes, data := postVars(t, s.url, token, m, map[string]any{"data": read("jsonld", "good.jsonld"), "mapping": read("jsonld", "mapping.yaml")})
	if len(codes) > 0 || !strings.Contains(data, `"added":15`) {
		t.Errorf("importFacts of JSON-LD: %v %s", codes, data)
	}
	codes, data = postVars(t, s.url, token, m, map[string]any{"data": read("jsonld", "good.jsonld")})
	if len(codes) == 0 || codes[0] != "BAD_USER_INPUT" {
		t.Errorf("importFacts of JSON-LD without a mapping: %v %s", codes, data)
	}
}
