package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/claimgraph/claimgraph/graph"
)

// nquadsWriter is a store that can export itself as N-Quads.
type nquadsWriter interface {
	WriteNQuads(ctx context.Context, w io.Writer) error
}

// runExport writes the whole store to stdout as N-Quads, sorted, so that
// two exports of the same graph are byte for byte the same. `claimgraph
// seed FILE.nq` restores it.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	var format string
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.StringVar(&format, "format", "nquads", "output `format`: nquads")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 || format != "nquads" {
		return usageError{"export takes no arguments and --format nquads\n" + flagUsage(fs)}
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	st, err := cfg.open(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	nw, ok := st.(nquadsWriter)
	if !ok {
		return graph.Errorf(graph.Invalid, "this store cannot export N-Quads")
	}
	w := bufio.NewWriter(stdout)
	if err := nw.WriteNQuads(ctx, w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}
