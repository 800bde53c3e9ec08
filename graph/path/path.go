package path

import (
	"context"
	"slices"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
)

// Hop is one step of a path: a statement walked from one end to the other.
type Hop struct {
	// From and To are the entity ids the hop walks from and to.
	From, To string
	// Statement is the statement walked, with its claims.
	Statement graph.Statement
	// Forward reports whether the hop walks subject → object.
	Forward bool
	// Symmetric reports whether the statement's relation type is symmetric
	// (it reads the same both ways and may be walked either way).
	Symmetric bool
	// Sources holds the sources the statement's claims cite, by id, as far
	// as the Neighbors knows them; it feeds reliability grades to HopCost
	// and titles to Explain. It may be nil.
	Sources map[string]graph.Source
}

// Reverse returns the hop walked the other way.
func (h Hop) Reverse() Hop {
	h.From, h.To = h.To, h.From
	h.Forward = !h.Forward
	return h
}

// Neighbors is what the path algorithms walk: the hops leaving an entity and
// the type of an entity. Implementations are safe for concurrent use.
type Neighbors interface {
	// Hops returns one hop per statement that has the entity at either end,
	// walked away from it (Hop.From is id), in any order; the algorithms
	// filter and sort, and never modify the slice. Returns NotFound when
	// there is no such entity.
	Hops(ctx context.Context, id string) ([]Hop, error)

	// EntityType returns the entity type of the entity, or NotFound.
	EntityType(ctx context.Context, id string) (string, error)
}

// StoreNeighbors returns Neighbors reading st: Hops asks Store.Relations for
// every statement of the entity, marks the hops of ont's symmetric relation
// types, and looks up the sources their claims cite (a source the store does
// not know is left out). Nothing is cached between calls, so the result is
// always as fresh as the store; the search functions cache hops for the
// length of one query.
func StoreNeighbors(st graph.Store, ont graph.Ontology) Neighbors {
	return storeNeighbors{st: st, symmetric: ont.SymmetricTypes()}
}

// NeighborsProvider is a Store that offers a faster Neighbors than
// StoreNeighbors, such as the adjacency index of graph/cache. Path search
// in the GraphQL API uses it when the store has it.
type NeighborsProvider interface {
	Neighbors(ont graph.Ontology) Neighbors
}

type storeNeighbors struct {
	st        graph.Store
	symmetric map[string]bool
}

func (n storeNeighbors) EntityType(ctx context.Context, id string) (string, error) {
	e, err := n.st.Entity(ctx, id)
	if err != nil {
		return "", err
	}
	return e.Type, nil
}

func (n storeNeighbors) Hops(ctx context.Context, id string) ([]Hop, error) {
	sts, err := n.st.Relations(ctx, id, graph.RelationQuery{Direction: graph.Both})
	if err != nil {
		return nil, err
	}
	sources := map[string]graph.Source{}
	hops := make([]Hop, 0, len(sts))
	for _, st := range sts {
		h := Hop{From: id, To: st.Object, Statement: st, Forward: true, Symmetric: n.symmetric[st.Type]}
		if st.Subject != id {
			h.To, h.Forward = st.Subject, false
		}
		if h.Sources, err = n.sources(ctx, st.Claims, sources); err != nil {
			return nil, err
		}
		hops = append(hops, h)
	}
	return hops, nil
}

// sources returns the sources claims cite, looked up once per Hops call
// through memo.
func (n storeNeighbors) sources(ctx context.Context, claims []graph.Claim, memo map[string]graph.Source) (map[string]graph.Source, error) {
	out := map[string]graph.Source{}
	for _, c := range claims {
		if s, ok := memo[c.Source]; ok {
			out[c.Source] = s
			continue
		}
		s, err := n.st.Source(ctx, c.Source)
		if graph.ErrorCode(err) == graph.NotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		memo[c.Source], out[c.Source] = s, s
	}
	return out, nil
}

// Bounds of path queries. A zero field of a query takes the default; a value
// above the cap is rejected as Invalid.
const (
	DefaultMaxDepth    = 6       // PathQuery.MaxDepth when zero
	MaxMaxDepth        = 12      // cap of PathQuery.MaxDepth and NeighborhoodQuery.Depth
	DefaultK           = 1       // PathQuery.K when zero: the best path only
	MaxK               = 100     // cap of PathQuery.K
	DefaultPathLimit   = 100     // PathQuery.Limit when zero
	MaxPathLimit       = 1000    // cap of PathQuery.Limit
	DefaultMaxExpanded = 20000   // Filter.MaxExpanded when zero
	MaxMaxExpanded     = 1000000 // cap of Filter.MaxExpanded
	DefaultMaxNodes    = 500     // NeighborhoodQuery.MaxNodes when zero
	MaxMaxNodes        = 10000   // cap of NeighborhoodQuery.MaxNodes
)

