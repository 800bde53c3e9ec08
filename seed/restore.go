package seed

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

// claimgraph's own N-Quads export (graph/cayley's quad layout) is restored
// by decoding every quad into the item it belongs to — an entity type, a
// relation type, a source, an entity and its aliases, a statement and its
// edge, a claim, a bulk import and the items it holds — and checking the
// items with graph.ValidateBatch, as every other input is, before a single
// quad is written. A quad that is not part of the layout, a field given
// twice with different values, a statement without its edge, a claim its
// statement does not link to: each is a problem at its FILE:LINE:COL, and
// any problem means nothing is written. The quads then go to the store as
// they are (restorer.ReadNQuads, one transaction), so that restoring an
// export into an empty store gives the store that was exported, quad for
// quad.
//
// A restore adds quads and replaces none: an item the store holds with
// other content (an entity with another name, say) is a conflict, reported
// at its place, not a change. Seed a fact file to change what is stored.

// restorer is a store that can restore claimgraph's own N-Quads export.
type restorer interface {
	// ReadNQuads adds the quads of an export in one transaction.
	ReadNQuads(ctx context.Context, r io.Reader) error
}

// Layout IRIs (see graph/cayley/doc.go).
const (
	cgOntology    = "cg:ontology"
	cgImports     = "cg:imports"
	cgSourceClass = "cg:class/Source"
	cgEntity      = "cg:e/"
	cgType        = "cg:type/"
	cgRelation    = "cg:rel/"
	cgStatement   = "cg:s/"
	cgClaim       = "cg:c/"
	cgSource      = "cg:src/"
	cgImport      = "cg:imp/"
	cgPred        = "cg:p/"
	cgAttr        = "cg:p/attr/"
	cgAliasMarker = "#alias/"
	xsdBoolean    = "xsd:boolean"
)

// restore validates the items of a dump read and built against the
// store, counts them, and unless dryRun writes its quads.
func (d *dump) restore(ctx context.Context, st graph.Store, p *Parsed, dryRun bool) (graph.Summary, error) {
	rs, ok := st.(restorer)
	if !ok {
		return graph.Summary{}, graph.Errorf(graph.Invalid, "this store cannot restore N-Quads; give a mapping to import foreign data")
	}
	stored, err := st.Ontology(ctx)
	if err != nil {
		return graph.Summary{}, err
	}
	known := func(ctx context.Context, kind, id string) (string, bool, error) {
		switch kind {
		case graph.KindEntity:
			e, err := st.Entity(ctx, id)
			if graph.ErrorCode(err) == graph.NotFound {
				return "", false, nil
			}
			return e.Type, err == nil, err
		case graph.KindSource:
			_, err := st.Source(ctx, id)
			if graph.ErrorCode(err) == graph.NotFound {
				return "", false, nil
			}
			return "", err == nil, err
		}
		return "", false, fmt.Errorf("unknown item kind %q", kind)
	}
	if err := graph.ValidateBatch(ctx, stored.Merge(p.Batch.Ontology), p.Batch, known); err != nil {
		return graph.Summary{}, p.Locate(err)
	}
	sum, err := d.count(ctx, st, stored, p)
	if err != nil {
		return graph.Summary{}, err
	}
	if dryRun || d.out.Len() == 0 {
		return sum, nil
	}
	if err := rs.ReadNQuads(ctx, &d.out); err != nil {
		return graph.Summary{}, err
	}
	return sum, nil
}

// dump is what restore reads of an export: the items, where each was
// written, and the quads to write.
type dump struct {
	name  string
	index int // the input's index among the import's, for the order of problems
	diags []diagnostic
	out   bytes.Buffer // the quads read, one N-Quads line each, as written to the store

	entityTypes   map[string]*dEntityType
	relationTypes map[string]*dRelationType
	sources       map[string]*dSource
	entities      map[string]*dEntity
	aliases       map[string]*dAlias // alias node IRI → alias
	statements    map[string]*dStatement
	claims        map[string]*dClaim
	imports       map[string]*dImport
	registered    []dLink // <cg:imports> <cg:p/import> links
}

// dField is one single-valued field: its value and where it was written.
type dField struct {
	value string
	at    Position
	set   bool
}

type dLink struct {
	target string
	at     Position
}

type dEntityType struct {
	at          Position // the declaration in <cg:ontology>
	declared    bool
	description dField
}

type dRelationType struct {
	at                            Position
	declared                      bool
	label, inverse, descr         dField
	symmetric                     dField
	subjects, objects, attr, cues []dLink
}

type dSource struct {
	at                                            Position
	typed                                         bool
	title, publisher, url, published, reliability dField
}

type dEntity struct {
	at          Position
	typ, name   dField
	description dField
	imp         string // the import that brought it, or ""
	aliases     []dLink
}

type dAlias struct {
	at     Position
	name   dField
	usedBy dField
}

// dEdge is a statement edge: <cg:e/S> <cg:rel/R> <cg:e/O> LABEL.
type dEdge struct {
	subject, relation, object string
	at                        Position
}

