package seed

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
)

// startMapped prepares the reading of RDF through m: the store must take
// bulk imports, and the mapping's ontology and source must fit the
// stored ontology.
func (pl *pipeline) startMapped(ctx context.Context, m *Mapping) error {
	if _, ok := pl.st.(graph.BulkStore); !ok {
		return graph.Errorf(graph.Invalid, "this store cannot take bulk imports")
	}
	stored, err := pl.st.Ontology(ctx)
	if err != nil {
		return err
	}
	ont := stored.Merge(m.Ontology)
	if diags := m.check(ont); len(diags) > 0 {
		return diagError(graph.Invalid, diags)
	}
	if err := m.parsed.Locate(graph.ValidateBatch(ctx, ont, &graph.Batch{Ontology: m.Ontology, Sources: []graph.Source{m.Source}},
		func(context.Context, string, string) (string, bool, error) { return "", false, nil })); err != nil {
		return err
	}
	pl.ont = ont
	pl.rdf = newRDFGraph(m)
	return nil
}

// RDF read through a mapping (N-Quads streamed once, JSON-LD read whole)
// becomes one bulk import of the mapping's source (graph.BulkStore): all
// or nothing, replacing the source's previous import; the same inputs
// again change nothing. What is kept in memory is one record per node and
// per statement, not the quads. Every problem is reported with its
// position: an unparsable line, a node two types claim, two IRIs that map
// to one entity id, an edge to a node the mapping gives no type, a
// relation between types the ontology does not allow.

// rdfGraph is what a mapped import keeps of the inputs: the nodes, the edges
// the mapping turns into statements, and the middle nodes of joins.
type rdfGraph struct {
	m      *Mapping
	digest hash.Hash
	diags  []diagnostic
	files  []string // the names of the inputs
	order  []int    // the index of each input among the import's
	// joinsBy lists the joins that use each predicate.
	joinsBy map[string][]int

	nodes map[string]int32 // node key → index
	node  []rdfNode
	edges []rdfEdge
	// parts are the quads of the joins' middle nodes, in input order,
	// and attrVals the attribute values they name; build groups them by
	// middle node. A middle node is known by a hash of its key only.
	parts    []joinPart
	attrVals []string
	rels     []string // the relation types of the edges

	entities   []int32 // node indexes of the entities, in order
	statements []rdfEdge
}

type rdfNode struct {
	key      string
	typ      string // entity type, "" when none
	typeRank int32  // index of the type IRI in the mapping's entityTypes
	nameRank int32  // index in Mapping.names of the name's predicate
	name     string
	pos      place
}

// place is a compact position: the index of the input in rdfGraph.files,
// line and column.
type place struct {
	file      int32
	line, col int32
}

type rdfEdge struct {
	s, o  int32
	rel   int32 // an index in rdfGraph.rels
	pos   place
	attrs map[string]string
}

// joinPart is one quad of a join's middle node: the subject or object
// it links to, or one of the join's attributes.
type joinPart struct {
	mid   [16]byte // the first bytes of the SHA-256 of the middle node's key
	join  int32
	role  int32 // partSubject, partObject, or the index of the join's attribute
	other int32 // the node at the other end, or the attribute value's index in attrVals
	pos   place
}

const (
	partSubject = -2
	partObject  = -1
)

func middleHash(key string) [16]byte {
	sum := sha256.Sum256([]byte(key))
	return [16]byte(sum[:16])
}

func newRDFGraph(m *Mapping) *rdfGraph {
	g := &rdfGraph{m: m, digest: sha256.New(), nodes: map[string]int32{}}
	g.digest.Write(m.data)
	return g
}

func (g *rdfGraph) pos(p place) Position {
	return Position{File: g.files[p.file], Line: int(p.line), Column: int(p.col)}
}

func (g *rdfGraph) add(p place, format string, args ...any) {
	if len(g.diags) < maxCollected {
		g.diags = append(g.diags, diagnostic{pos: g.pos(p), fileIndex: g.order[p.file], msg: fmt.Sprintf(format, args...)})
	}
}

// intern returns the index of a node.
func (g *rdfGraph) intern(t term, p place) int32 {
	if i, ok := g.nodes[t.key]; ok {
		return i
	}
	i := int32(len(g.node))
	key := strings.Clone(t.key) // not the whole line
	g.nodes[key] = i
	g.node = append(g.node, rdfNode{key: key, nameRank: -1, pos: p})
	return i
}

