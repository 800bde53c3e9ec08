package path

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
)

// normalize fills the defaults of q and checks its bounds and values.
func (q *PathQuery) normalize() error {
	if q.From == "" || q.To == "" {
		return graph.Errorf(graph.Invalid, "a path query needs both from and to")
	}
	if q.From == q.To {
		return graph.Errorf(graph.Invalid, "from and to are the same entity %q", q.From)
	}
	if slices.Contains(q.Exclude, q.From) || slices.Contains(q.Exclude, q.To) {
		return graph.Errorf(graph.Invalid, "exclude may not name an endpoint of the query")
	}
	var err error
	if q.MaxDepth, err = bounded("maxDepth", q.MaxDepth, DefaultMaxDepth, MaxMaxDepth); err != nil {
		return err
	}
	if q.K, err = bounded("k", q.K, DefaultK, MaxK); err != nil {
		return err
	}
	if q.Limit, err = bounded("limit", q.Limit, DefaultPathLimit, MaxPathLimit); err != nil {
		return err
	}
	return q.Filter.normalize()
}

// normalize fills the defaults of f and checks its values.
func (f *Filter) normalize() error {
	switch f.Direction {
	case "":
		f.Direction = graph.Out
	case graph.Out, graph.In, graph.Both:
	default:
		return graph.Errorf(graph.Invalid, "direction %q must be OUT, IN or BOTH", f.Direction)
	}
	for _, s := range f.Status {
		if !s.Valid() {
			return graph.Errorf(graph.Invalid, "status %q must be one of %v", s, graph.Statuses)
		}
	}
	if _, err := graph.ParseDate(string(f.AsOf)); err != nil {
		return graph.Errorf(graph.Invalid, "asOf: %v", err)
	}
	if _, err := graph.ParseDate(string(f.ReportedBy)); err != nil {
		return graph.Errorf(graph.Invalid, "reportedBy: %v", err)
	}
	if f.MaxDegree < 0 {
		return graph.Errorf(graph.Invalid, "maxDegree must not be negative")
	}
	var err error
	f.MaxExpanded, err = bounded("maxExpanded", f.MaxExpanded, DefaultMaxExpanded, MaxMaxExpanded)
	return err
}

// bounded returns v, or def when v is 0; it rejects v outside 1…limit.
func bounded(name string, v, def, limit int) (int, error) {
	if v == 0 {
		return def, nil
	}
	if v < 0 || v > limit {
		return 0, graph.Errorf(graph.Invalid, "%s must be between 1 and %d, not %d", name, limit, v)
	}
	return v, nil
}

// search is the state of one query: the filter, the graph it walks and the
// work done. It is not safe for concurrent use; done returns its working
// memory to the pool.
//
// The algorithms walk entity numbers and hop numbers: the hops of entity v
// are numbered lo[v] to hi[v]-1, sorted by To, then statement id; hop(j)
// is hop j and to[j] the number of its To. With an Adjacency (see
// DenseNeighbors) these are its arrays, numbered in id order. Otherwise the
// search numbers entities as it meets them, and numbers the hops of each
// entity it fetches from Neighbors (pointing into the slice Neighbors
// returned), keeping only those that pass the statement filters; ties
// between entities are then broken by comparing their ids (see
// compareNodes).
type search struct {
	n Neighbors
	g *Adjacency // nil: entities are numbered as they are met
	f Filter
	// ends are the query's endpoints, exempt from the entity filters.
	ends     []int32
	expanded int

	ids []string
	num map[string]int32 // without g: id → number
	// lo[v] is -1 until v's hops are fetched (with g: when v is no entity).
	lo, hi []int32
	deg    []int32 // without g: the degree of a fetched entity
	ptrs   []*Hop  // without g: the hops
	to     []int32
	flags  []uint8 // hopForward, hopSymmetric
	rel    []int32 // with g: the relation type of a hop (see keeps)

	// keepAll: every hop passes the statement filters (always true
	// without g, which keeps only those that do). Otherwise relOK says
	// which relation types do, and slowKeep that keep must be asked too.
	keepAll, slowKeep bool
	relOK             []bool
	// walk[r][flags] reports whether the filter's direction lets a hop
	// with these flags be walked forward (r = 0) or backwards (r = 1).
	walk [2][4]bool
	// entityFilter: the filter excludes entities or selects entity types.
	entityFilter bool
	costs        map[int32]int // HopCost by hop, computed on first use
	sc           *scratch
}

