package seed

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/spill"
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
// again change nothing. Every problem is reported with its position: an
// unparsable line, a node two types claim, two IRIs that map to one
// entity id, an edge to a node the mapping gives no type, a relation
// between types the ontology does not allow.
//
// What the reader keeps does not grow with the inputs: the nodes, the
// edges and the quads of the joins' middle nodes are records sorted in
// runs that spill to temporary files (see graph/spill), and build
// joins them by merging sorted runs. A node is known by a hash of its
// key (the first 16 bytes of its SHA-256) in every record but its own.
// The order of everything given to the store is the order of the data:
// entities in the order their nodes first appear, statements in the order
// of their edges, then of their joins' middle nodes.

// rdfGraph is what a mapped import keeps of the inputs.
type rdfGraph struct {
	m      *Mapping
	digest hash.Hash
	diags  []diagnostic
	files  []string // the names of the inputs
	order  []int    // the index of each input among the import's
	// joinsBy lists the joins that use each predicate.
	joinsBy map[string][]int
	rels    []string // the relation types of the statements

	// dir is where runs spill (the system's temporary directory when
	// empty), and run the most records a run holds (the default when 0).
	dir string
	run int

	seq uint64 // the last sequence number given: the order of the data
	// The nodes of the current run, by key; they are flushed into nodes
	// when a quad starts and they are run many.
	nodeIndex map[string]int32
	nodeRun   []nodeAgg
	maxNodes  int // most nodes held in a run
	buf       recBuf
	ordBuf    []byte

	nodes     *spill.Sorter // node records, by hash
	parts     *spill.Sorter // join parts, by middle node and join
	bySubject *spill.Sorter // statements, by subject
	byObject  *spill.Sorter // statements, by object, subject and relation
	table     *spill.Sorter // the node table: hash → type and id (or key)
	entities  *spill.Sorter // the entities, in order
	final     *spill.Sorter // the statements, merged, in order
	sorters   []*spill.Sorter
	err       error // the first error writing or reading runs
}

// nodeAgg is what a run knows of a node.
type nodeAgg struct {
	key      string
	hash     [16]byte
	first    uint64 // the sequence number of its first appearance
	typeRank int32  // index of the type IRI in the mapping's typeOrder; -1 for none
	typePos  place  // where the type of that rank is first given
	nameRank int32  // index in Mapping.names of the name's predicate; -1 for none
	name     string
}

// place is a compact position: the index of the input in rdfGraph.files,
// line and column.
type place struct {
	file      int32
	line, col int32
}

const (
	partSubject = -2
	partObject  = -1
)

// nodeHash identifies a node (or a join's middle node) by its key.
func nodeHash(key string) [16]byte {
	sum := sha256.Sum256([]byte(key))
	return [16]byte(sum[:16])
}

func newRDFGraph(m *Mapping) *rdfGraph {
	g := &rdfGraph{m: m, digest: sha256.New(), nodeIndex: map[string]int32{}}
	g.digest.Write(m.data)
	return g
}

// sorter returns a new sorter of g's, closed with g.
func (g *rdfGraph) sorter() *spill.Sorter {
	s := spill.New(g.dir, g.run, 0)
	g.sorters = append(g.sorters, s)
	return s
}

// close releases the temporary files.
func (g *rdfGraph) close() {
	for _, s := range g.sorters {
		s.Close()
	}
	g.sorters = nil
}

func (g *rdfGraph) fail(err error) {
	if g.err == nil && err != nil {
		g.err = err
	}
}

func (g *rdfGraph) pos(p place) Position {
	return Position{File: g.files[p.file], Line: int(p.line), Column: int(p.col)}
}

func (g *rdfGraph) add(p place, format string, args ...any) {
	if len(g.diags) < maxCollected {
		g.diags = append(g.diags, diagnostic{pos: g.pos(p), fileIndex: g.order[p.file], msg: fmt.Sprintf(format, args...)})
	}
}

func (g *rdfGraph) next() uint64 {
	g.seq++
	return g.seq
}

