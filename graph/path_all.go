package graph

import (
	"context"
	"slices"
)

// AllSimplePaths returns every simple path from q.From to q.To of at most
// q.MaxDepth hops, ordered by length, then entity ids along the path, then
// statement ids. When there are more than q.Limit, it returns Invalid rather
// than a partial list. Other errors as ShortestPaths.
//
// It runs a depth-first search pruned by the distances to q.To (one backward
// breadth-first search), so it only walks where q.To is still in reach.
func AllSimplePaths(ctx context.Context, n Neighbors, q PathQuery) ([]Path, error) {
	if err := q.normalize(); err != nil {
		return nil, err
	}
	s := newSearch(n, q.Filter, q.From, q.To)
	if err := s.checkEnds(ctx); err != nil {
		return nil, err
	}
	dist, err := s.distancesTo(ctx, q.To, q.MaxDepth-1)
	if err != nil {
		return nil, err
	}
	d := &dfs{s: s, q: q, dist: dist, onPath: map[string]bool{q.From: true}, paths: []Path{}}
	if err := d.visit(ctx, q.From); err != nil {
		return nil, err
	}
	slices.SortFunc(d.paths, compareByLength)
	return d.paths, nil
}

// distancesTo returns the distance to dst of every entity within maxDist
// hops of it, walking backwards and through no hub.
func (s *search) distancesTo(ctx context.Context, dst string, maxDist int) (map[string]int, error) {
	dist := map[string]int{dst: 0}
	frontier := []string{dst}
	for d := 1; d <= maxDist && len(frontier) > 0; d++ {
		var next []string
		for _, v := range frontier {
			a, err := s.expand(ctx, v)
			if err != nil {
				return nil, err
			}
			if hub, err := s.hub(ctx, v); err != nil {
				return nil, err
			} else if hub {
				continue
			}
			for i := range a.hops {
				h := &a.hops[i]
				if _, seen := dist[h.To]; seen || !s.walkable(h, true) {
					continue
				}
				if ok, err := s.admits(ctx, h.To); err != nil {
					return nil, err
				} else if ok {
					dist[h.To] = d
					next = append(next, h.To)
				}
			}
		}
		frontier = next
	}
	return dist, nil
}

// dfs is the state of AllSimplePaths' depth-first search.
type dfs struct {
	s      *search
	q      PathQuery
	dist   map[string]int
	onPath map[string]bool
	hops   []Hop
	paths  []Path
}

// visit walks on from v, the end of d.hops.
func (d *dfs) visit(ctx context.Context, v string) error {
	a, err := d.s.expand(ctx, v)
	if err != nil {
		return err
	}
	for i := range a.hops {
		h := &a.hops[i]
		w := h.To
		dw, ok := d.dist[w]
		if !ok || d.onPath[w] || len(d.hops)+1+dw > d.q.MaxDepth || !d.s.walkable(h, false) {
			continue
		}
		if w == d.q.To {
			if err := d.found(*h); err != nil {
				return err
			}
			continue
		}
		if hub, err := d.s.hub(ctx, w); err != nil {
			return err
		} else if hub {
			continue
		}
		d.onPath[w], d.hops = true, append(d.hops, *h)
		if err := d.visit(ctx, w); err != nil {
			return err
		}
		d.onPath[w], d.hops = false, d.hops[:len(d.hops)-1]
	}
	return nil
}

// found records the path d.hops + h, or fails when it is one too many.
func (d *dfs) found(h Hop) error {
	if len(d.paths) == d.q.Limit {
		return Errorf(Invalid, "there are more than %d paths from %q to %q within %d hops (limit); narrow the query with types, status or a lower maxDepth, or raise limit (at most %d)",
			d.q.Limit, d.q.From, d.q.To, d.q.MaxDepth, MaxPathLimit)
	}
	d.paths = append(d.paths, newPath(append(slices.Clone(d.hops), h)))
	return nil
}