// withSearch normalizes q, starts a search between its ends and runs f on
// it, giving the search's scratch space back when f returns. f sees q
// normalized.
func withSearch(ctx context.Context, n Neighbors, q *PathQuery, f func(s *search) ([]Path, error)) ([]Path, error) {
	if err := q.normalize(); err != nil {
		return nil, err
	}
	s, err := newSearch(ctx, n, q.Filter, q.From, q.To)
	if err != nil {
		return nil, err
	}
	defer s.done()
	return f(s)
}

// newSearch starts a query from ends with filter f, walking n's Adjacency
// when n is a DenseNeighbors that has one. It returns NotFound unless every
// endpoint exists.
func newSearch(ctx context.Context, n Neighbors, f Filter, ends ...string) (*search, error) {
	s := &search{n: n, f: f, sc: getScratch()}
	// A statement as reported by a date is not the one the Adjacency
	// holds: such a query walks the hops Neighbors gives, narrowed.
	if d, ok := n.(DenseNeighbors); ok && f.ReportedBy == "" {
		g, err := d.Adjacency(ctx)
		if err != nil {
			s.done()
			return nil, err
		}
		s.g = g
	}
	if g := s.g; g != nil {
		s.ids, s.lo, s.hi, s.to, s.flags, s.rel = g.ids, g.lo, g.hi, g.to, g.flags, g.rel
		s.slowKeep = len(f.Status) > 0 || f.AsOf != "" || f.Claimant != "" || f.Source != ""
		s.keepAll = len(f.Types) == 0 && !s.slowKeep
		if len(f.Types) > 0 {
			s.relOK = make([]bool, len(g.rels))
			for i, t := range g.rels {
				s.relOK[i] = slices.Contains(f.Types, t)
			}
		}
	} else {
		s.num, s.keepAll = map[string]int32{}, true
	}
	for _, id := range ends {
		var err error
		if s.g != nil {
			_, err = s.g.EntityType(ctx, id)
		} else {
			_, err = n.EntityType(ctx, id)
		}
		if err != nil {
			s.done()
			return nil, err
		}
		s.ends = append(s.ends, s.node(id))
	}
	for r, reverse := range []bool{false, true} {
		for fl := range uint8(4) {
			switch forward := fl&hopForward != 0; {
			case fl&hopSymmetric != 0 || f.Direction == graph.Both:
				s.walk[r][fl] = true
			case f.Direction == graph.In:
				s.walk[r][fl] = forward == reverse
			default:
				s.walk[r][fl] = forward != reverse
			}
		}
	}
	s.sc.admit.reset(len(s.ids))
	s.sc.kept.reset(0)
	s.entityFilter = len(f.Exclude) > 0 || len(f.EntityTypes) > 0
	for _, id := range f.Exclude {
		if v := s.node(id); v >= 0 {
			s.sc.admit.set(v, false)
		}
	}
	return s, nil
}

// done ends the query, returning its working memory.
func (s *search) done() {
	putScratch(s.sc)
	s.sc = nil
}

// node returns the number of id: without g, a new number if id is new;
// with g, -1 if g does not know id.
func (s *search) node(id string) int32 {
	if s.g != nil {
		if v, ok := s.g.num[id]; ok {
			return v
		}
		return -1
	}
	if v, ok := s.num[id]; ok {
		return v
	}
	v := int32(len(s.ids))
	s.num[id] = v
	s.ids, s.lo, s.hi, s.deg = append(s.ids, id), append(s.lo, -1), append(s.hi, -1), append(s.deg, 0)
	return v
}

