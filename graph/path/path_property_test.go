package path

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// The property tests compare the path algorithms with a brute-force
// reference on many small random graphs: the reference enumerates every
// simple path by depth-first search, applying the query's filters by its own
// reading of them, and sorts.

// randGraph is a small random claim graph.
type randGraph struct {
	ids       []string
	types     map[string]string
	sources   []graph.Source
	symmetric map[string]bool
	sts       []graph.Statement
	// n is the graph as a plain Neighbors, dense the same as an Adjacency.
	n     *memNeighbors
	dense *Adjacency
}

// ways returns the graph both ways the searches walk one (see bothWays).
func (g randGraph) ways() map[string]Neighbors {
	return map[string]Neighbors{"hops": g.n, "adjacency": g.dense}
}

// The vocabulary of random graphs.
func randRelTypes() []string    { return []string{"backs", "allied-with", "hosts"} }
func randEntityTypes() []string { return []string{"Country", "Group"} }
func randClaimants() []string   { return []string{"", "", "p1", "p2"} }
func randSources() []string     { return []string{"s1", "s2", "s3"} }

func newRandGraph(r *rand.Rand) randGraph {
	n := 3 + r.IntN(10)
	g := randGraph{types: map[string]string{}, symmetric: map[string]bool{"allied-with": true}}
	for i := range n {
		id := string(rune('a' + i))
		g.ids = append(g.ids, id)
		g.types[id] = randEntityTypes()[r.IntN(2)]
	}
	for _, s := range randSources() {
		g.sources = append(g.sources, graph.Source{ID: s, Title: "title of " + s, Reliability: pick(r, "", "", "A", "B", "C", "D", "E", "F")})
	}
	m := r.IntN(3 * n)
	perm := r.Perm(m)
	for i := range m {
		s := r.IntN(n)
		o := (s + 1 + r.IntN(n-1)) % n
		st := graph.Statement{
			ID: fmt.Sprintf("st%02d", perm[i]), Subject: g.ids[s], Type: pick(r, randRelTypes()...), Object: g.ids[o],
		}
		st.ValidFrom, st.ValidUntil = randValidity(r)
		for range r.IntN(4) {
			st.Claims = append(st.Claims, graph.Claim{
				Source: pick(r, randSources()...), Claimant: pick(r, randClaimants()...),
				Stance: pick(r, graph.Asserts, graph.Asserts, graph.Denies), Credibility: pick(r, "", "", "1", "2", "3", "4", "5", "6"),
			})
		}
		g.sts = append(g.sts, st)
	}
	g.n = newMemNeighbors(g.types, []string{"allied-with"}, g.sources, g.sts)
	g.dense = g.n.adjacency()
	return g
}

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

func randDate(r *rand.Rand) graph.Date {
	d := fmt.Sprintf("%d", 2018+r.IntN(5))
	if r.IntN(2) == 0 {
		d += fmt.Sprintf("-%02d", 1+r.IntN(12))
		if r.IntN(2) == 0 {
			d += fmt.Sprintf("-%02d", 1+r.IntN(28))
		}
	}
	return graph.Date(d)
}

func randValidity(r *rand.Rand) (from, until graph.Date) {
	if r.IntN(3) == 0 {
		from = randDate(r)
	}
	if r.IntN(3) == 0 {
		until = randDate(r)
		if from != "" && refStart(from) > refEnd(until) {
			from, until = until, from
		}
	}
	return from, until
}

