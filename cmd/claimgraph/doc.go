// Command claimgraph wires claimgraph together: it parses the command line
// and environment into a config, opens the store (graph/cayley), loads seed
// files (seed), and serves the GraphQL API and playground (schema) over HTTP
// with gorilla/mux. It is the only package that knows every other one.
//
// Everything runs through run(ctx, args, getenv, stdout, stderr), which the
// end-to-end tests call directly with --addr 127.0.0.1:0.
package main