// runNodes is the most nodes a run holds.
func (g *rdfGraph) runNodes() int {
	if g.run > 0 {
		return g.run
	}
	return 1 << 18
}

// intern returns the index of a node in the current run.
func (g *rdfGraph) intern(t term) int32 {
	seq := g.next()
	if i, ok := g.nodeIndex[t.key]; ok {
		return i
	}
	i := int32(len(g.nodeRun))
	key := strings.Clone(t.key) // not the whole line
	g.nodeIndex[key] = i
	g.nodeRun = append(g.nodeRun, nodeAgg{key: key, hash: nodeHash(key), first: seq, typeRank: -1, nameRank: -1})
	g.maxNodes = max(g.maxNodes, len(g.nodeRun))
	return i
}

// flushNodes spills the nodes of the current run.
func (g *rdfGraph) flushNodes(spillNow bool) {
	if len(g.nodeRun) == 0 {
		return
	}
	b := &g.buf
	for i := range g.nodeRun {
		n := &g.nodeRun[i]
		b.reset()
		b.fixed(n.hash[:])
		b.u64(n.first)
		b.u32(uint32(n.typeRank + 1))
		b.place(n.typePos)
		b.u32(uint32(n.nameRank + 1))
		b.str(n.key)
		b.str(n.name)
		g.fail(g.nodes.Add(b.b))
	}
	if spillNow {
		g.fail(g.nodes.Flush())
	}
	g.nodeRun = g.nodeRun[:0]
	clear(g.nodeIndex)
}

// begin starts an input: it returns its index among g's inputs. order
// is its index among the import's inputs, for the order of problems.
func (g *rdfGraph) begin(name string, order int) int32 {
	g.files = append(g.files, name)
	g.order = append(g.order, order)
	g.digest.Write([]byte("\x00" + name + "\x00"))
	if g.joinsBy == nil {
		g.nodes, g.parts, g.bySubject = g.sorter(), g.sorter(), g.sorter()
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
	if err := readNQuads(ctx, io.TeeReader(r, g.digest), name, true,
		func(q nquad, line, lead int) {
			g.quad(q, func(c int) place { return place{file, int32(line), int32(c + lead)} })
		},
		func(line, col int, err error) {
			g.add(place{file, int32(line), int32(col)}, "N-Quads syntax error: %v", err)
		}); err != nil {
		return err
	}
	return g.err
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
	if len(g.nodeRun)+2 > g.runNodes() { // a quad names two nodes at most
		g.flushNodes(true)
	}
	pred := q.p.value // quads of predicates the mapping does not name are left out
	if pred == g.m.typePred {
		if q.o.kind == termLiteral {
			g.add(at(q.o.col), "the type of a node must be an IRI, not a literal")
			return
		}
		if _, ok := g.m.types[q.o.value]; !ok {
			return // a type the mapping does not map: not an entity (unless another type is)
		}
		rank := int32(indexOf(g.m.typeOrder, q.o.value))
		n := &g.nodeRun[g.intern(q.s)]
		if n.typeRank < 0 || rank < n.typeRank {
			n.typeRank, n.typePos = rank, at(q.s.col)
		}
	}
	if rank := int32(indexOf(g.m.names, pred)); rank >= 0 {
		if q.o.kind != termLiteral {
			g.add(at(q.o.col), "the name of a node must be a literal")
			return
		}
		n := &g.nodeRun[g.intern(q.s)]
		if n.nameRank < 0 || rank < n.nameRank {
			n.name, n.nameRank = strings.Clone(q.o.value), rank
		}
	}
	if rel, ok := g.m.relations[pred]; ok {
		if q.o.kind == termLiteral {
			g.add(at(q.o.col), "relation %s needs a node as its object, not a literal", rel.name)
			return
		}
		s, o := g.intern(q.s), g.intern(q.o)
		g.ordBuf = edgeOrd(g.ordBuf, g.next())
		g.addStatement(g.nodeRun[s].hash, g.nodeRun[o].hash, g.relIndex(rel.name), g.ordBuf, at(q.p.col), nil)
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
			n := g.intern(other)
			g.part(nodeHash(mid.key), j, role, at(q.p.col), g.nodeRun[n].hash[:], "")
		}
		for k, a := range jn.attributes {
			if a.pred != pred || q.s.kind == termLiteral {
				continue
			}
			g.part(nodeHash(q.s.key), j, int32(k), at(q.p.col), nil, q.o.value)
		}
	}
}

