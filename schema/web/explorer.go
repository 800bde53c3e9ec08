package web

import (
	"embed"
	"net/http"
)

// explorerFiles holds the explorer's own pages, scripts and stylesheet. The
// Cytoscape.js build it draws with is vendored with the playground's files
// (assets/vendor, refreshed by assets/refresh.sh) and read from there.
//
//go:embed assets/explore.html assets/explore.js assets/explore.css assets/common.js
//go:embed assets/review.html assets/review.js assets/audit.html assets/audit.js
var explorerFiles embed.FS

// explorerCSP is the Content-Security-Policy of the explorer page. It is
// stricter than the playground's: the explorer injects no inline styles
// (Cytoscape's one stylesheet is pre-empted by the page's own, see
// explore.html), PNG exports are blob: URLs, and data comes only from the
// same-origin /graphql.
const explorerCSP = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Explorer returns an http.Handler serving the visual graph explorer: a page
// that searches entities, draws their neighbourhoods and the paths between
// them with every relation styled by how contested it is, and shows the
// claims behind each relation; its reader shows a source's text with the
// claims' quotes highlighted and records new claims on selected words;
// beside it, a review queue of duplicate candidates and an admin page
// listing the audit log. Everything is embedded in the binary and the
// pages talk only to the same-origin /graphql endpoint (over HTTP, and over
// a WebSocket for the change feed), so they work offline. A bearer token
// the user enters is kept in the tab's sessionStorage and sent with every
// request.
//
// It answers GET and HEAD for:
//
//	/explore                          the explorer page (with a strict Content-Security-Policy header)
//	/explore/review                   the review queue of duplicate candidates
//	/explore/audit                    the audit log (admins)
//	/explore/common.js                the pages' shared script (GraphQL, the token, subscriptions)
//	/explore/explore.js               the explorer's script, and review.js and audit.js
//	/explore/explore.css              the pages' stylesheet
//	/explore/vendor/cytoscape.min.js  the vendored Cytoscape.js and its LICENSE.cytoscape
//
// "/explore/" redirects to "/explore", keeping the query, which holds the
// view's state. Any other path under /explore/ is 404; other methods get
// 405. The handler reads the full request path, so mount it without
// stripping a prefix. With a gorilla/mux router:
//
//	h := web.Explorer()
//	r.Handle("/explore", h)
//	r.PathPrefix("/explore/").Handler(h)
func Explorer() http.Handler {
	assets := map[string]*asset{
		// Small and unversioned: always revalidate.
		"/explore":             readAsset(explorerFiles, "assets/explore.html", "no-cache"),
		"/explore/explore.js":  readAsset(explorerFiles, "assets/explore.js", "no-cache"),
		"/explore/explore.css": readAsset(explorerFiles, "assets/explore.css", "no-cache"),
		"/explore/common.js":   readAsset(explorerFiles, "assets/common.js", "no-cache"),
		"/explore/review":      readAsset(explorerFiles, "assets/review.html", "no-cache"),
		"/explore/review.js":   readAsset(explorerFiles, "assets/review.js", "no-cache"),
		"/explore/audit":       readAsset(explorerFiles, "assets/audit.html", "no-cache"),
		"/explore/audit.js":    readAsset(explorerFiles, "assets/audit.js", "no-cache"),
		// Vendored with a pinned version.
		"/explore/vendor/cytoscape.min.js":  readAsset(playgroundFiles, "assets/vendor/cytoscape.min.js", vendorCacheControl),
		"/explore/vendor/LICENSE.cytoscape": readAsset(playgroundFiles, "assets/vendor/LICENSE.cytoscape", vendorCacheControl),
	}
	files := serveAssets(assets, explorerCSP)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/explore/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			target := "/explore"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
		files.ServeHTTP(w, r)
	})
}
