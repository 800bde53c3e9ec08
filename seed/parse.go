package seed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/claimgraph/claimgraph/graph"
)

// Parsed is the content of one or more fact files merged into one batch,
// together with where in the files each item and field was written, so that
// problems found later (by graph.ValidateBatch or Store.Apply) can be
// reported in file terms with Locate.
type Parsed struct {
	// Batch holds the items of all inputs in input order, normalized by
	// graph.NormalizeBatch (statement and claim ids filled in).
	Batch graph.Batch

	// items holds, per graph.Kind*, the position record of each item of
	// Batch at the same index.
	items map[string][]*item

	// stored holds names the store knows besides the batch's, by the
	// word of an "unknown …" problem ("entity", "entity type", …), for the
	// hints of Locate.
	stored map[string][]string
}

// nodeBudget caps the YAML node visits of reading data, so that aliases
// cannot make a small file expand into a huge batch: a file without aliases
// has fewer nodes than bytes, and each is visited a few times at most.
func nodeBudget(data []byte) int { return 4*len(data) + 1<<16 }

// Keys of each kind of item, in the order the format documents them.
var (
	fileKeys         = []string{"ontology", "sources", "entities", "statements"}
	ontologyKeys     = []string{"entityTypes", "relationTypes"}
	entityTypeKeys   = []string{"name", "description"}
	relationTypeKeys = []string{"name", "label", "inverse", "subject", "object", "symmetric", "attributes", "description", "cues"}
	sourceKeys       = []string{"id", "title", "publisher", "url", "published", "reliability", "text", "textFile", "digest", "recordedBy", "recordedAt"}
	entityKeys       = []string{"id", "type", "name", "aliases", "description", "createdBy", "createdAt", "recordedBy", "recordedAt"}
	aliasKeys        = []string{"name", "usedBy"}
	statementKeys    = []string{"id", "subject", "relation", "object", "since", "until", "attributes", "claims", "createdBy", "createdAt", "recordedBy", "recordedAt"}
	claimKeys        = []string{"id", "source", "by", "stance", "quote", "prefix", "suffix", "start", "end", "orphaned", "said", "credibility", "recordedBy", "recordedAt"}
)

// reader reads one input into the shared Parsed.
type reader struct {
	parsed    *Parsed
	file      string
	fileIndex int
	diags     *[]diagnostic
	budget    int
	exhausted bool
	// dir is where a source's textFile is looked up; nil when the input
	// is not a file on disk.
	dir fs.FS
	// mapping, when set, admits a "mapping" section (a mapping file) and
	// receives its node.
	mapping **yaml.Node
}

// entry is one key: value pair of a mapping. value is the node as written,
// which may be an alias.
type entry struct {
	key, value *yaml.Node
}

var yamlLineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

func (r *reader) read(data []byte) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			r.syntaxError(data, err)
			return
		}
		if len(doc.Content) > 0 {
			r.document(doc.Content[0])
		}
	}
}

// syntaxError reports an error of the YAML parser at the line where it
// occurs, column 1: yaml.v3 tells no column, and the line it tells is often
// where the enclosing construct began, counted from 0.
func (r *reader) syntaxError(data []byte, err error) {
	_, msg := splitYAMLError(err)
	r.add(Position{File: r.file, Line: syntaxErrorLine(data, err), Column: 1}, "YAML syntax error: "+msg)
}

// splitYAMLError splits a yaml.v3 error into the line it names (0 when
// none) and its message.
func splitYAMLError(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return line, m[2]
	}
	return 0, msg
}

// syntaxErrorLine finds the first line at which data fails to parse as it
// does in err: the smallest k such that the first k lines give the same
// message, found by binary search. When that fails, or data is too large
// to parse again and again (over maxSearchBytes), it falls back to the
// line yaml.v3 names, or 1.
func syntaxErrorLine(data []byte, err error) int {
	yamlLine, msg := splitYAMLError(err)
	if len(data) > maxSearchBytes {
		return max(1, yamlLine)
	}
	var ends []int // ends[k-1] is the end of line k, its newline included
	for i, b := range data {
		if b == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(ends) == 0 || ends[len(ends)-1] != len(data) {
		ends = append(ends, len(data))
	}
	fails := func(i int) bool {
		_, m := splitYAMLError(decodeAll(data[:ends[i]]))
		return m == msg
	}
	if k := sort.Search(len(ends), fails); k < len(ends) {
		return k + 1
	}
	return max(1, yamlLine)
}

// maxSearchBytes is the largest input whose syntax error line is searched
// for: the search parses the input about log2(lines) times.
const maxSearchBytes = 4 << 20

// decodeAll decodes every document of data and returns the first error, or
// an error with an empty message when there is none.
func decodeAll(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return errors.New("")
		}
		if err != nil {
			return err
		}
	}
}

