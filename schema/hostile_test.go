package schema

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// hostileBudget bounds how long the server may spend refusing one hostile
// request. It only guards against a hang or a quadratic blow-up: alone they
// take a fraction of a second (1200 aliases is the slowest case),
// but go test runs packages side by side on a shared 2-core machine, where
// a tighter wall-clock bound fails for reasons of its own. Each case also
// checks how it was refused (its error code), which shows it was stopped
// before the expensive work.
const hostileBudget = 5 * time.Second

// send posts a raw body and returns the status and body.
func send(tb testing.TB, url, body string) (int, string) {
	tb.Helper()
	req, _ := http.NewRequestWithContext(tb.Context(), "POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", mediaGraphQLResponse)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func jsonQuery(q string) string { return `{"query":` + strconvQuote(q) + `}` }

func TestHostileQueriesAreRefusedFast(t *testing.T) {
	srv := httptest.NewServer(newHandler(t))
	t.Cleanup(srv.Close)
	aliases := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, " a%d: entity(id:\"india\") { id }", i)
		}
		return b.String() + " }"
	}
	// Thirty fragments, each spreading the next twice: 2^30 fields expanded.
	var fanout strings.Builder
	fanout.WriteString("query { ...F0 }")
	for i := range 30 {
		fmt.Fprintf(&fanout, " fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
	}
	fanout.WriteString(" fragment F30 on Query { entityTypes }")

	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"cyclic fragments", jsonQuery(`query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`), 400, CodeValidationFailed},
		{"nesting 5000 levels deep", jsonQuery(strings.Repeat("{ a ", 5000) + strings.Repeat("}", 5000)), 400, CodeParseFailed},
		{"1200 aliases", jsonQuery(aliases(1200)), 400, CodeValidationFailed},
		{"5000 aliases", jsonQuery(aliases(5000)), 400, CodeParseFailed},
		{"10000 fields", jsonQuery(`{ entity(id:"india") {` + strings.Repeat(" id", 10000) + ` } }`), 400, CodeValidationFailed},
		{"fragments fanning out to 2^30 fields", jsonQuery(fanout.String()), 400, CodeValidationFailed},
		{"a body of 8 MB", `{"query":"{ entityTypes }", "x":"` + strings.Repeat("x", 8<<20) + `"}`, 413, ""},
		{"first: 1000000", jsonQuery(`{ entities(first: 1000000) { nodes { id } } }`), 200, CodeBadUserInput},
		{"first: 1000000 on a relation connection", jsonQuery(`{ entity(id:"ttp") { relationsConnection(first: 1000000) { nodes { id } } } }`), 200, CodeBadUserInput},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			start := time.Now()
			status, body := send(t, srv.URL, tc.body)
			took := time.Since(start)
			if status != tc.status || !strings.Contains(body, tc.code) {
				t.Errorf("status %d, body %.300s; want %d with %s", status, body, tc.status, tc.code)
			}
			if took > hostileBudget {
				t.Errorf("took %s, want under %s", took, hostileBudget)
			}
			if status, body := send(t, srv.URL, jsonQuery(`{ entity(id:"india") { name } }`)); status != 200 || !strings.Contains(body, `"India"`) {
				t.Errorf("the next normal query: status %d, body %s", status, body)
			}
		})
	}
}

func TestTimeBudgetReachesTheStore(t *testing.T) {
	st := &countingStore{Store: seeded(t), slow: true}
	h := handlerOn(t, st, Options{Limits: Limits{Timeout: 100 * time.Millisecond}})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	start := time.Now()
	status, body := send(t, srv.URL, jsonQuery(`{ entity(id:"ttp") { relations { id } } }`))
	if took := time.Since(start); took > hostileBudget {
		t.Errorf("took %s, want about the 100ms budget", took)
	}
	if status != 200 || !strings.Contains(body, CodeServiceUnavailable) || !strings.Contains(body, "100ms") {
		t.Errorf("status %d, body %s; want SERVICE_UNAVAILABLE naming the limit", status, body)
	}
	deadline := time.Now().Add(hostileBudget)
	for !st.sawCancel.Load() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if !st.sawCancel.Load() {
		t.Error("the store read never saw its context end")
	}
	if status, body := send(t, srv.URL, jsonQuery(`{ entity(id:"india") { name } }`)); status != 200 || !strings.Contains(body, `"India"`) {
		t.Errorf("the next normal query: status %d, body %s", status, body)
	}
}

func TestIntrospectionSwitch(t *testing.T) {
	st := seeded(t)
	for _, tc := range []struct {
		name  string
		off   bool
		query string
		codes []string
	}{
		{"introspection is on by default", false, `{ __schema { queryType { name } } }`, nil},
		{"__schema is refused when off", true, `{ __schema { queryType { name } } }`, []string{CodeValidationFailed}},
		{"__type is refused when off", true, `{ __type(name: "Country") { name } }`, []string{CodeValidationFailed}},
		{"__typename stays allowed when off", true, `{ entity(id:"india") { __typename } }`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := handlerOn(t, st, Options{NoIntrospection: tc.off})
			if codes := do(t, h, tc.query, nil); !slices.Equal(codes, tc.codes) {
				t.Errorf("codes = %v, want %v", codes, tc.codes)
			}
		})
	}
}

func TestDocumentCache(t *testing.T) {
	h := handlerOn(t, seeded(t), Options{CacheSize: 2})
	docs := func() int { return h.current(t.Context()).docs.len() }
	for _, q := range []string{`{ entityTypes }`, `{ entityTypes }`, `{ relationTypes }`} {
		mustDo(t, h, q, nil)
	}
	if n := docs(); n != 2 {
		t.Errorf("cached documents = %d, want 2 (one per distinct query)", n)
	}
	do(t, h, `{ nope }`, nil)
	if n := docs(); n != 2 {
		t.Errorf("cached documents = %d after an invalid query, want it not cached", n)
	}
	mustDo(t, h, `{ a: entityTypes }`, nil)
	if n := docs(); n != 2 {
		t.Errorf("cached documents = %d, want the bound of 2 kept", n)
	}
	t.Run("a cached mutation sent with GET is still 405", func(t *testing.T) {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		m := `mutation { retractClaim(id: "x") { removed } }`
		do(t, h, m, nil) // caches it
		resp, err := http.Get(srv.URL + "?query=" + strings.ReplaceAll(m, " ", "%20"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 405 {
			t.Errorf("status = %d, want 405", resp.StatusCode)
		}
	})
}
