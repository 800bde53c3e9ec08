package graph

import (
	"cmp"
	"context"
	"slices"
	"strings"
)

// normalize fills the defaults of q and checks its bounds and values.
func (q *PathQuery) normalize() error {
	if q.From == "" || q.To == "" {
		return Errorf(Invalid, "a path query needs both from and to")
	}
	if q.From == q.To {
		return Errorf(Invalid, "from and to are the same entity %q", q.From)
	}
	if slices.Contains(q.Exclude, q.From) || slices.Contains(q.Exclude, q.To) {
		return Errorf(Invalid, "exclude may not name an endpoint of the query")
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
		f.Direction = Out
	case Out, In, Both:
	default:
		return Errorf(Invalid, "direction %q must be OUT, IN or BOTH", f.Direction)
	}
	for _, s := range f.Status {
		if !s.Valid() {
			return Errorf(Invalid, "status %q must be one of %v", s, Statuses)
		}
	}
	if _, err := ParseDate(string(f.AsOf)); err != nil {
		return Errorf(Invalid, "asOf: %v", err)
	}
	if f.MaxDegree < 0 {
		return Errorf(Invalid, "maxDegree must not be negative")
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
		return 0, Errorf(Invalid, "%s must be between 1 and %d, not %d", name, limit, v)
	}
	return v, nil
}

// search is the state of one query: the filter, the hops fetched so far and
// the work done. It is not safe for concurrent use.
type search struct {
	n Neighbors
	f Filter
	// ends are the query's endpoints, exempt from the entity filters.
	ends     []string
	exclude  map[string]bool
	expanded int
	adjs     map[string]*adjacency
	admitted map[string]bool
}

// adjacency is what a search knows of an entity's hops.
type adjacency struct {
	// degree counts every hop Neighbors returned, before filtering.
	degree int
	// hops are the hops passing the filter (but for its direction, which
	// depends on the way a search walks), sorted by To then statement id.
	hops []Hop
	// costs holds the HopCost of each hop, computed on first use.
	costs []int
}

// cost returns the HopCost of a.hops[i].
func (a *adjacency) cost(i int) int {
	if a.costs == nil {
		a.costs = make([]int, len(a.hops))
		for j, h := range a.hops {
			a.costs[j] = HopCost(h)
		}
	}
	return a.costs[i]
}

func newSearch(n Neighbors, f Filter, ends ...string) *search {
	s := &search{n: n, f: f, ends: ends, exclude: map[string]bool{}, adjs: map[string]*adjacency{}, admitted: map[string]bool{}}
	for _, id := range f.Exclude {
		s.exclude[id] = true
	}
	return s
}