// part records one quad of a join's middle node: the subject or object
// it links to (other, a node's hash), or the value of one of the join's
// attributes. Parts sort by middle node, join and place.
func (g *rdfGraph) part(mid [16]byte, join int, role int32, at place, other []byte, value string) {
	b := &g.buf
	b.reset()
	b.fixed(mid[:])
	b.u32(uint32(join))
	b.u32(uint32(at.file))
	b.u32(uint32(at.line))
	b.u32(uint32(role + 2))
	b.u64(g.next())
	b.u32(uint32(at.col))
	if other != nil {
		b.fixed(other)
	} else {
		b.str(value)
	}
	g.fail(g.parts.Add(b.b))
}

// addStatement records a statement before its nodes are known, by
// subject: the hashes of its subject and object, its relation (an index
// in g.rels), its order, its place and its attributes.
func (g *rdfGraph) addStatement(s, o [16]byte, rel int32, ord []byte, at place, attrs map[string]string) {
	b := &g.buf
	b.reset()
	b.fixed(s[:])
	b.fixed(o[:])
	b.u32(uint32(rel))
	b.fixed(ord)
	b.place(at)
	b.attrs(attrs)
	g.fail(g.bySubject.Add(b.b))
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

// typeName is the entity type of a rank in the mapping's typeOrder,
// stored plus one in records (0 for none).
func (g *rdfGraph) typeName(stored uint32) string {
	if stored == 0 || int(stored) > len(g.m.typeOrder) {
		return ""
	}
	return g.m.types[g.m.typeOrder[stored-1]].name
}

// build checks the graph read and turns it into a bulk import.
func (g *rdfGraph) build(ont graph.Ontology, warn func(string)) (graph.BulkImport, error) {
	if g.nodes == nil { // no input began
		g.nodes, g.parts, g.bySubject = g.sorter(), g.sorter(), g.sorter()
	}
	g.flushNodes(false)
	g.nodeIndex, g.nodeRun = nil, nil
	if g.err != nil {
		return graph.BulkImport{}, g.err
	}
	if err := g.buildNodes(); err != nil {
		return graph.BulkImport{}, err
	}
	if err := g.joinStatements(); err != nil {
		return graph.BulkImport{}, err
	}
	if err := g.resolve(ont, warn); err != nil {
		return graph.BulkImport{}, err
	}
	if len(g.diags) > 0 {
		return graph.BulkImport{}, diagError(graph.Invalid, g.diags)
	}
	imp := graph.BulkImport{
		Source:        g.m.Source,
		Ontology:      g.m.Ontology,
		Digest:        hex.EncodeToString(g.digest.Sum(nil)),
		NumEntities:   g.entities.Len(),
		NumStatements: g.final.Len(),
		Err:           func() error { return g.err },
	}
	imp.Entities = func(yield func(graph.Entity) bool) {
		g.each(g.entities, func(d *recReader) bool {
			d.u64() // first appearance
			typ := g.typeName(d.u32())
			d.place()
			id := d.str()
			e := graph.Entity{ID: id, Type: typ, Name: d.str()}
			return d.err == nil && yield(e)
		})
	}
	imp.Statements = func(yield func(graph.Statement) bool) {
		g.each(g.final, func(d *recReader) bool {
			d.ord()
			d.place()
			st := graph.Statement{Subject: d.str()}
			rel := d.u32()
			st.Object = d.str()
			st.Attributes = d.attrs()
			if d.err != nil || int(rel) >= len(g.rels) {
				d.err = errBadRecord
				return false
			}
			st.Type = g.rels[rel]
			return yield(st)
		})
	}
	return imp, nil
}

// each calls f with each record of s in order, until f returns false;
// an error of reading or decoding is kept in g.err.
func (g *rdfGraph) each(s *spill.Sorter, f func(*recReader) bool) {
	r, err := s.Reader()
	if err != nil {
		g.fail(err)
		return
	}
	for r.Next() {
		d := recReader{b: r.Record()}
		if !f(&d) {
			g.fail(d.err)
			return
		}
		if d.err != nil {
			g.fail(d.err)
			return
		}
	}
	g.fail(r.Err())
}

// eachNode calls f with each node, in the order of their hashes, what
// the runs know of it combined: its first appearance, the type of the
// lowest rank (where first given), the name of the lowest rank (first
// given).
func (g *rdfGraph) eachNode(f func(*nodeAgg) error) error {
	var cur nodeAgg
	have := false
	var ferr error
	g.each(g.nodes, func(d *recReader) bool {
		h := d.hash()
		first := d.u64()
		tr, tp := int32(d.u32())-1, d.place()
		nr := int32(d.u32()) - 1
		if have && h == cur.hash {
			if tr >= 0 && (cur.typeRank < 0 || tr < cur.typeRank) {
				cur.typeRank, cur.typePos = tr, tp
			}
			if nr >= 0 && (cur.nameRank < 0 || nr < cur.nameRank) {
				d.strBytes()
				cur.nameRank, cur.name = nr, d.str()
			}
			return true
		}
		if have {
			if ferr = f(&cur); ferr != nil {
				return false
			}
		}
		cur = nodeAgg{hash: h, first: first, typeRank: tr, typePos: tp, nameRank: nr, key: d.str(), name: d.str()}
		have = true
		return true
	})
	if ferr != nil {
		return ferr
	}
	if g.err != nil {
		return g.err
	}
	if have {
		return f(&cur)
	}
	return nil
}

// buildNodes gives each node with an entity type its id, and writes the
// node table (by hash: type, and id or, for a node with no type, key) and
// the entities (in the order of the nodes' first appearances). Two nodes
// whose ids would be equal both have the first bytes of their hash added.
func (g *rdfGraph) buildNodes() error {
	if err := g.nodes.Sort(); err != nil {
		return err
	}
	ids := g.sorter()
	empty := firstDiags{limit: maxCollected - len(g.diags)}
	var b recBuf
	var key [8]byte
	err := g.eachNode(func(n *nodeAgg) error {
		if n.typeRank < 0 {
			return nil
		}
		id := g.m.entityID(nodeIRI(n.key))
		if id == "" {
			binary.BigEndian.PutUint64(key[:], n.first)
			empty.add(key[:], n.typePos, func() string {
				return fmt.Sprintf("%s maps to an empty entity id; add an id rule to the mapping", n.key)
			})
			return nil
		}
		b.reset()
		b.b = append(append(b.b, id...), 0) // ids are slugs: no NUL
		b.fixed(n.hash[:])
		return ids.Add(b.b)
	})
	if err != nil {
		return err
	}
	for _, d := range empty.sorted() {
		g.add(d.pos, "%s", d.msg)
	}
	if err := ids.Sort(); err != nil {
		return err
	}
	dups := g.sorter()
	var prev, prevHash []byte
	count := 0
	g.each(ids, func(d *recReader) bool {
		rec := d.b
		id, h := rec[:len(rec)-17], rec[len(rec)-16:]
		if count > 0 && bytes.Equal(id, prev) {
			if count == 1 {
				g.fail(dups.Add(prevHash))
			}
			g.fail(dups.Add(h))
			count++
			return g.err == nil
		}
		prev, prevHash, count = append(prev[:0], id...), append(prevHash[:0], h...), 1
		return true
	})
	ids.Close()
	if g.err != nil {
		return g.err
	}
	if err := dups.Sort(); err != nil {
		return err
	}
	dr, err := dups.Reader()
	if err != nil {
		return err
	}
	haveDup := dr.Next()
	g.table, g.entities = g.sorter(), g.sorter()
	err = g.eachNode(func(n *nodeAgg) error {
		b.reset()
		b.fixed(n.hash[:])
		if n.typeRank < 0 {
			b.u32(0)
			b.str(n.key)
			return g.table.Add(b.b)
		}
		id := g.m.entityID(nodeIRI(n.key))
		if id != "" {
			for haveDup && bytes.Compare(dr.Record(), n.hash[:]) < 0 {
				haveDup = dr.Next()
			}
			if haveDup && bytes.Equal(dr.Record(), n.hash[:]) {
				id += "-" + hex.EncodeToString(n.hash[:3])
			}
		}
		b.u32(uint32(n.typeRank + 1))
		b.str(id)
		if err := g.table.Add(b.b); err != nil {
			return err
		}
		if id == "" {
			return nil
		}
		b.reset()
		b.u64(n.first)
		b.u32(uint32(n.typeRank + 1))
		b.place(n.typePos)
		b.str(id)
		b.str(n.name)
		return g.entities.Add(b.b)
	})
	if err == nil {
		err = dr.Err()
	}
	dups.Close()
	g.nodes.Close()
	if err != nil {
		return err
	}
	if err := g.table.Sort(); err != nil {
		return err
	}
	return g.entities.Sort()
}

// joinStatements adds the statements of the joins: the parts grouped by
// join and middle node, each group making a statement of every subject
// and object it links, with its attributes, in the order of the groups'
// first parts.
func (g *rdfGraph) joinStatements() error {
	if err := g.parts.Sort(); err != nil {
		return err
	}
	rels := make([]int32, len(g.m.joins))
	for j, jn := range g.m.joins {
		rels[j] = g.relIndex(jn.relation.name)
	}
	var (
		mid               [16]byte
		join              int32
		first             place
		subjects, objects [][16]byte
		attrs             map[string]string
		started           bool
		ord               []byte
	)
	emit := func() {
		for i, s := range subjects {
			for j, o := range objects {
				ord = joinOrd(ord, first, join, mid, i, j)
				g.addStatement(s, o, rels[join], ord, first, attrs)
			}
		}
	}
	g.each(g.parts, func(d *recReader) bool {
		m, j := d.hash(), int32(d.u32())
		file, line, role := d.u32(), d.u32(), int32(d.u32())-2
		d.u64()
		col := d.u32()
		if d.err != nil || int(j) >= len(g.m.joins) {
			d.err = errBadRecord
			return false
		}
		if !started || m != mid || j != join {
			if started {
				emit()
			}
			mid, join, started = m, j, true
			first = place{int32(file), int32(line), int32(col)}
			subjects, objects, attrs = subjects[:0], objects[:0], nil
		}
		switch role {
		case partSubject:
			subjects = append(subjects, d.hash())
		case partObject:
			objects = append(objects, d.hash())
		default:
			jn := g.m.joins[j]
			if int(role) >= len(jn.attributes) {
				d.err = errBadRecord
				return false
			}
			if attrs == nil {
				attrs = map[string]string{}
			}
			k, v := jn.attributes[role].key, d.str()
			if old, ok := attrs[k]; ok && old != v {
				attrs[k] = old + "; " + v
			} else {
				attrs[k] = v
			}
		}
		return g.err == nil
	})
	if started && g.err == nil {
		emit()
	}
	g.parts.Close()
	return g.err
}

// resolve joins the statements with the node table, first by subject,
// then by object; refuses those whose nodes have no type or whose types
// the relation does not allow; merges the statements that relate the
// same subject and object the same way into the first of them, which
// takes the attributes of the others; and sorts them into their order.
func (g *rdfGraph) resolve(ont graph.Ontology, warn func(string)) error {
	if err := g.bySubject.Sort(); err != nil {
		return err
	}
	g.byObject = g.sorter()
	var b recBuf
	var lookErr error
	look := g.lookup(&lookErr)
	g.each(g.bySubject, func(d *recReader) bool {
		s, o := d.hash(), d.hash()
		node, ok := look(s)
		if !ok {
			return false
		}
		b.reset()
		b.fixed(o[:])
		b.fixed(s[:])
		b.fixed(d.take(4)) // relation
		b.fixed(node)
		b.fixed(d.b) // order, place, attributes
		g.fail(g.byObject.Add(b.b))
		return g.err == nil
	})
	g.bySubject.Close()
	if err := cmp.Or(lookErr, g.err); err != nil {
		return err
	}
	if err := g.byObject.Sort(); err != nil {
		return err
	}

	skipped := 0
	refused := firstDiags{limit: maxCollected - len(g.diags)}
	warned := firstDiags{limit: 10}
	refuse := func(ord []byte, p place, msg func() string) {
		if !g.m.skipInvalid {
			refused.add(ord, p, msg)
			return
		}
		skipped++
		if warn != nil {
			warned.add(ord, p, msg)
		}
	}
	g.final = g.sorter()
	// pending is the first statement of the current group, which takes
	// the attributes of the others.
	var (
		group   []byte // object, subject, relation
		pending bool
		pend    struct {
			ord        []byte
			at         place
			subj, obj  string
			rel        uint32
			attrs      map[string]string
			attrsBytes []byte // as encoded, until another's are merged
		}
	)
	emit := func() error {
		b.reset()
		b.fixed(pend.ord)
		b.place(pend.at)
		b.str(pend.subj)
		b.u32(pend.rel)
		b.str(pend.obj)
		if pend.attrs != nil {
			b.attrs(pend.attrs)
		} else {
			b.fixed(pend.attrsBytes)
		}
		return g.final.Add(b.b)
	}
	look = g.lookup(&lookErr)
	g.each(g.byObject, func(d *recReader) bool {
		key := d.b[:36]
		o, s := d.hash(), d.hash()
		rel := d.u32()
		styp, sname := g.typeName(d.u32()), d.strBytes()
		ord, at := d.ord(), d.place()
		if d.err != nil || int(rel) >= len(g.rels) {
			d.err = errBadRecord
			return false
		}
		onode, ok := look(o)
		if !ok {
			return false
		}
		od := recReader{b: onode}
		otyp, oname := g.typeName(od.u32()), od.strBytes()
		for _, end := range []struct {
			typ  string
			name []byte
			what string
		}{{styp, sname, "subject"}, {otyp, oname, "object"}} {
			if end.typ == "" {
				refuse(ord, at, func() string {
					return fmt.Sprintf("%s %s has no entity type in the mapping (unknown reference)", end.what, end.name)
				})
				return true
			}
			if len(end.name) == 0 {
				return true // an empty id, reported with its node
			}
		}
		relName := g.rels[rel]
		rt, _ := ont.RelationType(relName)
		if !rt.Allows(styp, otyp) {
			refuse(ord, at, func() string {
				return fmt.Sprintf("%s cannot connect a %s (%s) to a %s (%s); allowed: %s → %s", relName, styp, sname, otyp, oname,
					orAny(rt.Subject), orAny(rt.Object))
			})
			return true
		}
		if s == o {
			refuse(ord, at, func() string { return fmt.Sprintf("a statement cannot relate %q to itself", sname) })
			return true
		}
		if pending && bytes.Equal(key, group) {
			more := d.attrs()
			if len(more) > 0 && pend.attrs == nil {
				old := recReader{b: pend.attrsBytes}
				if pend.attrs = old.attrs(); pend.attrs == nil {
					pend.attrs = map[string]string{}
				}
			}
			for k, v := range more {
				if old, ok := pend.attrs[k]; ok && old != v {
					pend.attrs[k] = old + "; " + v
				} else {
					pend.attrs[k] = v
				}
			}
			return d.err == nil
		}
		if pending {
			if err := emit(); err != nil {
				g.fail(err)
				return false
			}
		}
		group = append(group[:0], key...)
		pending = true
		pend.ord = append(pend.ord[:0], ord...)
		pend.at, pend.rel = at, rel
		pend.subj, pend.obj = string(sname), string(oname)
		pend.attrs, pend.attrsBytes = nil, append(pend.attrsBytes[:0], d.b...)
		return true
	})
	if pending && g.err == nil && lookErr == nil {
		g.fail(emit())
	}
	g.byObject.Close()
	g.table.Close()
	if err := cmp.Or(lookErr, g.err); err != nil {
		return err
	}
	for _, d := range refused.sorted() {
		g.add(d.pos, "%s", d.msg)
	}
	for _, d := range warned.sorted() {
		warn(g.pos(d.pos).String() + ": left out: " + d.msg)
	}
	if warn != nil && skipped > 10 {
		warn(fmt.Sprintf("%d statements left out in all (onInvalid: skip)", skipped))
	}
	return g.final.Sort()
}

// lookup returns a function that finds nodes in the node table, asked
// in the order of their hashes: it returns the record's type and id (or
// key). A node missing from the table sets *err.
func (g *rdfGraph) lookup(err *error) func(h [16]byte) ([]byte, bool) {
	r, rerr := g.table.Reader()
	if rerr != nil {
		*err = rerr
		return func([16]byte) ([]byte, bool) { return nil, false }
	}
	have := r.Next()
	return func(h [16]byte) ([]byte, bool) {
		for have && bytes.Compare(r.Record()[:16], h[:]) < 0 {
			have = r.Next()
		}
		if !have || !bytes.Equal(r.Record()[:16], h[:]) {
			*err = cmp.Or(r.Err(), errBadRecord)
			return nil, false
		}
		return r.Record()[16:], true
	}
}

// firstDiags keeps the first problems by a key (the order of the data),
// limit of them.
type firstDiags struct {
	limit int
	items []keyedDiag
	max   []byte // the key of the last kept, once more than limit were added
}

type keyedDiag struct {
	key []byte
	pos place
	msg string
}

// add adds a problem; its message is made only if it may be kept.
func (f *firstDiags) add(key []byte, pos place, msg func() string) {
	if f.limit <= 0 {
		return
	}
	if f.max != nil && bytes.Compare(key, f.max) >= 0 {
		return
	}
	f.items = append(f.items, keyedDiag{key: bytes.Clone(key), pos: pos, msg: msg()})
	if len(f.items) >= 2*f.limit {
		f.max = f.sorted()[f.limit-1].key
	}
}

// sorted returns the problems kept, in order.
func (f *firstDiags) sorted() []keyedDiag {
	slices.SortFunc(f.items, func(a, b keyedDiag) int { return bytes.Compare(a.key, b.key) })
	if len(f.items) > f.limit {
		clear(f.items[f.limit:])
		f.items = f.items[:f.limit]
	}
	return f.items
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
	if !errors.As(err, &ge) || len(ge.Problems) == 0 || g.entities == nil || g.final == nil {
		return err
	}
	want := map[string]map[int]place{graph.KindEntity: {}, graph.KindStatement: {}}
	for _, p := range ge.Problems {
		if w, ok := want[p.Kind]; ok {
			w[p.Index] = place{file: -1}
		}
	}
	for kind, s := range map[string]*spill.Sorter{graph.KindEntity: g.entities, graph.KindStatement: g.final} {
		w, i := want[kind], 0
		if len(w) == 0 {
			continue
		}
		g.each(s, func(d *recReader) bool {
			if _, ok := w[i]; ok {
				if kind == graph.KindEntity {
					d.u64()
					d.u32()
				} else {
					d.ord()
				}
				w[i] = d.place()
			}
			i++
			return true
		})
	}
	var diags []diagnostic
	for _, p := range ge.Problems {
		at, ok := want[p.Kind][p.Index]
		if !ok || at.file < 0 || int(at.file) >= len(g.files) {
			diags = append(diags, diagnostic{msg: p.String()})
			continue
		}
		diags = append(diags, diagnostic{pos: g.pos(at), fileIndex: g.order[at.file], msg: p.Message})
	}
	return diagError(ge.Code, diags)
}
