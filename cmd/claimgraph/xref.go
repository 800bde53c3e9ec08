package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/user"
	"strings"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/xref"
)

// runXref lists the pairs of entities that may be one, best first, with
// their scores and reasons; judged pairs are left out.
func runXref(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	var typ string
	var limit int
	fs := flag.NewFlagSet("xref", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.StringVar(&typ, "type", "", "only entities of this entity `TYPE`")
	fs.IntVar(&limit, "limit", 20, "most candidates to list (0: all)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 || limit < 0 {
		return usageError{"xref takes only flags\n" + flagUsage(fs)}
	}
	st, log, err := cfg.start(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	cands, stats, err := candidates(ctx, st, typ)
	if err != nil {
		return err
	}
	log.Info("cross-referenced", "entities", stats.Entities, "blocks", stats.Blocks, "pairs", stats.Pairs,
		"candidates", len(cands), "took", time.Since(start).Round(time.Millisecond))
	if len(cands) == 0 {
		fmt.Fprintln(stdout, "no candidates")
		return nil
	}
	if limit > 0 && len(cands) > limit {
		cands = cands[:limit]
	}
	for i, c := range cands {
		fmt.Fprintf(stdout, "%d. %s ~ %s  (%s, score %.3f)\n", i+1, c.A, c.B, c.Type, c.Score)
		for _, r := range c.Reasons {
			fmt.Fprintf(stdout, "   %s %.3f: %s\n", r.Kind, r.Weight, r.Detail)
		}
	}
	return nil
}

// candidates scans the store and cross-references it, leaving out the
// judged pairs.
func candidates(ctx context.Context, st graph.Store, typ string) ([]xref.Candidate, xref.Stats, error) {
	sc, ok := graph.Capability[graph.Scanner](st)
	if !ok {
		return nil, xref.Stats{}, graph.Errorf(graph.Internal, "this store cannot be scanned")
	}
	if typ != "" {
		ont, err := st.Ontology(ctx)
		if err != nil {
			return nil, xref.Stats{}, err
		}
		if _, ok := ont.EntityType(typ); !ok {
			return nil, xref.Stats{}, graph.Errorf(graph.Invalid, "unknown entity type %s", graph.Quote(typ))
		}
	}
	judged := map[[2]string]bool{}
	if j, ok := graph.Capability[graph.Judge](st); ok {
		list, err := j.Judgements(ctx)
		if err != nil {
			return nil, xref.Stats{}, err
		}
		for _, x := range list {
			judged[[2]string{x.A, x.B}] = true
		}
	}
	snap, err := sc.Scan(ctx)
	if err != nil {
		return nil, xref.Stats{}, err
	}
	return xref.Candidates(ctx, &snap, xref.Options{Type: typ, Judged: func(a, b string) bool { return judged[[2]string{a, b}] }})
}

// osUser names who runs a command that records its author.
func osUser(getenv func(string) string) string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := getenv("USER"); u != "" {
		return u
	}
	return "anonymous"
}

// runJudge stores a judgement on a pair of entities.
func runJudge(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	fs := flag.NewFlagSet("judge", flag.ContinueOnError)
	cfg.register(fs, getenv)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 3 || !graph.Verdict(rest[2]).Valid() {
		return usageError{"judge takes A B same|different|unsure\n" + flagUsage(fs)}
	}
	st, _, err := cfg.start(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	j := graph.Judgement{A: rest[0], B: rest[1], Verdict: graph.Verdict(rest[2]), By: osUser(getenv)}
	if err := st.Judge(ctx, j); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "judged %s ~ %s: %s (by %s)\n", rest[0], rest[1], rest[2], j.By)
	return nil
}

// runMerge merges entities into one kept entity; with --undo it undoes the
// merge of a merged id.
func runMerge(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	var undo bool
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.BoolVar(&undo, "undo", false, "undo the merge of the one merged id given")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if (undo && len(rest) != 1) || (!undo && len(rest) < 2) {
		return usageError{"merge takes KEEP MERGED..., or --undo MERGED\n" + flagUsage(fs)}
	}
	st, _, err := cfg.start(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	if undo {
		rec, err := st.Unmerge(ctx, rest[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "unmerged %s from %s: restored as before the merge\n", strings.Join(rec.Merged, ", "), rec.Keep)
		return nil
	}
	rec, err := st.Merge(ctx, rest[0], rest[1:], osUser(getenv))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "merged %s into %s: %d statements moved, %d joined, %d claims and %d aliases gained; undo with claimgraph merge --undo %s\n",
		strings.Join(rec.Merged, ", "), rec.Keep, rec.Statements, rec.Joined, rec.Claims, rec.Aliases, rec.Merged[0])
	return nil
}