// compareNodes orders entities by id.
func (s *search) compareNodes(a, b int32) int {
	if s.g != nil {
		return cmp.Compare(a, b)
	}
	return strings.Compare(s.ids[a], s.ids[b])
}

// sortNodes sorts entities by id.
func (s *search) sortNodes(vs []int32) {
	if s.g != nil {
		slices.Sort(vs)
	} else {
		slices.SortFunc(vs, s.compareNodes)
	}
}

// isEnd reports whether v is an endpoint of the query.
func (s *search) isEnd(v int32) bool { return slices.Contains(s.ends, v) }

// expand counts one expansion of v against the budget and returns the span
// of its hops. It also checks ctx.
func (s *search) expand(ctx context.Context, v int32) (lo, hi int32, err error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, err
	}
	if s.expanded >= s.f.MaxExpanded {
		return 0, 0, graph.Errorf(graph.Invalid, "search expanded %d entities (maxExpanded); narrow the query with types, status or a lower maxDepth, or raise maxExpanded (at most %d)",
			s.expanded, MaxMaxExpanded)
	}
	s.expanded++
	return s.span(ctx, v)
}

// span returns the span of v's hops, fetching them once per query.
func (s *search) span(ctx context.Context, v int32) (lo, hi int32, err error) {
	if s.lo[v] < 0 {
		if err := s.fetch(ctx, v); err != nil {
			return 0, 0, err
		}
	}
	return s.lo[v], s.hi[v], nil
}

// fetch asks Neighbors for the hops of v and appends those that pass the
// statement filters (self-loops never do), sorted. With g, whose entities
// have their hops already, v is no entity.
func (s *search) fetch(ctx context.Context, v int32) error {
	id := s.ids[v]
	if s.g != nil {
		return graph.Errorf(graph.NotFound, "no entity %q", id)
	}
	raw, err := s.n.Hops(ctx, id)
	if err != nil {
		return err
	}
	lo := len(s.ptrs)
	for i := range raw {
		h := &raw[i]
		if h.From != id || h.To == id {
			continue
		}
		if s.f.ReportedBy != "" {
			var ok bool
			if h, ok = asReported(h, s.f.ReportedBy); !ok {
				continue
			}
		}
		if s.keep(&h.Statement) {
			s.ptrs = append(s.ptrs, h)
		}
	}
	slices.SortFunc(s.ptrs[lo:], func(a, b *Hop) int {
		return cmp.Or(strings.Compare(a.To, b.To), strings.Compare(a.Statement.ID, b.Statement.ID))
	})
	for _, h := range s.ptrs[lo:] {
		s.to, s.flags = append(s.to, s.node(h.To)), append(s.flags, hopFlags(h))
	}
	s.lo[v], s.hi[v], s.deg[v] = int32(lo), int32(len(s.ptrs)), int32(len(raw))
	return nil
}

// hop returns hop j.
func (s *search) hop(j int32) *Hop {
	if s.g != nil {
		return &s.g.hops[j]
	}
	return s.ptrs[j]
}

// compareHops orders hops by To, then statement id.
func compareHops(a, b Hop) int {
	return cmp.Or(strings.Compare(a.To, b.To), strings.Compare(a.Statement.ID, b.Statement.ID))
}

// keeps reports whether hop j passes the filter's statement conditions.
func (s *search) keeps(j int32) bool {
	if s.keepAll {
		return true
	}
	if s.relOK != nil && !s.relOK[s.rel[j]] {
		return false
	}
	if !s.slowKeep {
		return true
	}
	if k, ok := s.sc.kept.get(j); ok {
		return k
	}
	k := s.keep(&s.hop(j).Statement)
	s.sc.kept.set(j, k)
	return k
}