// randQuery picks two distinct endpoints and random filters, each present
// about a quarter of the time.
func randQuery(r *rand.Rand, g randGraph) PathQuery {
	ends := r.Perm(len(g.ids))
	q := PathQuery{
		From: g.ids[ends[0]], To: g.ids[ends[1]],
		MaxDepth: 1 + r.IntN(min(len(g.ids), 7)), K: 1 + r.IntN(8),
		Filter: Filter{MaxExpanded: MaxMaxExpanded},
	}
	f := &q.Filter
	if r.IntN(4) == 0 {
		f.Types = subset(r, randRelTypes())
	}
	f.Direction = pick(r, "", graph.Out, graph.In, graph.Both, graph.Both)
	if r.IntN(4) == 0 {
		f.Status = subset(r, graph.Statuses)
	}
	if r.IntN(4) == 0 {
		f.EntityTypes = []string{pick(r, randEntityTypes()...)}
	}
	if r.IntN(4) == 0 && len(ends) > 2 {
		f.Exclude = []string{g.ids[ends[2+r.IntN(len(ends)-2)]]}
	}
	if r.IntN(5) == 0 {
		f.Claimant = pick(r, randClaimants()[2:]...)
	}
	if r.IntN(5) == 0 {
		f.Source = pick(r, randSources()...)
	}
	if r.IntN(4) == 0 {
		f.AsOf = randDate(r)
	}
	if r.IntN(4) == 0 {
		f.MaxDegree = 1 + r.IntN(6)
	}
	return q
}

