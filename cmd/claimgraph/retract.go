package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/claimgraph/claimgraph/graph"
)

// runRetract removes one source, its claims and the statements left without
// claims from the store, in one step.
func runRetract(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commandFlags
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
	var sum graph.Summary
	if c, err := cfg.client(fs); err != nil {
		return err
	} else if c != nil {
		var data struct{ RetractSource graph.Summary }
		if _, err := c.graphQL(ctx, `mutation Retract($id: ID!) { retractSource(id: $id) { removed } }`, map[string]any{"id": source}, &data); err != nil {
			return err
		}
		sum = data.RetractSource
	} else {
		ctx = graph.WithAuthor(ctx, cfg.author(getenv))
		st, _, err := cfg.start(ctx, stderr)
		if err != nil {
			return err
		}
		defer st.Close()
		if sum, err = st.RetractSource(ctx, source); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "retracted source %s: %d items removed (the source, its claims and the statements left without claims)\n", source, sum.Removed)
	return nil
}
