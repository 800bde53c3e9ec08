package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
)

// runCheck verifies a store and says what it found; it fails, naming the
// store, when there is any problem.
func runCheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	cfg.register(fs, getenv)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Sprintf("check takes no arguments, got %q", rest)}
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	rep, err := cayley.Check(ctx, cfg.store, cayley.Options{Logger: log.With("component", "store")})
	if err != nil {
		return err
	}
	what := "the " + rep.Backend + " store"
	if rep.File != "" {
		what = "bolt file " + rep.File
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintf(stdout, "%s: %d problem(s):\n", what, len(rep.Problems))
		for _, p := range rep.Problems {
			fmt.Fprintf(stdout, "  %s\n", p)
		}
		return graph.Errorf(graph.Internal,
			"%s is corrupt: restore the last export (claimgraph export) into a new store with claimgraph seed --store NEW", what)
	}
	if rep.File != "" {
		fmt.Fprintf(stdout, "%s: %d pages, every one accounted for; %d keys, in order\n", what, rep.Pages, rep.Keys)
	}
	fmt.Fprintf(stdout, "%s: read back %d quads (export), %d entities, %d statements and %d sources (scan)\n",
		what, rep.Quads, rep.Entities, rep.Statements, rep.Sources)
	fmt.Fprintf(stdout, "%s is sound (checked in %s)\n", what, time.Since(start).Round(time.Millisecond))
	return nil
}
