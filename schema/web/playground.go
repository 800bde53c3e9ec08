package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// playgroundFiles holds the offline GraphiQL playground. Only the files that
// are served are embedded: assets/refresh.sh (the maintainer script that
// re-vendors assets/vendor/ with npm) is deliberately left out of the binary.
//
//go:embed assets/index.html assets/playground.js assets/vendor
var playgroundFiles embed.FS

// playgroundCSP is the Content-Security-Policy sent with the playground page.
// Every script and stylesheet comes from this server; GraphiQL injects inline
// styles (hence 'unsafe-inline' for style-src only) and inlines its fonts as
// data: URLs, which font-src allows; queries go to the same-origin /graphql.
const playgroundCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'"

// asset is one embedded file ready to serve.
type asset struct {
	body         []byte
	contentType  string
	cacheControl string
	etag         string
	html         bool
}

// readAsset reads name from fsys into an asset served with cacheControl.
// The files are embedded, so a missing one is a build mistake: it panics.
func readAsset(fsys fs.FS, name, cacheControl string) *asset {
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		panic("web: asset missing from embed: " + name)
	}
	sum := sha256.Sum256(body)
	return &asset{
		body:         body,
		contentType:  playgroundContentType(name),
		cacheControl: cacheControl,
		etag:         `"` + hex.EncodeToString(sum[:12]) + `"`,
		html:         strings.HasSuffix(name, ".html"),
	}
}

// loadPlaygroundAssets maps each served URL path to its file: "/" is
// assets/index.html, and "/assets/playground.js" and "/assets/vendor/*" are the
// files of the same names. Nothing else is served.
var loadPlaygroundAssets = sync.OnceValue(func() map[string]*asset {
	assets := make(map[string]*asset)
	add := func(urlPath, name string, cacheControl string) {
		assets[urlPath] = readAsset(playgroundFiles, name, cacheControl)
	}
	// The page and our own script are small and unversioned: always revalidate.
	add("/", "assets/index.html", "no-cache")
	add("/assets/playground.js", "assets/playground.js", "no-cache")
	err := fs.WalkDir(playgroundFiles, "assets/vendor", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		add("/"+name, name, vendorCacheControl)
		return nil
	})
	if err != nil {
		panic("web: reading embedded playground assets: " + err.Error())
	}
	return assets
})

// vendorCacheControl is the caching of vendored files: they change only
// when refresh.sh bumps a pinned version, and they carry an ETag too, so a
// day of caching is a safe trade.
const vendorCacheControl = "public, max-age=86400"

// playgroundContentType is the Content-Type for an embedded file name. It does
// not use mime.TypeByExtension, whose answers depend on the host's mime tables.
func playgroundContentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".map", ".json":
		return "application/json"
	default: // LICENSE.graphiql, LICENSE.react, ...
		return "text/plain; charset=utf-8"
	}
}

// Playground returns an http.Handler serving the GraphiQL playground, entirely
// from files embedded in the binary (GraphiQL 3.9.0 and React 18.3.1 UMD
// builds, vendored by assets/refresh.sh), so it works offline. The page sends
// queries to the same-origin /graphql endpoint.
//
// It answers GET and HEAD for:
//
//	/                       the playground page (with a strict Content-Security-Policy header)
//	/assets/playground.js   the script that starts GraphiQL
//	/assets/vendor/...      the vendored GraphiQL, React and ReactDOM files and their licenses
//
// Any other path under /assets/ is 404; other methods get 405. The handler
// reads the full request path, so mount it without stripping a prefix. With a
// gorilla/mux router:
//
//	h := web.Playground()
//	r.Handle("/", h)
//	r.PathPrefix("/assets/").Handler(h)
func Playground() http.Handler {
	return serveAssets(loadPlaygroundAssets(), playgroundCSP)
}

// serveAssets serves the assets by exact URL path for GET and HEAD, with
// their caching headers and ETag; HTML pages also get csp as their
// Content-Security-Policy and are not to be framed. Other paths are 404,
// other methods 405.
func serveAssets(assets map[string]*asset, csp string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("Cache-Control", a.cacheControl)
		h.Set("ETag", a.etag)
		h.Set("X-Content-Type-Options", "nosniff")
		if a.html {
			h.Set("Content-Security-Policy", csp)
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("X-Frame-Options", "DENY")
		}
		// ServeContent handles HEAD, If-None-Match (304) and Range requests.
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
	})
}
