package path

import (
	"cmp"
	"container/heap"
	"context"
	"slices"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
)

// CostUnit is the cost of a hop with a single, ungraded source reporting it:
// HopCost returns multiples and fractions of it as integers, so that path
// costs add up exactly.
const CostUnit = 1000

// HopCost is how much a hop weighs against a path that walks it: the weaker
// its evidence, the higher. It is always positive, and depends only on the
// hop's statement and the sources in h.Sources:
//
//	cost = ⌈ base × rel × cred / ((n + 1) × 5) ⌉
//
// where
//   - base is 1 for REPORTED, 2 for ALLEGED, 4 for DISPUTED, 8 for DENIED;
//   - n is the number of distinct sources of the claims that assert the
//     statement (independent corroboration), counted from 1 to 5: a
//     statement nobody asserts counts 1, more than 5 sources count 5;
//   - rel × cred is the least product among the asserting claims of the
//     grade of the claim's source (rel: A 50, B 75, C 100, D 150, E 200)
//     and the claim's credibility (cred: 1 50, 2 75, 3 100, 4 150, 5 200).
//     Ungraded, F ("cannot be judged") and 6 count as 100, as does a
//     statement nobody asserts.
//
// So one ungraded source costs CostUnit × base: 1000 REPORTED, 2000 ALLEGED,
// 4000 DISPUTED, 8000 DENIED. Two sources cost ⅔ of that, five ⅓; grades
// scale it from ¼ (A1) to 4× (E5). The range is 84 (A1, five sources) to
// 16000 (DISPUTED, E5).
func HopCost(h Hop) int { return statementCost(&h.Statement, h.Sources) }

// statementCost is HopCost of a hop that walks st with the sources srcs.
func statementCost(st *graph.Statement, srcs map[string]graph.Source) int {
	grade := 0 // the least rel × cred of an asserting claim
	n := 0     // distinct sources of asserting claims
	// Few claims are counted without a map.
	var seen map[string]bool
	if len(st.Claims) > 16 {
		seen = map[string]bool{}
	}
	for i, c := range st.Claims {
		if c.Stance != graph.Asserts {
			continue
		}
		if seen != nil {
			if !seen[c.Source] {
				seen[c.Source] = true
				n++
			}
		} else if !slices.ContainsFunc(st.Claims[:i], func(d graph.Claim) bool { return d.Stance == graph.Asserts && d.Source == c.Source }) {
			n++
		}
		if g := gradeWeight("ABCDE", srcs[c.Source].Reliability) * gradeWeight("12345", c.Credibility); grade == 0 || g < grade {
			grade = g
		}
	}
	if grade == 0 {
		grade = 100 * 100
	}
	n = min(max(n, 1), 5)
	num, den := statusBase(st.Status())*grade, (n+1)*5
	return (num + den - 1) / den
}

// statusBase is the base cost factor of a status.
func statusBase(s graph.Status) int {
	switch s {
	case graph.Reported:
		return 1
	case graph.Alleged:
		return 2
	case graph.Disputed:
		return 4
	default:
		return 8
	}
}

// gradeWeight maps a grade to its cost weight in percent: the grades in
// scale, best first, weigh 50, 75, 100, 150, 200; any other grade 100.
func gradeWeight(scale, grade string) int {
	i := strings.Index(scale, grade)
	if grade == "" || len(grade) != 1 || i < 0 {
		return 100
	}
	return [...]int{50, 75, 100, 150, 200}[i]
}

// MostCrediblePaths returns the q.K cheapest simple paths from q.From to
// q.To by HopCost, ordered by cost, then length, then entity ids along the
// path, then statement ids; fewer when fewer exist. It runs Yen's algorithm
// with a Dijkstra search inside, over (entity, hops so far) so that the
// cheapest path within q.MaxDepth is found even when a cheaper longer one
// exists. Errors as ShortestPaths.
func MostCrediblePaths(ctx context.Context, n Neighbors, q PathQuery) ([]Path, error) {
	if q.TimeFlow != nil {
		return timeFlowPaths(ctx, n, q, byCost, false)
	}
	return withSearch(ctx, n, &q, func(s *search) ([]Path, error) {
		return s.yen(ctx, q, s.cheapest, compareByCost, false)
	})
}

// state is an entity reached with a number of hops left to dst.
type state struct {
	node, hops int32
}

// label is a state with the cost of reaching dst from it.
type label struct {
	state
	cost int
}

