package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/path"
)

func runPaths(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	var q path.PathQuery
	var mode, types, status, direction, exclude, timeFlow string
	var allowUndated bool
	fs := flag.NewFlagSet("paths", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.IntVar(&q.MaxDepth, "max-depth", 0, fmt.Sprintf("longest path in hops (default %d)", path.DefaultMaxDepth))
	fs.IntVar(&q.K, "k", 3, "how many paths (shortest and credible modes)")
	fs.IntVar(&q.Limit, "limit", 0, fmt.Sprintf("most paths in mode all (default %d)", path.DefaultPathLimit))
	fs.StringVar(&mode, "mode", "shortest", "shortest, credible or all")
	fs.StringVar(&types, "types", "", "comma-separated relation types to walk")
	fs.StringVar(&status, "status", "", "comma-separated statuses to walk (REPORTED,ALLEGED,DISPUTED,DENIED)")
	fs.StringVar(&direction, "direction", "both", "out, in or both")
	fs.StringVar(&exclude, "exclude", "", "comma-separated entity ids not to pass through")
	fs.StringVar((*string)(&q.AsOf), "as-of", "", "walk only statements valid at this date")
	fs.StringVar((*string)(&q.ReportedBy), "reported-by", "", "walk each statement as reported by this date (only its claims said, else published, by then)")
	fs.StringVar(&timeFlow, "time-flow", "", "only paths whose hops follow each other in time, each starting within this `gap` of the one before (ISO 8601: P1Y, P6M, P2W)")
	fs.BoolVar(&allowUndated, "allow-undated", false, "with --time-flow, walk hops of unknown start too")
	fs.IntVar(&q.MaxExpanded, "max-expanded", 0, fmt.Sprintf("work budget in expanded entities (default %d)", path.DefaultMaxExpanded))
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return usageError{"paths takes two entity ids: claimgraph paths india afghan-taliban"}
	}
	q.From, q.To = rest[0], rest[1]
	if q.K < 1 {
		return usageError{fmt.Sprintf("--k %d: want at least 1", q.K)}
	}
	q.Types, q.Exclude = splitList(types), splitList(exclude)
	for _, s := range splitList(status) {
		q.Status = append(q.Status, graph.Status(strings.ToUpper(s)))
	}
	q.Direction = graph.Direction(strings.ToUpper(direction))
	if q.Direction != graph.Out && q.Direction != graph.In && q.Direction != graph.Both {
		return usageError{fmt.Sprintf("--direction %q: want out, in or both", direction)}
	}
	if _, err := graph.ParseDate(string(q.AsOf)); err != nil {
		return usageError{"--as-of: " + err.Error()}
	}
	if _, err := graph.ParseDate(string(q.ReportedBy)); err != nil {
		return usageError{"--reported-by: " + err.Error()}
	}
	if timeFlow != "" {
		gap, err := graph.ParseDuration(timeFlow)
		if err != nil {
			return usageError{"--time-flow: " + err.Error()}
		}
		q.TimeFlow = &path.TimeFlow{MaxGap: gap, AllowUndated: allowUndated}
	} else if allowUndated {
		return usageError{"--allow-undated goes with --time-flow"}
	}
	search, ok := map[string]func(context.Context, path.Neighbors, path.PathQuery) ([]path.Path, error){
		"shortest": path.ShortestPaths,
		"credible": path.MostCrediblePaths,
		"all":      path.AllSimplePaths,
	}[mode]
	if !ok {
		return usageError{fmt.Sprintf("--mode %q: want shortest, credible or all", mode)}
	}

	st, _, err := cfg.startCached(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	ont, err := st.Ontology(ctx)
	if err != nil {
		return err
	}
	for _, id := range []*string{&q.From, &q.To} {
		to, moved, err := graph.Resolve(ctx, st, *id)
		if err != nil {
			return err
		}
		if moved {
			fmt.Fprintf(stderr, "note: %s was merged into %s; following the redirect\n", *id, to)
			*id = to
		}
	}
	// A one-shot command never finds a current adjacency index (it lives
	// in memory, see graph/cache), and building one scans the whole store:
	// it reads the store through the cache instead.
	paths, err := search(ctx, path.StoreNeighbors(st, ont), q)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fmt.Fprintf(stdout, "no path from %s to %s within %d hops with these filters\n", q.From, q.To, max(q.MaxDepth, path.DefaultMaxDepth))
		return nil
	}
	names := entityNames(ctx, st)
	label := func(t string) string {
		if rt, ok := ont.RelationType(t); ok && rt.Label != "" {
			return rt.Label
		}
		return t
	}
	for i, p := range paths {
		fmt.Fprintf(stdout, "%d. %s  (%d hops, cost %.1f)\n", i+1, strings.Join(p.Nodes(), " → "), p.Length, float64(p.Cost)/path.CostUnit)
		for _, line := range strings.Split(p.Explain(names, label), "\n") {
			fmt.Fprintf(stdout, "   %s\n", line)
		}
	}
	return nil
}

// entityNames returns a lookup of entity names that reads each entity once.
func entityNames(ctx context.Context, st graph.Store) func(string) string {
	memo := map[string]string{}
	return func(id string) string {
		if n, ok := memo[id]; ok {
			return n
		}
		e, err := st.Entity(ctx, id)
		if err != nil {
			memo[id] = ""
			return ""
		}
		memo[id] = e.Name
		return e.Name
	}
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