// checkEnds returns NotFound unless every endpoint exists.
func (s *search) checkEnds(ctx context.Context) error {
	for _, id := range s.ends {
		if _, err := s.n.EntityType(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// isEnd reports whether id is an endpoint of the query.
func (s *search) isEnd(id string) bool { return slices.Contains(s.ends, id) }

// expand counts one expansion of id against the budget and returns its
// adjacency. It also checks ctx.
func (s *search) expand(ctx context.Context, id string) (*adjacency, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.expanded >= s.f.MaxExpanded {
		return nil, Errorf(Invalid, "search expanded %d entities (maxExpanded); narrow the query with types, status or a lower maxDepth, or raise maxExpanded (at most %d)",
			s.expanded, MaxMaxExpanded)
	}
	s.expanded++
	return s.adj(ctx, id)
}

// adj returns the adjacency of id, fetching it once per query.
func (s *search) adj(ctx context.Context, id string) (*adjacency, error) {
	if a, ok := s.adjs[id]; ok {
		return a, nil
	}
	raw, err := s.n.Hops(ctx, id)
	if err != nil {
		return nil, err
	}
	a := &adjacency{degree: len(raw)}
	keepAll := true
	for i := range raw {
		keepAll = keepAll && s.keepHop(id, &raw[i])
	}
	if keepAll && slices.IsSortedFunc(raw, compareHops) {
		a.hops = raw // shared, never written
	} else {
		for i := range raw {
			if s.keepHop(id, &raw[i]) {
				a.hops = append(a.hops, raw[i])
			}
		}
		slices.SortFunc(a.hops, compareHops)
	}
	s.adjs[id] = a
	return a, nil
}

// keepHop reports whether h, a hop of id, passes the filter's statement
// conditions (self-loops never do).
func (s *search) keepHop(id string, h *Hop) bool {
	return h.From == id && h.To != id && s.keep(&h.Statement)
}

// compareHops orders hops by To, then statement id.
func compareHops(a, b Hop) int {
	return cmp.Or(strings.Compare(a.To, b.To), strings.Compare(a.Statement.ID, b.Statement.ID))
}

// hub reports whether id is too connected to walk through. Endpoints never
// are.
func (s *search) hub(ctx context.Context, id string) (bool, error) {
	if s.f.MaxDegree == 0 || s.isEnd(id) {
		return false, nil
	}
	a, err := s.adj(ctx, id)
	if err != nil {
		return false, err
	}
	return a.degree > s.f.MaxDegree, nil
}

// admits reports whether id passes the entity filters (Exclude,
// EntityTypes). Endpoints always do. The hub guard is separate (see hub),
// since it needs the entity's hops.
func (s *search) admits(ctx context.Context, id string) (bool, error) {
	if s.isEnd(id) {
		return true, nil
	}
	if s.exclude[id] {
		return false, nil
	}
	if len(s.f.EntityTypes) == 0 {
		return true, nil
	}
	if ok, seen := s.admitted[id]; seen {
		return ok, nil
	}
	t, err := s.n.EntityType(ctx, id)
	if err != nil {
		return false, err
	}
	ok := slices.Contains(s.f.EntityTypes, t)
	s.admitted[id] = ok
	return ok, nil
}

// walkable reports whether the filter's direction lets h be walked from
// h.From to h.To, or with reverse from h.To to h.From.
func (s *search) walkable(h *Hop, reverse bool) bool {
	switch {
	case h.Symmetric || s.f.Direction == Both:
		return true
	case s.f.Direction == In:
		return h.Forward == reverse
	default:
		return h.Forward != reverse
	}
}

// keep reports whether st passes the filter's statement conditions.
func (s *search) keep(st *Statement) bool {
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
	return slices.ContainsFunc(st.Claims, func(c Claim) bool {
		return (f.Claimant == "" || c.Claimant == f.Claimant) && (f.Source == "" || c.Source == f.Source)
	})
}

// validAt reports whether st holds at date d; see Filter.AsOf.
func validAt(st *Statement, d Date) bool {
	if st.ValidFrom != "" && st.ValidFrom.Compare(d) > 0 {
		return false
	}
	u := st.ValidUntil
	return u == "" || u.Compare(d) >= 0 || strings.HasPrefix(string(d), string(u)+"-")
}

// blocks are the entities and hops one search of Yen's algorithm may not use.
type blocks struct {
	nodes map[string]bool
	hops  map[hopKey]bool
}

// hopKey names a statement walked away from an entity.
type hopKey struct{ from, statement string }

func (b *blocks) node(id string) bool { return b != nil && b.nodes[id] }

// hop reports whether h may not be walked from h.From, or with reverse from
// h.To.
func (b *blocks) hop(h *Hop, reverse bool) bool {
	if b == nil || len(b.hops) == 0 {
		return false
	}
	from := h.From
	if reverse {
		from = h.To
	}
	return b.hops[hopKey{from, h.Statement.ID}]
}

// passable reports whether a search may step onto id as an intermediate or
// final entity: not blocked, and admitted by the entity filters.
func (s *search) passable(ctx context.Context, id string, b *blocks) (bool, error) {
	if b.node(id) {
		return false, nil
	}
	return s.admits(ctx, id)
}
