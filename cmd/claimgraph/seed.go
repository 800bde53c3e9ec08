package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

func runSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	var dryRun bool
	var mappingFile, format string
	var lim seed.Limits
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.BoolVar(&dryRun, "dry-run", false, "validate and count what would change, write nothing")
	fs.StringVar(&format, "format", "", "read every FILE as this `format`: yaml, json, csv, nquads or jsonld (default: told from each file's content)")
	fs.Int64Var(&lim.MaxDecompressed, "max-decompressed", 0, "most `bytes` a gzip-compressed file may expand to; 0 sets no cap")
	fs.Int64Var(&lim.MaxRatio, "max-ratio", seed.DefaultMaxRatio,
		"most times its compressed size a gzip-compressed file may expand to (checked after its first 8 MiB); 0 sets no cap")
	fs.StringVar(&mappingFile, "mapping", "", "read the FILEs, N-Quads or JSON-LD, through this ontology mapping `FILE`")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	// The command holds the store: a fact file's attribution (an export's)
	// is restored as it is; items without one are recorded under --as.
	opts := seed.Options{DryRun: dryRun, Limits: lim, KeepAttribution: true}
	if mappingFile != "" {
		if len(files) == 0 {
			return usageError{"seed --mapping needs N-Quads or JSON-LD files to read"}
		}
		data, err := os.ReadFile(mappingFile)
		if err != nil {
			return fmt.Errorf("read mapping: %w", err)
		}
		if opts.Mapping, err = seed.ParseMapping(seed.Input{Name: mappingFile, Data: data}); err != nil {
			return err
		}
	}
	inputs := seed.Builtin()
	if len(files) > 0 {
		var closeAll func()
		if inputs, closeAll, err = seed.OpenFiles(files...); err != nil {
			return err
		}
		defer closeAll()
		for i := range inputs {
			inputs[i].Format = seed.Format(format)
		}
	}
	ctx = graph.WithOperation(graph.WithAuthor(ctx, cfg.author(getenv)), "seed")
	st, log, err := cfg.start(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	finish := func() {}
	if opts.Mapping != nil {
		p := newProgress(stderr, log)
		opts.Progress, finish = p.report, p.finish
	}
	rep, err := seed.Import(ctx, st, inputs, opts)
	finish()
	if err != nil {
		return err
	}
	for _, part := range rep.Parts {
		printSummary(stdout, part, dryRun)
	}
	return nil
}

// printSummary tells what one part of a seed run did or, with dryRun,
// would do.
func printSummary(w io.Writer, part seed.Part, dryRun bool) {
	var verb, what string
	switch part.Kind {
	case seed.PartRestore:
		verb, what = "restored", strings.Join(part.Inputs, ", ")
	case seed.PartBulk:
		verb, what = "seeded", fmt.Sprintf("%d file(s) through %s", len(part.Inputs), part.Mapping)
	default:
		verb, what = "seeded", fmt.Sprintf("%d file(s)", len(part.Inputs))
	}
	if dryRun {
		verb = "dry run, nothing written: would have " + verb
	}
	sum := part.Summary
	fmt.Fprintf(w, "%s %s: %d added, %d changed, %d unchanged", verb, what, sum.Added, sum.Changed, sum.Unchanged)
	if sum.Removed > 0 {
		fmt.Fprintf(w, ", %d removed", sum.Removed)
	}
	fmt.Fprintln(w)
	if !sum.Changes() {
		fmt.Fprintln(w, "the store already held all of it; nothing changed")
	}
}
