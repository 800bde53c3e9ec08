package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley/pgtest"
)

func noEnv(string) string { return "" }

// server is a claimgraph serve started through run on a free port.
type server struct {
	url    string
	stderr *syncBuffer
	stop   func() error
}

// startServer runs `claimgraph serve` with args on 127.0.0.1:0 and waits
// until it listens.
func startServer(tb testing.TB, args ...string) *server {
	tb.Helper()
	args = e2eStore(tb, args)
	ctx, cancel := context.WithCancel(tb.Context())
	pr, pw := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), noEnv, pw, stderr)
		pw.CloseWithError(fmt.Errorf("run returned: %v", err))
		done <- err
	}()
	lines := bufio.NewScanner(pr)
	addrRE := regexp.MustCompile(`listening on (\S+)`)
	var url string
	for lines.Scan() {
		if m := addrRE.FindStringSubmatch(lines.Text()); m != nil {
			url = "http://" + m[1]
			break
		}
	}
	if url == "" {
		cancel()
		tb.Fatalf("server did not start: %v\nstderr:\n%s", lines.Err(), stderr.String())
	}
	go io.Copy(io.Discard, pr)
	// The tests start on a server whose path index is built, as a load
	// balancer would send them (see /readyz).
	readyAfterIndex(tb, url, 30*time.Second)
	var once sync.Once
	var stopErr error
	s := &server{url: url, stderr: stderr, stop: func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(15 * time.Second):
				stopErr = fmt.Errorf("server did not stop within 15s")
			}
		})
		return stopErr
	}}
	tb.Cleanup(func() {
		if err := s.stop(); err != nil {
			tb.Errorf("stopping server: %v", err)
		}
	})
	return s
}

// gqlResponse is the part of a GraphQL response the tests read.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (s *server) query(tb testing.TB, q string, out any) gqlResponse {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": q})
	resp, err := http.Post(s.url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatalf("POST /graphql: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		tb.Fatalf("POST /graphql: %s: %s", resp.Status, b)
	}
	var r gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		tb.Fatalf("decode response: %v", err)
	}
	if len(r.Errors) > 0 {
		tb.Fatalf("query %s: errors %+v", q, r.Errors)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			tb.Fatalf("decode data %s: %v", r.Data, err)
		}
	}
	return r
}

type relationsData struct {
	Entity *struct {
		Relations []struct {
			Type   string `json:"type"`
			From   struct{ ID string }
			To     struct{ ID string }
			Status string `json:"status"`
			Claims []struct {
				Stance   string `json:"stance"`
				Claimant *struct{ ID string }
				Source   struct{ Title string }
				Quote    *string `json:"quote"`
			} `json:"claims"`
		} `json:"relations"`
	} `json:"entity"`
}

const accusedQuery = `{ entity(id:%q) { relations(types:["accused-of-backing"]) { type from { id } to { id } status
  claims { stance claimant { id } source { title } quote } } } }`

// e2eStoreEnv, set to "postgres", runs every end-to-end test that serves
// a memory: store on a fresh PostgreSQL schema instead (.ci/run runs the
// package once more so). Tests of bolt itself keep their bolt files.
const e2eStoreEnv = "CLAIMGRAPH_TEST_E2E_STORE"

func e2eStore(tb testing.TB, args []string) []string {
	if os.Getenv(e2eStoreEnv) != "postgres" {
		return args
	}
	out := slices.Clone(args)
	for i := 0; i+1 < len(out); i++ {
		if out[i] == "--store" && out[i+1] == "memory:" {
			out[i+1] = pgtest.FreshSchema(tb, pgtest.DSN(tb))
		}
	}
	return out
}

// stores gives a fresh store URL for each backend the end-to-end tests run
// on: bolt always, PostgreSQL when its DSN is set (and always in CI).
func stores(t *testing.T) map[string]func(testing.TB) string {
	m := map[string]func(testing.TB) string{
		"bolt": func(tb testing.TB) string { return "bolt:" + filepath.Join(tb.TempDir(), "x.db") },
	}
	if os.Getenv(pgtest.Env) != "" || os.Getenv("CI") == "true" {
		m["postgres"] = func(tb testing.TB) string { return pgtest.FreshSchema(tb, pgtest.DSN(tb)) }
	}
	return m
}

func TestServeAnswersTheArticlesAccusationsAsDisputed(t *testing.T) {
	for backend, store := range stores(t) {
		t.Run(backend, func(t *testing.T) { testAccusations(t, startServer(t, "--store", store(t))) })
	}
}

