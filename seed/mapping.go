package seed

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/claimgraph/claimgraph/graph"
)

// Mapping says how foreign RDF data (N-Quads) becomes claimgraph entities
// and statements. A mapping file is a fact file (ontology and one source,
// see FORMAT.md) with a "mapping" section:
//
//	mapping:
//	  type: type                        # the predicate whose object is a node's type (default rdf:type)
//	  name: [name]                      # predicates holding a node's name, first found wins
//	  ids:                              # how node IRIs become entity ids; first matching prefix wins
//	    - {prefix: /en/, as: ""}
//	  entityTypes: {/film/film: Film}   # type IRI → entity type
//	  relations: {/film/film/directed_by: directed-by}   # predicate IRI → relation type
//	  joins:                            # a middle node joining two edges becomes one statement
//	    - relation: acted-in
//	      subject: /film/performance/actor    # middle → subject
//	      object: ^/film/film/starring        # object → middle (^ reads the edge backwards)
//	      attributes: {character: /film/performance/character}
//	  onInvalid: skip                   # leave out (and warn of) statements the ontology refuses
//
// A node with several mapped types takes the first in the order of
// entityTypes. Two IRIs whose ids would be equal both get a suffix, a
// short hash of the IRI, so ids stay unique and do not depend on the order
// of the data.
//
// Every statement of the data is one its source reports (graph.BulkImport).
type Mapping struct {
	// File is the mapping file's name, for messages.
	File string
	// Source reports the data; Ontology holds the types the file declares.
	Source   graph.Source
	Ontology graph.Ontology

	data      []byte // the file, for the import's digest
	typePred  string
	names     []string
	ids       []idRule
	types     map[string]mapped // type IRI → entity type
	relations map[string]mapped // predicate IRI → relation type
	joins     []join
	// skipInvalid leaves out statements the ontology refuses ("onInvalid:
	// skip") instead of failing.
	skipInvalid bool
	parsed      *Parsed
	typeOrder   []string // keys of types in file order, for messages
	relOrder    []string
}

// mapped is a name the mapping gives, and where.
type mapped struct {
	name string
	pos  Position
}

type idRule struct {
	prefix, as string
}

// join turns a middle node M with M —subject→ S and O —object→ M (or the
// reverse directions, marked with ^) into the statement S relation O.
type join struct {
	relation   mapped
	subject    pathStep
	object     pathStep
	attributes []joinAttr
}

// pathStep is a predicate read from the middle node: forward (M p X) or,
// with ^, backward (X p M).
type pathStep struct {
	pred    string
	reverse bool
}

type joinAttr struct {
	key, pred string
}

const rdfType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

var mappingKeys = []string{"source", "type", "name", "ids", "entityTypes", "relations", "joins", "onInvalid"}

// ParseMapping reads a mapping file. Problems are reported like those of a
// fact file: a *graph.Error with code graph.Invalid, one FILE:LINE:COL line
// each. Whether the types it names exist is checked on import, against the
// stored ontology merged with the file's.
func ParseMapping(in Input) (*Mapping, error) {
	p := &Parsed{items: map[string][]*item{}}
	var diags []diagnostic
	var node *yaml.Node
	r := &reader{parsed: p, file: in.Name, diags: &diags, budget: nodeBudget(in.Data), mapping: &node}
	r.read(in.Data)
	m := &Mapping{File: in.Name, data: in.Data, typePred: rdfType, parsed: p,
		types: map[string]mapped{}, relations: map[string]mapped{}, Ontology: p.Batch.Ontology}
	if node == nil && len(diags) == 0 {
		r.add(Position{File: in.Name, Line: 1, Column: 1}, `a mapping file needs a "mapping" section`)
	}
	if node != nil {
		m.read(r, node)
	}
	if len(diags) > 0 {
		return nil, diagError(graph.Invalid, diags)
	}
	return m, nil
}