func subset[T any](r *rand.Rand, xs []T) []T {
	var out []T
	for _, x := range xs {
		if r.IntN(2) == 0 {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		out = append(out, pick(r, xs...))
	}
	return out
}

// refPath is a path as the reference sees it.
type refPath struct {
	nodes, stmts []string
	cost         int
}

func (p refPath) String() string {
	var b strings.Builder
	b.WriteString(p.nodes[0])
	for i, s := range p.stmts {
		fmt.Fprintf(&b, " -%s- %s", s, p.nodes[i+1])
	}
	fmt.Fprintf(&b, " (cost %d)", p.cost)
	return b.String()
}

func refByLength(a, b refPath) int {
	return cmp.Or(cmp.Compare(len(a.stmts), len(b.stmts)), cmp.Compare(a.cost, b.cost), slices.Compare(a.nodes, b.nodes), slices.Compare(a.stmts, b.stmts))
}

func refByCost(a, b refPath) int { return cmp.Or(cmp.Compare(a.cost, b.cost), refByLength(a, b)) }

// refStart and refEnd are the first and last day of a date's period, as
// sortable strings.
func refStart(d graph.Date) string {
	return string(d) + map[int]string{4: "-01-01", 7: "-01", 10: ""}[len(d)]
}

func refEnd(d graph.Date) string {
	return string(d) + map[int]string{4: "-12-31", 7: "-31", 10: ""}[len(d)]
}

// refStatementOK is the reference reading of the statement filters.
func refStatementOK(f Filter, st graph.Statement) bool {
	if len(f.Types) > 0 && !slices.Contains(f.Types, st.Type) {
		return false
	}
	if len(f.Status) > 0 && !slices.Contains(f.Status, graph.DeriveStatus(st.Claims)) {
		return false
	}
	if f.AsOf != "" {
		if st.ValidFrom != "" && refStart(st.ValidFrom) > refStart(f.AsOf) {
			return false
		}
		if st.ValidUntil != "" && refStart(f.AsOf) > refEnd(st.ValidUntil) {
			return false
		}
	}
	if f.Claimant != "" || f.Source != "" {
		ok := false
		for _, c := range st.Claims {
			ok = ok || (f.Claimant == "" || c.Claimant == f.Claimant) && (f.Source == "" || c.Source == f.Source)
		}
		return ok
	}
	return true
}

// refEdge is a statement the reference may walk from an entity.
type refEdge struct {
	to string
	st graph.Statement
}

// refWalks returns the statements the reference may walk from v.
func (g randGraph) refWalks(f Filter, v string) []refEdge {
	var out []refEdge
	for _, st := range g.sts {
		var to string
		switch v {
		case st.Subject:
			to = st.Object
		case st.Object:
			to = st.Subject
		default:
			continue
		}
		forward := st.Subject == v
		dirOK := g.symmetric[st.Type] || f.Direction == graph.Both ||
			(f.Direction == graph.Out || f.Direction == "") && forward || f.Direction == graph.In && !forward
		if dirOK && refStatementOK(f, st) {
			out = append(out, refEdge{to, st})
		}
	}
	return out
}

// refAdmits reports whether the reference lets a path step onto v (not an
// endpoint): not excluded, of an allowed type.
func (g randGraph) refAdmits(f Filter, v string) bool {
	return !slices.Contains(f.Exclude, v) && (len(f.EntityTypes) == 0 || slices.Contains(f.EntityTypes, g.types[v]))
}

// refHub reports whether v has more statements than f allows to walk
// through.
func (g randGraph) refHub(f Filter, v string) bool {
	if f.MaxDegree == 0 {
		return false
	}
	deg := 0
	for _, st := range g.sts {
		if st.Subject == v || st.Object == v {
			deg++
		}
	}
	return deg > f.MaxDegree
}

func (g randGraph) refCost(st graph.Statement) int {
	return HopCost(Hop{Statement: st, Sources: g.n.sources})
}

// refPaths enumerates every simple path q allows, sorted by length, then
// cost, then ids.
func (g randGraph) refPaths(q PathQuery) []refPath {
	var out []refPath
	onPath := map[string]bool{q.From: true}
	var walk func(p refPath)
	walk = func(p refPath) {
		v := p.nodes[len(p.nodes)-1]
		if len(p.stmts) == q.MaxDepth {
			return
		}
		for _, e := range g.refWalks(q.Filter, v) {
			if onPath[e.to] {
				continue
			}
			next := refPath{
				nodes: append(slices.Clone(p.nodes), e.to), stmts: append(slices.Clone(p.stmts), e.st.ID),
				cost: p.cost + g.refCost(e.st),
			}
			if e.to == q.To {
				out = append(out, next)
				continue
			}
			if !g.refAdmits(q.Filter, e.to) || g.refHub(q.Filter, e.to) {
				continue
			}
			onPath[e.to] = true
			walk(next)
			onPath[e.to] = false
		}
	}
	walk(refPath{nodes: []string{q.From}})
	slices.SortFunc(out, refByLength)
	return out
}

// checkPaths reports the differences between got and want, and any path of
// got that is not a valid walk of g.
func (g randGraph) checkPaths(tb testing.TB, what string, q PathQuery, got []Path, want []refPath) {
	tb.Helper()
	var gotRef []refPath
	for _, p := range got {
		gotRef = append(gotRef, g.checkPath(tb, what, q, p))
	}
	if len(gotRef) != len(want) || !slices.EqualFunc(gotRef, want, func(a, b refPath) bool {
		return slices.Equal(a.nodes, b.nodes) && slices.Equal(a.stmts, b.stmts) && a.cost == b.cost
	}) {
		tb.Errorf("%s %+v:\ngot  %v\nwant %v", what, q, gotRef, want)
	}
}

// checkPath checks that p is a simple walk of g from q.From to q.To whose
// Length and Cost add up, and returns it as a refPath.
func (g randGraph) checkPath(tb testing.TB, what string, q PathQuery, p Path) refPath {
	tb.Helper()
	r := refPath{nodes: p.Nodes()}
	if p.Length != len(p.Hops) || r.nodes[0] != q.From || r.nodes[len(r.nodes)-1] != q.To {
		tb.Errorf("%s: path %v has length %d, or does not join %s to %s", what, r.nodes, p.Length, q.From, q.To)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(r.nodes)))) != len(r.nodes) {
		tb.Errorf("%s: path %v is not simple", what, r.nodes)
	}
	for i, h := range p.Hops {
		st := h.Statement
		if i > 0 && p.Hops[i-1].To != h.From ||
			h.Forward && (st.Subject != h.From || st.Object != h.To) || !h.Forward && (st.Object != h.From || st.Subject != h.To) {
			tb.Errorf("%s: hop %d of %v does not follow its statement %s", what, i, r.nodes, st.ID)
		}
		r.stmts = append(r.stmts, st.ID)
		r.cost += g.refCost(st)
	}
	if r.cost != p.Cost {
		tb.Errorf("%s: path %v costs %d, its hops %d", what, r.nodes, p.Cost, r.cost)
	}
	return r
}

