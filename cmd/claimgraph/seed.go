package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

func runSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	var dryRun bool
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.BoolVar(&dryRun, "dry-run", false, "validate and count what would change, write nothing")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	inputs := seed.Builtin()
	if len(files) > 0 {
		if inputs, err = seed.ReadFiles(files...); err != nil {
			return err
		}
	}
	st, err := cfg.open(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := seed.Load(ctx, st, graph.ApplyOptions{DryRun: dryRun}, inputs...)
	if err != nil {
		return err
	}
	verb := "seeded"
	if dryRun {
		verb = "dry run, nothing written: would have seeded"
	}
	fmt.Fprintf(stdout, "%s %d file(s): %d added, %d changed, %d unchanged\n", verb, len(inputs), sum.Added, sum.Changed, sum.Unchanged)
	if !sum.Changes() {
		fmt.Fprintln(stdout, "the store already held all of it; nothing changed")
	}
	return nil
}