func testAccusations(t *testing.T, s *server) {
	for _, accused := range []string{"india", "afghanistan"} {
		t.Run(accused, func(t *testing.T) {
			var d relationsData
			s.query(t, fmt.Sprintf(accusedQuery, accused), &d)
			if d.Entity == nil {
				t.Fatalf("entity %q is null", accused)
			}
			var groups []string
			for _, r := range d.Entity.Relations {
				groups = append(groups, r.To.ID)
				if r.Status != "DISPUTED" {
					t.Errorf("%s → %s status = %s, want DISPUTED", accused, r.To.ID, r.Status)
				}
				var asserted, denied bool
				for _, c := range r.Claims {
					if c.Claimant == nil {
						t.Errorf("%s → %s has a claim with no claimant: the article attributes both sides", accused, r.To.ID)
						continue
					}
					switch {
					case c.Stance == "ASSERTS" && (c.Claimant.ID == "pakistan" || c.Claimant.ID == "talal-chaudhry"):
						asserted = true
					case c.Stance == "DENIES" && c.Claimant.ID == accused:
						denied = true
					}
					if c.Source.Title == "" || c.Quote == nil || *c.Quote == "" {
						t.Errorf("%s → %s: claim without source title or quote: %+v", accused, r.To.ID, c)
					}
				}
				if !asserted || !denied {
					t.Errorf("%s → %s: asserted by Pakistan %v, denied by %s %v; want both", accused, r.To.ID, asserted, accused, denied)
				}
			}
			slices.Sort(groups)
			if !slices.Equal(groups, []string{"bla", "ttp"}) {
				t.Errorf("%s is accused of backing %v, want [bla ttp]", accused, groups)
			}
		})
	}
}

func TestServeReportsTheTTPAlliance(t *testing.T) {
	for backend, store := range stores(t) {
		t.Run(backend, func(t *testing.T) { testAlliance(t, startServer(t, "--store", store(t))) })
	}
}

func testAlliance(t *testing.T, s *server) {
	var d relationsData
	s.query(t, `{ entity(id:"ttp") { relations(types:["allied-with"]) { from { id } to { id } status claims { stance claimant { id } } } } }`, &d)
	if d.Entity == nil || len(d.Entity.Relations) != 1 {
		t.Fatalf("ttp allied-with relations = %+v, want one", d.Entity)
	}
	r := d.Entity.Relations[0]
	ends := []string{r.From.ID, r.To.ID}
	slices.Sort(ends)
	if !slices.Equal(ends, []string{"afghan-taliban", "ttp"}) || r.Status != "REPORTED" {
		t.Errorf("alliance = %v %s, want afghan-taliban–ttp REPORTED", ends, r.Status)
	}
}

func TestServeAnswersUnknownEntityWithNull(t *testing.T) {
	s := startServer(t, "--store", "memory:")
	r := s.query(t, `{ entity(id:"atlantis") { name } }`, nil)
	if string(r.Data) != `{"entity":null}` {
		t.Errorf("data = %s, want entity null", r.Data)
	}
}

func TestServeRejectsMalformedRequests(t *testing.T) {
	s := startServer(t, "--store", "memory:")
	tests := []struct {
		name        string
		method      string
		contentType string
		body        string
		want        int
	}{
		{"body that is not JSON is a 400", http.MethodPost, "application/json", `{"query":`, http.StatusBadRequest},
		{"request without a query is a 400", http.MethodPost, "application/json", `{}`, http.StatusBadRequest},
		{"form body is a 415", http.MethodPost, "application/x-www-form-urlencoded", `query=x`, http.StatusUnsupportedMediaType},
		{"DELETE is a 405", http.MethodDelete, "", ``, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), tt.method, s.url+"/graphql", strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

func TestServeSurvivesCyclicFragments(t *testing.T) {
	s := startServer(t, "--store", "memory:")
	body := `{"query":"query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"}`
	resp, err := http.Post(s.url+"/graphql", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var r gqlResponse
	json.NewDecoder(resp.Body).Decode(&r)
	resp.Body.Close()
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("errors = %+v, want GRAPHQL_VALIDATION_FAILED", r.Errors)
	}
	// The process is still up and serving.
	s.query(t, `{ entity(id:"pakistan") { name } }`, nil)
}

func TestPlaygroundLoadsEveryAssetFromTheServer(t *testing.T) {
	s := startServer(t, "--store", "memory:")
	page := get(t, s.url+"/", http.StatusOK)
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 3 {
		t.Fatalf("page references %d assets, want the GraphiQL scripts and styles:\n%s", len(refs), page)
	}
	for _, m := range refs {
		ref := m[1]
		if strings.HasPrefix(ref, "data:") {
			continue // inline, such as the empty favicon: no request
		}
		if !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
			t.Errorf("asset %q is not served by this server", ref)
			continue
		}
		if body := get(t, s.url+ref, http.StatusOK); body == "" {
			t.Errorf("asset %s is empty", ref)
		}
	}
	if got := get(t, s.url+"/healthz", http.StatusOK); strings.TrimSpace(got) != "ok" {
		t.Errorf("/healthz = %q", got)
	}
}

func get(tb testing.TB, url string, want int) string {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		tb.Fatalf("GET %s: %d, want %d", url, resp.StatusCode, want)
	}
	return string(b)
}