type dStatement struct {
	at                        Position
	subject, relation, object dField
	since, until              dField
	attrs                     map[string]dField
	attrImport                string // the import of attributes labelled with one
	claims                    []dLink
	edge                      *dEdge   // the edge labelled with the statement
	implicit                  []string // imports whose edge states it
}

type dClaim struct {
	at                               Position
	statement, source, claimant      dField
	stance, quote, said, credibility dField
}

type dImport struct {
	at                                 Position
	source, started, digest, committed dField
	items                              dField
}

func newDump(name string, index int) *dump {
	return &dump{
		name:          name,
		index:         index,
		entityTypes:   map[string]*dEntityType{},
		relationTypes: map[string]*dRelationType{},
		sources:       map[string]*dSource{},
		entities:      map[string]*dEntity{},
		aliases:       map[string]*dAlias{},
		statements:    map[string]*dStatement{},
		claims:        map[string]*dClaim{},
		imports:       map[string]*dImport{},
	}
}

func (d *dump) add(at Position, format string, args ...any) {
	addDiag(&d.diags, diagnostic{pos: at, fileIndex: d.index, msg: fmt.Sprintf(format, args...)})
}

// read reads the quads, line by line. Each line must be RDF 1.1 N-Quads.
func (d *dump) read(ctx context.Context, r io.Reader) error {
	return readNQuads(ctx, r, d.name, false,
		func(q nquad, line, lead int) {
			at := func(c int) Position { return Position{File: d.name, Line: line, Column: c + lead} }
			if q.s.kind != termIRI || q.o.kind == termBlank || q.g.kind == termBlank {
				d.add(at(q.s.col), "claimgraph's export has no blank nodes")
				return
			}
			if d.quad(q, at) {
				writeQuad(&d.out, q)
			}
		},
		func(line, col int, err error) {
			d.add(Position{File: d.name, Line: line, Column: col}, "N-Quads syntax error: %v", err)
		})
}

