package path

import (
	"context"

	"github.com/claimgraph/claimgraph/graph"
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
	if q.K > 1 {
		return KShortestPaths(ctx, n, q)
	}
	return withSearch(ctx, n, &q, func(s *search) ([]Path, error) {
		hops, ok, err := s.shortest(ctx, s.ends[0], s.ends[1], q.MaxDepth, nil)
		if err != nil || !ok {
			return []Path{}, err
		}
		return []Path{newPath(hops)}, nil
	})
}

// KShortestPaths returns the q.K shortest simple paths from q.From to q.To
// by Yen's algorithm, ordered by length, then by entity ids along the path,
// then statement ids; fewer when fewer exist. Two paths through the same
// entities by different statements are different paths. Errors as
// ShortestPaths.
func KShortestPaths(ctx context.Context, n Neighbors, q PathQuery) ([]Path, error) {
	return withSearch(ctx, n, &q, func(s *search) ([]Path, error) {
		return s.yen(ctx, q, s.shortest, compareByLength)
	})
}

// shortest finds the first (by compareByLength) shortest path of at most
// maxLen hops from src to dst avoiding b, by bidirectional BFS.
func (s *search) shortest(ctx context.Context, src, dst int32, maxLen int, b *blocks) ([]Hop, bool, error) {
	sc := s.sc
	r := &bidi{s: s, src: src, dst: dst, b: b, fwd: &sc.sides[0], bwd: &sc.sides[1]}
	n := len(s.ids)
	r.fwd.start(src, false, n)
	r.bwd.start(dst, true, n)
	sc.dead.reset(n)
	sc.good.reset(n)
	sc.meets.reset(n)
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

// bidi is the state of one bidirectional BFS. Its marks live in the
// query's scratch: dead holds the hubs a side declined to expand, meets the
// meets on shortest paths, good the entities path found to lie on one (or
// not).
type bidi struct {
	s        *search
	src, dst int32
	b        *blocks
	fwd, bwd *bfsSide
}

// bfsSide is one side of a bidirectional BFS.
type bfsSide struct {
	dist           marks[int32]
	frontier, next []int32
	depth          int
	// reverse: the side walks from dst against the direction of paths.
	reverse bool
}

// start starts the side at v, with room for n entities.
func (side *bfsSide) start(v int32, reverse bool, n int) {
	side.dist.reset(n)
	side.dist.set(v, 0)
	side.frontier = append(side.frontier[:0], v)
	side.depth, side.reverse = 0, reverse
}

// layer expands side's frontier by one hop and returns the entities found
// that the other side has reached too. The order of the frontier does not
// matter: a layer is expanded whole, and only distances are recorded.
func (r *bidi) layer(ctx context.Context, side, other *bfsSide) ([]int32, error) {
	s := r.s
	next, meets := side.next[:0], s.sc.found[:0]
	depth := int32(side.depth + 1)
	for _, v := range side.frontier {
		lo, hi, err := s.expand(ctx, v)
		if err != nil {
			return nil, err
		}
		if v != r.src && v != r.dst {
			if hub, err := s.hub(ctx, v); err != nil {
				return nil, err
			} else if hub {
				s.sc.dead.set(v, true)
				continue
			}
		}
		for j := lo; j < hi; j++ {
			w := s.to[j]
			if !s.usable(v, j, side.reverse, r.b) || side.dist.has(w) {
				continue
			}
			if ok, err := s.passable(ctx, w, r.b); err != nil {
				return nil, err
			} else if !ok {
				continue
			}
			side.dist.set(w, depth)
			next = append(next, w)
			if other.dist.has(w) {
				meets = append(meets, w)
			}
		}
	}
	side.next, side.frontier, side.depth = side.frontier, next, int(depth)
	s.sc.found = meets
	return meets, nil
}

// bestMeets returns the length of the shortest path through meets, and the
// meets on such paths (all at the same distance from src), which it marks
// in meets. Hubs cannot be walked through, so they are no meets.
func (r *bidi) bestMeets(ctx context.Context, meets []int32) (int, []int32, error) {
	length, best := 0, meets[:0]
	for _, w := range meets {
		if hub, err := r.s.hub(ctx, w); err != nil {
			return 0, nil, err
		} else if hub && w != r.src && w != r.dst {
			continue
		}
		df, _ := r.fwd.dist.get(w)
		db, _ := r.bwd.dist.get(w)
		l := int(df + db)
		if len(best) == 0 || l < length {
			length, best = l, best[:0]
		}
		if l == length {
			best = append(best, w)
		}
	}
	for _, w := range best {
		r.s.sc.meets.set(w, true)
	}
	return length, best, nil
}

// path returns the first (by entity ids, then statement ids) path of the
// given length through one of the meets: greedily the least next hop that
// still lies on a shortest path.
func (r *bidi) path(ctx context.Context, length int, best []int32) ([]Hop, error) {
	s := r.s
	pos, _ := r.fwd.dist.get(best[0])
	hops := make([]Hop, 0, length)
	cur := r.src
	for range pos {
		j, ok, err := r.forwardStep(ctx, cur, pos)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, graph.Errorf(graph.Internal, "path search lost its way at %q", s.ids[cur])
		}
		hops, cur = append(hops, *s.hop(j)), s.to[j]
	}
	for i := int(pos); i < length; i++ {
		j, err := r.backwardStep(ctx, cur, int32(length-i-1))
		if err != nil {
			return nil, err
		}
		hops, cur = append(hops, *s.hop(j)), s.to[j]
	}
	return hops, nil
}

// onPath reports whether a shortest path through the meets at distance pos
// from src goes on from v.
func (r *bidi) onPath(ctx context.Context, v, pos int32) (bool, error) {
	sc := r.s.sc
	if d, _ := r.fwd.dist.get(v); d == pos {
		return sc.meets.has(v), nil
	}
	if g, ok := sc.good.get(v); ok {
		return g, nil
	}
	_, g, err := r.forwardStep(ctx, v, pos)
	sc.good.set(v, g)
	return g, err
}

// forwardStep returns the least hop from v, an entity the forward side
// expanded, to an entity one layer further that is on a path (onPath).
func (r *bidi) forwardStep(ctx context.Context, v, pos int32) (int32, bool, error) {
	s := r.s
	if s.sc.dead.has(v) {
		return -1, false, nil
	}
	lo, hi, err := s.span(ctx, v)
	if err != nil {
		return -1, false, err
	}
	dv, _ := r.fwd.dist.get(v)
	for j := lo; j < hi; j++ {
		if d, ok := r.fwd.dist.get(s.to[j]); !ok || d != dv+1 || !s.usable(v, j, false, r.b) {
			continue
		}
		if ok, err := r.onPath(ctx, s.to[j], pos); err != nil || ok {
			return j, ok, err
		}
	}
	return -1, false, nil
}

// backwardStep returns the least hop from v to an entity the backward side
// reached at distance d from dst and could walk through.
func (r *bidi) backwardStep(ctx context.Context, v, d int32) (int32, error) {
	s := r.s
	lo, hi, err := s.span(ctx, v)
	if err != nil {
		return -1, err
	}
	for j := lo; j < hi; j++ {
		w := s.to[j]
		if dd, ok := r.bwd.dist.get(w); ok && dd == d && !s.sc.dead.has(w) && s.usable(v, j, false, r.b) {
			return j, nil
		}
	}
	return -1, graph.Errorf(graph.Internal, "path search lost its way at %q", s.ids[v])
}
