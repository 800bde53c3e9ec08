#!/usr/bin/env bash
# refresh.sh — re-download the vendored playground and explorer assets.
#
# The playground (schema/web/playground.go) and the explorer (schema/web/explorer.go)
# embed everything under schema/web/assets/vendor/ into the Go binary, so `go run` / `go build` never
# need npm or a network. Run this script only to update the pinned versions:
# edit the versions below, run it, check the playground in a browser, commit.
#
# Usage: bash schema/web/assets/refresh.sh    (needs npm and tar)
set -euo pipefail

GRAPHIQL_VERSION=3.9.0
REACT_VERSION=18.3.1
REACT_DOM_VERSION=18.3.1
CYTOSCAPE_VERSION=3.35.0

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vendor="$here/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm pack --silent \
	"graphiql@$GRAPHIQL_VERSION" \
	"react@$REACT_VERSION" \
	"react-dom@$REACT_DOM_VERSION" \
	"cytoscape@$CYTOSCAPE_VERSION" >/dev/null

# unpack NAME VERSION: extract NAME-VERSION.tgz into ./NAME/ (tarballs hold package/...).
unpack() {
	mkdir -p "$1"
	tar -xzf "$1-$2.tgz" -C "$1" --strip-components=1
}
unpack graphiql "$GRAPHIQL_VERSION"
unpack react "$REACT_VERSION"
unpack react-dom "$REACT_DOM_VERSION"
unpack cytoscape "$CYTOSCAPE_VERSION"

mkdir -p "$vendor"
# graphiql.min.{js,css} sit at the package root; they are copies of dist/index.umd.js
# and dist/style.css (see the package's prepublishOnly script). The UMD bundle
# needs only the React and ReactDOM globals; its fonts are inlined as data: URLs.
install -m 0644 graphiql/graphiql.min.js "$vendor/graphiql.min.js"
install -m 0644 graphiql/graphiql.min.css "$vendor/graphiql.min.css"
install -m 0644 react/umd/react.production.min.js "$vendor/react.production.min.js"
install -m 0644 react-dom/umd/react-dom.production.min.js "$vendor/react-dom.production.min.js"
install -m 0644 graphiql/LICENSE "$vendor/LICENSE.graphiql"
install -m 0644 react/LICENSE "$vendor/LICENSE.react"
install -m 0644 react-dom/LICENSE "$vendor/LICENSE.react-dom"
# The explorer's graph view: Cytoscape.js's self-contained minified build
# (defines the global cytoscape; no dependencies).
install -m 0644 cytoscape/dist/cytoscape.min.js "$vendor/cytoscape.min.js"
install -m 0644 cytoscape/LICENSE "$vendor/LICENSE.cytoscape"

echo "vendored graphiql@$GRAPHIQL_VERSION react@$REACT_VERSION react-dom@$REACT_DOM_VERSION cytoscape@$CYTOSCAPE_VERSION into $vendor:"
ls -l "$vendor"
