package path

import (
	"context"
	"slices"
)

// spurSearch finds the best path of at most maxLen hops from src to the
// query's destination avoiding b; best in the order Yen's algorithm ranks by.
type spurSearch func(ctx context.Context, src, dst int32, maxLen int, b *blocks) ([]Hop, bool, error)

// yen runs Yen's k-shortest-paths algorithm from s's first endpoint to its
// second: each next path is the best candidate made of a prefix (root) of
// the previous path and a best spur path that leaves the root by a hop no
// found path with the same root took. With a spur search that returns the
// first path in order, the paths come out exactly in that order, ties
// included, since order compares root-sharing paths by their spurs.
func (s *search) yen(ctx context.Context, q PathQuery, spur spurSearch, order func(a, b Path) int) ([]Path, error) {
	dst := s.ends[1]
	hops, ok, err := spur(ctx, s.ends[0], dst, q.MaxDepth, nil)
	if err != nil || !ok {
		return []Path{}, err
	}
	found := []Path{newPath(hops)}
	seen := map[string]bool{found[0].key(): true}
	var cands []Path
	for len(found) < q.K {
		prev := found[len(found)-1]
		for i := range prev.Hops {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			root := prev.Hops[:i]
			hops, ok, err := spur(ctx, s.node(prev.Hops[i].From), dst, q.MaxDepth-i, s.rootBlocks(found, root, prev.Hops[i].From))
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			p := newPath(append(slices.Clone(root), hops...))
			if k := p.key(); !seen[k] {
				seen[k] = true
				cands = append(cands, p)
			}
		}
		if len(cands) == 0 {
			break
		}
		best := 0
		for i := range cands {
			if order(cands[i], cands[best]) < 0 {
				best = i
			}
		}
		found = append(found, cands[best])
		cands = slices.Delete(cands, best, best+1)
	}
	return found, nil
}

// rootBlocks returns what a spur search from spur after root may not use:
// the entities of root, and the hops leaving spur that found paths sharing
// root took.
func (s *search) rootBlocks(found []Path, root []Hop, spur string) *blocks {
	b := &blocks{spur: s.node(spur)}
	for _, h := range root {
		b.nodes = append(b.nodes, s.node(h.From))
	}
	for _, p := range found {
		if len(p.Hops) > len(root) && sameHops(p.Hops[:len(root)], root) {
			b.statements = append(b.statements, p.Hops[len(root)].Statement.ID)
		}
	}
	return b
}

// sameHops reports whether a and b walk the same statements the same way.
func sameHops(a, b []Hop) bool {
	return slices.EqualFunc(a, b, func(x, y Hop) bool {
		return x.From == y.From && x.To == y.To && x.Statement.ID == y.Statement.ID
	})
}
