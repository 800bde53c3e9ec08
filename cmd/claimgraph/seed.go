package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

func runSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	var dryRun bool
	var mappingFile string
	var lim seed.Limits
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.BoolVar(&dryRun, "dry-run", false, "validate and count what would change, write nothing")
	fs.Int64Var(&lim.MaxDecompressed, "max-decompressed", 0, "most `bytes` a .gz file may expand to; 0 sets no cap")
	fs.Int64Var(&lim.MaxRatio, "max-ratio", seed.DefaultMaxRatio,
		"most times its compressed size a .gz file may expand to (checked after its first 8 MiB); 0 sets no cap")
	fs.StringVar(&mappingFile, "mapping", "", "read the FILEs as N-Quads (.nq, .nq.gz) or JSON-LD (.jsonld) through this ontology mapping `FILE`")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if mappingFile != "" {
		return seedMapped(ctx, cfg, mappingFile, files, lim, dryRun, stdout, stderr)
	}
	// N-Quads files are streamed, not read whole.
	var dumps, factFiles []string
	for _, f := range files {
		switch seed.FormatOf(f) {
		case seed.FormatJSONLD:
			return usageError{fmt.Sprintf("%s is JSON-LD, which is read through a mapping: give --mapping FILE", f)}
		case seed.FormatNQuads:
			dumps = append(dumps, f)
		default:
			factFiles = append(factFiles, f)
		}
	}
	facts := seed.Builtin()
	if len(files) > 0 {
		if facts, err = seed.ReadFiles(factFiles...); err != nil {
			return err
		}
	}
	ctx = graph.WithOperation(graph.WithAuthor(ctx, cfg.author(getenv)), "seed")
	st, _, err := cfg.start(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, name := range dumps {
		// claimgraph's own export, checked as every other input is.
		f, err := seed.OpenInput(name, lim)
		if err != nil {
			return err
		}
		sum, err := seed.Import(ctx, st, seed.FormatNQuads, f, seed.ImportOptions{Name: name, DryRun: dryRun})
		f.Close()
		if err != nil {
			return err
		}
		printSummary(stdout, "restore of "+name, sum, dryRun)
	}
	if len(facts) == 0 {
		return nil
	}
	// The command holds the store: a fact file's attribution (an export's)
	// is restored as it is; items without one are recorded under --as.
	sum, err := seed.Load(ctx, st, graph.ApplyOptions{DryRun: dryRun, KeepAttribution: true}, facts...)
	if err != nil {
		return err
	}
	printSummary(stdout, fmt.Sprintf("%d file(s)", len(facts)), sum, dryRun)
	return nil
}

// seedMapped imports N-Quads files through a mapping, as one bulk import.
func seedMapped(ctx context.Context, cfg commonFlags, mappingFile string, files []string, lim seed.Limits, dryRun bool, stdout, stderr io.Writer) error {
	if len(files) == 0 {
		return usageError{"seed --mapping needs N-Quads or JSON-LD files to read"}
	}
	data, err := os.ReadFile(mappingFile)
	if err != nil {
		return fmt.Errorf("read mapping: %w", err)
	}
	m, err := seed.ParseMapping(seed.Input{Name: mappingFile, Data: data})
	if err != nil {
		return err
	}
	var inputs []seed.NamedReader
	for _, f := range files {
		if format := seed.FormatOf(f); format != seed.FormatNQuads && format != seed.FormatJSONLD {
			return usageError{fmt.Sprintf("%s is neither N-Quads (.nq, .nq.gz) nor JSON-LD (.jsonld): with --mapping every file must be", f)}
		}
		r, err := seed.OpenInput(f, lim)
		if err != nil {
			return err
		}
		defer r.Close()
		inputs = append(inputs, seed.NamedReader{Name: f, R: r})
	}
	st, log, err := cfg.start(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	p := newProgress(stderr, log)
	sum, err := seed.ImportNQuads(ctx, st, m, inputs, seed.ImportOptions{DryRun: dryRun, Progress: p.report})
	p.finish()
	if err != nil {
		return err
	}
	printSummary(stdout, fmt.Sprintf("%d file(s) through %s", len(files), mappingFile), sum, dryRun)
	return nil
}

// printSummary tells what a seed run did or, with dryRun, would do.
func printSummary(w io.Writer, what string, sum graph.Summary, dryRun bool) {
	verb := "seeded"
	if dryRun {
		verb = "dry run, nothing written: would have seeded"
	}
	fmt.Fprintf(w, "%s %s: %d added, %d changed, %d unchanged", verb, what, sum.Added, sum.Changed, sum.Unchanged)
	if sum.Removed > 0 {
		fmt.Fprintf(w, ", %d removed", sum.Removed)
	}
	fmt.Fprintln(w)
	if len(sum.Orphaned) > 0 {
		fmt.Fprintf(w, "%d claim(s) orphaned: the new text of their source no longer carries their quote:\n", len(sum.Orphaned))
		for _, id := range sum.Orphaned {
			fmt.Fprintf(w, "  %s\n", id)
		}
	}
	if !sum.Changes() {
		fmt.Fprintln(w, "the store already held all of it; nothing changed")
	}
}
