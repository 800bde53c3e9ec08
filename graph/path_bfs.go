package graph

import (
	"context"
	"slices"
)

// ShortestPaths returns the shortest path from q.From to q.To, or with
// q.K > 1 the q.K shortest (see KShortestPaths). Among paths of equal length
// it returns the first by entity ids along the path, then statement ids. No
// path within q.MaxDepth is an empty result, not an error.
//
// A single path is found by a bidirectional breadth-first search, which
// expands about the square root of the entities a one-sided search would.
// Returns Invalid for a bad query or an exhausted budget, and NotFound when
// an endpoint does not exist.
func ShortestPaths(ctx context.Context, n Neighbors, q PathQuery) ([]Path, error) {
	if err := q.normalize(); err != nil {
		return nil, err
	}
	s := newSearch(n, q.Filter, q.From, q.To)
	if err := s.checkEnds(ctx); err != nil {
		return nil, err
	}
	if q.K > 1 {
		return yen(ctx, q, s.shortest, compareByLength)
	}
	hops, ok, err := s.shortest(ctx, q.From, q.To, q.MaxDepth, nil)
	if err != nil || !ok {
		return []Path{}, err
	}
	return []Path{newPath(hops)}, nil
}

// KShortestPaths returns the q.K shortest simple paths from q.From to q.To
// by Yen's algorithm, ordered by length, then by entity ids along the path,
// then statement ids; fewer when fewer exist. Two paths through the same
// entities by different statements are different paths. Errors as
// ShortestPaths.
func KShortestPaths(ctx context.Context, n Neighbors, q PathQuery) ([]Path, error) {
	if err := q.normalize(); err != nil {
		return nil, err
	}
	s := newSearch(n, q.Filter, q.From, q.To)
	if err := s.checkEnds(ctx); err != nil {
		return nil, err
	}
	return yen(ctx, q, s.shortest, compareByLength)
}

// shortest finds the first (by compareByLength) shortest path of at most
// maxLen hops from src to dst avoiding b, by bidirectional BFS.
func (s *search) shortest(ctx context.Context, src, dst string, maxLen int, b *blocks) ([]Hop, bool, error) {
	r := &bidi{
		s: s, src: src, dst: dst, b: b, dead: map[string]bool{},
		fwd: &bfsSide{dist: map[string]int{src: 0}, frontier: []string{src}},
		bwd: &bfsSide{dist: map[string]int{dst: 0}, frontier: []string{dst}, reverse: true},
	}
	for r.fwd.depth+r.bwd.depth < maxLen && len(r.fwd.frontier) > 0 && len(r.bwd.frontier) > 0 {
		side, other := r.fwd, r.bwd
		if len(r.bwd.frontier) < len(r.fwd.frontier) {
			side, other = r.bwd, r.fwd
		}
		meets, err := r.layer(ctx, side, other)
		if err != nil {
			return nil, false, err
		}
		length, best, err := r.bestMeets(ctx, meets)
		if err != nil {
			return nil, false, err
		}
		if len(best) > 0 {
			hops, err := r.path(ctx, length, best)
			return hops, err == nil, err
		}
	}
	return nil, false, nil
}

// bidi is the state of one bidirectional BFS.
type bidi struct {
	s        *search
	src, dst string
	b        *blocks
	fwd, bwd *bfsSide
	// dead holds the hubs a side declined to expand.
	dead map[string]bool
}

// bfsSide is one side of a bidirectional BFS.
type bfsSide struct {
	dist     map[string]int
	frontier []string // sorted
	depth    int
	// reverse: the side walks from dst against the direction of paths.
	reverse bool
}