const countQuery = `{ entities(first: 100) { nodes { id relations { id claims { id } } } } }`

func TestRestartKeepsDataWithoutDuplicatingTheSeed(t *testing.T) {
	store := "bolt:" + filepath.Join(t.TempDir(), "x.db")
	first := startServer(t, "--store", store)
	before := first.query(t, countQuery, nil)
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}
	second := startServer(t, "--store", store)
	after := second.query(t, countQuery, nil)
	if !bytes.Equal(before.Data, after.Data) {
		t.Errorf("after restart:\n%s\nbefore:\n%s", after.Data, before.Data)
	}
	if !strings.Contains(string(before.Data), `"india"`) {
		t.Errorf("the seeded store lists no india: %s", before.Data)
	}
}

func TestSecondServerOnTheSameBoltFileFailsFast(t *testing.T) {
	store := "bolt:" + filepath.Join(t.TempDir(), "x.db")
	startServer(t, "--store", store)
	start := time.Now()
	var stderr syncBuffer
	err := run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--store", store}, noEnv, io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second serve: err = %v, want a clear 'in use' error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second serve took %v to fail", d)
	}
}

func TestSeedCommand(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	var out bytes.Buffer
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	out.Reset()
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("seed again: %v", err)
	}
	if !strings.Contains(out.String(), " 0 added, 0 changed") || !strings.Contains(out.String(), "nothing changed") {
		t.Errorf("seeding twice said %q, want nothing added or changed", out.String())
	}
}

func TestQueryCommandPrintsTheResponse(t *testing.T) {
	store := "bolt:" + filepath.Join(t.TempDir(), "x.db")
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"query", "--store", store, `{ entity(id:"talal-chaudhry") { name type } }`}, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("query: %v", err)
	}
	var r struct {
		Data struct{ Entity struct{ Name, Type string } }
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	if r.Data.Entity.Name != "Talal Chaudhry" || r.Data.Entity.Type != "Official" {
		t.Errorf("entity = %+v", r.Data.Entity)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no command", nil},
		{"unknown command", []string{"frobnicate"}},
		{"unknown flag", []string{"serve", "--bogus"}},
		{"query without document", []string{"query", "--store", "memory:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(t.Context(), tt.args, noEnv, io.Discard, io.Discard)
			if _, ok := err.(usageError); !ok {
				t.Errorf("err = %v (%T), want a usage error", err, err)
			}
		})
	}
}

