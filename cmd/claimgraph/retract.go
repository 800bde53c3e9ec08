package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/claimgraph/claimgraph/graph"
	"io"
)

// runRetract removes one source, its claims and the statements left without
// claims from the store, in one step.
func runRetract(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	var source string
	fs := flag.NewFlagSet("retract", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.StringVar(&source, "source", "", "the `ID` of the source to remove with its claims (required)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if source == "" || len(rest) > 0 {
		return usageError{"retract takes --source ID and nothing else\n" + flagUsage(fs)}
	}
	ctx = graph.WithAuthor(ctx, cfg.author(getenv))
	st, _, err := cfg.start(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := st.RetractSource(ctx, source)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "retracted source %s: %d items removed (the source, its claims and the statements left without claims)\n", source, sum.Removed)
	return nil
}
