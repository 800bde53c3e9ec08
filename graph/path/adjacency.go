package path

import (
	"context"
	"slices"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
)

// Adjacency is a whole graph's hops held in arrays, for path search to walk
// without a map lookup or a string comparison per step. It numbers the
// entities 0, 1, … in the order of their ids, so that comparing numbers
// compares ids and the searches break ties exactly as they do on ids. It is
// never modified after it is built, and is safe for concurrent use.
//
// An Adjacency is a DenseNeighbors: the search functions walk it directly.
type Adjacency struct {
	// ids holds the numbered ids, sorted: every entity, and the ends of
	// hops that are no entity (a statement whose other end is missing);
	// those have no hops and no type, and a search that walks onto one
	// gets NotFound, as it would reading the store.
	ids   []string
	num   map[string]int32 // id → number
	types []string         // entity type by number; "" for no entity
	// The hops of entity v are hops[lo[v]:hi[v]], sorted by To then
	// statement id; lo[v] is -1 when v is no entity.
	lo, hi []int32
	hops   []Hop
	to     []int32 // the number of hops[j].To
	flags  []uint8 // hopForward, hopSymmetric of hops[j]
	rel    []int32 // the number of hops[j]'s relation type in rels
	rels   []string
	cost   []int32 // HopCost(hops[j])
	// entities counts the numbered ids that are entities.
	entities int
}

// The flags of a hop.
const (
	hopForward uint8 = 1 << iota
	hopSymmetric
)

// DenseNeighbors is a Neighbors that can hand path search the whole graph
// as an Adjacency. The search functions ask for it once per query and walk
// it when there is one, which is much faster than asking Hops entity by
// entity; results are the same either way.
type DenseNeighbors interface {
	Neighbors
	// Adjacency returns the graph to walk, or nil when this Neighbors
	// answers through Hops and EntityType only (for this query, or at
	// all).
	Adjacency(ctx context.Context) (*Adjacency, error)
}

// NewAdjacency builds the Adjacency of snap: for each entity, one hop per
// statement that has the entity at either end, walked away from it, as
// StoreNeighbors returns them (snap.Ontology says which relation types are
// symmetric). A statement end that is no entity gets no hops, as
// Store.Relations would give it none. Statements citing the same sources
// share one Hop.Sources map.
func NewAdjacency(snap graph.Snapshot) *Adjacency {
	symmetric := snap.Ontology.SymmetricTypes()
	ids := make([]string, 0, len(snap.EntityTypes))
	for id := range snap.EntityTypes {
		ids = append(ids, id)
	}
	for i := range snap.Statements {
		for _, end := range statementEnds(&snap.Statements[i]) {
			if _, ok := snap.EntityTypes[end]; !ok {
				ids = append(ids, end)
			}
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	g := &Adjacency{
		ids: ids, num: make(map[string]int32, len(ids)), types: make([]string, len(ids)),
		lo: make([]int32, len(ids)), hi: make([]int32, len(ids)), entities: len(snap.EntityTypes),
	}
	entity := make([]bool, len(ids))
	for i, id := range ids {
		g.num[id] = int32(i)
		g.types[i], entity[i] = snap.EntityTypes[id]
	}
	// Lay the hop lists out one after the other in id order: count, then
	// fill.
	count := make([]int32, len(ids))
	for i := range snap.Statements {
		for _, end := range statementEnds(&snap.Statements[i]) {
			count[g.num[end]]++
		}
	}
	var n int32
	for v := range ids {
		if !entity[v] {
			g.lo[v], g.hi[v] = -1, -1
			continue
		}
		g.lo[v], g.hi[v] = n, n
		n += count[v]
	}
	g.hops = make([]Hop, n)
	shared := map[string]map[string]graph.Source{}
	for i := range snap.Statements {
		st := snap.Statements[i]
		srcs := sourcesOf(st.Claims, snap.Sources, shared)
		sym := symmetric[st.Type]
		for _, end := range statementEnds(&st) {
			v := g.num[end]
			if !entity[v] {
				continue
			}
			h := Hop{From: end, To: st.Object, Statement: st, Forward: true, Symmetric: sym, Sources: srcs}
			if st.Subject != end {
				h.To, h.Forward = st.Subject, false
			}
			g.hops[g.hi[v]] = h
			g.hi[v]++
		}
	}
	relNum := map[string]int32{}
	g.to, g.flags, g.rel, g.cost = make([]int32, n), make([]uint8, n), make([]int32, n), make([]int32, n)
	for v := range ids {
		if g.lo[v] < 0 {
			continue
		}
		slices.SortFunc(g.hops[g.lo[v]:g.hi[v]], compareHops)
		for j := g.lo[v]; j < g.hi[v]; j++ {
			h := &g.hops[j]
			g.to[j], g.flags[j], g.cost[j] = g.num[h.To], hopFlags(h), int32(HopCost(*h))
			r, ok := relNum[h.Statement.Type]
			if !ok {
				r = int32(len(g.rels))
				relNum[h.Statement.Type] = r
				g.rels = append(g.rels, h.Statement.Type)
			}
			g.rel[j] = r
		}
	}
	// The first query is then as fast as the next ones.
	prepareScratch(len(g.ids))
	return g
}

// hopFlags returns the flags of h.
func hopFlags(h *Hop) uint8 {
	var f uint8
	if h.Forward {
		f |= hopForward
	}
	if h.Symmetric {
		f |= hopSymmetric
	}
	return f
}

// statementEnds returns the distinct ends of st: a self-loop has one.
func statementEnds(st *graph.Statement) []string {
	if st.Subject == st.Object {
		return []string{st.Subject}
	}
	return []string{st.Subject, st.Object}
}

// sourcesOf returns the known sources claims cite, sharing one map per set
// of source ids through shared.
func sourcesOf(claims []graph.Claim, known map[string]graph.Source, shared map[string]map[string]graph.Source) map[string]graph.Source {
	ids := make([]string, 0, len(claims))
	for _, c := range claims {
		if _, ok := known[c.Source]; ok {
			ids = append(ids, c.Source)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	key := strings.Join(ids, "\x00")
	if m, ok := shared[key]; ok {
		return m
	}
	m := make(map[string]graph.Source, len(ids))
	for _, id := range ids {
		m[id] = known[id]
	}
	shared[key] = m
	return m
}

// Size returns the number of entities and of hops (each statement between
// two entities is two hops).
func (g *Adjacency) Size() (entities, hops int) { return g.entities, len(g.hops) }

// entity returns the number of the entity id, or NotFound.
func (g *Adjacency) entity(id string) (int32, error) {
	if v, ok := g.num[id]; ok && g.lo[v] >= 0 {
		return v, nil
	}
	return -1, graph.Errorf(graph.NotFound, "no entity %q", id)
}

// Hops implements Neighbors. The slice is shared: callers must not modify
// it.
func (g *Adjacency) Hops(_ context.Context, id string) ([]Hop, error) {
	v, err := g.entity(id)
	if err != nil {
		return nil, err
	}
	return g.hops[g.lo[v]:g.hi[v]:g.hi[v]], nil
}

// EntityType implements Neighbors.
func (g *Adjacency) EntityType(_ context.Context, id string) (string, error) {
	v, err := g.entity(id)
	if err != nil {
		return "", err
	}
	return g.types[v], nil
}

// Adjacency implements DenseNeighbors: it returns g.
func (g *Adjacency) Adjacency(context.Context) (*Adjacency, error) { return g, nil }