// quad decodes one quad into its item. It reports whether the quad is to
// be written (the ontology's version token is not: it is the store's
// bookkeeping).
func (d *dump) quad(q nquad, at func(int) Position) bool {
	s, p, o := q.s.value, q.p.value, q.o
	here := at(q.p.col)
	bad := func(format string, args ...any) bool {
		d.add(here, format, args...)
		return false
	}
	// Only statement edges and the items of a bulk import carry a label.
	label := ""
	if q.g.kind != 0 {
		label = q.g.value
		edge := strings.HasPrefix(s, cgEntity) && strings.HasPrefix(p, cgRelation)
		importItem := strings.HasPrefix(label, cgImport) &&
			(strings.HasPrefix(s, cgEntity) && (p == rdfType || p == cgPred+"name") || strings.HasPrefix(s, cgStatement) && strings.HasPrefix(p, cgAttr))
		if !edge && !importItem {
			d.add(at(q.g.col), "no quad of this kind carries a graph label in claimgraph's export")
			return false
		}
	}
	if attributed(s) {
		switch p {
		case cgPred + "recordedBy", cgPred + "createdBy":
			return d.authorship(o, at)
		case cgPred + "recordedAt", cgPred + "createdAt":
			if !d.authorship(o, at) {
				return false
			}
			if _, err := time.Parse(time.RFC3339Nano, o.value); err != nil {
				d.add(at(o.col), "expected a time in RFC 3339 here")
				return false
			}
			return true
		}
	}
	switch {
	case s == cgOntology:
		switch p {
		case cgPred + "entityType":
			name, ok := d.iri(o, cgType, at)
			if !ok {
				return false
			}
			t := d.entityType(name, here)
			t.declared, t.at = true, here
		case cgPred + "relationType":
			name, ok := d.iri(o, cgRelation, at)
			if !ok {
				return false
			}
			t := d.relationType(name, here)
			t.declared, t.at = true, here
		case cgPred + "version":
			return false // bookkeeping of the store that wrote it
		default:
			return d.unknownPredicate(q, here)
		}
	case s == cgImports:
		if p != cgPred+"import" {
			return d.unknownPredicate(q, here)
		}
		id, ok := d.iri(o, cgImport, at)
		if !ok {
			return false
		}
		d.registered = append(d.registered, dLink{id, here})
	case strings.HasPrefix(s, cgType):
		t := d.entityType(strings.TrimPrefix(s, cgType), here)
		if p != cgPred+"description" {
			return d.unknownPredicate(q, here)
		}
		return d.text(&t.description, o, "the description", at)
	case strings.HasPrefix(s, cgRelation):
		t := d.relationType(strings.TrimPrefix(s, cgRelation), here)
		switch p {
		case cgPred + "label":
			return d.text(&t.label, o, "the label", at)
		case cgPred + "inverse":
			return d.text(&t.inverse, o, "the inverse label", at)
		case cgPred + "description":
			return d.text(&t.descr, o, "the description", at)
		case cgPred + "symmetric":
			if o.kind != termLiteral || !strings.EqualFold(o.value, "true") || o.datatype != xsdBoolean {
				d.add(at(o.col), `symmetric must be "True"^^<xsd:boolean>`)
				return false
			}
			t.symmetric = dField{value: "true", at: here, set: true}
		case cgPred + "subjectType", cgPred + "objectType":
			name, ok := d.iri(o, cgType, at)
			if !ok {
				return false
			}
			if p == cgPred+"subjectType" {
				t.subjects = append(t.subjects, dLink{name, at(o.col)})
			} else {
				t.objects = append(t.objects, dLink{name, at(o.col)})
			}
		case cgPred + "attribute":
			if !d.plain(o, at) {
				return false
			}
			t.attr = append(t.attr, dLink{o.value, at(o.col)})
		case cgPred + "cue":
			if !d.plain(o, at) {
				return false
			}
			t.cues = append(t.cues, dLink{o.value, at(o.col)})
		default:
			return d.unknownPredicate(q, here)
		}
	case strings.HasPrefix(s, cgSource):
		src := d.source(strings.TrimPrefix(s, cgSource), here)
		switch p {
		case rdfType:
			if o.kind != termIRI || o.value != cgSourceClass {
				d.add(at(o.col), "a source's type must be <%s>", cgSourceClass)
				return false
			}
			src.typed = true
		case cgPred + "title":
			return d.text(&src.title, o, "the title", at)
		case cgPred + "publisher":
			return d.text(&src.publisher, o, "the publisher", at)
		case cgPred + "url":
			return d.text(&src.url, o, "the URL", at)
		case cgPred + "published":
			return d.text(&src.published, o, "the date published", at)
		case cgPred + "reliability":
			return d.text(&src.reliability, o, "the reliability", at)
		default:
			return d.unknownPredicate(q, here)
		}
	case strings.HasPrefix(s, cgEntity) && strings.Contains(s, cgAliasMarker):
		a := d.alias(s, here)
		switch p {
		case cgPred + "name":
			return d.text(&a.name, o, "the alias name", at)
		case cgPred + "usedBy":
			id, ok := d.iri(o, cgEntity, at)
			if !ok {
				return false
			}
			return d.set(&a.usedBy, id, "the entity using the alias", at(o.col))
		default:
			return d.unknownPredicate(q, here)
		}
	case strings.HasPrefix(s, cgEntity) && strings.HasPrefix(p, cgRelation):
		return d.edge(strings.TrimPrefix(s, cgEntity), q, label, at)
	case strings.HasPrefix(s, cgEntity):
		id := strings.TrimPrefix(s, cgEntity)
		e := d.entity(id, here)
		if label != "" && !strings.HasPrefix(p, cgRelation) {
			imp := strings.TrimPrefix(label, cgImport)
			if e.imp != "" && e.imp != imp || e.imp == "" && (e.typ.set || e.name.set) {
				d.add(at(q.g.col), "entity %s is given by two imports, or by an import and a fact file", graph.Quote(id))
				return false
			}
			e.imp = imp
		} else if e.imp != "" && (p == rdfType || p == cgPred+"name") {
			d.add(here, "entity %s is given by an import and a fact file", graph.Quote(id))
			return false
		}
		switch {
		case p == rdfType:
			name, ok := d.iri(o, cgType, at)
			if !ok {
				return false
			}
			return d.set(&e.typ, name, "the type", at(o.col))
		case p == cgPred+"name":
			return d.text(&e.name, o, "the name", at)
		case p == cgPred+"description":
			return d.text(&e.description, o, "the description", at)
		case p == cgPred+"alias":
			if o.kind != termIRI || !strings.HasPrefix(o.value, s+cgAliasMarker) {
				d.add(at(o.col), "an alias of %s must be a node <%s%s…>", graph.Quote(id), s, cgAliasMarker)
				return false
			}
			if _, err := strconv.Atoi(strings.TrimPrefix(o.value, s+cgAliasMarker)); err != nil {
				d.add(at(o.col), "an alias node must end in %sN, N its position", cgAliasMarker)
				return false
			}
			d.alias(o.value, at(o.col))
			e.aliases = append(e.aliases, dLink{o.value, at(o.col)})
		default:
			return d.unknownPredicate(q, here)
		}
	case strings.HasPrefix(s, cgStatement):
		st := d.statement(strings.TrimPrefix(s, cgStatement), here)
		switch {
		case p == cgPred+"subject" || p == cgPred+"object":
			id, ok := d.iri(o, cgEntity, at)
			if !ok {
				return false
			}
			f := &st.subject
			if p == cgPred+"object" {
				f = &st.object
			}
			return d.set(f, id, strings.TrimPrefix(p, cgPred), at(o.col))
		case p == cgPred+"relation":
			name, ok := d.iri(o, cgRelation, at)
			if !ok {
				return false
			}
			return d.set(&st.relation, name, "the relation", at(o.col))
		case p == cgPred+"validFrom":
			return d.text(&st.since, o, "the start of the valid time", at)
		case p == cgPred+"validUntil":
			return d.text(&st.until, o, "the end of the valid time", at)
		case p == cgPred+"claim":
			id, ok := d.iri(o, cgClaim, at)
			if !ok {
				return false
			}
			d.claim(id, at(o.col))
			st.claims = append(st.claims, dLink{id, at(o.col)})
		case strings.HasPrefix(p, cgAttr):
			key := strings.TrimPrefix(p, cgAttr)
			if label != "" {
				st.attrImport = strings.TrimPrefix(label, cgImport)
			}
			if st.attrs == nil {
				st.attrs = map[string]dField{}
			}
			f := st.attrs[key]
			ok := d.text(&f, o, "attribute "+graph.Quote(key), at)
			st.attrs[key] = f
			return ok
		default:
			return d.unknownPredicate(q, here)
		}
	case strings.HasPrefix(s, cgClaim):
		c := d.claim(strings.TrimPrefix(s, cgClaim), here)
		switch p {
		case cgPred + "statement":
			id, ok := d.iri(o, cgStatement, at)
			if !ok {
				return false
			}
			return d.set(&c.statement, id, "the statement", at(o.col))
		case cgPred + "source":
			id, ok := d.iri(o, cgSource, at)
			if !ok {
				return false
			}
			return d.set(&c.source, id, "the source", at(o.col))
		case cgPred + "claimant":
			id, ok := d.iri(o, cgEntity, at)
			if !ok {
				return false
			}
			return d.set(&c.claimant, id, "the claimant", at(o.col))
		case cgPred + "stance":
			return d.text(&c.stance, o, "the stance", at)
		case cgPred + "quote":
			return d.text(&c.quote, o, "the quote", at)
		case cgPred + "said":
			return d.text(&c.said, o, "the date said", at)
		case cgPred + "credibility":
			return d.text(&c.credibility, o, "the credibility", at)
		default:
			return d.unknownPredicate(q, here)
		}
	case strings.HasPrefix(s, cgImport):
		imp := d.importNode(strings.TrimPrefix(s, cgImport), here)
		switch p {
		case cgPred + "source":
			id, ok := d.iri(o, cgSource, at)
			if !ok {
				return false
			}
			return d.set(&imp.source, id, "the source", at(o.col))
		case cgPred + "started":
			return d.text(&imp.started, o, "the start", at)
		case cgPred + "digest":
			return d.text(&imp.digest, o, "the digest", at)
		case cgPred + "committed":
			return d.text(&imp.committed, o, "the commit time", at)
		case cgPred + "items":
			return d.text(&imp.items, o, "the item count", at)
		case cgPred + "superseded":
			return bad("a superseded import is not part of an export")
		default:
			return d.unknownPredicate(q, here)
		}
	default:
		d.add(at(q.s.col), "<%s> is not a node of claimgraph's export", clip(s, graph.MaxQuoteBytes))
		return false
	}
	return true
}