// begin starts an input: it returns its index among g's inputs. order
// is its index among the import's inputs, for the order of problems.
func (g *rdfGraph) begin(name string, order int) int32 {
	g.files = append(g.files, name)
	g.order = append(g.order, order)
	g.digest.Write([]byte("\x00" + name + "\x00"))
	if g.joinsBy == nil {
		g.joinsBy = map[string][]int{} // predicate → joins using it
		for j, jn := range g.m.joins {
			g.joinsBy[jn.subject.pred] = append(g.joinsBy[jn.subject.pred], j)
			if jn.object.pred != jn.subject.pred {
				g.joinsBy[jn.object.pred] = append(g.joinsBy[jn.object.pred], j)
			}
			for _, a := range jn.attributes {
				if !containsInt(g.joinsBy[a.pred], j) {
					g.joinsBy[a.pred] = append(g.joinsBy[a.pred], j)
				}
			}
		}
	}
	return int32(len(g.files) - 1)
}

// read reads one N-Quads input, streamed. Relative IRIs are admitted, as
// Cayley's own dumps write them; otherwise each line must be RDF 1.1
// N-Quads.
func (g *rdfGraph) read(ctx context.Context, name string, order int, r io.Reader) error {
	file := g.begin(name, order)
	return readNQuads(ctx, io.TeeReader(r, g.digest), name, true,
		func(q nquad, line, lead int) {
			g.quad(q, func(c int) place { return place{file, int32(line), int32(c + lead)} })
		},
		func(line, col int, err error) {
			g.add(place{file, int32(line), int32(col)}, "N-Quads syntax error: %v", err)
		})
}

func containsInt(list []int, x int) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

// quad takes in one quad of the data.
func (g *rdfGraph) quad(q nquad, at func(int) place) {
	pred := q.p.value // quads of predicates the mapping does not name are left out
	if pred == g.m.typePred {
		if q.o.kind == termLiteral {
			g.add(at(q.o.col), "the type of a node must be an IRI, not a literal")
			return
		}
		t, ok := g.m.types[q.o.value]
		if !ok {
			return // a type the mapping does not map: not an entity (unless another type is)
		}
		rank := int32(indexOf(g.m.typeOrder, q.o.value))
		n := &g.node[g.intern(q.s, at(q.s.col))]
		if n.typ == "" || rank < n.typeRank {
			n.typ, n.typeRank, n.pos = t.name, rank, at(q.s.col)
		}
	}
	if rank := int32(indexOf(g.m.names, pred)); rank >= 0 {
		if q.o.kind != termLiteral {
			g.add(at(q.o.col), "the name of a node must be a literal")
			return
		}
		n := &g.node[g.intern(q.s, at(q.s.col))]
		if n.nameRank < 0 || rank < n.nameRank {
			n.name, n.nameRank = strings.Clone(q.o.value), rank
		}
	}
	if rel, ok := g.m.relations[pred]; ok {
		if q.o.kind == termLiteral {
			g.add(at(q.o.col), "relation %s needs a node as its object, not a literal", rel.name)
			return
		}
		g.edges = append(g.edges, rdfEdge{s: g.intern(q.s, at(q.s.col)), o: g.intern(q.o, at(q.o.col)), rel: g.relIndex(rel.name), pos: at(q.p.col)})
	}
	for _, j := range g.joinsBy[pred] {
		jn := g.m.joins[j]
		if jn.subject.pred == pred || jn.object.pred == pred {
			if q.o.kind == termLiteral {
				g.add(at(q.o.col), "join %s needs nodes at both ends of %s, not a literal", jn.relation.name, pred)
				continue
			}
		}
		for _, s := range []struct {
			step pathStep
			subj bool
		}{{jn.subject, true}, {jn.object, false}} {
			if s.step.pred != pred {
				continue
			}
			mid, other := q.s, q.o
			if s.step.reverse {
				mid, other = q.o, q.s
			}
			role := int32(partObject)
			if s.subj {
				role = partSubject
			}
			g.parts = append(g.parts, joinPart{mid: middleHash(mid.key), join: int32(j), role: role,
				other: g.intern(other, at(other.col)), pos: at(q.p.col)})
		}
		for k, a := range jn.attributes {
			if a.pred != pred || q.s.kind == termLiteral {
				continue
			}
			g.attrVals = append(g.attrVals, strings.Clone(q.o.value))
			g.parts = append(g.parts, joinPart{mid: middleHash(q.s.key), join: int32(j), role: int32(k),
				other: int32(len(g.attrVals) - 1), pos: at(q.p.col)})
		}
	}
}

