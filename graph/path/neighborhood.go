package path

import (
	"context"
	"slices"

	"github.com/claimgraph/claimgraph/graph"
)

// NeighborhoodQuery asks for the entities around one entity.
type NeighborhoodQuery struct {
	// ID is the entity at the centre.
	ID string
	// Depth is the number of hops to walk out: default 1, at most
	// MaxMaxDepth.
	Depth int
	// MaxNodes bounds the entities of the answer, centre included: default
	// DefaultMaxNodes, at most MaxMaxNodes. A larger neighbourhood is an
	// error, not a truncated answer.
	MaxNodes int
	// Filter selects the hops walked and the entities reached (the centre
	// is exempt). Hubs (see Filter.MaxDegree) are reached but not walked
	// through.
	Filter
}

// Subgraph is the part of the graph around an entity.
type Subgraph struct {
	// Nodes are the entities reached, ordered by depth, then id; the centre
	// comes first at depth 0.
	Nodes []SubgraphNode
	// Hops are the statements walked, each once, away from the entity
	// nearer the centre, in the order the search walked them (by depth of
	// From, then From, To and statement id). Statements between two
	// entities at the outer depth are not walked.
	Hops []Hop
}

// SubgraphNode is an entity of a Subgraph at its distance from the centre.
type SubgraphNode struct {
	ID    string
	Depth int
}

// Neighborhood returns the entities within q.Depth hops of q.ID and the
// statements walked to reach them. Returns NotFound when the entity does not
// exist, and Invalid for a bad query, an exhausted budget, or more entities
// than q.MaxNodes.
func Neighborhood(ctx context.Context, n Neighbors, q NeighborhoodQuery) (Subgraph, error) {
	if err := q.normalize(); err != nil {
		return Subgraph{}, err
	}
	s, err := newSearch(ctx, n, q.Filter, q.ID)
	if err != nil {
		return Subgraph{}, err
	}
	defer s.done()
	g := Subgraph{Nodes: []SubgraphNode{{q.ID, 0}}, Hops: []Hop{}}
	depth := &s.sc.dist
	depth.reset(len(s.ids))
	depth.set(s.ends[0], 0)
	reached := 1
	walked := map[string]bool{}
	frontier := []int32{s.ends[0]}
	for d := 1; d <= q.Depth && len(frontier) > 0; d++ {
		var next []int32
		for _, v := range frontier {
			lo, hi, err := s.expand(ctx, v)
			if err != nil {
				return Subgraph{}, err
			}
			if hub, err := s.hub(ctx, v); err != nil || hub {
				if err != nil {
					return Subgraph{}, err
				}
				continue
			}
			for j := lo; j < hi; j++ {
				h := s.hop(j)
				if !s.usable(v, j, false, nil) || walked[h.Statement.ID] {
					continue
				}
				if w := s.to[j]; !depth.has(w) {
					if ok, err := s.admits(ctx, w); err != nil {
						return Subgraph{}, err
					} else if !ok {
						continue
					}
					if reached == q.MaxNodes {
						return Subgraph{}, graph.Errorf(graph.Invalid, "the neighborhood of %q within %d hops has more than %d entities (maxNodes); narrow it with types, status or a lower depth, or raise maxNodes (at most %d)",
							q.ID, q.Depth, q.MaxNodes, MaxMaxNodes)
					}
					depth.set(w, int32(d))
					reached++
					next = append(next, w)
				}
				walked[h.Statement.ID] = true
				g.Hops = append(g.Hops, *h)
			}
		}
		s.sortNodes(next)
		for _, w := range next {
			g.Nodes = append(g.Nodes, SubgraphNode{s.ids[w], d})
		}
		frontier = next
	}
	return g, nil
}

// normalize fills the defaults of q and checks its bounds and values.
func (q *NeighborhoodQuery) normalize() error {
	if q.ID == "" {
		return graph.Errorf(graph.Invalid, "a neighborhood query needs an entity id")
	}
	if slices.Contains(q.Exclude, q.ID) {
		return graph.Errorf(graph.Invalid, "exclude may not name the centre of the neighborhood")
	}
	var err error
	if q.Depth, err = bounded("depth", q.Depth, 1, MaxMaxDepth); err != nil {
		return err
	}
	if q.MaxNodes, err = bounded("maxNodes", q.MaxNodes, DefaultMaxNodes, MaxMaxNodes); err != nil {
		return err
	}
	return q.Filter.normalize()
}
