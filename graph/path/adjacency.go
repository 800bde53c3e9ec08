package path

import (
	"cmp"
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
	sts := snap.Statements
	ids := make([]string, 0, len(snap.EntityTypes))
	for id := range snap.EntityTypes {
		ids = append(ids, id)
	}
	for i := range sts {
		for _, end := range statementEnds(&sts[i]) {
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
	// The numbers of each statement's subject and object, looked up once.
	ends := make([][2]int32, len(sts))
	count := make([]int32, len(ids))
	for i := range sts {
		s, o := g.num[sts[i].Subject], g.num[sts[i].Object]
		ends[i] = [2]int32{s, o}
		count[s]++
		if o != s {
			count[o]++
		}
	}
	// Lay the hop lists out one after the other in id order: count, then
	// fill. A slot is a hop as the number of the entity it walks to and
	// the index of its statement, sorted as compareHops sorts hops:
	// numbers follow the order of ids.
	var n int32
	for v := range ids {
		if !entity[v] {
			g.lo[v], g.hi[v] = -1, -1
			continue
		}
		g.lo[v], g.hi[v] = n, n
		n += count[v]
	}
	type slot struct{ to, st int32 }
	slots := make([]slot, n)
	for i, e := range ends {
		s, o := e[0], e[1]
		if entity[s] {
			slots[g.hi[s]] = slot{o, int32(i)}
			g.hi[s]++
		}
		if o != s && entity[o] {
			slots[g.hi[o]] = slot{s, int32(i)}
			g.hi[o]++
		}
	}
	bySlot := func(a, b slot) int {
		return cmp.Or(cmp.Compare(a.to, b.to), strings.Compare(sts[a.st].ID, sts[b.st].ID))
	}
	for v := range ids {
		if g.lo[v] >= 0 {
			slices.SortFunc(slots[g.lo[v]:g.hi[v]], bySlot)
		}
	}
	// What both hops of a statement share, worked out once: the sources
	// (one map per set of source ids), the cost and the relation type's
	// number, numbered in the order the hops first name them.
	srcs := make([]map[string]graph.Source, len(sts))
	costs := make([]int32, len(sts))
	rels := make([]int32, len(sts))
	shared := map[string]map[string]graph.Source{}
	for i := range sts {
		srcs[i] = sourcesOf(sts[i].Claims, snap.Sources, shared)
		costs[i] = int32(statementCost(&sts[i], srcs[i]))
		rels[i] = -1
	}
	relNum := map[string]int32{}
	g.hops = make([]Hop, n)
	g.to, g.flags, g.rel, g.cost = make([]int32, n), make([]uint8, n), make([]int32, n), make([]int32, n)
	for j, sl := range slots {
		i := sl.st
		st := &sts[i]
		h := &g.hops[j]
		h.Statement, h.Symmetric, h.Sources = *st, symmetric[st.Type], srcs[i]
		if ends[i][0] == ends[i][1] || ends[i][1] == sl.to {
			h.From, h.To, h.Forward = st.Subject, st.Object, true
		} else {
			h.From, h.To = st.Object, st.Subject
		}
		if rels[i] < 0 {
			r, ok := relNum[st.Type]
			if !ok {
				r = int32(len(g.rels))
				relNum[st.Type] = r
				g.rels = append(g.rels, st.Type)
			}
			rels[i] = r
		}
		g.to[j], g.flags[j], g.rel[j], g.cost[j] = sl.to, hopFlags(h), rels[i], costs[i]
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
