package path

import (
	"container/heap"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
)

// TimeFlow asks for paths whose hops follow each other in time, as the
// time-flow search of link-analysis tools does: each hop's statement starts
// to hold (its ValidFrom) no earlier than the statement of the hop before
// it, and, with MaxGap, at most MaxGap later.
//
// Dates are spans ("2021" is the whole year), and a hop follows the one
// before when the dates allow it: the last day of its start is on or after
// the first day of the previous start, and, with MaxGap, the first day of
// its start is no later than MaxGap after the last day of the previous
// start. A hop whose statement has no known start is not walked, unless
// AllowUndated: then it may come anywhere, and the next dated hop is
// compared with the last dated hop before it.
//
// Whether a hop may be walked depends on the path that reached it, not on
// the hop alone, so a time-flow query enumerates paths best first (see
// timeFlowPaths) rather than filtering hops: the paths come in the order of
// the query's mode, and the same budget (MaxExpanded) bounds the work.
type TimeFlow struct {
	// MaxGap bounds the time between the starts of two dated hops in a
	// row; "" leaves it open.
	MaxGap graph.Duration
	// AllowUndated walks hops whose statements have no known start.
	AllowUndated bool
}

// follows reports whether a statement starting at next may follow one
// starting at prev under tf; see TimeFlow. Both dates are known.
func (tf *TimeFlow) follows(prev, next graph.Date) bool {
	pFirst, pLast, ok1 := prev.Span()
	nFirst, nLast, ok2 := next.Span()
	if !ok1 || !ok2 || nLast.Before(pFirst) {
		return false
	}
	return tf.MaxGap == "" || !nFirst.After(tf.MaxGap.After(pLast))
}

// asReported returns h with its statement as reported by the date by (see
// graph.Statement.AsReportedBy), dating claims without a said date by the
// sources in h.Sources, and whether any claim is left. h is not modified.
func asReported(h *Hop, by graph.Date) (*Hop, bool) {
	st, ok := h.Statement.AsReportedBy(by, func(id string) graph.Date { return h.Sources[id].Published })
	if !ok {
		return nil, false
	}
	if len(st.Claims) == len(h.Statement.Claims) {
		return h, true
	}
	c := *h
	c.Statement = st
	return &c, true
}

// ValidTime describes when h's statement holds: "valid from 2021-08",
// "valid from 2021 until 2024-05", "valid until 2024" or "valid time
// unknown".
func (h Hop) ValidTime() string {
	from, until := h.Statement.ValidFrom, h.Statement.ValidUntil
	switch {
	case from != "" && until != "":
		return fmt.Sprintf("valid from %s until %s", from, until)
	case from != "":
		return "valid from " + string(from)
	case until != "":
		return "valid until " + string(until)
	}
	return "valid time unknown"
}

// ExplainDated is Explain followed by the hop's valid time, for paths of a
// time-flow search:
//
//	TTP —allied with— Afghan Taliban  [REPORTED: reported by Dawn]  (valid from 2021-08)
func (h Hop) ExplainDated(name func(id string) string, label func(relType string) string) string {
	return h.Explain(name, label) + "  (" + h.ValidTime() + ")"
}

// timeFlowOrder is how a time-flow query ranks its paths.
type timeFlowOrder int

const (
	byLength timeFlowOrder = iota // compareByLength: shortest and all
	byCost                        // compareByCost: credible
)

// timeFlowPaths answers q, whose TimeFlow is set: the first q.K paths in
// order, or with all every path (an error past q.Limit).
func timeFlowPaths(ctx context.Context, n Neighbors, q PathQuery, order timeFlowOrder, all bool) ([]Path, error) {
	if q.TimeFlow == nil {
		return nil, graph.Errorf(graph.Internal, "a time-flow search without a time flow")
	}
	if _, err := graph.ParseDuration(string(q.TimeFlow.MaxGap)); err != nil {
		return nil, graph.Errorf(graph.Invalid, "timeFlow.maxGap: %v", err)
	}
	return withSearch(ctx, n, &q, func(s *search) ([]Path, error) {
		return s.timeFlow(ctx, q, order, all)
	})
}

// tfPath is a path of a time-flow search, held as a chain back to its
// start: the search keeps many that share their beginnings.
type tfPath struct {
	parent *tfPath // nil at the start
	hop    int32   // the hop that reached v; -1 at the start
	v      int32
	length int
	cost   int
	// dated is the last hop of the path whose statement has a known start;
	// -1 when there is none.
	dated int32
}

// tfQueue is a min-heap of paths in the query's order.
type tfQueue struct {
	l     []*tfPath
	less  func(a, b *tfPath) bool
	total int // paths ever pushed
}

func (q *tfQueue) Len() int           { return len(q.l) }
func (q *tfQueue) Less(i, j int) bool { return q.less(q.l[i], q.l[j]) }
func (q *tfQueue) Swap(i, j int)      { q.l[i], q.l[j] = q.l[j], q.l[i] }
func (q *tfQueue) Push(x any)         { q.l = append(q.l, x.(*tfPath)); q.total++ }
func (q *tfQueue) Pop() any {
	x := q.l[len(q.l)-1]
	q.l[len(q.l)-1] = nil
	q.l = q.l[:len(q.l)-1]
	return x
}

// timeFlowQueueFactor bounds the paths a time-flow search keeps at once to
// this many per entity it may expand (Filter.MaxExpanded).
const timeFlowQueueFactor = 16