// usable reports whether hop j of v may be walked from v, or with reverse
// from its To to v: it passes the statement filters and the direction, is
// no self-loop, and b does not block it.
func (s *search) usable(v, j int32, reverse bool, b *blocks) bool {
	w, r := s.to[j], 0
	if reverse {
		r = 1
	}
	if w == v || !s.walk[r][s.flags[j]] || !s.keeps(j) {
		return false
	}
	if b == nil || len(b.statements) == 0 {
		return true
	}
	from := v
	if reverse {
		from = w
	}
	return from != b.spur || !slices.Contains(b.statements, s.hop(j).Statement.ID)
}

// cost returns the HopCost of hop j.
func (s *search) cost(j int32) int {
	if s.g != nil {
		return int(s.g.cost[j])
	}
	if c, ok := s.costs[j]; ok {
		return c
	}
	if s.costs == nil {
		s.costs = map[int32]int{}
	}
	c := HopCost(*s.hop(j))
	s.costs[j] = c
	return c
}

// degree returns the number of hops v has, before filtering. Its hops are
// fetched.
func (s *search) degree(v int32) int {
	if s.g != nil {
		return int(s.hi[v] - s.lo[v])
	}
	return int(s.deg[v])
}

// hub reports whether v is too connected to walk through. Endpoints never
// are.
func (s *search) hub(ctx context.Context, v int32) (bool, error) {
	if s.f.MaxDegree == 0 || s.isEnd(v) {
		return false, nil
	}
	if _, _, err := s.span(ctx, v); err != nil {
		return false, err
	}
	return s.degree(v) > s.f.MaxDegree, nil
}

// admits reports whether v passes the entity filters (Exclude,
// EntityTypes). Endpoints always do. The hub guard is separate (see hub),
// since it needs the entity's hops.
func (s *search) admits(ctx context.Context, v int32) (bool, error) {
	if !s.entityFilter || s.isEnd(v) {
		return true, nil
	}
	if ok, seen := s.sc.admit.get(v); seen {
		return ok, nil
	}
	if len(s.f.EntityTypes) == 0 {
		return true, nil
	}
	var t string
	switch {
	case s.g == nil:
		var err error
		if t, err = s.n.EntityType(ctx, s.ids[v]); err != nil {
			return false, err
		}
	case s.lo[v] < 0:
		return false, graph.Errorf(graph.NotFound, "no entity %q", s.ids[v])
	default:
		t = s.g.types[v]
	}
	ok := slices.Contains(s.f.EntityTypes, t)
	s.sc.admit.set(v, ok)
	return ok, nil
}

// keep reports whether st passes the filter's statement conditions.
func (s *search) keep(st *graph.Statement) bool {
	f := &s.f
	if len(f.Types) > 0 && !slices.Contains(f.Types, st.Type) {
		return false
	}
	if len(f.Status) > 0 && !slices.Contains(f.Status, st.Status()) {
		return false
	}
	if f.AsOf != "" && !validAt(st, f.AsOf) {
		return false
	}
	if f.Claimant == "" && f.Source == "" {
		return true
	}
	return slices.ContainsFunc(st.Claims, func(c graph.Claim) bool {
		return (f.Claimant == "" || c.Claimant == f.Claimant) && (f.Source == "" || c.Source == f.Source)
	})
}

// validAt reports whether st holds at date d; see Filter.AsOf.
func validAt(st *graph.Statement, d graph.Date) bool {
	if st.ValidFrom != "" && st.ValidFrom.Compare(d) > 0 {
		return false
	}
	u := st.ValidUntil
	return u == "" || u.Compare(d) >= 0 || strings.HasPrefix(string(d), string(u)+"-")
}

// blocks are the entities and hops one search of Yen's algorithm may not
// use: the entities of the root, and the statements found paths sharing
// the root took from the spur entity.
type blocks struct {
	nodes      []int32
	spur       int32
	statements []string
}

func (b *blocks) node(v int32) bool { return b != nil && slices.Contains(b.nodes, v) }

// passable reports whether a search may step onto v as an intermediate or
// final entity: not blocked, and admitted by the entity filters.
func (s *search) passable(ctx context.Context, v int32, b *blocks) (bool, error) {
	if b.node(v) {
		return false, nil
	}
	return s.admits(ctx, v)
}