// edge decodes a statement edge, labelled with its statement or with the
// import that states it.
func (d *dump) edge(subject string, q nquad, label string, at func(int) Position) bool {
	here := at(q.p.col)
	obj, ok := d.iri(q.o, cgEntity, at)
	if !ok {
		return false
	}
	edge := dEdge{subject: subject, relation: strings.TrimPrefix(q.p.value, cgRelation), object: obj, at: here}
	same := func(e *dEdge) bool {
		return e.subject == edge.subject && e.relation == edge.relation && e.object == edge.object
	}
	switch {
	case strings.HasPrefix(label, cgStatement):
		id := strings.TrimPrefix(label, cgStatement)
		st := d.statement(id, here)
		if st.edge != nil && !same(st.edge) {
			d.add(here, "statement %s has two edges", graph.Quote(id))
			return false
		}
		st.edge = &edge
	case strings.HasPrefix(label, cgImport):
		st := d.statement(graph.DefaultStatementID(edge.subject, edge.relation, edge.object), here)
		if imp := strings.TrimPrefix(label, cgImport); !slices.Contains(st.implicit, imp) {
			st.implicit = append(st.implicit, strings.Clone(imp))
		}
		if st.edge == nil {
			st.edge = &edge
		}
	default:
		d.add(here, "a statement edge must be labelled with its statement <%sID> or its import <%sID>", cgStatement, cgImport)
		return false
	}
	return true
}

func (d *dump) unknownPredicate(q nquad, at Position) bool {
	d.add(at, "<%s> is not a predicate claimgraph's export gives <%s>", clip(q.p.value, graph.MaxQuoteBytes), clip(q.s.value, graph.MaxQuoteBytes))
	return false
}

// iri returns the id in an IRI object with the given prefix.
func (d *dump) iri(o term, prefix string, at func(int) Position) (string, bool) {
	if o.kind != termIRI || !strings.HasPrefix(o.value, prefix) {
		d.add(at(o.col), "expected an IRI <%sID> here", prefix)
		return "", false
	}
	return strings.TrimPrefix(o.value, prefix), true
}

