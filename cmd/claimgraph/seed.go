package main

import (
	"bytes"
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

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

func runSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commandFlags
	var dryRun bool
	var mappingFile string
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.BoolVar(&dryRun, "dry-run", false, "validate and count what would change, write nothing")
	fs.StringVar(&mappingFile, "mapping", "", "read the FILEs as N-Quads (.nq, .nq.gz) or JSON-LD (.jsonld) through this ontology mapping `FILE`")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	c, err := cfg.client(fs)
	if err != nil {
		return err
	}
	if mappingFile != "" {
		if c != nil {
			return seedMappedServer(ctx, c, mappingFile, files, dryRun, stdout)
		}
		return seedMapped(ctx, cfg.commonFlags, mappingFile, files, dryRun, stdout, stderr)
	}
	inputs := seed.Builtin()
	if len(files) > 0 {
		if inputs, err = seed.ReadFiles(files...); err != nil {
			return err
		}
	}
	var facts, dumps []seed.Input
	for _, in := range inputs {
		if seed.FormatOf(in.Name) == seed.FormatJSONLD {
			return usageError{fmt.Sprintf("%s is JSON-LD, which is read through a mapping: give --mapping FILE", in.Name)}
		}
		if seed.FormatOf(in.Name) == seed.FormatNQuads {
			dumps = append(dumps, in)
		} else {
			facts = append(facts, in)
		}
	}
	if c != nil {
		return seedServer(ctx, c, facts, dumps, dryRun, stdout)
	}
	st, _, err := cfg.start(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, in := range dumps {
		// claimgraph's own export: restored as it is.
		f, err := seed.OpenInput(in.Name)
		if err != nil {
			return err
		}
		_, err = seed.Import(ctx, st, seed.FormatNQuads, f, seed.ImportOptions{Name: in.Name, DryRun: dryRun})
		f.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "restored %s\n", in.Name)
	}
	if len(facts) == 0 {
		return nil
	}
	sum, err := seed.Load(ctx, st, graph.ApplyOptions{DryRun: dryRun}, facts...)
	if err != nil {
		return err
	}
	printSummary(stdout, fmt.Sprintf("%d file(s)", len(facts)), sum, dryRun)
	return nil
}

// seedMapped imports N-Quads files through a mapping, as one bulk import.
func seedMapped(ctx context.Context, cfg commonFlags, mappingFile string, files []string, dryRun bool, stdout, stderr io.Writer) error {
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
		r, err := seed.OpenInput(f)
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

// printSummary tells what a seed run did or, with dryRun, would do: the
// counts, then every changed field with its old and new value, and plainly
// whether evidence goes.
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

// seedServer sends claimgraph exports and fact files to a server's POST
// /import: each export on its own, the fact files together as one change.
func seedServer(ctx context.Context, c *client, facts, dumps []seed.Input, dryRun bool, stdout io.Writer) error {
	query := func(format, name string) url.Values {
		return url.Values{"format": {format}, "name": {name}, "dryRun": {strconv.FormatBool(dryRun)}}
	}
	for _, in := range dumps {
		if _, err := c.importFile(ctx, query("nquads", filepath.Base(in.Name)), "application/n-quads", bytes.NewReader(in.Data)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "restored %s\n", in.Name)
	}
	if len(facts) == 0 {
		return nil
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, in := range facts {
		w, err := mw.CreateFormFile("file", in.Name)
		if err != nil {
			return err
		}
		w.Write(in.Data)
	}
	mw.Close()
	q := query("", "")
	q.Del("format")
	q.Del("name")
	sum, err := c.importFile(ctx, q, mw.FormDataContentType(), &body)
	if err != nil {
		return err
	}
	printSummary(stdout, fmt.Sprintf("%d file(s) on %s", len(facts), c.base), sum, dryRun)
	return nil
}

// seedMappedServer sends one RDF file with its mapping to a server's POST
// /import, streamed.
func seedMappedServer(ctx context.Context, c *client, mappingFile string, files []string, dryRun bool, stdout io.Writer) error {
	if len(files) != 1 {
		return usageError{"seed --server --mapping takes one N-Quads or JSON-LD file: each is one bulk import on the server"}
	}
	format := seed.FormatOf(files[0])
	if format != seed.FormatNQuads && format != seed.FormatJSONLD {
		return usageError{fmt.Sprintf("%s is neither N-Quads (.nq, .nq.gz) nor JSON-LD (.jsonld): with --mapping it must be", files[0])}
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
	q := url.Values{"format": {string(format)}, "dryRun": {strconv.FormatBool(dryRun)}}
	sum, err := c.importFile(ctx, q, mw.FormDataContentType(), pr)
	pr.CloseWithError(errors.New("the request is over"))
	if err != nil {
		return err
	}
	printSummary(stdout, fmt.Sprintf("%s through %s on %s", files[0], mappingFile, c.base), sum, dryRun)
	return nil
}