func (r *reader) document(root *yaml.Node) {
	n := r.deref(root)
	if n == nil || isNull(n) {
		return // an empty document
	}
	what, keys := "a fact file", fileKeys
	if r.mapping != nil {
		what, keys = "a mapping file", append(slices.Clone(fileKeys), "mapping")
	}
	m, ok := r.fields(root, what, keys)
	if !ok {
		return
	}
	if e, ok := m["mapping"]; ok {
		*r.mapping = e.value
	}
	if e, ok := m["ontology"]; ok && !isNull(r.deref(e.value)) {
		om, ok := r.fields(e.value, "the ontology", ontologyKeys)
		if ok {
			for _, n := range r.list(om["entityTypes"], "entityTypes") {
				r.entityType(n)
			}
			for _, n := range r.list(om["relationTypes"], "relationTypes") {
				r.relationType(n)
			}
		}
	}
	for _, n := range r.list(m["sources"], "sources") {
		r.source(n)
	}
	for _, n := range r.list(m["entities"], "entities") {
		r.entity(n)
	}
	for _, n := range r.list(m["statements"], "statements") {
		r.statement(n)
	}
}

func (r *reader) entityType(n *yaml.Node) {
	m, it, ok := r.item(n, "an entity type", entityTypeKeys)
	if !ok {
		return
	}
	t := graph.EntityType{
		Name:        r.required(m, it, "name", "an entity type"),
		Description: r.text(m, "description"),
	}
	r.parsed.Batch.Ontology.EntityTypes = append(r.parsed.Batch.Ontology.EntityTypes, t)
	r.record(graph.KindEntityType, it)
}

func (r *reader) relationType(n *yaml.Node) {
	m, it, ok := r.item(n, "a relation type", relationTypeKeys)
	if !ok {
		return
	}
	t := graph.RelationType{
		Name:        r.required(m, it, "name", "a relation type"),
		Label:       r.text(m, "label"),
		Inverse:     r.text(m, "inverse"),
		Subject:     r.textList(m, it, "subject"),
		Object:      r.textList(m, it, "object"),
		Symmetric:   r.boolean(m, "symmetric"),
		Attributes:  r.textList(m, it, "attributes"),
		Description: r.text(m, "description"),
		Cues:        r.textList(m, it, "cues"),
	}
	r.parsed.Batch.Ontology.RelationTypes = append(r.parsed.Batch.Ontology.RelationTypes, t)
	r.record(graph.KindRelationType, it)
}

func (r *reader) source(n *yaml.Node) {
	m, it, ok := r.item(n, "a source", sourceKeys)
	if !ok {
		return
	}
	s := graph.Source{
		ID:          r.required(m, it, "id", "a source"),
		Title:       r.text(m, "title"),
		Publisher:   r.text(m, "publisher"),
		URL:         r.text(m, "url"),
		Published:   graph.Date(r.text(m, "published")),
		Reliability: r.text(m, "reliability"),
		Text:        NormalizeText(r.text(m, "text")),
		Digest:      r.text(m, "digest"),
		Recorded:    r.attribution(m, "recordedBy", "recordedAt"),
	}
	if e, ok := m["textFile"]; ok {
		s.Text = r.textFile(m, e)
	}
	r.parsed.Batch.Sources = append(r.parsed.Batch.Sources, s)
	r.record(graph.KindSource, it)
}

func (r *reader) entity(n *yaml.Node) {
	m, it, ok := r.item(n, "an entity", entityKeys)
	if !ok {
		return
	}
	e := graph.Entity{
		ID:          r.required(m, it, "id", "an entity"),
		Type:        r.required(m, it, "type", "an entity"),
		Name:        r.text(m, "name"),
		Aliases:     r.aliases(m, it),
		Description: r.text(m, "description"),
		Created:     r.attribution(m, "createdBy", "createdAt"),
		Recorded:    r.attribution(m, "recordedBy", "recordedAt"),
	}
	r.parsed.Batch.Entities = append(r.parsed.Batch.Entities, e)
	r.record(graph.KindEntity, it)
}

