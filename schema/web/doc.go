// Package web serves the pages people use in the browser: the GraphiQL
// playground at / and the visual explorer at /explore. Both are static
// files embedded in the binary (assets/, with GraphiQL, React and
// Cytoscape.js vendored under assets/vendor by assets/refresh.sh), so they
// work offline and under a strict Content-Security-Policy; they talk to the
// server only through GraphQL at the same-origin /graphql. The package
// knows nothing of the graph or the schema.
package web