// plain reports whether o is a plain literal, as the export writes text.
func (d *dump) plain(o term, at func(int) Position) bool {
	if o.kind != termLiteral || o.datatype != "" || o.lang != "" {
		d.add(at(o.col), "expected a plain \"literal\" here")
		return false
	}
	return true
}

// attributed reports whether the node s may carry who wrote it and when:
// entities (not their aliases), statements, claims, sources and imports.
func attributed(s string) bool {
	switch {
	case strings.HasPrefix(s, cgEntity):
		return !strings.Contains(s, cgAliasMarker)
	case strings.HasPrefix(s, cgStatement), strings.HasPrefix(s, cgClaim), strings.HasPrefix(s, cgSource), strings.HasPrefix(s, cgImport):
		return true
	}
	return false
}

// authorship checks the object of an attribution quad (recordedBy,
// createdAt, …), which is written to the store as it stands.
func (d *dump) authorship(o term, at func(int) Position) bool {
	if !d.plain(o, at) {
		return false
	}
	if err := graph.CheckText(o.value, graph.MaxNameBytes, graph.Line); err != nil {
		d.add(at(o.col), "the author %v", err)
		return false
	}
	return true
}

// text sets a single-valued text field from a plain literal.
func (d *dump) text(f *dField, o term, what string, at func(int) Position) bool {
	if !d.plain(o, at) {
		return false
	}
	return d.set(f, strings.Clone(o.value), what, at(o.col))
}

// set sets a single-valued field; a second, different value is a problem,
// and the same value again a quad not to write twice.
func (d *dump) set(f *dField, v, what string, at Position) bool {
	if f.set {
		if f.value != v {
			d.add(at, "%s is given twice, as %s and as %s (line %d)", what, graph.Quote(v), graph.Quote(f.value), f.at.Line)
		}
		return false
	}
	*f = dField{value: v, at: at, set: true}
	return true
}

// slot returns the item of m under id, adding the one fresh makes when
// there is none (under a clone of id: ids are slices of the input read).
func slot[T any](m map[string]*T, id string, fresh func() *T) *T {
	v, ok := m[id]
	if !ok {
		v = fresh()
		m[strings.Clone(id)] = v
	}
	return v
}

func (d *dump) entityType(name string, at Position) *dEntityType {
	return slot(d.entityTypes, name, func() *dEntityType { return &dEntityType{at: at} })
}

func (d *dump) relationType(name string, at Position) *dRelationType {
	return slot(d.relationTypes, name, func() *dRelationType { return &dRelationType{at: at} })
}

func (d *dump) source(id string, at Position) *dSource {
	return slot(d.sources, id, func() *dSource { return &dSource{at: at} })
}

func (d *dump) entity(id string, at Position) *dEntity {
	return slot(d.entities, id, func() *dEntity { return &dEntity{at: at} })
}

func (d *dump) alias(node string, at Position) *dAlias {
	return slot(d.aliases, node, func() *dAlias { return &dAlias{at: at} })
}

func (d *dump) statement(id string, at Position) *dStatement {
	return slot(d.statements, id, func() *dStatement { return &dStatement{at: at} })
}

func (d *dump) claim(id string, at Position) *dClaim {
	return slot(d.claims, id, func() *dClaim { return &dClaim{at: at} })
}

func (d *dump) importNode(id string, at Position) *dImport {
	return slot(d.imports, id, func() *dImport { return &dImport{at: at} })
}