// aliases reads "aliases": a list whose items are a name or a mapping of
// name and usedBy; a single name stands for a list of one.
func (r *reader) aliases(m map[string]entry, it *item) []graph.Alias {
	e, ok := m["aliases"]
	if !ok {
		return nil
	}
	f := it.field("aliases")
	var out []graph.Alias
	for _, n := range r.scalarOrList(e, "aliases") {
		d := r.deref(n)
		if d == nil {
			continue
		}
		if d.Kind == yaml.ScalarNode {
			out = append(out, graph.Alias{Name: d.Value})
			f.parts = append(f.parts, part{text: d.Value, pos: r.pos(n)})
			continue
		}
		am, ok := r.fields(n, "an alias", aliasKeys)
		if !ok {
			continue
		}
		a := graph.Alias{Name: r.text(am, "name"), UsedBy: r.text(am, "usedBy")}
		// The usedBy part comes first: a problem that quotes both names is
		// about the one using it.
		if e, ok := am["usedBy"]; ok {
			f.parts = append(f.parts, part{text: a.UsedBy, pos: r.valuePos(e)})
		}
		f.parts = append(f.parts, part{text: a.Name, pos: r.pos(n)})
		out = append(out, a)
	}
	return out
}

func (r *reader) statement(n *yaml.Node) {
	m, it, ok := r.item(n, "a statement", statementKeys)
	if !ok {
		return
	}
	st := graph.Statement{
		ID:         r.text(m, "id"),
		Subject:    r.required(m, it, "subject", "a statement"),
		Type:       r.required(m, it, "relation", "a statement"),
		Object:     r.required(m, it, "object", "a statement"),
		ValidFrom:  graph.Date(r.text(m, "since")),
		ValidUntil: graph.Date(r.text(m, "until")),
		Attributes: r.attributes(m, it),
		Created:    r.attribution(m, "createdBy", "createdAt"),
		Recorded:   r.attribution(m, "recordedBy", "recordedAt"),
	}
	if e, ok := m["claims"]; ok {
		for _, cn := range r.list(e, "claims") {
			c, cit, ok := r.claim(cn)
			if ok {
				st.Claims = append(st.Claims, c)
				it.claims = append(it.claims, cit)
			}
		}
	}
	r.parsed.Batch.Statements = append(r.parsed.Batch.Statements, st)
	r.record(graph.KindStatement, it)
}

// attributes reads a statement's "attributes": a mapping of attribute keys
// to values.
func (r *reader) attributes(m map[string]entry, it *item) map[string]string {
	e, ok := m["attributes"]
	if !ok {
		return nil
	}
	n := r.deref(e.value)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		r.errorf(e.value, "attributes must be a mapping of attribute keys to values, not %s", kindName(n))
		return nil
	}
	f := it.field("attributes")
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		k := r.deref(kn)
		if k.Kind != yaml.ScalarNode {
			r.errorf(kn, "an attribute key must be a name, not %s", kindName(k))
			continue
		}
		if _, dup := out[k.Value]; dup {
			r.errorf(kn, "attribute %q is given twice", k.Value)
			continue
		}
		out[k.Value], _ = r.scalar(entry{kn, vn}, "attribute "+strconv.Quote(k.Value))
		f.parts = append(f.parts, part{text: k.Value, pos: r.pos(kn)})
	}
	return out
}

func (r *reader) claim(n *yaml.Node) (graph.Claim, *item, bool) {
	m, it, ok := r.item(n, "a claim", claimKeys)
	if !ok {
		return graph.Claim{}, nil, false
	}
	c := graph.Claim{
		ID:          r.text(m, "id"),
		Source:      r.text(m, "source"),
		Claimant:    r.text(m, "by"),
		Stance:      graph.Asserts,
		Quote:       r.text(m, "quote"),
		Said:        graph.Date(r.text(m, "said")),
		Credibility: r.text(m, "credibility"),
		Recorded:    r.attribution(m, "recordedBy", "recordedAt"),
	}
	if s := r.text(m, "stance"); s != "" {
		c.Stance = graph.Stance(strings.ToUpper(s))
	}
	c.Anchor = graph.Anchor{Prefix: r.text(m, "prefix"), Suffix: r.text(m, "suffix"), Orphaned: r.boolean(m, "orphaned")}
	start, hasStart := r.codePoint(m, "start")
	end, hasEnd := r.codePoint(m, "end")
	switch {
	case hasStart && hasEnd:
		c.Anchor.Start, c.Anchor.End = start, end
	case hasStart:
		c.Anchor.Start, c.Anchor.End = start, start+utf8.RuneCountInString(c.Quote)
	case hasEnd:
		r.add(r.valuePos(m["end"]), "end needs a start")
	}
	return c, it, true
}

