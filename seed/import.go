package seed

import (
	"bufio"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
)

// ImportOptions tune Import.
type ImportOptions struct {
	// Name names the input in error positions ("FILE:LINE:COL").
	Name string
	// Mapping reads N-Quads of foreign data; without it, N-Quads must be
	// claimgraph's own export, restored as they are.
	Mapping *Mapping
	// DryRun validates and counts, and writes nothing.
	DryRun bool
	// KeepAttribution restores who wrote each item and when, as a fact
	// file gives them (createdBy, recordedAt, …), instead of recording the
	// importing user (see graph.ApplyOptions).
	KeepAttribution bool
	// Progress, when set, is called from time to time with the items
	// written so far and the total.
	Progress func(done, total int)
	// Warn, when set, receives what a mapping with "onInvalid: skip"
	// left out, one "NAME:LINE:COL: message" at a time.
	Warn func(message string)
}

// NamedReader is an input stream and the name its positions use.
type NamedReader struct {
	Name string
	R    io.Reader
	// Format is FormatNQuads or FormatJSONLD; when empty, FormatOf the
	// name tells.
	Format Format
}

// Import reads one input in the given format and writes it to st; it is
// the entry point of the transports (a request body, an upload). YAML and
// CSV are read whole and loaded as by Load, and so is an article (a news
// text, a web page: see ReadArticle; its name, when it ends in .html,
// .txt or .md, tells which, else its content), which becomes one source
// with its text. N-Quads with opts.Mapping are
// streamed into a bulk import (ImportNQuads), and so is JSON-LD, which
// needs a mapping. N-Quads without a mapping must be claimgraph's export,
// which is decoded into its items and validated before st restores it
// (see restore.go). YAML and CSV are read whole up to MaxWholeBytes, with
// lines of at most MaxLineBytes; r is decompressed already (Decompress).
//
// Errors are *graph.Error values; problems of the input are listed one
// "NAME:LINE:COL: message" line each, and nothing is written. An input
// past a size limit is graph.TooLarge.
func Import(ctx context.Context, st graph.Store, format Format, r io.Reader, opts ImportOptions) (graph.Summary, error) {
	name := opts.Name
	if name == "" {
		name = "input"
	}
	switch format {
	case FormatYAML, FormatCSV:
		data, err := readWhole(r, name, MaxWholeBytes, true)
		if err != nil {
			return graph.Summary{}, err
		}
		if format == FormatCSV && !strings.HasSuffix(strings.ToLower(name), ".csv") {
			name += ".csv" // Parse tells the format by the name
		}
		return Load(ctx, st, graph.ApplyOptions{DryRun: opts.DryRun, KeepAttribution: opts.KeepAttribution}, Input{Name: name, Data: data})
	case FormatNQuads:
		if opts.Mapping == nil {
			return restore(ctx, st, r, opts)
		}
		return ImportNQuads(ctx, st, opts.Mapping, []NamedReader{{Name: name, R: r, Format: FormatNQuads}}, opts)
	case FormatArticle:
		data, err := readWhole(r, name, 2*graph.MaxArticleBytes, false)
		if err != nil {
			return graph.Summary{}, err
		}
		if !IsArticle(name) { // Parse tells the format by the name
			if isHTML(name, data) {
				name += ".html"
			} else {
				name += ".txt"
			}
		}
		return Load(ctx, st, graph.ApplyOptions{DryRun: opts.DryRun, KeepAttribution: opts.KeepAttribution}, Input{Name: name, Data: data})
	case FormatAnnotations:
		data, err := readWhole(r, name, MaxWholeBytes, false)
		if err != nil {
			return graph.Summary{}, err
		}
		if !IsAnnotations(name) { // Parse tells the format by the name
			name += AnnotationSuffixes[0]
		}
		return Load(ctx, st, graph.ApplyOptions{DryRun: opts.DryRun, KeepAttribution: opts.KeepAttribution}, Input{Name: name, Data: data})
	case FormatJSONLD:
		if opts.Mapping == nil {
			return graph.Summary{}, graph.Errorf(graph.Invalid, "JSON-LD is read through a mapping; give one")
		}
		return ImportNQuads(ctx, st, opts.Mapping, []NamedReader{{Name: name, R: r, Format: FormatJSONLD}}, opts)
	}
	return graph.Summary{}, graph.Errorf(graph.Invalid, "unknown format %q; use yaml, csv, nquads, jsonld, article or annotations", format)
}

// OpenInput opens a file for ImportNQuads, decompressing it within lim
// when its name ends in .gz. The caller closes it.
func OpenInput(path string, lim Limits) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, readError(err)
	}
	if !strings.HasSuffix(strings.ToLower(path), ".gz") {
		return f, nil
	}
	gz, err := guardGzip(f, path, lim)
	if err != nil {
		f.Close()
		return nil, err
	}
	return readCloser{gz, f}, nil
}