// labels is a min-heap of labels by cost, hops, then entity id.
type labels struct {
	l []label
	s *search
}

func (l *labels) Len() int { return len(l.l) }
func (l *labels) Less(i, j int) bool {
	a, b := &l.l[i], &l.l[j]
	return cmp.Or(cmp.Compare(a.cost, b.cost), cmp.Compare(a.hops, b.hops), l.s.compareNodes(a.node, b.node)) < 0
}
func (l *labels) Swap(i, j int) { l.l[i], l.l[j] = l.l[j], l.l[i] }
func (l *labels) Push(x any)    { l.l = append(l.l, x.(label)) }
func (l *labels) Pop() any {
	x := l.l[len(l.l)-1]
	l.l = l.l[:len(l.l)-1]
	return x
}

// cheapest finds the first (by compareByCost) path of at most maxLen hops
// from src to dst avoiding b: a Dijkstra search backwards from dst over
// states (entity, hops to dst) settles the least cost of every state up to
// src's, then a greedy walk from src takes the least hop that keeps to it.
func (s *search) cheapest(ctx context.Context, src, dst int32, maxLen int, b *blocks) ([]Hop, bool, error) {
	settled := map[state]int{}
	best := map[state]int{{dst, 0}: 0}
	q := &labels{l: []label{{state: state{dst, 0}}}, s: s}
	for q.Len() > 0 {
		l := heap.Pop(q).(label)
		if _, done := settled[l.state]; done {
			continue
		}
		settled[l.state] = l.cost
		if l.node == src {
			hops, err := s.cheapestPath(ctx, l, dst, settled, b)
			return hops, err == nil, err
		}
		if int(l.hops) == maxLen {
			continue
		}
		if err := s.relax(ctx, l, dst, best, q, b); err != nil {
			return nil, false, err
		}
	}
	return nil, false, nil
}

// relax expands the entity of l: every entity with a hop to it gets the
// state one hop further from dst, at the hop's cost more.
func (s *search) relax(ctx context.Context, l label, dst int32, best map[state]int, q *labels, b *blocks) error {
	lo, hi, err := s.expand(ctx, l.node)
	if err != nil {
		return err
	}
	if hub, err := s.hub(ctx, l.node); err != nil || (hub && l.node != dst) {
		return err
	}
	for j := lo; j < hi; j++ {
		u := s.to[j]
		if u == dst || !s.usable(l.node, j, true, b) {
			continue
		}
		if ok, err := s.passable(ctx, u, b); err != nil {
			return err
		} else if !ok {
			continue
		}
		next := label{state{u, l.hops + 1}, l.cost + s.cost(j)}
		if c, ok := best[next.state]; ok && c <= next.cost {
			continue
		}
		best[next.state] = next.cost
		heap.Push(q, next)
	}
	return nil
}

// cheapestPath walks from the settled state of src to dst, taking at each
// entity the least hop to a settled state that keeps the cost.
func (s *search) cheapestPath(ctx context.Context, from label, dst int32, settled map[state]int, b *blocks) ([]Hop, error) {
	hops := make([]Hop, 0, from.hops)
	for cur := from; cur.hops > 0; {
		j, next, err := s.cheapestStep(ctx, cur, dst, settled, b)
		if err != nil {
			return nil, err
		}
		hops, cur = append(hops, *s.hop(j)), next
	}
	return hops, nil
}

// cheapestStep returns the least hop from cur's entity that keeps to a
// cheapest path, and the state it reaches.
func (s *search) cheapestStep(ctx context.Context, cur label, dst int32, settled map[state]int, b *blocks) (int32, label, error) {
	lo, hi, err := s.span(ctx, cur.node)
	if err != nil {
		return -1, label{}, err
	}
	for j := lo; j < hi; j++ {
		w := s.to[j]
		next := label{state: state{w, cur.hops - 1}}
		c, ok := settled[next.state]
		if !ok || !s.usable(cur.node, j, false, b) || c+s.cost(j) != cur.cost || (w == dst) != (next.hops == 0) {
			continue
		}
		if hub, err := s.hub(ctx, w); err != nil {
			return -1, label{}, err
		} else if hub && w != dst {
			continue
		}
		next.cost = c
		return j, next, nil
	}
	return -1, label{}, graph.Errorf(graph.Internal, "cheapest path search lost its way at %q", s.ids[cur.node])
}