// codePoint reads an offset into a source's text: a whole number of code
// points, zero or more.
func (r *reader) codePoint(m map[string]entry, key string) (int, bool) {
	e, ok := m[key]
	if !ok {
		return 0, false
	}
	v := r.text(m, key)
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		r.add(r.valuePos(e), fmt.Sprintf("%s %q must be a whole number of code points, 0 or more", key, v))
		return 0, false
	}
	return n, true
}

// textFile reads the text a source's textFile names: a file beside the
// fact file (or below it), read as an article (ReadArticle) of which only
// the text is kept; the fact file gives the source's other fields.
func (r *reader) textFile(m map[string]entry, e entry) string {
	name := r.text(m, "textFile")
	pos := r.valuePos(e)
	switch {
	case name == "":
		return ""
	case r.text(m, "text") != "":
		r.add(pos, "give text or textFile, not both")
		return ""
	case r.dir == nil:
		r.add(pos, fmt.Sprintf("textFile %q can be read only from a fact file on disk; give the text itself in text", name))
		return ""
	case !fs.ValidPath(name):
		r.add(pos, fmt.Sprintf("textFile %q must name a file beside the fact file or below it", name))
		return ""
	}
	f, err := r.dir.Open(name)
	if err != nil {
		r.add(pos, fmt.Sprintf("textFile %q cannot be read: %v", name, errors.Unwrap(err)))
		return ""
	}
	defer f.Close()
	art, err := ReadArticle(name, f)
	if err != nil {
		r.add(pos, fmt.Sprintf("textFile %q: %s", name, graph.ErrorMessage(err)))
		return ""
	}
	return art.Text
}

// item checks that n is a mapping with the given keys and starts its
// position record.
func (r *reader) item(n *yaml.Node, what string, keys []string) (map[string]entry, *item, bool) {
	m, ok := r.fields(n, what, keys)
	if !ok {
		return nil, nil, false
	}
	it := &item{pos: r.pos(n), fileIndex: r.fileIndex, fields: map[string]*field{}}
	for k, e := range m {
		it.fields[k] = &field{value: r.valuePos(e)}
	}
	return m, it, true
}

// record appends the position record of the item just appended to the
// batch.
func (r *reader) record(kind string, it *item) {
	r.parsed.items[kind] = append(r.parsed.items[kind], it)
}

// fields checks that n is a mapping whose keys are all among known and
// given once, and returns its entries by key. An entry with a bad key is
// reported and left out.
func (r *reader) fields(n *yaml.Node, what string, known []string) (map[string]entry, bool) {
	d := r.deref(n)
	if d == nil {
		return nil, false
	}
	if d.Kind != yaml.MappingNode {
		r.errorf(n, "%s must be a mapping with the keys %s, not %s", what, strings.Join(known, ", "), kindName(d))
		return nil, false
	}
	out := map[string]entry{}
	for i := 0; i+1 < len(d.Content); i += 2 {
		kn, vn := d.Content[i], d.Content[i+1]
		k := r.deref(kn)
		switch {
		case k == nil:
			continue
		case k.Kind != yaml.ScalarNode:
			r.errorf(kn, "a key of %s must be a name, not %s", what, kindName(k))
		case k.Tag == "!!merge":
			r.errorf(kn, "merge keys (<<) are not supported; write the keys out")
		case !slices.Contains(known, k.Value):
			hint := didYouMean(k.Value, known)
			if hint == "" {
				hint = " (expected one of: " + strings.Join(known, ", ") + ")"
			}
			r.errorf(kn, "unknown key %q in %s%s", k.Value, what, hint)
		default:
			if prev, dup := out[k.Value]; dup {
				r.errorf(kn, "key %q is given twice in %s (first on line %d)", k.Value, what, prev.key.Line)
				continue
			}
			out[k.Value] = entry{key: kn, value: vn}
		}
	}
	return out, true
}

// list returns the items of a list value; an absent or empty value is an
// empty list.
func (r *reader) list(e entry, what string) []*yaml.Node {
	if e.value == nil {
		return nil
	}
	n := r.deref(e.value)
	switch {
	case n == nil || isNull(n):
		return nil
	case n.Kind == yaml.SequenceNode:
		return n.Content
	}
	r.errorf(e.value, "%s must be a list, not %s", what, kindName(n))
	return nil
}

// scalarOrList is list, except that a single value stands for a list of
// one.
func (r *reader) scalarOrList(e entry, what string) []*yaml.Node {
	if n := r.deref(e.value); n != nil && n.Kind == yaml.ScalarNode && !isNull(n) {
		return []*yaml.Node{e.value}
	}
	return r.list(e, what)
}