// relIndex returns the index of a relation type in g.rels.
func (g *rdfGraph) relIndex(name string) int32 {
	i := indexOf(g.rels, name)
	if i < 0 {
		i = len(g.rels)
		g.rels = append(g.rels, name)
	}
	return int32(i)
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// build checks the graph read and turns it into a bulk import.
func (g *rdfGraph) build(ont graph.Ontology, warn func(string)) (graph.BulkImport, error) {
	ids := make([]string, len(g.node))
	count := map[string]int{} // entity id → nodes mapped to it
	for i := range g.node {
		n := &g.node[i]
		if n.typ == "" {
			continue
		}
		ids[i] = g.m.entityID(nodeIRI(n.key))
		if ids[i] == "" {
			g.add(n.pos, "%s maps to an empty entity id; add an id rule to the mapping", n.key)
			continue
		}
		count[ids[i]]++
	}
	for i := range g.node {
		if ids[i] == "" {
			continue
		}
		if count[ids[i]] > 1 {
			sum := sha256.Sum256([]byte(g.node[i].key))
			ids[i] += "-" + hex.EncodeToString(sum[:3])
		}
		g.entities = append(g.entities, int32(i))
	}
	skipped := 0
	refuse := func(p place, format string, args ...any) {
		if !g.m.skipInvalid {
			g.add(p, format, args...)
			return
		}
		skipped++
		if warn != nil && skipped <= 10 {
			warn(g.pos(p).String() + ": left out: " + fmt.Sprintf(format, args...))
		}
	}
	defer func() {
		if warn != nil && skipped > 10 {
			warn(fmt.Sprintf("%d statements left out in all (onInvalid: skip)", skipped))
		}
	}()
	// Statements: mapped edges, then joins, merged by (subject, relation,
	// object) below.
	addStatement := func(e rdfEdge) {
		for _, end := range []struct {
			n    int32
			what string
		}{{e.s, "subject"}, {e.o, "object"}} {
			if g.node[end.n].typ == "" || ids[end.n] == "" {
				if g.node[end.n].typ == "" {
					refuse(e.pos, "%s %s has no entity type in the mapping (unknown reference)", end.what, g.node[end.n].key)
				}
				return
			}
		}
		rel := g.rels[e.rel]
		rt, _ := ont.RelationType(rel)
		if st, ot := g.node[e.s].typ, g.node[e.o].typ; !rt.Allows(st, ot) {
			refuse(e.pos, "%s cannot connect a %s (%s) to a %s (%s); allowed: %s → %s", rel, st, ids[e.s], ot, ids[e.o],
				orAny(rt.Subject), orAny(rt.Object))
			return
		}
		if e.s == e.o {
			refuse(e.pos, "a statement cannot relate %q to itself", ids[e.s])
			return
		}
		g.statements = append(g.statements, e)
	}
	for _, e := range g.edges {
		addStatement(e)
	}
	g.edges = nil
	g.joinStatements(addStatement)
	g.mergeStatements()
	g.nodes = nil // the index of node keys is needed no more
	if len(g.diags) > 0 {
		return graph.BulkImport{}, diagError(graph.Invalid, g.diags)
	}
	imp := graph.BulkImport{
		Source:        g.m.Source,
		Ontology:      g.m.Ontology,
		Digest:        hex.EncodeToString(g.digest.Sum(nil)),
		NumEntities:   len(g.entities),
		NumStatements: len(g.statements),
	}
	imp.Entities = func(yield func(graph.Entity) bool) {
		for _, i := range g.entities {
			n := g.node[i]
			if !yield(graph.Entity{ID: ids[i], Type: n.typ, Name: n.name}) {
				return
			}
		}
	}
	imp.Statements = func(yield func(graph.Statement) bool) {
		for _, e := range g.statements {
			if !yield(graph.Statement{Subject: ids[e.s], Type: g.rels[e.rel], Object: ids[e.o], Attributes: e.attrs}) {
				return
			}
		}
	}
	return imp, nil
}

// joinStatements passes the statements of the joins to add: the parts
// grouped by join and middle node, in the order the middle nodes first
// appeared, each group making a statement of every subject and object it
// links, with its attributes.
func (g *rdfGraph) joinStatements(add func(rdfEdge)) {
	parts := g.parts
	g.parts = nil
	slices.SortFunc(parts, func(a, b joinPart) int {
		return cmp.Or(bytes.Compare(a.mid[:], b.mid[:]), cmp.Compare(a.join, b.join), cmp.Compare(a.pos.file, b.pos.file),
			cmp.Compare(a.pos.line, b.pos.line), cmp.Compare(a.role, b.role))
	})
	type group struct{ lo, hi int }
	var groups []group
	for lo := 0; lo < len(parts); {
		hi := lo + 1
		for hi < len(parts) && parts[hi].mid == parts[lo].mid && parts[hi].join == parts[lo].join {
			hi++
		}
		groups = append(groups, group{lo, hi})
		lo = hi
	}
	slices.SortFunc(groups, func(a, b group) int {
		pa, pb := parts[a.lo], parts[b.lo]
		return cmp.Or(cmp.Compare(pa.pos.file, pb.pos.file), cmp.Compare(pa.pos.line, pb.pos.line),
			cmp.Compare(pa.join, pb.join), bytes.Compare(pa.mid[:], pb.mid[:]))
	})
	var subjects, objects []int32
	rels := make([]int32, len(g.m.joins))
	for j, jn := range g.m.joins {
		rels[j] = g.relIndex(jn.relation.name)
	}
	for _, gr := range groups {
		first := parts[gr.lo]
		jn := g.m.joins[first.join]
		subjects, objects = subjects[:0], objects[:0]
		var attrs map[string]string
		for _, p := range parts[gr.lo:gr.hi] {
			switch p.role {
			case partSubject:
				subjects = append(subjects, p.other)
			case partObject:
				objects = append(objects, p.other)
			default:
				if attrs == nil {
					attrs = map[string]string{}
				}
				k, v := jn.attributes[p.role].key, g.attrVals[p.other]
				if old, ok := attrs[k]; ok && old != v {
					attrs[k] = old + "; " + v
				} else {
					attrs[k] = v
				}
			}
		}
		for _, s := range subjects {
			for _, o := range objects {
				add(rdfEdge{s: s, o: o, rel: rels[first.join], pos: first.pos, attrs: attrs})
			}
		}
	}
	g.attrVals = nil
}

// mergeStatements merges the statements that relate the same subject
// and object the same way into the first of them, which takes the
// attributes of the others.
func (g *rdfGraph) mergeStatements() {
	order := make([]int32, len(g.statements))
	for i := range order {
		order[i] = int32(i)
	}
	sts := g.statements
	slices.SortFunc(order, func(a, b int32) int {
		x, y := &sts[a], &sts[b]
		return cmp.Or(cmp.Compare(x.s, y.s), cmp.Compare(x.o, y.o), cmp.Compare(x.rel, y.rel), cmp.Compare(a, b))
	})
	drop := make([]bool, len(sts))
	for lo := 0; lo < len(order); {
		first := &sts[order[lo]]
		hi := lo + 1
		for ; hi < len(order); hi++ {
			e := &sts[order[hi]]
			if e.s != first.s || e.o != first.o || e.rel != first.rel {
				break
			}
			drop[order[hi]] = true
			if len(e.attrs) > 0 {
				first.attrs = maps.Clone(first.attrs) // a join's statements share their map
				if first.attrs == nil {
					first.attrs = map[string]string{}
				}
			}
			for k, v := range e.attrs {
				if old, ok := first.attrs[k]; ok && old != v {
					first.attrs[k] = old + "; " + v
				} else {
					first.attrs[k] = v
				}
			}
		}
		lo = hi
	}
	kept := sts[:0]
	for i := range sts {
		if !drop[i] {
			kept = append(kept, sts[i])
		}
	}
	clear(sts[len(kept):])
	g.statements = kept
}

// nodeIRI is the IRI of a node key, or the key of a blank node ("_:b1").
func nodeIRI(key string) string {
	if strings.HasPrefix(key, "<") {
		return key[1 : len(key)-1]
	}
	return key
}

func orAny(list []string) string {
	if len(list) == 0 {
		return "any"
	}
	return "[" + strings.Join(list, " ") + "]"
}

// locate places the problems a store reports on an import (graph.Problem
// Kind and Index count entities and statements in the order given).
func (g *rdfGraph) locate(err error) error {
	var ge *graph.Error
	if !errors.As(err, &ge) || len(ge.Problems) == 0 {
		return err
	}
	var diags []diagnostic
	for _, p := range ge.Problems {
		var at place
		switch {
		case p.Kind == graph.KindEntity && p.Index < len(g.entities):
			at = g.node[g.entities[p.Index]].pos
		case p.Kind == graph.KindStatement && p.Index < len(g.statements):
			at = g.statements[p.Index].pos
		default:
			diags = append(diags, diagnostic{msg: p.String()})
			continue
		}
		diags = append(diags, diagnostic{pos: g.pos(at), fileIndex: g.order[at.file], msg: p.Message})
	}
	return diagError(ge.Code, diags)
}
