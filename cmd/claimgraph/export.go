package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/graphml"
	"github.com/claimgraph/claimgraph/seed"
)

// nquadsWriter is a store that can dump its quads (graph/cayley can).
type nquadsWriter interface {
	WriteNQuads(ctx context.Context, w io.Writer) error
}

func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	var format, out string
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.StringVar(&format, "format", "nquads", "nquads (the store's quads), json (a fact file `claimgraph seed` reads back), graphml (Gephi, yEd) or annotations (W3C Web Annotations in JSON-LD, one per claim; `claimgraph seed` reads them back from a *.annotations.jsonld file)")
	fs.StringVar(&out, "out", "", "write to this `file` instead of standard output")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Sprintf("export takes no arguments, got %q", rest)}
	}
	if format != "nquads" && format != "json" && format != "graphml" && format != "annotations" {
		return usageError{fmt.Sprintf("--format %q: want nquads, json, graphml or annotations", format)}
	}
	st, _, err := cfg.start(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()

	w := stdout
	var file *os.File
	if out != "" {
		if file, err = os.Create(out); err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	bw := bufio.NewWriter(w)
	if err := export(ctx, st, format, bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if file != nil {
		return file.Close()
	}
	return nil
}

func export(ctx context.Context, st graph.Store, format string, w io.Writer) error {
	switch format {
	case "json":
		return seed.WriteJSON(ctx, st, w)
	case "annotations":
		return seed.WriteAnnotations(ctx, st, w)
	case "graphml":
		b, err := graph.ReadAll(ctx, st)
		if err != nil {
			return err
		}
		return graphml.Write(w, b)
	}
	nq, ok := st.(nquadsWriter)
	if !ok {
		return graph.Errorf(graph.Invalid, "this store cannot export N-Quads")
	}
	return nq.WriteNQuads(ctx, w)
}
