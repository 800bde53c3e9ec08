// Command claimgraph is a knowledge-graph service for people who work from
// news reports: every relation is a statement that carries its claims.
//
// Usage:
//
//	claimgraph serve   [--addr 127.0.0.1:8080] [--store URL] [--seed FILE]... [--seed-mapping FILE] [--token TOKEN]
//	claimgraph seed    [--dry-run] [--format F] [--mapping FILE] [FILE...]
//	claimgraph query   [--variables JSON] 'GRAPHQL'
//	claimgraph paths   FROM TO [--max-depth N] [--k N] [--mode shortest|credible|all] ...
//	claimgraph retract --source ID
//	claimgraph delete  ID [--cascade] [--dry-run]
//	claimgraph export  [--format nquads|json|graphml] [--out FILE] [--as-of DATE] [--reported-by DATE]
//	claimgraph check
//	claimgraph xref    [--type T] [--limit N]
//	claimgraph judge   A B same|different|unsure
//	claimgraph merge   KEEP MERGED...   |   merge --undo MERGED
//	claimgraph schema
//	claimgraph audit   [--since TIME] [--user NAME]
//	claimgraph draft   [--source ID] [--title TITLE] ARTICLE
//
// Every command but serve works on the store (--store) or, with --server
// URL (environment CLAIMGRAPH_SERVER), on a running server over HTTP, with
// --token (CLAIMGRAPH_TOKEN) for writes; it logs at warn unless
// --log-level says otherwise.
//
// serve runs the HTTP service: GraphQL at /graphql (POST, and GET for
// queries), fact files at POST /import, the GraphiQL playground at /, the
// explorer at /explore, and /healthz, /readyz and /metrics. On an empty
// store it first loads the built-in seed (the ontology and the facts of the
// first article), so the first run shows something real.
//
// seed reads files of every format through seed.Import, each format given
// with --format or told from the file's content: fact files (YAML, JSON,
// CSV) are validated against the ontology and written in one atomic step;
// N-Quads are claimgraph's own export, checked item by item and restored,
// or, with --mapping, RDF (N-Quads, JSON-LD) imported through an ontology
// mapping as one bulk import, all or nothing even if the process is
// killed. Every problem is reported as FILE:LINE:COL: message and nothing
// is written; each part's counts are printed, by --dry-run too. Without
// files it loads the built-in seed. Compressed files are read within
// --max-decompressed and --max-ratio.
//
// retract removes a source, the claims it reports and the statements left
// without claims, in one atomic step.
//
// delete removes an entity with its names and the ids merged into it, in
// one atomic step; while statements, claims or aliases still name it, it
// is refused unless --cascade removes them with it.
//
// query runs one GraphQL query against the store and prints the JSON
// response.
//
// paths prints the paths between two entities, each hop explained with who
// reports, alleges and denies it.
//
// export writes the whole graph with its claims and sources: as N-Quads
// (the store's own quads), as a JSON fact file that seed reads back (a
// backup a person can read), or as GraphML for Gephi and yEd.
//
// check verifies a store: on bolt every page of the file and every key,
// then everything read back through the store; it fails, naming the file,
// when the store is damaged. Every command refuses a bolt file that fails
// the same page check when it opens the store.
//
// schema prints the GraphQL schema generated from the store's ontology in
// the schema definition language; the same ontology always prints the same.
//
// draft reads a plain-text article and prints the fact file it appears to
// support, every suggestion with its reason as a comment, for an analyst to
// edit and seed.
//
// --store (environment CLAIMGRAPH_STORE) chooses the store: bolt:PATH (the
// default, bolt:claimgraph.db, an embedded file), memory: (gone on exit) or
// postgres://… (several instances may share one database).

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "claimgraph:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
