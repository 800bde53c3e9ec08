package path

import (
	"context"
	"slices"

	"github.com/claimgraph/claimgraph/graph"
)

// AllSimplePaths returns every simple path from q.From to q.To of at most
// q.MaxDepth hops, ordered by length, then cost, then entity ids along the
// path, then statement ids. When there are more than q.Limit, it returns Invalid rather
// than a partial list. Other errors as ShortestPaths.
//
// It runs a depth-first search pruned by the distances to q.To (one backward
// breadth-first search), so it only walks where q.To is still in reach.
func AllSimplePaths(ctx context.Context, n Neighbors, q PathQuery) ([]Path, error) {
	if q.TimeFlow != nil {
		return timeFlowPaths(ctx, n, q, byLength, true)
	}
	return withSearch(ctx, n, &q, func(s *search) ([]Path, error) {
		dst := s.ends[1]
		if err := s.distancesTo(ctx, dst, q.MaxDepth-1); err != nil {
			return nil, err
		}
		d := &dfs{s: s, q: q, dst: dst, paths: []Path{}}
		s.sc.onPath.reset(len(s.ids))
		s.sc.onPath.set(s.ends[0], true)
		if err := d.visit(ctx, s.ends[0]); err != nil {
			return nil, err
		}
		slices.SortFunc(d.paths, compareByLength)
		return d.paths, nil
	})
}

// distancesTo sets s.sc.dist to the distance to dst of every entity within
// maxDist hops of it, walking backwards and through no hub.
func (s *search) distancesTo(ctx context.Context, dst int32, maxDist int) error {
	dist := &s.sc.dist
	dist.reset(len(s.ids))
	dist.set(dst, 0)
	frontier := append(s.sc.frontier[:0], dst)
	next := s.sc.next[:0]
	for d := int32(1); int(d) <= maxDist && len(frontier) > 0; d++ {
		next = next[:0]
		for _, v := range frontier {
			lo, hi, err := s.expand(ctx, v)
			if err != nil {
				return err
			}
			if hub, err := s.hub(ctx, v); err != nil {
				return err
			} else if hub {
				continue
			}
			for j := lo; j < hi; j++ {
				w := s.to[j]
				if dist.has(w) || !s.usable(v, j, true, nil) {
					continue
				}
				if ok, err := s.admits(ctx, w); err != nil {
					return err
				} else if ok {
					dist.set(w, d)
					next = append(next, w)
				}
			}
		}
		frontier, next = next, frontier
	}
	s.sc.frontier, s.sc.next = frontier, next
	return nil
}

// dfs is the state of AllSimplePaths' depth-first search; s.sc.dist holds
// the distances to dst, s.sc.onPath the entities on the path so far.
type dfs struct {
	s     *search
	q     PathQuery
	dst   int32
	hops  []Hop
	paths []Path
}

// visit walks on from v, the end of d.hops.
func (d *dfs) visit(ctx context.Context, v int32) error {
	s := d.s
	lo, hi, err := s.expand(ctx, v)
	if err != nil {
		return err
	}
	for j := lo; j < hi; j++ {
		w := s.to[j]
		dw, ok := s.sc.dist.get(w)
		if on, _ := s.sc.onPath.get(w); !ok || on || len(d.hops)+1+int(dw) > d.q.MaxDepth || !s.usable(v, j, false, nil) {
			continue
		}
		if w == d.dst {
			if err := d.found(*s.hop(j)); err != nil {
				return err
			}
			continue
		}
		if hub, err := s.hub(ctx, w); err != nil {
			return err
		} else if hub {
			continue
		}
		s.sc.onPath.set(w, true)
		d.hops = append(d.hops, *s.hop(j))
		if err := d.visit(ctx, w); err != nil {
			return err
		}
		s.sc.onPath.set(w, false)
		d.hops = d.hops[:len(d.hops)-1]
	}
	return nil
}

// found records the path d.hops + h, or fails when it is one too many.
func (d *dfs) found(h Hop) error {
	if len(d.paths) == d.q.Limit {
		return graph.Errorf(graph.Invalid, "there are more than %d paths from %q to %q within %d hops (limit); narrow the query with types, status or a lower maxDepth, or raise limit (at most %d)",
			d.q.Limit, d.q.From, d.q.To, d.q.MaxDepth, MaxPathLimit)
	}
	d.paths = append(d.paths, newPath(append(slices.Clone(d.hops), h)))
	return nil
}