// forEachRandomQuery runs check on graphs × queries random cases.
func forEachRandomQuery(t *testing.T, seed uint64, graphs, queries int, check func(t *testing.T, g randGraph, q PathQuery)) {
	r := rand.New(rand.NewPCG(seed, seed+1))
	for i := range graphs {
		g := newRandGraph(r)
		for j := range queries {
			q := randQuery(r, g)
			check(t, g, q)
			if t.Failed() {
				t.Fatalf("graph %d query %d of seed %d failed; statements:\n%s", i, j, seed, describeStatements(g.sts))
			}
		}
	}
}

func describeStatements(sts []graph.Statement) string {
	var b strings.Builder
	for _, st := range sts {
		fmt.Fprintf(&b, "  %s: %s %s %s %s [%s–%s] %v\n", st.ID, st.Subject, st.Type, st.Object, graph.DeriveStatus(st.Claims), st.ValidFrom, st.ValidUntil, st.Claims)
	}
	return b.String()
}

func TestShortestPathsMatchBruteForce(t *testing.T) {
	forEachRandomQuery(t, 1, 300, 6, func(t *testing.T, g randGraph, q PathQuery) {
		all := g.refPaths(q)
		q1 := q
		q1.K = 1
		for way, n := range g.ways() {
			got, err := ShortestPaths(t.Context(), n, q1)
			if err != nil {
				t.Fatal(err)
			}
			g.checkPaths(t, "ShortestPaths "+way, q1, got, all[:min(1, len(all))])
		}
	})
}

func TestKShortestPathsMatchBruteForce(t *testing.T) {
	var several int
	forEachRandomQuery(t, 2, 300, 6, func(t *testing.T, g randGraph, q PathQuery) {
		all := g.refPaths(q)
		want := all[:min(q.K, len(all))]
		if len(want) > 1 {
			several++
		}
		for name, run := range map[string]func(context.Context, Neighbors, PathQuery) ([]Path, error){
			"KShortestPaths": KShortestPaths, "ShortestPaths": ShortestPaths,
		} {
			for way, n := range g.ways() {
				got, err := run(t.Context(), n, q)
				if err != nil {
					t.Fatal(err)
				}
				g.checkPaths(t, name+" "+way, q, got, want)
			}
		}
	})
	if several < 200 {
		t.Errorf("only %d cases asked for several paths and had them; the generator is too sparse", several)
	}
}

