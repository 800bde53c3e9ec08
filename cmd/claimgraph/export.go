package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/graphml"
	"github.com/claimgraph/claimgraph/schema"
	"github.com/claimgraph/claimgraph/seed"
)

// nquadsWriter is a store that can dump its quads (graph/cayley can).
type nquadsWriter interface {
	WriteNQuads(ctx context.Context, w io.Writer) error
}

func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commandFlags
	var format, out, asOf, reportedBy string
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	cfg.register(fs, getenv)
	// No backquotes in the usage: the flag package would take the quoted
	// words for the name of the flag's value.
	fs.StringVar(&format, "format", "nquads", "`format`: nquads (the store's quads), json (a fact file that claimgraph seed reads back), graphml (Gephi, yEd) or annotations (W3C Web Annotations in JSON-LD, one per claim, which claimgraph seed reads back)")
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
	if _, ok := exportFormats[format]; !ok {
		return usageError{fmt.Sprintf("--format %q: want nquads, json, graphml or annotations", format)}
	}
	for name, v := range map[string]string{"--as-of": asOf, "--reported-by": reportedBy} {
		if _, err := graph.ParseDate(v); err != nil {
			return usageError{name + ": " + err.Error()}
		}
	}
	c, err := cfg.client(fs)
	if err != nil {
		return err
	}
	if c != nil && (asOf != "" || reportedBy != "") {
		return usageError{"--as-of and --reported-by export from the store: give --store, not --server"}
	}
	var from graph.Store
	if c == nil {
		st, log, err := cfg.start(ctx, stderr)
		if err != nil {
			return err
		}
		defer st.Close()
		from = st
		if asOf != "" || reportedBy != "" {
			view, err := timeView(ctx, st, graph.Date(asOf), graph.Date(reportedBy), log)
			if err != nil {
				return err
			}
			defer view.Close()
			from = view
		}
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
	if c != nil {
		err = c.export(ctx, format, bw)
	} else {
		err = export(ctx, from, format, bw)
	}
	if err != nil {
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
	case "annotations":
		return seed.WriteAnnotations(ctx, st, w)
	case "graphml":
		b, err := graph.ReadAll(ctx, st)
		if err != nil {
			return err
		}
		return graphml.Write(w, b)
	}
	for {
		if nq, ok := st.(nquadsWriter); ok {
			return nq.WriteNQuads(ctx, w)
		}
		// A cache or instruments around the store: ask the store below.
		u, ok := st.(interface{ Unwrap() graph.Store })
		if !ok {
			return graph.Errorf(graph.Invalid, "this store cannot export N-Quads")
		}
		st = u.Unwrap()
	}
}

// exportFormats are the formats of export, with their media types.
var exportFormats = map[string]string{
	"nquads":      "application/n-quads",
	"json":        "application/json",
	"graphml":     "application/graphml+xml",
	"annotations": `application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"`,
}

// exportHandler serves GET /export?format=nquads|json|graphml|annotations (default
// nquads): the whole graph, as claimgraph export writes it. It is a read,
// open as /graphql's queries are. The export is streamed; one that fails
// on the way is cut short, so that a client never takes it for whole.
func exportHandler(st graph.Store, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		format := r.URL.Query().Get("format")
		if format == "" {
			format = "nquads"
		}
		mediaType, ok := exportFormats[format]
		if !ok {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": schema.CodeBadUserInput,
				"message": fmt.Sprintf("format %q: want nquads, json, graphml or annotations", format)}})
			return
		}
		// An export of a large store outlasts the server's write timeout.
		http.NewResponseController(w).SetWriteDeadline(time.Time{})
		w.Header().Set("Content-Type", mediaType+"; charset=utf-8")
		if r.Method == http.MethodHead {
			return
		}
		bw := bufio.NewWriterSize(w, 64<<10)
		err := export(r.Context(), st, format, bw)
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			log.ErrorContext(r.Context(), "export failed", "format", format, "err", err)
			panic(http.ErrAbortHandler)
		}
	})
}
