package path

import (
	"context"

	"github.com/claimgraph/claimgraph/graph"
)

// ShortestPaths returns the shortest path from q.From to q.To, or with
// q.K > 1 the q.K shortest (see KShortestPaths). Among paths of equal length
// it returns the cheapest (by HopCost), then the first by entity ids along
// the path, then statement ids. No
// path within q.MaxDepth is an empty result, not an error.
//
// A single path is found by a bidirectional breadth-first search, which
// expands about the square root of the entities a one-sided search would.
// With q.TimeFlow only paths that follow each other in time count (see
// TimeFlow), in the same order.
//
// Returns Invalid for a bad query or an exhausted budget, and NotFound when
// an endpoint does not exist.
func ShortestPaths(ctx context.Context, n Neighbors, q PathQuery) ([]Path, error) {
	if q.TimeFlow != nil {
		return timeFlowPaths(ctx, n, q, byLength, false)
	}
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
// by Yen's algorithm, ordered by length, then cost, then by entity ids
// along the path, then statement ids; fewer when fewer exist. Two paths through the same
// entities by different statements are different paths. Errors as
// ShortestPaths.
func KShortestPaths(ctx context.Context, n Neighbors, q PathQuery) ([]Path, error) {
	if q.TimeFlow != nil {
		return timeFlowPaths(ctx, n, q, byLength, false)
	}
	return withSearch(ctx, n, &q, func(s *search) ([]Path, error) {
		return s.yen(ctx, q, s.shortest, compareByLength, true)
	})
}

// shortest finds the first (by compareByLength: cost, then ids) shortest
// path of at most maxLen hops from src to dst avoiding b, by bidirectional
// BFS.
func (s *search) shortest(ctx context.Context, src, dst int32, maxLen int, b *blocks) ([]Hop, bool, error) {
	sc := s.sc
	r := &bidi{s: s, src: src, dst: dst, b: b, fwd: &sc.sides[0], bwd: &sc.sides[1]}
	n := len(s.ids)
	r.fwd.start(src, false, n)
	r.bwd.start(dst, true, n)
	sc.dead.reset(n)
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
// meets on shortest paths, costF and costB the cheapest cost on to dst of
// the entities path met before and after the meets.
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

// path returns the best path of the given length through one of the
// meets: the cheapest (by HopCost), and among those the first by entity
// ids, then statement ids. The cheapest cost on from each entity of the
// shortest-path graph is computed first (costOn); then each step takes the
// least hop, in hop order (by To, then statement id), that keeps to it.
func (r *bidi) path(ctx context.Context, length int, best []int32) ([]Hop, error) {
	s := r.s
	pos, _ := r.fwd.dist.get(best[0])
	s.sc.costF.reset(len(s.ids))
	s.sc.costB.reset(len(s.ids))
	want, err := r.costFrom(ctx, r.src, int32(length), pos, 0)
	if err != nil {
		return nil, err
	}
	if want < 0 {
		return nil, graph.Errorf(graph.Internal, "path search lost its way at %q", s.ids[r.src])
	}
	hops := make([]Hop, 0, length)
	cur := r.src
	for i := range int32(length) {
		j, rest, err := r.cheapestStep(ctx, cur, int32(length), pos, i, want)
		if err != nil {
			return nil, err
		}
		if j < 0 {
			return nil, graph.Errorf(graph.Internal, "path search lost its way at %q", s.ids[cur])
		}
		hops, cur, want = append(hops, *s.hop(j)), s.to[j], rest
	}
	return hops, nil
}

// costFrom returns the cost of the cheapest way on from v, at position i
// of a path of the given length through the meets at position pos, to dst;
// -1 when there is none. Before pos the way goes by the forward side's
// distances (v is at forward distance i), from pos on by the backward
// side's (v is at backward distance length-i).
func (r *bidi) costFrom(ctx context.Context, v, length, pos, i int32) (int, error) {
	sc := r.s.sc
	memo := &sc.costF
	if i >= pos {
		memo = &sc.costB
		if i == pos && !sc.meets.has(v) {
			return -1, nil
		}
		if i == length {
			if v == r.dst {
				return 0, nil
			}
			return -1, nil
		}
	}
	if c, ok := memo.get(v); ok {
		return c, nil
	}
	best := -1
	err := r.steps(ctx, v, length, pos, i, func(j int32, rest int) bool {
		if c := r.s.cost(j) + rest; best < 0 || c < best {
			best = c
		}
		return true
	})
	if err != nil {
		return 0, err
	}
	memo.set(v, best)
	return best, nil
}

// steps calls yield, in hop order, with each hop j from v (at position i)
// that lies on a path through the meets, and the cheapest cost on from its
// To; it stops when yield returns false.
func (r *bidi) steps(ctx context.Context, v, length, pos, i int32, yield func(j int32, rest int) bool) error {
	s := r.s
	if i < pos && s.sc.dead.has(v) {
		return nil
	}
	lo, hi, err := s.span(ctx, v)
	if err != nil {
		return err
	}
	for j := lo; j < hi; j++ {
		w := s.to[j]
		if i < pos {
			if d, ok := r.fwd.dist.get(w); !ok || d != i+1 {
				continue
			}
		} else if d, ok := r.bwd.dist.get(w); !ok || d != length-i-1 || s.sc.dead.has(w) {
			continue
		}
		if !s.usable(v, j, false, r.b) {
			continue
		}
		rest, err := r.costFrom(ctx, w, length, pos, i+1)
		if err != nil {
			return err
		}
		if rest >= 0 && !yield(j, rest) {
			return nil
		}
	}
	return nil
}

// cheapestStep returns the first hop from v, at position i, on a way of
// cost want, and the cost of the way on from its To; -1 when there is none.
func (r *bidi) cheapestStep(ctx context.Context, v, length, pos, i int32, want int) (int32, int, error) {
	found, rest := int32(-1), 0
	err := r.steps(ctx, v, length, pos, i, func(j int32, c int) bool {
		if r.s.cost(j)+c == want {
			found, rest = j, c
			return false
		}
		return true
	})
	return found, rest, err
}