func TestAllSimplePathsMatchBruteForce(t *testing.T) {
	var over int
	forEachRandomQuery(t, 3, 300, 6, func(t *testing.T, g randGraph, q PathQuery) {
		all := g.refPaths(q)
		if len(all) > 1 {
			over++
		}
		for way, n := range g.ways() {
			q := q
			q.Limit = min(max(len(all), 1), MaxPathLimit)
			got, err := AllSimplePaths(t.Context(), n, q)
			if len(all) > MaxPathLimit {
				if graph.ErrorCode(err) != graph.Invalid {
					t.Errorf("%s: %d paths over the cap: err = %v, want Invalid", way, len(all), err)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			g.checkPaths(t, "AllSimplePaths "+way, q, got, all)
			if len(all) > 1 {
				q.Limit = len(all) - 1
				if _, err := AllSimplePaths(t.Context(), n, q); graph.ErrorCode(err) != graph.Invalid {
					t.Errorf("%s: limit %d of %d paths: err = %v, want Invalid", way, q.Limit, len(all), err)
				}
			}
		}
	})
	if over < 100 {
		t.Errorf("only %d cases had more than one path; the generator is too sparse", over)
	}
}

func TestMostCrediblePathsMatchBruteForce(t *testing.T) {
	forEachRandomQuery(t, 4, 300, 6, func(t *testing.T, g randGraph, q PathQuery) {
		all := g.refPaths(q)
		slices.SortFunc(all, refByCost)
		for way, n := range g.ways() {
			got, err := MostCrediblePaths(t.Context(), n, q)
			if err != nil {
				t.Fatal(err)
			}
			g.checkPaths(t, "MostCrediblePaths "+way, q, got, all[:min(q.K, len(all))])
		}
	})
}

// TestBudgetGivesAllOrError checks that a budget never yields a partial
// answer: with any budget, each algorithm returns the unbudgeted answer or
// Invalid.
func TestBudgetGivesAllOrError(t *testing.T) {
	algorithms := map[string]func(context.Context, Neighbors, PathQuery) ([]Path, error){
		"ShortestPaths": ShortestPaths, "KShortestPaths": KShortestPaths,
		"AllSimplePaths": AllSimplePaths, "MostCrediblePaths": MostCrediblePaths,
	}
	r := rand.New(rand.NewPCG(5, 6))
	outcomes := map[string]int{}
	forEachRandomQuery(t, 5, 150, 4, func(t *testing.T, g randGraph, q PathQuery) {
		q.Limit = MaxPathLimit
		for name, run := range algorithms {
			budget := 1 + r.IntN(30)
			for way, n := range g.ways() {
				want, err := run(t.Context(), n, q)
				if err != nil {
					continue
				}
				bq := q
				bq.MaxExpanded = budget
				got, err := run(t.Context(), n, bq)
				switch {
				case graph.ErrorCode(err) == graph.Invalid:
					outcomes["error"]++
				case err != nil:
					t.Fatalf("%s %s with budget %d: %v", name, way, bq.MaxExpanded, err)
				case !slices.EqualFunc(got, want, func(a, b Path) bool { return a.key() == b.key() }):
					t.Errorf("%s %s with budget %d gave %d paths, without %d", name, way, bq.MaxExpanded, len(got), len(want))
				default:
					outcomes["answer"]++
				}
			}
		}
	})
	if outcomes["error"] < 50 || outcomes["answer"] < 50 {
		t.Errorf("outcomes %v: budgets should both fail and suffice often", outcomes)
	}
}

func TestNeighborhoodMatchesBruteForce(t *testing.T) {
	forEachRandomQuery(t, 7, 300, 4, func(t *testing.T, g randGraph, q PathQuery) {
		nq := NeighborhoodQuery{ID: q.From, Depth: q.MaxDepth % 4, MaxNodes: MaxMaxNodes, Filter: q.Filter}
		wantNodes, wantStmts := g.refNeighborhood(nq)
		for way, n := range g.ways() {
			sg, err := Neighborhood(t.Context(), n, nq)
			if err != nil {
				t.Fatal(err)
			}
			var gotStmts []string
			for _, h := range sg.Hops {
				gotStmts = append(gotStmts, h.Statement.ID)
			}
			slices.Sort(gotStmts)
			if !slices.Equal(sg.Nodes, wantNodes) || !slices.Equal(gotStmts, wantStmts) {
				t.Errorf("Neighborhood %s %+v:\nnodes %v\nwant  %v\nstatements %v\nwant       %v", way, nq, sg.Nodes, wantNodes, gotStmts, wantStmts)
			}
		}
	})
}

// refNeighborhood is the reference neighbourhood: a plain BFS.
func (g randGraph) refNeighborhood(q NeighborhoodQuery) ([]SubgraphNode, []string) {
	depth := q.Depth
	if depth == 0 {
		depth = 1
	}
	dist := map[string]int{q.ID: 0}
	stmts := map[string]bool{}
	frontier := []string{q.ID}
	for d := 1; d <= depth; d++ {
		var next []string
		for _, v := range frontier {
			if v != q.ID && g.refHub(q.Filter, v) {
				continue
			}
			for _, e := range g.refWalks(q.Filter, v) {
				if _, seen := dist[e.to]; !seen {
					if !g.refAdmits(q.Filter, e.to) {
						continue
					}
					dist[e.to] = d
					next = append(next, e.to)
				}
				stmts[e.st.ID] = true
			}
		}
		frontier = next
	}
	var nodes []SubgraphNode
	for id, d := range dist {
		nodes = append(nodes, SubgraphNode{id, d})
	}
	slices.SortFunc(nodes, func(a, b SubgraphNode) int { return cmp.Or(cmp.Compare(a.Depth, b.Depth), strings.Compare(a.ID, b.ID)) })
	return nodes, slices.Sorted(maps.Keys(stmts))
}

// TestAdjacencyAgreesWithHops runs every search on random graphs both ways,
// through a plain Neighbors and through an Adjacency, and wants exactly the
// same answers and errors: also when a budget runs out, with hubs, and on
// graphs with self-loops and statements whose other end is no entity
// (which a store would refuse, but a Neighbors may still return).
func TestAdjacencyAgreesWithHops(t *testing.T) {
	algorithms := map[string]func(context.Context, Neighbors, PathQuery) ([]Path, error){
		"ShortestPaths": ShortestPaths, "KShortestPaths": KShortestPaths,
		"AllSimplePaths": AllSimplePaths, "MostCrediblePaths": MostCrediblePaths,
		"Neighborhood": func(ctx context.Context, n Neighbors, q PathQuery) ([]Path, error) {
			sg, err := Neighborhood(ctx, n, NeighborhoodQuery{ID: q.From, Depth: q.MaxDepth % 4, MaxNodes: 1 + q.K, Filter: q.Filter})
			// One path of the walked hops, and the nodes as its cost.
			return []Path{{Hops: sg.Hops, Cost: len(sg.Nodes)}}, err
		},
	}
	r := rand.New(rand.NewPCG(8, 9))
	outcomes := map[string]int{}
	for i := range 300 {
		g := newRandGraph(r)
		claims := []graph.Claim{{Source: "s1", Stance: graph.Asserts}}
		for j := range r.IntN(3) {
			v := pick(r, g.ids...)
			g.n.add(graph.Statement{ID: fmt.Sprintf("loop%d", j), Subject: v, Type: pick(r, randRelTypes()...), Object: v, Claims: claims})
		}
		for j := range r.IntN(3) {
			st := graph.Statement{ID: fmt.Sprintf("gone%d", j), Subject: pick(r, g.ids...), Type: pick(r, randRelTypes()...), Object: "c-gone", Claims: claims}
			if r.IntN(2) == 0 {
				st.Subject, st.Object = st.Object, st.Subject
			}
			g.n.add(st)
		}
		ways := bothWays(g.n)
		for j := range 6 {
			q := randQuery(r, g)
			q.Limit = 1 + r.IntN(20)
			if r.IntN(3) == 0 {
				q.MaxExpanded = 1 + r.IntN(30)
			}
			if r.IntN(8) == 0 {
				q.Exclude = append(q.Exclude, "c-gone", "nowhere")
			}
			for name, run := range algorithms {
				want, err1 := run(t.Context(), ways["hops"], q)
				got, err2 := run(t.Context(), ways["adjacency"], q)
				if fmt.Sprint(err1) != fmt.Sprint(err2) || !reflect.DeepEqual(got, want) {
					t.Fatalf("graph %d query %d: %s %+v\nadjacency: %v %v\nhops:      %v %v\nstatements:\n%s",
						i, j, name, q, got, err2, want, err1, describeStatements(g.sts))
				}
				switch {
				case err1 != nil:
					outcomes[graph.ErrorCode(err1)]++
				case len(want) > 0 && len(want[0].Hops) > 0:
					outcomes["paths"]++
				}
			}
		}
	}
	if outcomes["paths"] < 1000 || outcomes[graph.Invalid] < 100 || outcomes[graph.NotFound] < 20 {
		t.Errorf("outcomes %v: the cases should often find paths, and fail both ways", outcomes)
	}
}
