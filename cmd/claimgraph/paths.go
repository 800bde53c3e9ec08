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
	var cfg commandFlags
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

	if c, err := cfg.client(fs); err != nil {
		return err
	} else if c != nil {
		return pathsServer(ctx, c, q, mode, stdout)
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
	names := entityNames(ctx, st)
	label := func(t string) string {
		if rt, ok := ont.RelationType(t); ok && rt.Label != "" {
			return rt.Label
		}
		return t
	}
	printed := make([]printedPath, len(paths))
	for i, p := range paths {
		printed[i] = printedPath{Nodes: p.Nodes(), Length: p.Length, Cost: p.Cost}
		printed[i].Lines = strings.Split(p.Explain(names, label), "\n")
	}
	printPaths(stdout, q, printed)
	return nil
}

// printedPath is a path as the command prints it.
type printedPath struct {
	Nodes  []string
	Length int
	Cost   int
	Lines  []string // one explanation a hop
}

// printPaths prints the paths, or says that there is none. The cost is in
// the API's integer units: a hop one ungraded source reports costs
// path.CostUnit.
func printPaths(w io.Writer, q path.PathQuery, paths []printedPath) {
	if len(paths) == 0 {
		depth := q.MaxDepth
		if depth == 0 {
			depth = path.DefaultMaxDepth
		}
		fmt.Fprintf(w, "no path from %s to %s within %d hops with these filters\n", q.From, q.To, depth)
		return
	}
	for i, p := range paths {
		fmt.Fprintf(w, "%d. %s  (%d hops, cost %d)\n", i+1, strings.Join(p.Nodes, " → "), p.Length, p.Cost)
		for _, l := range p.Lines {
			fmt.Fprintf(w, "   %s\n", l)
		}
	}
}

// pathsServer asks a server for the paths and prints them as the local
// search does.
func pathsServer(ctx context.Context, c *client, q path.PathQuery, mode string, stdout io.Writer) error {
	vars := map[string]any{"from": q.From, "to": q.To, "k": q.K, "mode": strings.ToUpper(mode), "direction": string(q.Direction)}
	decl := []string{"$from: ID!", "$to: ID!", "$k: Int", "$mode: PathMode", "$direction: Direction"}
	args := []string{"from: $from", "to: $to", "k: $k", "mode: $mode", "direction: $direction"}
	opt := func(name, typ string, v any, set bool) {
		if set {
			vars[name] = v
			decl = append(decl, "$"+name+": "+typ)
			args = append(args, name+": $"+name)
		}
	}
	opt("maxDepth", "Int", q.MaxDepth, q.MaxDepth > 0)
	opt("limit", "Int", q.Limit, q.Limit > 0)
	opt("types", "[String!]", q.Types, len(q.Types) > 0)
	opt("status", "[Status!]", q.Status, len(q.Status) > 0)
	opt("exclude", "[ID!]", q.Exclude, len(q.Exclude) > 0)
	opt("asOf", "String", string(q.AsOf), q.AsOf != "")
	opt("maxExpanded", "Int", q.MaxExpanded, q.MaxExpanded > 0)
	query := fmt.Sprintf("query Paths(%s) { paths(%s) { length cost hops { from { id } to { id } explanation } } }",
		strings.Join(decl, ", "), strings.Join(args, ", "))
	var data struct {
		Paths []struct {
			Length, Cost int
			Hops         []struct {
				From, To    struct{ ID string }
				Explanation string
			}
		}
	}
	if _, err := c.graphQL(ctx, query, vars, &data); err != nil {
		return err
	}
	printed := make([]printedPath, len(data.Paths))
	for i, p := range data.Paths {
		printed[i] = printedPath{Length: p.Length, Cost: p.Cost}
		for j, h := range p.Hops {
			if j == 0 {
				printed[i].Nodes = append(printed[i].Nodes, h.From.ID)
			}
			printed[i].Nodes = append(printed[i].Nodes, h.To.ID)
			printed[i].Lines = append(printed[i].Lines, h.Explanation)
		}
	}
	printPaths(stdout, q, printed)
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
