package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

func runSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commandFlags
	var dryRun bool
	var mappingFile, format string
	var lim seed.Limits
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.BoolVar(&dryRun, "dry-run", false, "validate and count what would change, write nothing")
	fs.StringVar(&format, "format", "", "read every FILE as this `format`: yaml, json, csv, nquads, jsonld, article or annotations (default: told from each file's content)")
	fs.Int64Var(&lim.MaxDecompressed, "max-decompressed", 0, "most `bytes` a gzip-compressed file may expand to; 0 sets no cap")
	fs.Int64Var(&lim.MaxRatio, "max-ratio", seed.DefaultMaxRatio,
		"most times its compressed size a gzip-compressed file may expand to (checked after its first 8 MiB); 0 sets no cap")
	fs.StringVar(&mappingFile, "mapping", "", "read the FILEs, N-Quads or JSON-LD, through this ontology mapping `FILE`")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	c, err := cfg.client(fs)
	if err != nil {
		return err
	}
	if c != nil {
		if len(files) == 0 {
			return usageError{"seed --server sends files to the server: name them"}
		}
		if mappingFile != "" {
			return seedMappedServer(ctx, c, mappingFile, files, format, dryRun, stdout)
		}
		return seedServer(ctx, c, files, format, dryRun, stdout)
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
		printSummary(stdout, part, "", dryRun)
	}
	return nil
}

// printSummary tells what one part of a seed run did or, with dryRun,
// would do: the counts, then every changed field with its old and new
// value, and plainly whether evidence goes. where tells the server it
// was sent to, if any (" on URL").
func printSummary(w io.Writer, part seed.Part, where string, dryRun bool) {
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
	what += where
	sum := part.Summary
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
	removed := 0
	for _, c := range sum.Diff {
		fmt.Fprintf(w, "  changed %s\n", c)
		if c.RemovesEvidence {
			removed++
		}
	}
	if removed > 0 {
		const what = "(a claim's quote, claimant, date or grade, or a source's publisher, URL, date or reliability)"
		if dryRun {
			fmt.Fprintf(w, "EVIDENCE WOULD BE REMOVED: %d field(s) of evidence %s would be emptied; their old values are listed above\n", removed, what)
		} else {
			fmt.Fprintf(w, "EVIDENCE REMOVED: %d field(s) of evidence %s are now empty; their old values are listed above\n", removed, what)
		}
	}
}

// seedServer sends files to a server's POST /import, together, as the
// parts of one multipart request: the server reads them as the seed
// command does (each file's format told from its content unless format
// says) and writes them all or nothing.
func seedServer(ctx context.Context, c *client, files []string, format string, dryRun bool, stdout io.Writer) error {
	inputs, closeAll, err := seed.OpenFiles(files...) // a directory gives its fact files
	if err != nil {
		return err
	}
	defer closeAll()
	names := make([]string, len(inputs))
	for i, in := range inputs {
		names[i] = in.Name
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := func() error {
			for _, in := range inputs {
				w, err := mw.CreateFormFile("file", filepath.Base(in.Name))
				if err != nil {
					return err
				}
				if _, err = io.Copy(w, in.R); err != nil {
					return err
				}
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	q := url.Values{"dryRun": {strconv.FormatBool(dryRun)}}
	if format != "" {
		q.Set("format", format)
	}
	sum, err := c.importFile(ctx, q, mw.FormDataContentType(), pr)
	pr.CloseWithError(errors.New("the request is over"))
	if err != nil {
		return err
	}
	printSummary(stdout, seed.Part{Kind: seed.PartFacts, Inputs: names, Summary: sum}, " on "+c.base, dryRun)
	return nil
}

// seedMappedServer sends one RDF file with its mapping to a server's POST
// /import, streamed.
func seedMappedServer(ctx context.Context, c *client, mappingFile string, files []string, format string, dryRun bool, stdout io.Writer) error {
	if len(files) != 1 {
		return usageError{"seed --server --mapping takes one N-Quads or JSON-LD file: each is one bulk import on the server"}
	}
	mapping, err := os.ReadFile(mappingFile)
	if err != nil {
		return fmt.Errorf("read mapping: %w", err)
	}
	data, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer data.Close()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := func() error {
			w, err := mw.CreateFormFile("mapping", filepath.Base(mappingFile))
			if err != nil {
				return err
			}
			if _, err := w.Write(mapping); err != nil {
				return err
			}
			if w, err = mw.CreateFormFile("data", filepath.Base(files[0])); err != nil {
				return err
			}
			if _, err := io.Copy(w, data); err != nil {
				return err
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	q := url.Values{"dryRun": {strconv.FormatBool(dryRun)}}
	if format != "" {
		q.Set("format", format)
	}
	sum, err := c.importFile(ctx, q, mw.FormDataContentType(), pr)
	pr.CloseWithError(errors.New("the request is over"))
	if err != nil {
		return err
	}
	printSummary(stdout, seed.Part{Kind: seed.PartBulk, Inputs: files, Mapping: mappingFile, Summary: sum}, " on "+c.base, dryRun)
	return nil
}
