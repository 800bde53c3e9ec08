package main

import (
	"context"
	"flag"
	"io"

	"github.com/claimgraph/claimgraph/schema"
)

// runSchema prints the GraphQL schema generated from the store's ontology,
// in the schema definition language: the same bytes for the same ontology.
func runSchema(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	fs := flag.NewFlagSet("schema", flag.ContinueOnError)
	cfg.register(fs, getenv)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return usageError{"schema takes no arguments: claimgraph schema [--store URL]"}
	}
	st, log, err := cfg.start(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	h, err := schema.NewHandler(ctx, st, log, schema.Options{})
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, h.SDL(ctx))
	return err
}