// layer expands side's frontier by one hop and returns the entities found
// that the other side has reached too.
func (r *bidi) layer(ctx context.Context, side, other *bfsSide) ([]string, error) {
	var next, meets []string
	depth := side.depth + 1
	for _, v := range side.frontier {
		a, err := r.s.expand(ctx, v)
		if err != nil {
			return nil, err
		}
		if v != r.src && v != r.dst {
			if hub, err := r.s.hub(ctx, v); err != nil {
				return nil, err
			} else if hub {
				r.dead[v] = true
				continue
			}
		}
		for i := range a.hops {
			h := &a.hops[i]
			w := h.To
			if _, seen := side.dist[w]; seen || !r.s.walkable(h, side.reverse) || r.b.hop(h, side.reverse) {
				continue
			}
			if ok, err := r.s.passable(ctx, w, r.b); err != nil {
				return nil, err
			} else if !ok {
				continue
			}
			side.dist[w] = depth
			next = append(next, w)
			if _, ok := other.dist[w]; ok {
				meets = append(meets, w)
			}
		}
	}
	slices.Sort(next)
	side.frontier, side.depth = next, depth
	return meets, nil
}

// bestMeets returns the length of the shortest path through meets, and the
// meets on such paths (all at the same distance from src). Hubs cannot be
// walked through, so they are no meets.
func (r *bidi) bestMeets(ctx context.Context, meets []string) (int, map[string]bool, error) {
	length, best := 0, map[string]bool{}
	for _, w := range meets {
		if hub, err := r.s.hub(ctx, w); err != nil {
			return 0, nil, err
		} else if hub && w != r.src && w != r.dst {
			continue
		}
		l := r.fwd.dist[w] + r.bwd.dist[w]
		if len(best) == 0 || l < length {
			length, best = l, map[string]bool{}
		}
		if l == length {
			best[w] = true
		}
	}
	return length, best, nil
}

// path returns the first (by entity ids, then statement ids) path of the
// given length through one of meets: greedily the least next hop that still
// lies on a shortest path.
func (r *bidi) path(ctx context.Context, length int, meets map[string]bool) ([]Hop, error) {
	var pos int
	for w := range meets {
		pos = r.fwd.dist[w]
	}
	hops := make([]Hop, 0, length)
	good := map[string]bool{}
	var onPath func(v string) (bool, error)
	onPath = func(v string) (bool, error) {
		if r.fwd.dist[v] == pos {
			return meets[v], nil
		}
		if g, ok := good[v]; ok {
			return g, nil
		}
		_, g, err := r.forwardStep(ctx, v, onPath)
		good[v] = g
		return g, err
	}
	cur := r.src
	for range pos {
		h, _, err := r.forwardStep(ctx, cur, onPath)
		if err != nil {
			return nil, err
		}
		hops, cur = append(hops, h), h.To
	}
	for i := pos; i < length; i++ {
		h, err := r.backwardStep(ctx, cur, length-i-1)
		if err != nil {
			return nil, err
		}
		hops, cur = append(hops, h), h.To
	}
	return hops, nil
}

// forwardStep returns the least hop from v, an entity the forward side
// expanded, to an entity one layer further for which onPath holds.
func (r *bidi) forwardStep(ctx context.Context, v string, onPath func(string) (bool, error)) (Hop, bool, error) {
	if r.dead[v] {
		return Hop{}, false, nil
	}
	a, err := r.s.adj(ctx, v)
	if err != nil {
		return Hop{}, false, err
	}
	for i := range a.hops {
		h := &a.hops[i]
		if d, ok := r.fwd.dist[h.To]; !ok || d != r.fwd.dist[v]+1 || !r.s.walkable(h, false) || r.b.hop(h, false) {
			continue
		}
		if ok, err := onPath(h.To); err != nil || ok {
			return *h, ok, err
		}
	}
	return Hop{}, false, nil
}

// backwardStep returns the least hop from v to an entity the backward side
// reached at distance d from dst and could walk through.
func (r *bidi) backwardStep(ctx context.Context, v string, d int) (Hop, error) {
	a, err := r.s.adj(ctx, v)
	if err != nil {
		return Hop{}, err
	}
	for i := range a.hops {
		h := &a.hops[i]
		if dd, ok := r.bwd.dist[h.To]; ok && dd == d && !r.dead[h.To] && r.s.walkable(h, false) && !r.b.hop(h, false) {
			return *h, nil
		}
	}
	return Hop{}, Errorf(Internal, "path search lost its way at %q", v)
}