// Filter selects the hops and intermediate entities a search may use. Zero
// fields select everything.
type Filter struct {
	// Types keeps only hops whose relation type is listed.
	Types []string
	// Direction is the way statements are followed: Out walks subject →
	// object, In object → subject, Both either way. A symmetric relation is
	// walked either way whatever the direction. Unlike RelationQuery, the
	// zero value means Out: a path reads as a chain of what was said, in the
	// direction it was said; ask for Both to walk against it.
	Direction graph.Direction
	// Status keeps only hops whose statement has one of these statuses.
	Status []graph.Status
	// EntityTypes keeps only intermediate entities of these types; the
	// endpoints of a query may be of any type.
	EntityTypes []string
	// Exclude lists entity ids no path may pass through. It must not name
	// an endpoint of the query.
	Exclude []string
	// Claimant and Source keep only hops that have a claim (of either
	// stance) by this claimant entity, and from this source. When both are
	// set, one claim must match both.
	Claimant string
	Source   string
	// AsOf keeps only statements valid at that date: ValidFrom (when known)
	// on or before it, and ValidUntil (when known) on or after it. Partial
	// dates compare by their first day, except that a date within a partial
	// ValidUntil ("2021-08-15" within "2021-08") is still valid.
	AsOf graph.Date
	// ReportedBy walks each statement as it was reported by that date:
	// with only the claims reported by then (see
	// graph.Statement.AsReportedBy; a claim without a said date is dated by
	// its source in Hop.Sources), so that its status, its cost and the
	// claimant and source filters see those claims alone. A statement with
	// none is not walked.
	ReportedBy graph.Date
	// MaxDegree guards against hubs: an entity with more hops than this
	// (counting every statement it has, before filtering) is not walked
	// through, though it may be an endpoint. 0 means no guard.
	MaxDegree int
	// MaxExpanded bounds the work of one query: the number of times the
	// search expands an entity (walks its hops), counted over every search
	// a query runs (Yen's algorithm runs one per spur node). 0 means
	// DefaultMaxExpanded; the cap is MaxMaxExpanded. A query that needs
	// more fails with Invalid.
	MaxExpanded int
}

// PathQuery asks for paths between two entities.
type PathQuery struct {
	// From and To are the entity ids of the endpoints; they must differ.
	From, To string
	// MaxDepth bounds the number of hops of a path: default
	// DefaultMaxDepth, at most MaxMaxDepth.
	MaxDepth int
	// K is the number of paths KShortestPaths and MostCrediblePaths return
	// (fewer when fewer exist): default DefaultK (the best path only), at
	// most MaxK.
	K int
	// Limit is the most paths AllSimplePaths returns: default
	// DefaultPathLimit, at most MaxPathLimit. More paths are an error, not
	// a truncated answer.
	Limit int
	// TimeFlow, when set, keeps only the paths whose hops follow each
	// other in time (see TimeFlow).
	TimeFlow *TimeFlow
	Filter
}

// Path is a walk from one entity to another without repeated entities.
type Path struct {
	Hops []Hop
	// Length is the number of hops.
	Length int
	// Cost is the sum of the HopCost of the hops, in CostUnit units.
	Cost int
	// Dated reports that a time-flow search found the path: Explain gives
	// each hop's valid time (Hop.ExplainDated).
	Dated bool
}

// newPath builds a Path of hops, computing Length and Cost.
func newPath(hops []Hop) Path {
	p := Path{Hops: hops, Length: len(hops)}
	for _, h := range hops {
		p.Cost += HopCost(h)
	}
	return p
}

// Nodes returns the entity ids along p, from its start to its end.
func (p Path) Nodes() []string {
	if len(p.Hops) == 0 {
		return nil
	}
	ids := make([]string, 0, len(p.Hops)+1)
	ids = append(ids, p.Hops[0].From)
	for _, h := range p.Hops {
		ids = append(ids, h.To)
	}
	return ids
}

// Explain explains p one hop a line; see Hop.Explain and, for a Dated
// path, Hop.ExplainDated.
func (p Path) Explain(name func(id string) string, label func(relType string) string) string {
	lines := make([]string, len(p.Hops))
	for i, h := range p.Hops {
		if p.Dated {
			lines[i] = h.ExplainDated(name, label)
		} else {
			lines[i] = h.Explain(name, label)
		}
	}
	return strings.Join(lines, "\n")
}

// key identifies p by its entities and statements.
func (p Path) key() string {
	var b strings.Builder
	for _, h := range p.Hops {
		b.WriteString(h.From)
		b.WriteByte(0)
		b.WriteString(h.Statement.ID)
		b.WriteByte(0)
	}
	return b.String()
}

// compareLex orders paths by their entity ids, then by their statement ids,
// hop by hop.
func compareLex(a, b Path) int {
	if c := slices.Compare(a.Nodes(), b.Nodes()); c != 0 {
		return c
	}
	for i := range min(len(a.Hops), len(b.Hops)) {
		if c := strings.Compare(a.Hops[i].Statement.ID, b.Hops[i].Statement.ID); c != 0 {
			return c
		}
	}
	return len(a.Hops) - len(b.Hops)
}

// compareByLength orders paths by length, then cost, then compareLex.
func compareByLength(a, b Path) int {
	if a.Length != b.Length {
		return a.Length - b.Length
	}
	if a.Cost != b.Cost {
		return a.Cost - b.Cost
	}
	return compareLex(a, b)
}

// compareByCost orders paths by cost, then compareByLength.
func compareByCost(a, b Path) int {
	if a.Cost != b.Cost {
		return a.Cost - b.Cost
	}
	return compareByLength(a, b)
}