// timeFlow enumerates the simple paths from the query's first endpoint to
// its second that keep to its time flow, best first: a priority queue of
// paths, each popped path extended by every hop that may follow it. Costs
// are positive and every path ranks after its beginnings in both orders
// (by length or cost first), so the complete paths come out of the queue
// in order, ties included. A backward breadth-first search from the
// destination first bounds how far each entity is from it, so that no path
// is extended past MaxDepth.
func (s *search) timeFlow(ctx context.Context, q PathQuery, order timeFlowOrder, all bool) ([]Path, error) {
	src, dst := s.ends[0], s.ends[1]
	if err := s.distancesTo(ctx, dst, q.MaxDepth-1); err != nil {
		return nil, err
	}
	if _, ok := s.sc.dist.get(src); !ok {
		return []Path{}, nil
	}
	queue := &tfQueue{less: func(a, b *tfPath) bool { return s.compareTF(a, b, order) < 0 }}
	heap.Push(queue, &tfPath{hop: -1, v: src, dated: -1})
	limit := timeFlowQueueFactor * s.f.MaxExpanded
	found := []Path{}
	for queue.Len() > 0 {
		p := heap.Pop(queue).(*tfPath)
		if p.v == dst {
			if all && len(found) == q.Limit {
				return nil, graph.Errorf(graph.Invalid, "there are more than %d paths from %q to %q within %d hops in time flow (limit); narrow the query with types, status, maxGap or a lower maxDepth, or raise limit (at most %d)",
					q.Limit, q.From, q.To, q.MaxDepth, MaxPathLimit)
			}
			found = append(found, s.tfHops(p))
			if !all && len(found) == q.K {
				break
			}
			continue
		}
		if err := s.tfExtend(ctx, p, q, queue); err != nil {
			return nil, err
		}
		if queue.total > limit {
			return nil, graph.Errorf(graph.Invalid, "the time-flow search kept more than %d partial paths (%d per entity of maxExpanded); narrow the query with types, status, maxGap or a lower maxDepth, or raise maxExpanded (at most %d)",
				limit, timeFlowQueueFactor, MaxMaxExpanded)
		}
	}
	return found, nil
}

// tfExtend pushes every path that extends p by one hop within the query's
// filters, depth and time flow, and through no entity twice.
func (s *search) tfExtend(ctx context.Context, p *tfPath, q PathQuery, queue *tfQueue) error {
	lo, hi, err := s.expand(ctx, p.v)
	if err != nil {
		return err
	}
	dst := s.ends[1]
	for j := lo; j < hi; j++ {
		w := s.to[j]
		dw, near := s.sc.dist.get(w)
		if !near || p.length+1+int(dw) > q.MaxDepth || !s.usable(p.v, j, false, nil) || p.passes(w) {
			continue
		}
		dated, ok := s.tfFollows(p, j, q.TimeFlow)
		if !ok {
			continue
		}
		if w != dst {
			if hub, err := s.hub(ctx, w); err != nil {
				return err
			} else if hub {
				continue
			}
			if ok, err := s.passable(ctx, w, nil); err != nil {
				return err
			} else if !ok {
				continue
			}
		}
		heap.Push(queue, &tfPath{parent: p, hop: j, v: w, length: p.length + 1, cost: p.cost + s.cost(j), dated: dated})
	}
	return nil
}

// passes reports whether p passes through (or starts at) v.
func (p *tfPath) passes(v int32) bool {
	for ; p != nil; p = p.parent {
		if p.v == v {
			return true
		}
	}
	return false
}

// tfFollows reports whether hop j may follow path p in time under tf, and
// returns the last dated hop of the path it makes.
func (s *search) tfFollows(p *tfPath, j int32, tf *TimeFlow) (int32, bool) {
	start := s.hop(j).Statement.ValidFrom
	if start == "" {
		return p.dated, tf.AllowUndated
	}
	if p.dated >= 0 && !tf.follows(s.hop(p.dated).Statement.ValidFrom, start) {
		return 0, false
	}
	return j, true
}

// tfHops returns the Path that p holds.
func (s *search) tfHops(p *tfPath) Path {
	hops := make([]Hop, p.length)
	for i := p.length - 1; p.parent != nil; i, p = i-1, p.parent {
		hops[i] = *s.hop(p.hop)
	}
	path := newPath(hops)
	path.Dated = true
	return path
}

// compareTF orders time-flow paths as compareByLength (byLength) or
// compareByCost (byCost) order the paths they hold.
func (s *search) compareTF(a, b *tfPath, order timeFlowOrder) int {
	first, second := a.length-b.length, a.cost-b.cost
	if order == byCost {
		first, second = second, first
	}
	if first != 0 {
		return first
	}
	if second != 0 {
		return second
	}
	return s.compareTFLex(a, b)
}

// compareTFLex orders two paths of one length by their entities, then
// their statement ids, as compareLex does.
func (s *search) compareTFLex(a, b *tfPath) int {
	av, bv := a.chain(), b.chain()
	for i := range min(len(av), len(bv)) {
		if c := s.compareNodes(av[i].v, bv[i].v); c != 0 {
			return c
		}
	}
	if len(av) != len(bv) {
		return len(av) - len(bv)
	}
	for i := 1; i < len(av); i++ {
		if c := strings.Compare(s.hop(av[i].hop).Statement.ID, s.hop(bv[i].hop).Statement.ID); c != 0 {
			return c
		}
	}
	return 0
}

// chain returns the paths from the start to p, p last.
func (p *tfPath) chain() []*tfPath {
	out := make([]*tfPath, 0, p.length+1)
	for ; p != nil; p = p.parent {
		out = append(out, p)
	}
	slices.Reverse(out)
	return out
}
