package main

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestMetricsMoveWithRequests(t *testing.T) {
	s := startServer(t, "--store", "memory:")
	count := func() float64 {
		body := get(t, s.url+"/metrics", http.StatusOK)
		m := regexp.MustCompile(`(?m)^claimgraph_http_requests_total\{code="200",method="POST",route="/graphql"\} (\S+)$`).FindStringSubmatch(body)
		if m == nil {
			return 0
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v
	}
	before := count()
	for range 3 {
		s.query(t, `{ entity(id:"india") { name } }`, nil)
	}
	if after := count(); after != before+3 {
		t.Errorf("graphql request counter went from %v to %v, want +3", before, after)
	}
	body := get(t, s.url+"/metrics", http.StatusOK)
	for _, want := range []string{
		`claimgraph_http_request_duration_seconds_bucket{route="/graphql"`,
		`claimgraph_store_operation_duration_seconds_count{op="entity"}`,
		`claimgraph_import_items_total{outcome="added"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestReadyzAndRequestIDs(t *testing.T) {
	s := startServer(t, "--store", "memory:")
	if got := get(t, s.url+"/readyz", http.StatusOK); strings.TrimSpace(got) != "ready" {
		t.Errorf("/readyz = %q", got)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.url+"/healthz", nil)
	req.Header.Set("X-Request-Id", "trace-42")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-Id"); got != "trace-42" {
		t.Errorf("X-Request-Id = %q, want the client's", got)
	}
	resp, err = http.Get(s.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if id := resp.Header.Get("X-Request-Id"); len(id) != 16 {
		t.Errorf("generated X-Request-Id = %q, want 16 hex digits", id)
	}
	if !strings.Contains(s.stderr.String(), "request_id=trace-42") {
		t.Errorf("the access log does not name the request id:\n%s", s.stderr.String())
	}
}

func TestCORS(t *testing.T) {
	s := startServer(t, "--store", "memory:", "--cors-origins", "https://newsroom.example")
	tests := []struct {
		name, origin, want string
	}{
		{"allowed origin is echoed", "https://newsroom.example", "https://newsroom.example"},
		{"other origin gets nothing", "https://elsewhere.example", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodOptions, s.url+"/graphql", nil)
			req.Header.Set("Origin", tt.origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.want {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestResponseCacheFlagAndMetrics(t *testing.T) {
	metric := func(s *server, name string) float64 {
		m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindStringSubmatch(get(t, s.url+"/metrics", http.StatusOK))
		if m == nil {
			t.Fatalf("/metrics lacks %s", name)
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v
	}
	for _, tc := range []struct {
		args         []string
		hits, misses float64
	}{
		{nil, 2, 1},
		{[]string{"--response-cache", "0"}, 0, 0},
	} {
		s := startServer(t, append([]string{"--store", "memory:"}, tc.args...)...)
		for range 3 {
			s.query(t, `{ entity(id:"india") { name } }`, nil)
		}
		hits := metric(s, "claimgraph_graphql_response_cache_hits_total")
		misses := metric(s, "claimgraph_graphql_response_cache_misses_total")
		if hits != tc.hits || misses != tc.misses {
			t.Errorf("serve %v, the same query three times: %v hits, %v misses; want %v and %v", tc.args, hits, misses, tc.hits, tc.misses)
		}
	}
}

func TestOpsEndpointsAnswerGETAndHEADOnly(t *testing.T) {
	s := startServer(t, "--store", "memory:")
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		for _, tc := range []struct {
			method string
			want   int
		}{
			{http.MethodGet, http.StatusOK},
			{http.MethodHead, http.StatusOK},
			{http.MethodPost, http.StatusMethodNotAllowed},
			{http.MethodPut, http.StatusMethodNotAllowed},
			{http.MethodDelete, http.StatusMethodNotAllowed},
		} {
			name := tc.method + " " + path + " is " + strconv.Itoa(tc.want)
			if tc.want == http.StatusMethodNotAllowed {
				name += " with Allow: GET, HEAD"
			}
			t.Run(name, func(t *testing.T) {
				req, _ := http.NewRequestWithContext(t.Context(), tc.method, s.url+path, nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tc.want {
					t.Errorf("status %d, want %d", resp.StatusCode, tc.want)
				}
				if allow := resp.Header.Get("Allow"); tc.want == http.StatusMethodNotAllowed && allow != "GET, HEAD" {
					t.Errorf("Allow = %q, want GET, HEAD", allow)
				}
			})
		}
	}
}
