package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// wantExplorerCSP is the policy the explorer page must be served under.
const wantExplorerCSP = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// explorerPages are the HTML pages Explorer serves.
var explorerPages = []string{"/explore", "/explore/review", "/explore/audit"}

// explorerServer starts an httptest server with Explorer mounted the way the
// real router mounts it ("/explore" and the "/explore/" prefix).
func explorerServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	h := Explorer()
	mux := http.NewServeMux()
	mux.Handle("/explore", h)
	mux.Handle("/explore/", h)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

func TestExplorerPaths(t *testing.T) {
	srv := explorerServer(t)
	checkAssets(t, srv, []assetCase{
		{"page", http.MethodGet, "/explore", 200, "text/html; charset=utf-8", "no-cache", "<title>claimgraph explorer</title>"},
		{"page with state", http.MethodGet, "/explore?show=ttp&from=india&to=afghan-taliban", 200, "text/html; charset=utf-8", "no-cache", `id="cy"`},
		{"page head", http.MethodHead, "/explore", 200, "text/html; charset=utf-8", "no-cache", ""},
		{"script", http.MethodGet, "/explore/explore.js", 200, "text/javascript; charset=utf-8", "no-cache", "ClaimgraphUI"},
		{"shared script", http.MethodGet, "/explore/common.js", 200, "text/javascript; charset=utf-8", "no-cache", "fetch('/graphql'"},
		{"review page", http.MethodGet, "/explore/review", 200, "text/html; charset=utf-8", "no-cache", "<title>claimgraph review duplicates</title>"},
		{"review script", http.MethodGet, "/explore/review.js", 200, "text/javascript; charset=utf-8", "no-cache", "judgeCandidate"},
		{"audit page", http.MethodGet, "/explore/audit", 200, "text/html; charset=utf-8", "no-cache", "<title>claimgraph audit log</title>"},
		{"audit script", http.MethodGet, "/explore/audit.js", 200, "text/javascript; charset=utf-8", "no-cache", "auditLog("},
		{"review html under its file name", http.MethodGet, "/explore/review.html", 404, "", "", ""},
		{"stylesheet", http.MethodGet, "/explore/explore.css", 200, "text/css; charset=utf-8", "no-cache", ".__________cytoscape_container"},
		{"cytoscape", http.MethodGet, "/explore/vendor/cytoscape.min.js", 200, "text/javascript; charset=utf-8", "public, max-age=86400", "cytoscape"},
		{"cytoscape license", http.MethodGet, "/explore/vendor/LICENSE.cytoscape", 200, "text/plain; charset=utf-8", "public, max-age=86400", "Cytoscape Consortium"},
		{"html under its file name", http.MethodGet, "/explore/explore.html", 404, "", "", ""},
		{"other vendor file", http.MethodGet, "/explore/vendor/graphiql.min.js", 404, "", "", ""},
		{"unknown", http.MethodGet, "/explore/nope.js", 404, "", "", ""},
		{"post", http.MethodPost, "/explore", 405, "", "", ""},
		{"delete script", http.MethodDelete, "/explore/explore.js", 405, "", "", ""},
	})
}

func TestExplorerPageHeaders(t *testing.T) {
	srv := explorerServer(t)
	for _, page := range explorerPages {
		resp, _ := fetchPlayground(t, srv, http.MethodGet, page, nil)
		for header, want := range map[string]string{
			"Content-Security-Policy": wantExplorerCSP,
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "no-referrer",
		} {
			if got := resp.Header.Get(header); got != want {
				t.Errorf("%s: %s = %q, want %q", page, header, got, want)
			}
		}
		if resp.Header.Get("ETag") == "" {
			t.Errorf("%s: no ETag", page)
		}
	}
	script, _ := fetchPlayground(t, srv, http.MethodGet, "/explore/explore.js", nil)
	if script.Header.Get("Content-Security-Policy") != "" {
		t.Error("a script is sent with a Content-Security-Policy: only pages need one")
	}
}

func TestExplorerRedirectsTrailingSlash(t *testing.T) {
	srv := explorerServer(t)
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Get(srv.URL + "/explore/?show=ttp")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/explore?show=ttp" {
		t.Errorf("GET /explore/?show=ttp = %d to %q, want 301 to /explore?show=ttp", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestExplorerPageWorksUnderItsPolicy(t *testing.T) {
	srv := explorerServer(t)
	for _, path := range explorerPages {
		t.Run(path, func(t *testing.T) {
			_, body := fetchPlayground(t, srv, http.MethodGet, path, nil)
			checkPageUnderPolicy(t, srv, string(body))
		})
	}
	_, body := fetchPlayground(t, srv, http.MethodGet, "/explore", nil)
	page := string(body)
	t.Run("cytoscape stylesheet pre-empted", func(t *testing.T) {
		// Cytoscape injects a <style> unless an element with this id exists.
		if !strings.Contains(page, `<link id="__________cytoscape_stylesheet" rel="stylesheet" href="/explore/explore.css">`) {
			t.Error("the page's stylesheet does not carry Cytoscape's stylesheet id")
		}
	})
	t.Run("scripts in order", func(t *testing.T) {
		common, lib, own := strings.Index(page, "/explore/common.js"), strings.Index(page, "/explore/vendor/cytoscape.min.js"), strings.Index(page, "/explore/explore.js")
		if lib < 0 || own < 0 || common < 0 || lib > own || common > own {
			t.Errorf("cytoscape.min.js (at %d) and common.js (at %d) must load before explore.js (at %d)", lib, common, own)
		}
	})
	t.Run("offline", func(t *testing.T) {
		for _, path := range append(explorerPages, "/explore/explore.js", "/explore/common.js", "/explore/review.js", "/explore/audit.js", "/explore/explore.css") {
			_, body := fetchPlayground(t, srv, http.MethodGet, path, nil)
			// XML namespace names are identifiers, not requests.
			text := strings.ReplaceAll(string(body), "'http://www.w3.org/2000/svg'", "")
			for _, s := range []string{"http://", "https://", "//cdn", "//unpkg", "@import", "url("} {
				if strings.Contains(text, s) {
					t.Errorf("%s mentions %q: the explorer must work offline", path, s)
				}
			}
		}
	})
}

// checkPageUnderPolicy checks that an explorer page has no inline script,
// style or handler, which its policy would block, and that everything it
// references is served.
func checkPageUnderPolicy(t *testing.T, srv *httptest.Server, page string) {
	t.Helper()
	for _, tag := range regexp.MustCompile(`(?i)<script\b[^>]*>`).FindAllString(page, -1) {
		if !strings.Contains(tag, "src=") {
			t.Errorf("inline script %q would be blocked by script-src 'self'", tag)
		}
	}
	if regexp.MustCompile(`(?i)<style\b|\sstyle\s*=`).MatchString(page) {
		t.Error("inline style would be blocked by style-src 'self'")
	}
	if m := regexp.MustCompile(`(?i)\son[a-z]+\s*=`).FindString(page); m != "" {
		t.Errorf("inline event handler %q would be blocked by script-src 'self'", m)
	}
	for _, ref := range playgroundRefs(t, page) {
		if strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "#") {
			continue
		}
		if !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
			t.Errorf("reference %q is not a same-origin absolute path", ref)
			continue
		}
		if ref == "/" { // the playground, served by another handler
			continue
		}
		if resp, _ := fetchPlayground(t, srv, http.MethodGet, ref, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s status = %d", ref, resp.StatusCode)
		}
	}
}
