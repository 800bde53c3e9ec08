package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// wantPlaygroundCSP is the policy the playground page must be served under.
const wantPlaygroundCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'"

// playgroundServer starts an httptest server with Playground mounted the way
// the real router mounts it ("/" and the "/assets/" prefix).
func playgroundServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	h := Playground()
	mux := http.NewServeMux()
	mux.Handle("/{$}", h)
	mux.Handle("/assets/", h)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

// fetchPlayground sends method to srv at path and returns the response with
// its body read.
func fetchPlayground(tb testing.TB, srv *httptest.Server, method, path string, header http.Header) (*http.Response, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		tb.Fatalf("new request %s %s: %v", method, path, err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return resp, body
}

// playgroundWantType is the Content-Type the playground must send for a path.
func playgroundWantType(tb testing.TB, path string) string {
	tb.Helper()
	switch {
	case path == "/", strings.HasSuffix(path, ".html"):
		return "text/html; charset=utf-8"
	case strings.HasSuffix(path, ".js"):
		return "text/javascript; charset=utf-8"
	case strings.HasSuffix(path, ".css"):
		return "text/css; charset=utf-8"
	case strings.Contains(path, "/LICENSE."):
		return "text/plain; charset=utf-8"
	}
	tb.Fatalf("no expected content type for %q", path)
	return ""
}

var playgroundRefAttr = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*["']([^"']*)["']`)

// playgroundRefs returns every src= and href= value in an HTML page.
func playgroundRefs(tb testing.TB, page string) []string {
	tb.Helper()
	var refs []string
	for _, m := range playgroundRefAttr.FindAllStringSubmatch(page, -1) {
		refs = append(refs, m[1])
	}
	if len(refs) == 0 {
		tb.Fatal("index.html has no src= or href= attributes")
	}
	return refs
}

func TestPlaygroundIndex(t *testing.T) {
	srv := playgroundServer(t)
	resp, body := fetchPlayground(t, srv, http.MethodGet, "/", nil)
	page := string(body)

	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / status = %d, want 200", resp.StatusCode)
	}
	headers := []struct {
		name, header, want string
	}{
		{"content type", "Content-Type", "text/html; charset=utf-8"},
		{"csp", "Content-Security-Policy", wantPlaygroundCSP},
		{"cache control", "Cache-Control", "no-cache"},
		{"nosniff", "X-Content-Type-Options", "nosniff"},
	}
	for _, tc := range headers {
		t.Run("header "+tc.name, func(t *testing.T) {
			if got := resp.Header.Get(tc.header); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.header, got, tc.want)
			}
		})
	}
	t.Run("header etag", func(t *testing.T) {
		if resp.Header.Get("ETag") == "" {
			t.Error("no ETag header")
		}
	})

	contains := []struct {
		name, want string
	}{
		{"title", "<title>claimgraph playground</title>"},
		{"mount point", `id="graphiql"`},
		{"stylesheet", `<link rel="stylesheet" href="/assets/vendor/graphiql.min.css">`},
		{"react script", `<script src="/assets/vendor/react.production.min.js"`},
		{"react-dom script", `<script src="/assets/vendor/react-dom.production.min.js"`},
		{"graphiql script", `<script src="/assets/vendor/graphiql.min.js"`},
		{"playground script", `<script src="/assets/playground.js"`},
	}
	for _, tc := range contains {
		t.Run("contains "+tc.name, func(t *testing.T) {
			if !strings.Contains(page, tc.want) {
				t.Errorf("GET / body lacks %q", tc.want)
			}
		})
	}

	t.Run("no inline script", func(t *testing.T) {
		// script-src 'self' forbids inline scripts: every <script> needs a src.
		for _, tag := range regexp.MustCompile(`(?i)<script\b[^>]*>`).FindAllString(page, -1) {
			if !strings.Contains(tag, "src=") {
				t.Errorf("inline script tag %q would be blocked by the CSP", tag)
			}
		}
	})

	t.Run("scripts in order", func(t *testing.T) {
		// The UMD bundles read globals: React, then ReactDOM, then GraphiQL, then ours.
		order := []string{"react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "playground.js"}
		last := -1
		for _, name := range order {
			i := strings.Index(page, "/"+name)
			if i <= last {
				t.Fatalf("%s is not loaded after %v", name, order[:len(order)-1])
			}
			last = i
		}
	})
}

func TestPlaygroundReferencedAssets(t *testing.T) {
	srv := playgroundServer(t)
	_, body := fetchPlayground(t, srv, http.MethodGet, "/", nil)

	for _, ref := range playgroundRefs(t, string(body)) {
		if strings.HasPrefix(ref, "data:") {
			continue // an inline resource, such as the empty favicon: no request
		}
		t.Run(ref, func(t *testing.T) {
			if !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") || strings.Contains(ref, ":") {
				t.Fatalf("reference %q is not a same-origin absolute path", ref)
			}
			resp, asset := fetchPlayground(t, srv, http.MethodGet, ref, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s status = %d, want 200", ref, resp.StatusCode)
			}
			if len(asset) == 0 {
				t.Errorf("GET %s: empty body", ref)
			}
			if got, want := resp.Header.Get("Content-Type"), playgroundWantType(t, ref); got != want {
				t.Errorf("GET %s Content-Type = %q, want %q", ref, got, want)
			}
			if resp.Header.Get("Cache-Control") == "" {
				t.Errorf("GET %s: no Cache-Control", ref)
			}
		})
	}
}

func TestPlaygroundPaths(t *testing.T) {
	srv := playgroundServer(t)
	checkAssets(t, srv, []assetCase{
		{"index", http.MethodGet, "/", 200, "text/html; charset=utf-8", "no-cache", "claimgraph playground"},
		{"index head", http.MethodHead, "/", 200, "text/html; charset=utf-8", "no-cache", ""},
		{"playground script", http.MethodGet, "/assets/playground.js", 200, "text/javascript; charset=utf-8", "no-cache", "GraphiQL.createFetcher({ url: '/graphql' })"},
		{"graphiql js", http.MethodGet, "/assets/vendor/graphiql.min.js", 200, "text/javascript; charset=utf-8", "public, max-age=86400", "GraphiQL"},
		{"graphiql css", http.MethodGet, "/assets/vendor/graphiql.min.css", 200, "text/css; charset=utf-8", "public, max-age=86400", ".graphiql-container"},
		{"react", http.MethodGet, "/assets/vendor/react.production.min.js", 200, "text/javascript; charset=utf-8", "public, max-age=86400", "react.production.min.js"},
		{"react-dom", http.MethodGet, "/assets/vendor/react-dom.production.min.js", 200, "text/javascript; charset=utf-8", "public, max-age=86400", "react-dom.production.min.js"},
		{"vendor head", http.MethodHead, "/assets/vendor/graphiql.min.js", 200, "text/javascript; charset=utf-8", "public, max-age=86400", ""},
		{"license graphiql", http.MethodGet, "/assets/vendor/LICENSE.graphiql", 200, "text/plain; charset=utf-8", "", "MIT License"},
		{"license react", http.MethodGet, "/assets/vendor/LICENSE.react", 200, "text/plain; charset=utf-8", "", "MIT License"},
		{"license react-dom", http.MethodGet, "/assets/vendor/LICENSE.react-dom", 200, "text/plain; charset=utf-8", "", "MIT License"},
		{"refresh script hidden", http.MethodGet, "/assets/refresh.sh", 404, "", "", ""},
		{"unknown asset", http.MethodGet, "/assets/nope.js", 404, "", "", ""},
		{"unknown vendor file", http.MethodGet, "/assets/vendor/nope.js", 404, "", "", ""},
		{"source map not vendored", http.MethodGet, "/assets/vendor/index.umd.js.map", 404, "", "", ""},
		{"assets dir", http.MethodGet, "/assets/", 404, "", "", ""},
		{"vendor dir", http.MethodGet, "/assets/vendor/", 404, "", "", ""},
		{"index under assets", http.MethodGet, "/assets/index.html", 404, "", "", ""},
		{"traversal", http.MethodGet, "/assets/vendor/../refresh.sh", 404, "", "", ""},
		{"post index", http.MethodPost, "/", 405, "", "", ""},
		{"delete asset", http.MethodDelete, "/assets/playground.js", 405, "", "", ""},
	})
}

func TestPlaygroundConditionalGet(t *testing.T) {
	srv := playgroundServer(t)
	for _, path := range []string{"/", "/assets/playground.js", "/assets/vendor/graphiql.min.js"} {
		t.Run(path, func(t *testing.T) {
			first, _ := fetchPlayground(t, srv, http.MethodGet, path, nil)
			etag := first.Header.Get("ETag")
			if etag == "" {
				t.Fatalf("GET %s: no ETag", path)
			}
			again, body := fetchPlayground(t, srv, http.MethodGet, path, http.Header{"If-None-Match": {etag}})
			if again.StatusCode != http.StatusNotModified {
				t.Errorf("GET %s with If-None-Match status = %d, want 304", path, again.StatusCode)
			}
			if len(body) != 0 {
				t.Errorf("304 response has a %d-byte body", len(body))
			}
		})
	}
}

func TestPlaygroundOffline(t *testing.T) {
	// The page and our script must not pull anything from another origin.
	srv := playgroundServer(t)
	for _, path := range []string{"/", "/assets/playground.js"} {
		t.Run(path, func(t *testing.T) {
			_, body := fetchPlayground(t, srv, http.MethodGet, path, nil)
			for _, scheme := range []string{"http://", "https://", "//unpkg", "//cdn"} {
				if strings.Contains(string(body), scheme) {
					t.Errorf("%s mentions %q: the playground must work offline", path, scheme)
				}
			}
		})
	}
}

func TestPlaygroundExampleTabs(t *testing.T) {
	srv := playgroundServer(t)
	_, body := fetchPlayground(t, srv, http.MethodGet, "/assets/playground.js", nil)
	js := string(body)
	for _, want := range []string{
		"query EntityWithClaims {",
		"query Disputes {",
		"query PathIndiaToAfghanTaliban($from: ID!, $to: ID!) {",
		"mutation ImportFactsDryRun {",
		`importFacts(format: "yaml", dryRun: true, data: ` + "\"\"\"",
		"Authorization: 'Bearer <token>'",
		"defaultTabs: [",
	} {
		t.Run(want, func(t *testing.T) {
			if !strings.Contains(js, want) {
				t.Errorf("playground.js lacks %q", want)
			}
		})
	}
	t.Run("ascii", func(t *testing.T) {
		// graphql-go v0.8.1 fails to parse a named operation after a comment
		// with a multi-byte character in it.
		for i, r := range js {
			if r > 0x7f {
				t.Fatalf("playground.js has the non-ASCII %q at byte %d", r, i)
			}
		}
	})
}

func TestPlaygroundDefaultQuery(t *testing.T) {
	srv := playgroundServer(t)
	_, body := fetchPlayground(t, srv, http.MethodGet, "/assets/playground.js", nil)
	js := string(body)
	for _, want := range []string{
		"defaultEditorToolsVisibility: true",
		"isHeadersEditorEnabled: true",
		`'  entity(id: "india") {'`,
		`'    relations(types: ["accused-of-backing"]) {'`,
		"'      claims { stance claimant { id name } source { title } quote }'",
	} {
		t.Run(want, func(t *testing.T) {
			if !strings.Contains(js, want) {
				t.Errorf("playground.js lacks %q", want)
			}
		})
	}
}

// assetCase is one request to a page handler and what must come back.
type assetCase struct {
	name       string
	method     string
	path       string
	wantStatus int
	wantType   string // checked when non-empty
	wantCache  string // checked when non-empty
	wantInBody string // checked when non-empty
}

// checkAssets runs each case against srv as a named subtest.
func checkAssets(t *testing.T, srv *httptest.Server, tests []assetCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := fetchPlayground(t, srv, tc.method, tc.path, nil)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("%s %s status = %d, want %d", tc.method, tc.path, resp.StatusCode, tc.wantStatus)
			}
			if tc.wantType != "" {
				if got := resp.Header.Get("Content-Type"); got != tc.wantType {
					t.Errorf("Content-Type = %q, want %q", got, tc.wantType)
				}
			}
			if tc.wantCache != "" {
				if got := resp.Header.Get("Cache-Control"); got != tc.wantCache {
					t.Errorf("Cache-Control = %q, want %q", got, tc.wantCache)
				}
			}
			if tc.wantInBody != "" && !strings.Contains(string(body), tc.wantInBody) {
				t.Errorf("body lacks %q", tc.wantInBody)
			}
			if tc.method == http.MethodHead && len(body) != 0 {
				t.Errorf("HEAD returned a %d-byte body", len(body))
			}
			if tc.wantStatus == http.StatusMethodNotAllowed && resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow = %q, want %q", resp.Header.Get("Allow"), "GET, HEAD")
			}
		})
	}
}