// text returns the text of key in m, or "" when it is absent or empty.
func (r *reader) text(m map[string]entry, key string) string {
	v, _ := r.scalar(m[key], key)
	return v
}

// attribution reads who wrote an item and when (an RFC 3339 time), as
// an export gives them.
func (r *reader) attribution(m map[string]entry, byKey, atKey string) graph.Attribution {
	a := graph.Attribution{By: r.text(m, byKey)}
	if at := r.text(m, atKey); at != "" {
		t, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			r.add(r.valuePos(m[atKey]), fmt.Sprintf("%s %q is not an RFC 3339 time (2025-03-02T10:04:05Z)", atKey, at))
		}
		a.At = t.UTC()
	}
	return a
}

// required is text for a key the item cannot do without; it reports the
// key when it is absent or empty.
func (r *reader) required(m map[string]entry, it *item, key, what string) string {
	e, ok := m[key]
	if !ok {
		r.add(it.pos, fmt.Sprintf("missing key %q: %s needs one", key, what))
		return ""
	}
	v, ok := r.scalar(e, key)
	if ok && v == "" {
		r.add(r.valuePos(e), fmt.Sprintf("%q is empty: %s needs one", key, what))
	}
	return v
}

// scalar returns the text of a single value; numbers, dates and booleans
// are read as written, and an absent or empty value is "". It reports a
// value of another kind and returns false for it.
func (r *reader) scalar(e entry, what string) (string, bool) {
	if e.value == nil {
		return "", true
	}
	n := r.deref(e.value)
	switch {
	case n == nil:
		return "", false
	case isNull(n):
		return "", true
	case n.Kind == yaml.ScalarNode:
		return n.Value, true
	}
	r.errorf(e.value, "%s must be a single value, not %s", what, kindName(n))
	return "", false
}

// textList reads a list of single values into its texts, recording each
// value's position so problems can point at the one they quote.
func (r *reader) textList(m map[string]entry, it *item, key string) []string {
	e, ok := m[key]
	if !ok {
		return nil
	}
	f := it.field(key)
	var out []string
	for _, n := range r.scalarOrList(e, key) {
		v, _ := r.scalar(entry{key: e.key, value: n}, "an item of "+key)
		if v == "" {
			continue
		}
		out = append(out, v)
		f.parts = append(f.parts, part{text: v, pos: r.pos(n)})
	}
	return out
}

func (r *reader) boolean(m map[string]entry, key string) bool {
	e, ok := m[key]
	if !ok {
		return false
	}
	n := r.deref(e.value)
	if isNull(n) {
		return false
	}
	if n.Kind == yaml.ScalarNode {
		switch strings.ToLower(n.Value) {
		case "true", "yes":
			return true
		case "false", "no":
			return false
		}
	}
	r.errorf(e.value, "%s must be true or false, not %s", key, kindName(n))
	return false
}

// deref follows aliases to the node they name and counts the visit against
// the budget. It returns nil once the budget is exhausted.
func (r *reader) deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n == nil || n.Kind == yaml.AliasNode {
		return nil
	}
	r.budget--
	if r.budget < 0 {
		if !r.exhausted {
			r.exhausted = true
			r.add(r.pos(n), "aliases expand the file too much; write the repeated parts out")
		}
		return nil
	}
	return n
}

func (r *reader) pos(n *yaml.Node) Position {
	if n == nil {
		return Position{File: r.file, Line: 1, Column: 1}
	}
	p := Position{File: r.file, Line: n.Line, Column: n.Column}
	if p.Line < 1 {
		p.Line = 1
	}
	if p.Column < 1 {
		p.Column = 1
	}
	return p
}

// valuePos is the position of an entry's value, or of its key when the
// value is left out ("name:" with nothing after it).
func (r *reader) valuePos(e entry) Position {
	if e.value == nil {
		return r.pos(e.key)
	}
	if e.value.Kind == yaml.ScalarNode && e.value.Tag == "!!null" && e.value.Value == "" {
		return r.pos(e.key)
	}
	return r.pos(e.value)
}

func (r *reader) errorf(n *yaml.Node, format string, args ...any) {
	r.add(r.pos(n), fmt.Sprintf(format, args...))
}

func (r *reader) add(p Position, msg string) {
	addDiag(r.diags, diagnostic{pos: p, fileIndex: r.fileIndex, msg: msg})
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// kindName describes a node for messages.
func kindName(n *yaml.Node) string {
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n):
		return "empty"
	case n.Kind == yaml.ScalarNode:
		return strconv.Quote(n.Value)
	}
	return "a document"
}