// build checks that the items read hang together as the layout has them
// and turns them into a batch with the positions of its items, for
// graph.ValidateBatch and Parsed.Locate. Items are in id order.
func (d *dump) build() *Parsed {
	p := &Parsed{items: map[string][]*item{}}
	b := &p.Batch
	rec := func(kind string, at Position, fields map[string]Position) *item {
		it := &item{pos: at, fields: map[string]*field{}}
		for k, pos := range fields {
			if pos != (Position{}) {
				it.fields[k] = &field{value: pos}
			}
		}
		if kind != "" {
			p.items[kind] = append(p.items[kind], it)
		}
		return it
	}
	links := func(list []dLink) []string {
		var out []string
		for _, l := range list {
			out = append(out, l.target)
		}
		slices.Sort(out)
		return out
	}

	for _, name := range slices.Sorted(maps.Keys(d.entityTypes)) {
		t := d.entityTypes[name]
		if !t.declared {
			d.add(t.at, "entity type %s is not declared by <%s> <%sentityType>", graph.Quote(name), cgOntology, cgPred)
		}
		b.Ontology.EntityTypes = append(b.Ontology.EntityTypes, graph.EntityType{Name: name, Description: t.description.value})
		rec(graph.KindEntityType, t.at, map[string]Position{"name": t.at, "description": t.description.at})
	}
	for _, name := range slices.Sorted(maps.Keys(d.relationTypes)) {
		t := d.relationTypes[name]
		if !t.declared {
			d.add(t.at, "relation type %s is not declared by <%s> <%srelationType>", graph.Quote(name), cgOntology, cgPred)
		}
		rt := graph.RelationType{Name: name, Label: t.label.value, Inverse: t.inverse.value, Description: t.descr.value,
			Symmetric: t.symmetric.set, Subject: links(t.subjects), Object: links(t.objects), Attributes: links(t.attr), Cues: links(t.cues)}
		b.Ontology.RelationTypes = append(b.Ontology.RelationTypes, rt)
		fields := map[string]Position{"name": t.at, "label": t.label.at, "inverse": t.inverse.at, "description": t.descr.at}
		for _, f := range []struct {
			key  string
			list []dLink
		}{{"subject", t.subjects}, {"object", t.objects}, {"attributes", t.attr}, {"cues", t.cues}} {
			if len(f.list) > 0 {
				fields[f.key] = f.list[0].at
			}
		}
		it := rec(graph.KindRelationType, t.at, fields)
		for _, f := range []struct {
			key  string
			list []dLink
		}{{"subject", t.subjects}, {"object", t.objects}, {"attributes", t.attr}, {"cues", t.cues}} {
			if fl, ok := it.fields[f.key]; ok {
				for _, l := range f.list {
					fl.parts = append(fl.parts, part{text: l.target, pos: l.at})
				}
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(d.sources)) {
		s := d.sources[id]
		if !s.typed {
			d.add(s.at, "source %s lacks its type <%s>", graph.Quote(id), cgSourceClass)
		}
		b.Sources = append(b.Sources, graph.Source{ID: id, Title: s.title.value, Publisher: s.publisher.value, URL: s.url.value,
			Published: graph.Date(s.published.value), Reliability: s.reliability.value})
		rec(graph.KindSource, s.at, map[string]Position{"id": s.at, "title": s.title.at, "publisher": s.publisher.at,
			"url": s.url.at, "published": s.published.at, "reliability": s.reliability.at})
	}
	for id, imp := range d.imports {
		switch {
		case !imp.source.set:
			d.add(imp.at, "import %s names no source", graph.Quote(id))
		case !imp.committed.set:
			d.add(imp.at, "import %s never committed; an export holds committed imports only", graph.Quote(id))
		case d.sources[imp.source.value] == nil:
			d.add(imp.source.at, "the source %s of import %s is not in the input", graph.Quote(imp.source.value), graph.Quote(id))
		}
	}
	for _, l := range d.registered {
		if d.imports[l.target] == nil {
			d.add(l.at, "import %s is registered but not in the input", graph.Quote(l.target))
		}
	}
	usedAliases := map[string]bool{}
	for _, id := range slices.Sorted(maps.Keys(d.entities)) {
		e := d.entities[id]
		if !e.typ.set {
			d.add(e.at, "entity %s has no type (<%s>)", graph.Quote(id), rdfType)
		}
		if e.imp != "" && d.imports[e.imp] == nil {
			d.add(e.at, "entity %s belongs to import %s, which is not in the input", graph.Quote(id), graph.Quote(e.imp))
		}
		ent := graph.Entity{ID: id, Type: e.typ.value, Name: e.name.value, Description: e.description.value}
		fields := map[string]Position{"id": e.at, "type": e.typ.at, "name": e.name.at, "description": e.description.at}
		type indexed struct {
			n int
			l dLink
		}
		var aliases []indexed
		for _, l := range e.aliases {
			if usedAliases[l.target] {
				d.add(l.at, "alias node <%s> is given twice", l.target)
				continue
			}
			usedAliases[l.target] = true
			n, _ := strconv.Atoi(l.target[strings.LastIndex(l.target, cgAliasMarker)+len(cgAliasMarker):])
			aliases = append(aliases, indexed{n, l})
		}
		slices.SortFunc(aliases, func(a, b indexed) int { return a.n - b.n })
		for _, a := range aliases {
			node := d.aliases[a.l.target]
			ent.Aliases = append(ent.Aliases, graph.Alias{Name: node.name.value, UsedBy: node.usedBy.value})
		}
		if len(aliases) > 0 {
			fields["aliases"] = aliases[0].l.at
		}
		b.Entities = append(b.Entities, ent)
		it := rec(graph.KindEntity, e.at, fields)
		for _, a := range aliases {
			node := d.aliases[a.l.target]
			it.fields["aliases"].parts = append(it.fields["aliases"].parts,
				part{text: node.name.value, pos: node.name.at}, part{text: node.usedBy.value, pos: node.usedBy.at})
		}
	}
	for node, a := range d.aliases {
		if !usedAliases[node] {
			d.add(a.at, "alias node <%s> is not linked from its entity", clip(node, graph.MaxQuoteBytes))
		}
	}
	usedClaims := map[string]bool{}
	for _, id := range slices.Sorted(maps.Keys(d.statements)) {
		s := d.statements[id]
		explicit := s.subject.set || s.relation.set || s.object.set
		st := graph.Statement{ID: id, Subject: s.subject.value, Type: s.relation.value, Object: s.object.value,
			ValidFrom: graph.Date(s.since.value), ValidUntil: graph.Date(s.until.value)}
		fields := map[string]Position{"id": s.at, "subject": s.subject.at, "relation": s.relation.at, "object": s.object.at,
			"since": s.since.at, "until": s.until.at}
		switch {
		case s.edge == nil:
			d.add(s.at, "statement %s has no edge <%sSUBJECT> <%sRELATION> <%sOBJECT>", graph.Quote(id), cgEntity, cgRelation, cgEntity)
		case explicit && (s.edge.subject != st.Subject || s.edge.relation != st.Type || s.edge.object != st.Object):
			d.add(s.edge.at, "the edge of statement %s does not match its subject, relation and object", graph.Quote(id))
		case !explicit:
			if len(s.implicit) == 0 {
				d.add(s.at, "statement %s has no subject, relation and object", graph.Quote(id))
			}
			st.Subject, st.Type, st.Object = s.edge.subject, s.edge.relation, s.edge.object
			fields["subject"], fields["relation"], fields["object"] = s.edge.at, s.edge.at, s.edge.at
		}
		if s.attrImport != "" && !slices.Contains(s.implicit, s.attrImport) {
			d.add(s.at, "statement %s has attributes of import %s, which does not state it", graph.Quote(id), graph.Quote(s.attrImport))
		}
		if len(s.attrs) > 0 {
			st.Attributes = map[string]string{}
			for k, f := range s.attrs {
				st.Attributes[k] = f.value
			}
		}
		it := rec(graph.KindStatement, s.at, fields)
		if len(s.attrs) > 0 {
			keys := slices.Sorted(maps.Keys(s.attrs))
			fl := &field{value: s.attrs[keys[0]].at}
			for _, k := range keys {
				fl.parts = append(fl.parts, part{text: k, pos: s.attrs[k].at})
			}
			it.fields["attributes"] = fl
		}
		claimIDs := links(s.claims)
		for i, cid := range claimIDs {
			if i > 0 && claimIDs[i-1] == cid {
				continue
			}
			usedClaims[cid] = true
			c := d.claims[cid]
			if !c.statement.set {
				d.add(c.at, "claim %s is linked from statement %s but has no quads of its own", graph.Quote(cid), graph.Quote(id))
			} else if c.statement.value != id {
				d.add(c.at, "claim %s belongs to statement %s, but statement %s links to it", graph.Quote(cid), graph.Quote(c.statement.value), graph.Quote(id))
			}
			st.Claims = append(st.Claims, graph.Claim{ID: cid, Source: c.source.value, Claimant: c.claimant.value,
				Stance: graph.Stance(c.stance.value), Quote: c.quote.value, Said: graph.Date(c.said.value), Credibility: c.credibility.value})
			it.claims = append(it.claims, rec("", c.at, map[string]Position{"id": c.at, "source": c.source.at, "by": c.claimant.at,
				"stance": c.stance.at, "quote": c.quote.at, "said": c.said.at, "credibility": c.credibility.at}))
		}
		for _, impID := range s.implicit {
			imp := d.imports[impID]
			if imp == nil {
				d.add(s.edge.at, "the edge of statement %s belongs to import %s, which is not in the input", graph.Quote(id), graph.Quote(impID))
				continue
			}
			c := graph.ImplicitClaim(id, imp.source.value)
			if slices.ContainsFunc(st.Claims, func(x graph.Claim) bool { return x.ID == c.ID }) {
				continue
			}
			st.Claims = append(st.Claims, c)
			it.claims = append(it.claims, rec("", s.edge.at, nil))
		}
		b.Statements = append(b.Statements, st)
	}
	for id, c := range d.claims {
		if !usedClaims[id] {
			d.add(c.at, "claim %s is not linked from its statement (<%sID> <%sclaim>)", graph.Quote(id), cgStatement, cgPred)
		}
	}
	return p
}

// count counts the items of the input as Store.Apply does: added when the
// store lacks them, unchanged when it holds them as they are. One the
// store holds otherwise is a conflict: a restore adds, it does not
// change.
func (d *dump) count(ctx context.Context, st graph.Store, stored graph.Ontology, p *Parsed) (graph.Summary, error) {
	var sum graph.Summary
	var diags []diagnostic
	conflict := func(kind string, i, claim int, format string, args ...any) {
		pos, _ := p.Position(graph.Problem{Kind: kind, Index: i, Claim: claim, Field: "id"})
		addDiag(&diags, diagnostic{pos: pos, msg: fmt.Sprintf(format, args...) +
			"; a restore only adds what the store lacks: seed a fact file to change it"})
	}
	tally := func(found, same bool) bool {
		switch {
		case !found:
			sum.Added++
		case same:
			sum.Unchanged++
		default:
			return false
		}
		return true
	}
	b := p.Batch
	for i, t := range b.Ontology.EntityTypes {
		have, found := stored.EntityType(t.Name)
		if !tally(found, have == t) {
			conflict(graph.KindEntityType, i, -1, "entity type %s is stored with other content", graph.Quote(t.Name))
		}
	}
	for i, t := range b.Ontology.RelationTypes {
		have, found := stored.RelationType(t.Name)
		if !tally(found, sameRelationType(have, t)) {
			conflict(graph.KindRelationType, i, -1, "relation type %s is stored with other content", graph.Quote(t.Name))
		}
	}
	for i, s := range b.Sources {
		have, err := st.Source(ctx, s.ID)
		if err != nil && graph.ErrorCode(err) != graph.NotFound {
			return sum, err
		}
		have.Recorded, s.Recorded = graph.Attribution{}, graph.Attribution{} // who wrote it is not content
		if !tally(err == nil, have == s) {
			conflict(graph.KindSource, i, -1, "source %s is stored with other content", graph.Quote(s.ID))
		}
	}
	const chunk = 1000
	for start := 0; start < len(b.Entities); start += chunk {
		part := b.Entities[start:min(start+chunk, len(b.Entities))]
		ids := make([]string, len(part))
		for i, e := range part {
			ids[i] = e.ID
		}
		have, err := st.EntitiesByID(ctx, ids)
		if err != nil {
			return sum, err
		}
		for i, e := range part {
			h, found := have[e.ID]
			if !tally(found, sameEntity(h, e)) {
				conflict(graph.KindEntity, start+i, -1, "entity %s is stored with other content", graph.Quote(e.ID))
			}
		}
	}
	for i, s := range b.Statements {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return sum, err
			}
		}
		have, err := st.Statement(ctx, s.ID)
		if err != nil && graph.ErrorCode(err) != graph.NotFound {
			return sum, err
		}
		found := err == nil
		if !tally(found, sameStatement(have, s)) {
			conflict(graph.KindStatement, i, -1, "statement %s is stored with another subject, relation, object, valid time or attributes", graph.Quote(s.ID))
			continue
		}
		for j, c := range s.Claims {
			k := slices.IndexFunc(have.Claims, func(x graph.Claim) bool { return x.ID == c.ID })
			if !tally(k >= 0, k >= 0 && sameClaim(have.Claims[k], c)) {
				conflict(graph.KindStatement, i, j, "claim %s is stored with other content", graph.Quote(c.ID))
			}
		}
	}
	if len(diags) > 0 {
		return graph.Summary{}, diagError(graph.Conflict, diags)
	}
	return sum, nil
}

