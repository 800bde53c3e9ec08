package schema

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

func TestRepeatedQueriesAreAnsweredFromTheCacheUntilTheGraphChanges(t *testing.T) {
	ctx := t.Context()
	st := seeded(t)
	h := handlerOn(t, st, Options{})
	const q = `query($id: ID!) { entity(id: $id) { name } }`
	ask := func(id string) string {
		t.Helper()
		resp, ok := h.Do(ctx, Request{Query: q, Variables: map[string]any{"id": id}})
		if !ok || len(resp.Errors) > 0 {
			t.Fatalf("errors: %+v", resp.Errors)
		}
		return string(resp.Data)
	}
	india := ask("india")
	if got := ask("india"); got != india {
		t.Errorf("second answer %s, first %s", got, india)
	}
	if got := ask("pakistan"); got == india || !strings.Contains(got, "Pakistan") {
		t.Errorf("other variables answered %s", got)
	}
	if s := h.ResultCacheStats(); s.Hits != 1 || s.Misses != 2 || s.Entries != 2 || s.Bytes <= 0 {
		t.Errorf("stats after two misses and a hit: %+v", s)
	}

	// A write the handler never saw, as another process's would be.
	e, err := st.Entity(ctx, "india")
	if err != nil {
		t.Fatal(err)
	}
	e.Name = "Republic of India"
	if _, err := st.Apply(ctx, graph.Batch{Entities: []graph.Entity{e}}, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := ask("india"); !strings.Contains(got, "Republic of India") {
		t.Errorf("after the write: %s", got)
	}
	if s := h.ResultCacheStats(); s.Hits != 1 || s.Misses != 3 || s.Entries != 1 {
		t.Errorf("stats after the write: %+v", s)
	}
}

func TestOnlyErrorFreeQueryResultsAreCached(t *testing.T) {
	ctx := Trusted(t.Context(), "tester")
	h := handlerOn(t, seeded(t), Options{})
	for range 2 {
		if resp, _ := h.Do(ctx, Request{Query: `{ paths(from: "india", to: "atlantis") { length } }`}); len(resp.Errors) == 0 {
			t.Fatalf("no error for a path to a missing entity: %s", resp.Data)
		}
	}
	if s := h.ResultCacheStats(); s.Hits != 0 || s.Entries != 0 {
		t.Errorf("an error was cached: %+v", s)
	}
	for i := range 2 {
		m := fmt.Sprintf(`mutation { addEntity(id: "iran-%d", type: "Country", name: "Iran") { id } }`, i)
		if resp, _ := h.Do(ctx, Request{Query: m}); len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
	}
	if s := h.ResultCacheStats(); s.Hits != 0 || s.Misses != 2 || s.Entries != 0 {
		t.Errorf("mutations went through the cache: %+v", s)
	}
}

func TestResultCacheCanBeTurnedOff(t *testing.T) {
	h := handlerOn(t, seeded(t), Options{ResultCacheBytes: -1})
	for range 2 {
		if resp, _ := h.Do(t.Context(), Request{Query: `{ entity(id: "india") { name } }`}); len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
	}
	if s := h.ResultCacheStats(); s != (ResultCacheStats{}) {
		t.Errorf("stats of a cache turned off: %+v", s)
	}
}

func TestResultCacheKeepsWithinItsBytes(t *testing.T) {
	c := newResultCache(800)
	c.get("g1", "")
	data := []byte(strings.Repeat("x", 90))
	for i := range 20 {
		c.put("g1", fmt.Sprintf("k%02d", i), data)
	}
	if c.results.bytes() > 800 || c.results.len() != 8 {
		t.Errorf("%d bytes in %d entries; want ≤ 800 in 8", c.results.bytes(), c.results.len())
	}
	if _, ok := c.get("g1", "k00"); ok {
		t.Error("the oldest entry survived")
	}
	if _, ok := c.get("g1", "k19"); !ok {
		t.Error("the newest entry is gone")
	}
	c.put("g1", "big", make([]byte, 200)) // more than an eighth
	if _, ok := c.get("g1", "big"); ok {
		t.Error("an entry over an eighth of the cache was kept")
	}
	c.put("g0", "late", data) // read under a generation since left
	if _, ok := c.get("g1", "late"); ok {
		t.Error("a result of an older generation was kept")
	}
	if _, ok := c.get("g2", "k19"); ok {
		t.Error("a new generation kept the old results")
	}
}

func TestRepeatedHTTPRequestsAreAnsweredFromTheCache(t *testing.T) {
	ctx := t.Context()
	st := seeded(t)
	h := handlerOn(t, st, Options{Token: "secret"})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	post := jsonQuery(`{ entity(id: "india") { name } }`)
	get := srv.URL + "?query=" + url.QueryEscape(`{ entity(id: "india") { name } }`)
	fetch := func(method, target, body, accept string) (int, string, string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, method, target, strings.NewReader(body))
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	_, _, first := fetch(http.MethodPost, srv.URL, post, mediaGraphQLResponse)
	status, media, again := fetch(http.MethodPost, srv.URL, post, mediaJSON)
	if status != 200 || again != first || !strings.HasPrefix(media, mediaJSON) || !strings.Contains(again, `"India"`) {
		t.Errorf("the repeated POST: %d %s %s; first %s", status, media, again, first)
	}
	if _, _, got := fetch(http.MethodGet, get, "", mediaJSON); got != first {
		t.Errorf("GET: %s", got)
	}
	if _, _, got := fetch(http.MethodGet, get, "", mediaJSON); got != first {
		t.Errorf("the repeated GET: %s", got)
	}
	if s := h.ResultCacheStats(); s.Hits != 2 || s.Entries != 2 {
		t.Errorf("after a POST and a GET, each twice: %+v", s)
	}

	// A mutation over GET stays a 405 however often it is sent, and a
	// write through the API is seen by the next repeated query.
	mutation := srv.URL + "?query=" + url.QueryEscape(`mutation { updateEntity(id: "india", name: "Bharat") { name } }`)
	for range 2 {
		if status, _, _ := fetch(http.MethodGet, mutation, "", mediaJSON); status != http.StatusMethodNotAllowed {
			t.Errorf("a mutation over GET: %d", status)
		}
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader(jsonQuery(`mutation { updateEntity(id: "india", name: "Bharat") { name } }`)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, _, got := fetch(http.MethodPost, srv.URL, post, mediaJSON); !strings.Contains(got, `"Bharat"`) {
		t.Errorf("after the write: %s", got)
	}
}
