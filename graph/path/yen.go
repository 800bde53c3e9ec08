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
//
// A path found as a candidate spurring at position j of its parent
// shares the parent's first j hops, so its spurs before j are searched
// with the same root and the same blocked hops as on the last path found
// before it with that root (Lawler's refinement): they would find only
// candidates already seen, or nothing within the bound (see below). Its
// search starts at j.
//
// The candidates are kept sorted, and only as many as paths are still
// wanted: one ranked below those can never be taken, as every path taken
// later is either one of them or a better one found later. When order
// ranks by length first (byLength), the last kept candidate also bounds
// the spur searches once there are enough of them: a spur longer than it
// leaves would make a longer path, so the search need not look that deep.
// Searches that find nothing, which walk every entity within their depth,
// are what this saves; the paths returned are the same.
func (s *search) yen(ctx context.Context, q PathQuery, spur spurSearch, order func(a, b Path) int, byLength bool) ([]Path, error) {
	dst := s.ends[1]
	hops, ok, err := spur(ctx, s.ends[0], dst, q.MaxDepth, nil)
	if err != nil || !ok {
		return []Path{}, err
	}
	found := []Path{newPath(hops)}
	seen := map[string]bool{found[0].key(): true}
	// cands are sorted by order, at most q.K-len(found) of them; from is
	// the position where found[len(found)-1] leaves its parent.
	var cands []candidate
	from := 0
	for len(found) < q.K {
		prev := found[len(found)-1]
		want := q.K - len(found)
		for i := from; i < len(prev.Hops); i++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			maxLen := q.MaxDepth
			if byLength && len(cands) == want {
				maxLen = min(maxLen, cands[want-1].p.Length)
			}
			if maxLen-i < 1 {
				break
			}
			root := prev.Hops[:i]
			hops, ok, err := spur(ctx, s.node(prev.Hops[i].From), dst, maxLen-i, s.rootBlocks(found, root, prev.Hops[i].From))
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			p := newPath(append(slices.Clone(root), hops...))
			k := p.key()
			if seen[k] {
				continue
			}
			seen[k] = true
			at, _ := slices.BinarySearchFunc(cands, p, func(c candidate, p Path) int { return order(c.p, p) })
			if at < want {
				cands = slices.Insert(cands, at, candidate{p, i})
				cands = cands[:min(len(cands), want)]
			}
		}
		if len(cands) == 0 {
			break
		}
		found, from = append(found, cands[0].p), cands[0].spur
		cands = slices.Delete(cands, 0, 1)
	}
	return found, nil
}

// candidate is a path Yen's algorithm may take next, and the position of
// the hop where it leaves the path it was found from.
type candidate struct {
	p    Path
	spur int
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