func TestServeRefusesABlankToken(t *testing.T) {
	blankFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(blankFile, []byte(" \t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		env   map[string]string
		usage bool
	}{
		{"--token ' ' is a usage error", []string{"--token", " "}, nil, true},
		{"--token with spaces around it is a usage error", []string{"--token", " secret "}, nil, true},
		{"CLAIMGRAPH_TOKEN=' ' is a usage error", nil, map[string]string{"CLAIMGRAPH_TOKEN": " \t"}, true},
		{"a blank --token-file is an error", []string{"--token-file", blankFile}, nil, false},
		{"a blank CLAIMGRAPH_TOKEN_FILE is an error", nil, map[string]string{"CLAIMGRAPH_TOKEN_FILE": blankFile}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Were the token accepted, serve would run until the context
			// ends: the error must come before that.
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			args := append([]string{"serve", "--addr", "127.0.0.1:0", "--store", "memory:"}, tc.args...)
			err := run(ctx, args, func(k string) string { return tc.env[k] }, io.Discard, io.Discard)
			if err == nil || ctx.Err() != nil {
				t.Fatalf("err = %v, context %v; want serve refused at start", err, ctx.Err())
			}
			if _, ok := err.(usageError); ok != tc.usage {
				t.Errorf("err = %v (%T), usage error %v, want %v", err, err, ok, tc.usage)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSeedCommandRejectsABadFileAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	snapshot := func() string {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"query", "--store", store, countQuery}, noEnv, &out, io.Discard); err != nil {
			t.Fatalf("query: %v", err)
		}
		return out.String()
	}
	before := snapshot()
	bad := filepath.Join(dir, "bad.yaml")
	// A valid new entity, then a statement with an unknown relation type
	// (line 7, column 15) and an unknown claimant (line 11, column 13).
	content := `entities:
  - id: lashkar
    type: Group
    name: Lashkar
statements:
  - subject: lashkar
    relation: funds
    object: india
    claims:
      - source: src-86013d487e35f14f
        by: nobody
`
	if err := os.WriteFile(bad, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(t.Context(), []string{"seed", "--store", store, bad}, noEnv, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("seeding a bad file succeeded")
	}
	for _, want := range []string{bad + ":7:15:", bad + ":11:13:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not point at %s:\n%v", want, err)
		}
	}
	if after := snapshot(); after != before {
		t.Errorf("the store changed after a rejected seed:\nbefore %s\nafter %s", before, after)
	}
}

func TestPathsCommandExplainsEachHop(t *testing.T) {
	for backend, store := range stores(t) {
		t.Run(backend, func(t *testing.T) { testPathsCommand(t, store(t)) })
	}
}

func testPathsCommand(t *testing.T, store string) {
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"shortest goes through the TTP", []string{"india", "afghan-taliban", "--k", "1"}, []string{
			"1. india → ttp → afghan-taliban  (2 hops, cost 5000)",
			"   India —accused of backing→ Tehrik-e-Taliban Pakistan  [DISPUTED: alleged by Pakistan; denied by India]",
		}},
		{"reported only finds none", []string{"india", "afghan-taliban", "--status", "reported"}, []string{
			"no path from india to afghan-taliban",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(t.Context(), append([]string{"paths", "--store", store}, tt.args...), noEnv, &out, io.Discard); err != nil {
				t.Fatalf("paths: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func TestExportAndSeedRestoreTheSameGraph(t *testing.T) {
	dir := t.TempDir()
	from := "bolt:" + filepath.Join(dir, "from.db")
	if err := run(t.Context(), []string{"seed", "--store", from}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	backup := filepath.Join(dir, "backup.json")
	if err := run(t.Context(), []string{"export", "--store", from, "--format", "json", "--out", backup}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("export: %v", err)
	}
	to := "bolt:" + filepath.Join(dir, "to.db")
	if err := run(t.Context(), []string{"seed", "--store", to, backup}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("restore: %v", err)
	}
	for _, format := range []string{"nquads", "json", "graphml"} {
		t.Run(format+" exports are identical", func(t *testing.T) {
			var a, b bytes.Buffer
			if err := run(t.Context(), []string{"export", "--store", from, "--format", format}, noEnv, &a, io.Discard); err != nil {
				t.Fatal(err)
			}
			if err := run(t.Context(), []string{"export", "--store", to, "--format", format}, noEnv, &b, io.Discard); err != nil {
				t.Fatal(err)
			}
			if a.Len() == 0 || !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("%s export of the restored store differs (%d vs %d bytes)", format, a.Len(), b.Len())
			}
		})
	}
}

func TestRetractCommandRemovesTheSourcesClaims(t *testing.T) {
	store := "bolt:" + filepath.Join(t.TempDir(), "x.db")
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"retract", "--store", store, "--source", "src-86013d487e35f14f"}, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("retract: %v", err)
	}
	if !strings.Contains(out.String(), "retracted source src-86013d487e35f14f") {
		t.Errorf("retract said %q", out.String())
	}
	out.Reset()
	q := `{ entity(id:"india") { relations { id } } }`
	if err := run(t.Context(), []string{"query", "--store", store, q}, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("query: %v", err)
	}
	if !strings.Contains(out.String(), `"relations": []`) {
		t.Errorf("india's relations after retracting the only source: %s, want none", out.String())
	}
	// The source went with its claims: retracting it again finds nothing.
	for _, id := range []string{"src-86013d487e35f14f", "nope"} {
		err := run(t.Context(), []string{"retract", "--store", store, "--source", id}, noEnv, io.Discard, io.Discard)
		if graph.ErrorCode(err) != graph.NotFound {
			t.Errorf("retract of source %s: %v, want %s", id, err, graph.NotFound)
		}
	}
}