// Decompress returns r, decompressed within lim when it starts as gzip
// data does. name names the input in errors. Reading past a limit fails
// with a graph.TooLarge error that names the limit.
func Decompress(r io.Reader, name string, lim Limits) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err != nil || magic[0] != 0x1f || magic[1] != 0x8b {
		return br, nil // too short to be gzip, or not gzip: read as it is
	}
	return guardGzip(br, name, lim)
}

type readCloser struct {
	io.Reader
	f *os.File
}

func (rc readCloser) Close() error { return rc.f.Close() }

// ImportNQuads reads N-Quads inputs (and JSON-LD ones: see
// NamedReader.Format) through a mapping and writes them to st as one bulk
// import of the mapping's source (graph.BulkStore): all or nothing,
// replacing the source's previous import; the same inputs again change
// nothing. st must be a graph.BulkStore.
//
// N-Quads inputs are streamed once; a JSON-LD input is read whole. What is kept in memory is one record per
// node and per statement, not the quads. Every problem is reported with
// its position: an unparsable line, a node two types claim, two IRIs that
// map to one entity id, an edge to a node the mapping gives no type, a
// relation between types the ontology does not allow.
func ImportNQuads(ctx context.Context, st graph.Store, m *Mapping, inputs []NamedReader, opts ImportOptions) (graph.Summary, error) {
	bs, ok := st.(graph.BulkStore)
	if !ok {
		return graph.Summary{}, graph.Errorf(graph.Invalid, "this store cannot take bulk imports")
	}
	stored, err := st.Ontology(ctx)
	if err != nil {
		return graph.Summary{}, err
	}
	ont := stored.Merge(m.Ontology)
	if diags := m.check(ont); len(diags) > 0 {
		return graph.Summary{}, diagError(graph.Invalid, diags)
	}
	if err := m.parsed.Locate(graph.ValidateBatch(ctx, ont, &graph.Batch{Ontology: m.Ontology, Sources: []graph.Source{m.Source}},
		func(context.Context, string, string) (string, bool, error) { return "", false, nil })); err != nil {
		return graph.Summary{}, err
	}
	g := newRDFGraph(m)
	for i, in := range inputs {
		if err := g.read(ctx, i, in); err != nil {
			return graph.Summary{}, err
		}
	}
	imp, err := g.build(ont, opts.Warn)
	if err != nil {
		return graph.Summary{}, err
	}
	sum, err := bs.Import(ctx, imp, graph.BulkOptions{DryRun: opts.DryRun, Progress: opts.Progress})
	if err != nil {
		return sum, g.locate(err)
	}
	return sum, nil
}

// rdfGraph is what ImportNQuads keeps of the inputs: the nodes, the edges
// the mapping turns into statements, and the middle nodes of joins.
type rdfGraph struct {
	m      *Mapping
	digest hash.Hash
	diags  []diagnostic
	files  []string

	nodes   map[string]int32 // node key → index
	node    []rdfNode
	edges   []rdfEdge
	middles map[middleKey]*middle

	entities   []int32 // node indexes of the entities, in order
	statements []rdfEdge
}

type rdfNode struct {
	key      string
	typ      string // entity type, "" when none
	typeRank int    // index of the type IRI in the mapping's entityTypes
	name     string
	nameRank int // index in Mapping.names of the name's predicate
	pos      place
}

// place is a compact position: input index, line and column.
type place struct {
	file      int32
	line, col int32
}

type rdfEdge struct {
	s, o  int32
	rel   string
	pos   place
	attrs map[string]string
}

type middleKey struct {
	join int
	node int32
}

type middle struct {
	subjects, objects []int32
	pos               place
	attrs             map[string]string
}

func newRDFGraph(m *Mapping) *rdfGraph {
	g := &rdfGraph{m: m, digest: sha256.New(), nodes: map[string]int32{}, middles: map[middleKey]*middle{}}
	g.digest.Write(m.data)
	return g
}

func (g *rdfGraph) pos(p place) Position {
	return Position{File: g.files[p.file], Line: int(p.line), Column: int(p.col)}
}