func (m *Mapping) read(r *reader, node *yaml.Node) {
	f, ok := r.fields(node, "the mapping", mappingKeys)
	if !ok {
		return
	}
	// The source: the one the file gives, or the one "source" names.
	srcID := r.text(f, "source")
	srcs := r.parsed.Batch.Sources
	switch {
	case srcID != "":
		i := slices.IndexFunc(srcs, func(s graph.Source) bool { return s.ID == srcID })
		if i < 0 {
			r.add(r.valuePos(f["source"]), fmt.Sprintf("source %q is not among the file's sources", srcID))
		} else {
			m.Source = srcs[i]
		}
	case len(srcs) == 1:
		m.Source = srcs[0]
	default:
		r.add(r.pos(node), fmt.Sprintf(`the file gives %d sources; name the one that reports the data with "source"`, len(srcs)))
	}
	if t := r.text(f, "type"); t != "" {
		m.typePred = t
	}
	if e, ok := f["name"]; ok {
		for _, n := range r.scalarOrList(e, "name") {
			if v, _ := r.scalar(entry{e.key, n}, "a name predicate"); v != "" {
				m.names = append(m.names, v)
			}
		}
	}
	for _, n := range r.list(f["ids"], "ids") {
		rf, ok := r.fields(n, "an id rule", []string{"prefix", "as"})
		if !ok {
			continue
		}
		rule := idRule{prefix: r.text(rf, "prefix"), as: r.text(rf, "as")}
		if rule.as != "" && slug(rule.as) != strings.TrimSuffix(rule.as, "-") {
			r.errorf(n, "%q must be lower-case letters and digits joined by hyphens (and may end with one)", rule.as)
		}
		m.ids = append(m.ids, rule)
	}
	switch v := r.text(f, "onInvalid"); v {
	case "", "fail":
	case "skip":
		m.skipInvalid = true
	default:
		r.add(r.valuePos(f["onInvalid"]), fmt.Sprintf("onInvalid %q must be fail or skip", v))
	}
	m.typeOrder = r.pairs(f["entityTypes"], "entityTypes", m.types)
	m.relOrder = r.pairs(f["relations"], "relations", m.relations)
	for _, n := range r.list(f["joins"], "joins") {
		jf, ok := r.fields(n, "a join", []string{"relation", "subject", "object", "attributes"})
		if !ok {
			continue
		}
		j := join{
			relation: mapped{name: r.required(jf, &item{pos: r.pos(n)}, "relation", "a join")},
			subject:  step(r.required(jf, &item{pos: r.pos(n)}, "subject", "a join")),
			object:   step(r.required(jf, &item{pos: r.pos(n)}, "object", "a join")),
		}
		if e, ok := jf["relation"]; !ok {
			j.relation.pos = r.pos(n)
		} else {
			j.relation.pos = r.valuePos(e)
		}
		attrs := map[string]mapped{}
		for _, k := range r.pairs(jf["attributes"], "attributes", attrs) {
			j.attributes = append(j.attributes, joinAttr{key: k, pred: attrs[k].name})
		}
		m.joins = append(m.joins, j)
	}
}

func step(s string) pathStep {
	if rest, ok := strings.CutPrefix(s, "^"); ok {
		return pathStep{pred: rest, reverse: true}
	}
	return pathStep{pred: s}
}

// pairs reads a mapping of names to names into out, with the position of
// each value, and returns the keys in file order.
func (r *reader) pairs(e entry, what string, out map[string]mapped) []string {
	if e.value == nil {
		return nil
	}
	n := r.deref(e.value)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		r.errorf(e.value, "%s must be a mapping of IRIs to names, not %s", what, kindName(n))
		return nil
	}
	var keys []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		k, v := r.deref(kn), r.deref(vn)
		if k == nil || v == nil || k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode || v.Value == "" {
			r.errorf(kn, "an entry of %s must map an IRI to a name", what)
			continue
		}
		if _, dup := out[k.Value]; dup {
			r.errorf(kn, "%q is given twice in %s", k.Value, what)
			continue
		}
		out[k.Value] = mapped{name: v.Value, pos: r.pos(vn)}
		keys = append(keys, k.Value)
	}
	return keys
}

var nonSlugRE = regexp.MustCompile(`[^a-z0-9]+`)

// slug lower-cases s and joins its runs of letters and digits with single
// hyphens.
func slug(s string) string {
	return strings.Trim(nonSlugRE.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// entityID maps a node ("<IRI>" key's IRI, or "_:label") to an entity id:
// the first id rule whose prefix the node has replaces that prefix with
// its "as", and the rest is made a slug. A node no rule matches is slugged
// whole.
func (m *Mapping) entityID(node string) string {
	for _, r := range m.ids {
		if rest, ok := strings.CutPrefix(node, r.prefix); ok {
			return r.as + slug(rest)
		}
	}
	return slug(node)
}

// check reports the names the mapping gives that ont does not declare.
func (m *Mapping) check(ont graph.Ontology) []diagnostic {
	var diags []diagnostic
	add := func(p mapped, format string, args ...any) {
		diags = append(diags, diagnostic{pos: p.pos, msg: fmt.Sprintf(format, args...)})
	}
	var typeNames, relNames []string
	for _, t := range ont.EntityTypes {
		typeNames = append(typeNames, t.Name)
	}
	for _, t := range ont.RelationTypes {
		relNames = append(relNames, t.Name)
	}
	for _, k := range m.typeOrder {
		if t := m.types[k]; !slices.Contains(typeNames, t.name) {
			add(t, "unknown entity type %q%s", t.name, didYouMean(t.name, typeNames))
		}
	}
	for _, k := range m.relOrder {
		if t := m.relations[k]; !slices.Contains(relNames, t.name) {
			add(t, "unknown relation type %q%s", t.name, didYouMean(t.name, relNames))
		}
	}
	for _, j := range m.joins {
		rt, ok := ont.RelationType(j.relation.name)
		if !ok {
			add(j.relation, "unknown relation type %q%s", j.relation.name, didYouMean(j.relation.name, relNames))
			continue
		}
		for _, a := range j.attributes {
			if !slices.Contains(rt.Attributes, a.key) {
				add(j.relation, "relation %s has no attribute %q (declared: %s)", rt.Name, a.key, strings.Join(rt.Attributes, ", "))
			}
		}
	}
	return diags
}
