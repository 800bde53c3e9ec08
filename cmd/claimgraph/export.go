package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/graphml"
	"github.com/claimgraph/claimgraph/seed"
)

// nquadsWriter is a store that can dump its quads (graph/cayley can).
type nquadsWriter interface {
	WriteNQuads(ctx context.Context, w io.Writer) error
}

func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	var format, out, asOf, reportedBy string
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.StringVar(&format, "format", "nquads", "nquads (the store's quads), json (a fact file `claimgraph seed` reads back) or graphml (Gephi, yEd)")
	fs.StringVar(&out, "out", "", "write to this `file` instead of standard output")
	fs.StringVar(&asOf, "as-of", "", "only statements valid at this `date` (YYYY, YYYY-MM or YYYY-MM-DD)")
	fs.StringVar(&reportedBy, "reported-by", "", "each statement as reported by this `date`: only its claims said (else published) by then")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Sprintf("export takes no arguments, got %q", rest)}
	}
	if format != "nquads" && format != "json" && format != "graphml" {
		return usageError{fmt.Sprintf("--format %q: want nquads, json or graphml", format)}
	}
	for name, v := range map[string]string{"--as-of": asOf, "--reported-by": reportedBy} {
		if _, err := graph.ParseDate(v); err != nil {
			return usageError{name + ": " + err.Error()}
		}
	}
	st, log, err := cfg.start(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	var from graph.Store = st
	if asOf != "" || reportedBy != "" {
		view, err := timeView(ctx, st, graph.Date(asOf), graph.Date(reportedBy), log)
		if err != nil {
			return err
		}
		defer view.Close()
		from = view
	}

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
	if err := export(ctx, from, format, bw); err != nil {
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

// timeView returns a new store in memory holding what st holds as of asOf
// and as reported by reportedBy (see graph.Batch.AsOf), for an export to
// write in any format. The caller closes it.
func timeView(ctx context.Context, st graph.Store, asOf, reportedBy graph.Date, log *slog.Logger) (*cayley.Store, error) {
	all, err := graph.ReadAll(ctx, st)
	if err != nil {
		return nil, err
	}
	view, err := cayley.Open(ctx, "memory:", cayley.Options{Logger: log.With("component", "export")})
	if err != nil {
		return nil, err
	}
	if _, err := view.Apply(ctx, all.AsOf(asOf, reportedBy), graph.ApplyOptions{}); err != nil {
		view.Close()
		return nil, err
	}
	return view, nil
}

func export(ctx context.Context, st graph.Store, format string, w io.Writer) error {
	switch format {
	case "json":
		return seed.WriteJSON(ctx, st, w)
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