func (g *rdfGraph) add(p place, format string, args ...any) {
	if len(g.diags) < maxCollected {
		g.diags = append(g.diags, diagnostic{pos: g.pos(p), fileIndex: int(p.file), msg: fmt.Sprintf(format, args...)})
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

// read reads one input.
func (g *rdfGraph) read(ctx context.Context, index int, in NamedReader) error {
	g.files = append(g.files, in.Name)
	g.digest.Write([]byte("\x00" + in.Name + "\x00"))
	sc := bufio.NewScanner(io.TeeReader(in.R, g.digest))
	sc.Buffer(make([]byte, 0, 64*1024), MaxLineBytes)
	joinsBy := map[string][]int{} // predicate → joins using it
	for j, jn := range g.m.joins {
		joinsBy[jn.subject.pred] = append(joinsBy[jn.subject.pred], j)
		if jn.object.pred != jn.subject.pred {
			joinsBy[jn.object.pred] = append(joinsBy[jn.object.pred], j)
		}
		for _, a := range jn.attributes {
			if !containsInt(joinsBy[a.pred], j) {
				joinsBy[a.pred] = append(joinsBy[a.pred], j)
			}
		}
	}
	if in.Format == FormatJSONLD || in.Format == "" && FormatOf(in.Name) == FormatJSONLD {
		return g.readJSONLD(ctx, index, in, joinsBy)
	}
	line := int32(0)
	for sc.Scan() {
		line++
		if line%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		raw := sc.Text()
		text := strings.TrimSpace(raw)
		if text == "" || text[0] == '#' {
			continue
		}
		lead := len(raw) - len(strings.TrimLeft(raw, " \t"))
		q, col, err := parseNQuad(text)
		at := func(c int) place { return place{int32(index), line, int32(c + lead)} }
		if err != nil {
			g.add(at(col), "N-Quads syntax error: %v", err)
			continue
		}
		g.quad(q, at, joinsBy)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return lineTooLong(in.Name, int(line)+1)
		}
		return inputReadError(in.Name, err)
	}
	return nil
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
func (g *rdfGraph) quad(q nquad, at func(int) place, joinsBy map[string][]int) {
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
		rank := indexOf(g.m.typeOrder, q.o.value)
		n := &g.node[g.intern(q.s, at(q.s.col))]
		if n.typ == "" || rank < n.typeRank {
			n.typ, n.typeRank, n.pos = t.name, rank, at(q.s.col)
		}
	}
	if rank := indexOf(g.m.names, pred); rank >= 0 {
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
		g.edges = append(g.edges, rdfEdge{s: g.intern(q.s, at(q.s.col)), o: g.intern(q.o, at(q.o.col)), rel: rel.name, pos: at(q.p.col)})
	}
	for _, j := range joinsBy[pred] {
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
			md := g.middle(j, g.intern(mid, at(mid.col)), at(q.p.col))
			if s.subj {
				md.subjects = append(md.subjects, g.intern(other, at(other.col)))
			} else {
				md.objects = append(md.objects, g.intern(other, at(other.col)))
			}
		}
		for _, a := range jn.attributes {
			if a.pred != pred || q.s.kind == termLiteral {
				continue
			}
			md := g.middle(j, g.intern(q.s, at(q.s.col)), at(q.p.col))
			if md.attrs == nil {
				md.attrs = map[string]string{}
			}
			if old, ok := md.attrs[a.key]; ok && old != q.o.value {
				md.attrs[a.key] = old + "; " + q.o.value
			} else {
				md.attrs[a.key] = strings.Clone(q.o.value)
			}
		}
	}
}

func (g *rdfGraph) middle(j int, node int32, p place) *middle {
	k := middleKey{j, node}
	md, ok := g.middles[k]
	if !ok {
		md = &middle{pos: p}
		g.middles[k] = md
	}
	return md
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
	// Statements: mapped edges, then joins, merged by (subject, relation, object).
	index := map[string]int{}
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
		rt, _ := ont.RelationType(e.rel)
		if st, ot := g.node[e.s].typ, g.node[e.o].typ; !rt.Allows(st, ot) {
			refuse(e.pos, "%s cannot connect a %s (%s) to a %s (%s); allowed: %s → %s", e.rel, st, ids[e.s], ot, ids[e.o],
				orAny(rt.Subject), orAny(rt.Object))
			return
		}
		if e.s == e.o {
			refuse(e.pos, "a statement cannot relate %q to itself", ids[e.s])
			return
		}
		id := graph.DefaultStatementID(ids[e.s], e.rel, ids[e.o])
		if i, ok := index[id]; ok {
			prev := &g.statements[i]
			for k, v := range e.attrs {
				if old, ok := prev.attrs[k]; ok && old != v {
					prev.attrs[k] = old + "; " + v
				} else {
					if prev.attrs == nil {
						prev.attrs = map[string]string{}
					}
					prev.attrs[k] = v
				}
			}
			return
		}
		index[id] = len(g.statements)
		g.statements = append(g.statements, e)
	}
	for _, e := range g.edges {
		addStatement(e)
	}
	g.edges = nil
	// Joins in the order their middle nodes appeared, for stable output.
	keys := make([]middleKey, 0, len(g.middles))
	for k := range g.middles {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b middleKey) int {
		pa, pb := g.middles[a].pos, g.middles[b].pos
		return cmp.Or(cmp.Compare(pa.file, pb.file), cmp.Compare(pa.line, pb.line), cmp.Compare(a.join, b.join), cmp.Compare(a.node, b.node))
	})
	for _, k := range keys {
		md := g.middles[k]
		jn := g.m.joins[k.join]
		for _, s := range md.subjects {
			for _, o := range md.objects {
				addStatement(rdfEdge{s: s, o: o, rel: jn.relation.name, pos: md.pos, attrs: md.attrs})
			}
		}
	}
	g.middles = nil
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
			if !yield(graph.Statement{Subject: ids[e.s], Type: e.rel, Object: ids[e.o], Attributes: e.attrs}) {
				return
			}
		}
	}
	return imp, nil
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
		diags = append(diags, diagnostic{pos: g.pos(at), fileIndex: int(at.file), msg: p.Message})
	}
	return diagError(ge.Code, diags)
}