func sameRelationType(a, b graph.RelationType) bool {
	norm := func(t graph.RelationType) graph.RelationType {
		for _, l := range []*[]string{&t.Subject, &t.Object, &t.Attributes} {
			*l = slices.Sorted(slices.Values(*l))
			if len(*l) == 0 {
				*l = nil
			}
		}
		return t
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// sameEntity, sameClaim and sameStatement compare what a restore decoded
// with what the store holds, leaving out who wrote it and when: that is
// not content (as for Store.Apply), and the export's attribution quads are
// written as they stand.
func sameEntity(a, b graph.Entity) bool {
	if len(a.Aliases) == 0 && len(b.Aliases) == 0 {
		a.Aliases, b.Aliases = nil, nil
	}
	a.Created, a.Recorded, b.Created, b.Recorded = graph.Attribution{}, graph.Attribution{}, graph.Attribution{}, graph.Attribution{}
	return reflect.DeepEqual(a, b)
}

func sameClaim(a, b graph.Claim) bool {
	a.Recorded, b.Recorded = graph.Attribution{}, graph.Attribution{}
	return a == b
}

// writeQuad writes a quad as one N-Quads line, from its parsed terms: the
// store reads what was checked, not the line as it was written.
func writeQuad(w *bytes.Buffer, q nquad) {
	for _, t := range []term{q.s, q.p, q.o, q.g} {
		switch t.kind {
		case termIRI:
			w.WriteByte('<')
			writeEscaped(w, t.value, false)
			w.WriteByte('>')
		case termLiteral:
			w.WriteByte('"')
			writeEscaped(w, t.value, true)
			w.WriteByte('"')
			if t.datatype != "" {
				w.WriteString("^^<")
				writeEscaped(w, t.datatype, false)
				w.WriteByte('>')
			}
		default:
			continue
		}
		w.WriteByte(' ')
	}
	w.WriteString(".\n")
}

// writeEscaped writes s with the N-Quads escapes a literal (or an IRI)
// needs.
func writeEscaped(w *bytes.Buffer, s string, literal bool) {
	for _, r := range s {
		switch {
		case literal && r == '"':
			w.WriteString(`\"`)
		case literal && r == '\\':
			w.WriteString(`\\`)
		case literal && r == '\n':
			w.WriteString(`\n`)
		case literal && r == '\r':
			w.WriteString(`\r`)
		case literal && r == '\t':
			w.WriteString(`\t`)
		case r < 0x20 || !literal && r < 0x80 && !iriByte(byte(r)):
			fmt.Fprintf(w, `\u%04X`, r)
		default:
			w.WriteRune(r)
		}
	}
}
