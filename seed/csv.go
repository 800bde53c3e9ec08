package seed

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/claimgraph/claimgraph/graph"
)

// CSV fact files hold one kind of item each: sources, entities, or
// statements with their claims. The kind follows from the header: a header
// with a subject, relation or object column is a statements file, one with a
// title column a sources file, any other an entities file. See FORMAT.md.

// csvKind describes the columns of one kind of CSV file.
type csvKind struct {
	name     string   // "statements", for messages
	required []string // columns the header must have
	optional []string // columns it may have
}

var (
	csvSources = csvKind{"sources",
		[]string{"id", "title"},
		[]string{"publisher", "url", "published", "reliability"}}
	csvEntities = csvKind{"entities",
		[]string{"id", "type", "name"},
		[]string{"aliases", "description"}}
	csvStatements = csvKind{"statements",
		[]string{"subject", "relation", "object", "source"},
		[]string{"id", "since", "until", "by", "stance", "quote", "said", "credibility", "claim"}}
)

// csvAttrPrefix starts the header of an attribute column: "attr.count".
const csvAttrPrefix = "attr."

// csvAliasSep separates the aliases in an entities file's aliases cell.
const csvAliasSep = ";"

// csvReader reads one CSV input into the shared Parsed.
type csvReader struct {
	parsed    *Parsed
	file      string
	fileIndex int
	data      []byte
	lineStart []int // byte offset of the start of each line, for columns in characters
	diags     *[]diagnostic
	cols      map[string]int // column name → index
	header    []Position
	// statements merges rows of one statement: statement id → index in
	// parsed.Batch.Statements and the line of its first row.
	statements map[string]stmtRow
	// asciiLine caches whether line asciiAt is ASCII, where a byte column
	// is a character column (up to the end of the line).
	asciiAt   int
	asciiLine bool
	asciiLen  int // its length, without the line feed
}

// MaxCSVColumns bounds the columns of a CSV file.
const MaxCSVColumns = 1000

type stmtRow struct {
	index, line int
}

func (r *csvReader) read() {
	for i, b := range r.data {
		if i == 0 {
			r.lineStart = append(r.lineStart, 0)
		}
		if b == '\n' {
			r.lineStart = append(r.lineStart, i+1)
		}
	}
	data := r.data
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) { // a byte order mark, as spreadsheets write
		data = data[3:]
		r.lineStart[0] = -3 // columns still count from the first character after it
	}
	if !utf8.Valid(data) {
		r.add(Position{File: r.file, Line: 1, Column: 1}, "the file is not UTF-8 text")
		return
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // checked here, with a position
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return // an empty file holds nothing
	}
	if err != nil {
		r.syntaxError(err)
		return
	}
	if len(header) > MaxCSVColumns {
		r.add(Position{File: r.file, Line: 1, Column: 1}, fmt.Sprintf("the header has %d columns; at most %d are allowed", len(header), MaxCSVColumns))
		return
	}
	kind, ok := r.readHeader(cr, header)
	if !ok {
		return
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			r.syntaxError(err)
			return
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && rec[0] == "" {
			continue // a blank line
		}
		if len(rec) != len(header) {
			if len(rec) > MaxCSVColumns {
				r.add(r.charPos(line, 1), fmt.Sprintf("row has %d cells, the header %d", len(rec), len(header)))
				continue
			}
			r.add(r.cellPos(cr, min(len(rec), len(header))-1, line),
				fmt.Sprintf("row has %d cells, the header %d", len(rec), len(header)))
			continue
		}
		row := csvRow{r: r, cr: cr, rec: rec, line: line}
		switch kind.name {
		case csvSources.name:
			r.source(row)
		case csvEntities.name:
			r.entity(row)
		default:
			r.statement(row)
		}
	}
}

// readHeader works out the kind of file from its header and checks the
// columns: every required one present, none unknown or repeated.
func (r *csvReader) readHeader(cr *csv.Reader, header []string) (csvKind, bool) {
	r.cols = map[string]int{}
	r.header = make([]Position, len(header))
	has := func(name string) bool { return slices.Contains(header, name) }
	kind := csvEntities
	switch {
	case has("subject") || has("relation") || has("object"):
		kind = csvStatements
	case has("title"):
		kind = csvSources
	}
	known := append(slices.Clone(kind.required), kind.optional...)
	ok := true
	for i, h := range header {
		r.header[i] = r.cellPos(cr, i, 1)
		name := strings.TrimSpace(h)
		switch {
		case name == "":
			r.add(r.header[i], fmt.Sprintf("column %d has no name", i+1))
			ok = false
			continue
		case kind.name == csvStatements.name && strings.HasPrefix(name, csvAttrPrefix):
			if strings.TrimPrefix(name, csvAttrPrefix) == "" {
				r.add(r.header[i], fmt.Sprintf("column %s names no attribute; write attr.KEY", graph.Quote(name)))
				ok = false
				continue
			}
		case !slices.Contains(known, name):
			hint := didYouMean(name, known)
			if hint == "" {
				hint = " (expected: " + strings.Join(known, ", ") + ")"
			}
			r.add(r.header[i], fmt.Sprintf("unknown column %s in %s file%s", graph.Quote(name), article(kind.name), hint))
			ok = false
			continue
		}
		if j, dup := r.cols[name]; dup {
			r.add(r.header[i], fmt.Sprintf("column %s is given twice (first as column %d)", graph.Quote(name), j+1))
			ok = false
			continue
		}
		r.cols[name] = i
	}
	for _, name := range kind.required {
		if _, found := r.cols[name]; !found {
			end := Position{File: r.file, Line: 1, Column: 1}
			if n := len(r.header); n > 0 {
				end = r.header[n-1]
			}
			r.add(end, fmt.Sprintf("the header lacks the column %q that %s file needs (required: %s)",
				name, article(kind.name), strings.Join(kind.required, ", ")))
			ok = false
		}
	}
	return kind, ok
}

// csvRow is one record of a CSV file.
type csvRow struct {
	r    *csvReader
	cr   *csv.Reader
	rec  []string
	line int
}

// get returns the trimmed cell of a column, or "" when the file has no
// such column.
func (w csvRow) get(col string) string {
	i, ok := w.r.cols[col]
	if !ok {
		return ""
	}
	return strings.TrimSpace(w.rec[i])
}

func (w csvRow) pos(col string) Position {
	i, ok := w.r.cols[col]
	if !ok {
		return w.r.cellPos(w.cr, 0, w.line)
	}
	return w.r.cellPos(w.cr, i, w.line)
}

// item starts the position record of the row's item; fields maps the keys
// graph.Problem uses to columns.
func (w csvRow) item(fields map[string]string) *item {
	it := &item{pos: w.pos(""), fileIndex: w.r.fileIndex, fields: map[string]*field{}}
	for key, col := range fields {
		if _, ok := w.r.cols[col]; ok {
			it.fields[key] = &field{value: w.pos(col)}
		}
	}
	return it
}

// required reports an empty required cell and returns the cell.
func (w csvRow) required(col, what string) string {
	v := w.get(col)
	if v == "" {
		w.r.add(w.pos(col), fmt.Sprintf("%q is empty: %s needs one", col, what))
	}
	return v
}

func (r *csvReader) source(w csvRow) {
	s := graph.Source{
		ID:          w.required("id", "a source"),
		Title:       w.get("title"),
		Publisher:   w.get("publisher"),
		URL:         w.get("url"),
		Published:   graph.Date(w.get("published")),
		Reliability: w.get("reliability"),
	}
	it := w.item(map[string]string{"id": "id", "title": "title", "publisher": "publisher", "url": "url",
		"published": "published", "reliability": "reliability"})
	r.parsed.Batch.Sources = append(r.parsed.Batch.Sources, s)
	r.parsed.items[graph.KindSource] = append(r.parsed.items[graph.KindSource], it)
}

func (r *csvReader) entity(w csvRow) {
	e := graph.Entity{
		ID:          w.required("id", "an entity"),
		Type:        w.required("type", "an entity"),
		Name:        w.get("name"),
		Description: w.get("description"),
	}
	it := w.item(map[string]string{"id": "id", "type": "type", "name": "name", "aliases": "aliases", "description": "description"})
	if cell := w.get("aliases"); cell != "" {
		f := it.field("aliases")
		for _, a := range strings.Split(cell, csvAliasSep) {
			if a = strings.TrimSpace(a); a != "" {
				e.Aliases = append(e.Aliases, graph.Alias{Name: a})
				f.parts = append(f.parts, part{text: a, pos: f.value})
			}
		}
	}
	r.parsed.Batch.Entities = append(r.parsed.Batch.Entities, e)
	r.parsed.items[graph.KindEntity] = append(r.parsed.items[graph.KindEntity], it)
}

// statement reads a row of a statements file: one claim on one statement.
// Rows of the same statement (the same id, or the same subject, relation
// and object when the id column is empty) make one statement with several
// claims; they must agree on its valid time and attributes.
func (r *csvReader) statement(w csvRow) {
	st := graph.Statement{
		ID:         w.get("id"),
		Subject:    w.required("subject", "a statement"),
		Type:       w.required("relation", "a statement"),
		Object:     w.required("object", "a statement"),
		ValidFrom:  graph.Date(w.get("since")),
		ValidUntil: graph.Date(w.get("until")),
	}
	it := w.item(map[string]string{"id": "id", "subject": "subject", "relation": "relation", "object": "object",
		"since": "since", "until": "until"})
	attrs := it.field("attributes")
	for col := range r.cols {
		key, ok := strings.CutPrefix(col, csvAttrPrefix)
		if !ok {
			continue
		}
		if v := w.get(col); v != "" {
			if st.Attributes == nil {
				st.Attributes = map[string]string{}
			}
			st.Attributes[key] = v
			attrs.parts = append(attrs.parts, part{text: key, pos: w.pos(col)})
		}
	}
	c := graph.Claim{
		ID:          w.get("claim"),
		Source:      w.required("source", "a claim"),
		Claimant:    w.get("by"),
		Stance:      graph.Asserts,
		Quote:       w.get("quote"),
		Said:        graph.Date(w.get("said")),
		Credibility: w.get("credibility"),
	}
	if s := w.get("stance"); s != "" {
		c.Stance = graph.Stance(strings.ToUpper(s))
	}
	cit := w.item(map[string]string{"id": "claim", "source": "source", "by": "by", "stance": "stance",
		"quote": "quote", "said": "said", "credibility": "credibility"})

	id := st.ID
	if id == "" {
		id = graph.DefaultStatementID(st.Subject, st.Type, st.Object)
	}
	if prev, ok := r.statements[id]; ok {
		first := &r.parsed.Batch.Statements[prev.index]
		if !sameStatement(*first, st) {
			r.add(w.pos(""), fmt.Sprintf("statement %s differs from its row on line %d in subject, relation, object, valid time or attributes; repeat them exactly",
				graph.Quote(id), prev.line))
			return
		}
		first.Claims = append(first.Claims, c)
		pit := r.parsed.items[graph.KindStatement][prev.index]
		pit.claims = append(pit.claims, cit)
		return
	}
	r.statements[id] = stmtRow{index: len(r.parsed.Batch.Statements), line: w.line}
	st.Claims = []graph.Claim{c}
	it.claims = []*item{cit}
	r.parsed.Batch.Statements = append(r.parsed.Batch.Statements, st)
	r.parsed.items[graph.KindStatement] = append(r.parsed.items[graph.KindStatement], it)
}

func sameStatement(a, b graph.Statement) bool {
	if a.Subject != b.Subject || a.Type != b.Type || a.Object != b.Object ||
		a.ValidFrom != b.ValidFrom || a.ValidUntil != b.ValidUntil || len(a.Attributes) != len(b.Attributes) {
		return false
	}
	for k, v := range a.Attributes {
		if w, ok := b.Attributes[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// cellPos is the position of cell i of the record most recently read, on
// the given line when the reader cannot tell (a short record).
func (r *csvReader) cellPos(cr *csv.Reader, i, line int) Position {
	if i < 0 {
		return r.charPos(line, 1)
	}
	l, col := cr.FieldPos(i)
	return r.charPos(l, col)
}

// charPos turns a byte column, as encoding/csv counts, into a character
// column.
func (r *csvReader) charPos(line, byteCol int) Position {
	p := Position{File: r.file, Line: max(line, 1), Column: max(byteCol, 1)}
	if line < 1 || line > len(r.lineStart) {
		return p
	}
	if r.ascii(line) {
		p.Column = min(p.Column, r.asciiLen+1)
		return p
	}
	start := r.lineStart[line-1]
	if start < 0 { // the first line after a byte order mark
		start = 3
	}
	end := min(start+byteCol-1, len(r.data))
	if nl := bytes.IndexByte(r.data[start:end], '\n'); nl >= 0 {
		end = start + nl // a place past the end of the line is its end
	}
	if end >= start {
		p.Column = utf8.RuneCount(r.data[start:end]) + 1
	}
	return p
}

// ascii reports whether a line is ASCII text, remembering the answer for
// the line last asked about: the cells of one row are placed one after
// the other.
func (r *csvReader) ascii(line int) bool {
	if r.asciiAt == line {
		return r.asciiLine
	}
	start := max(r.lineStart[line-1], 0)
	end := len(r.data)
	if line < len(r.lineStart) {
		end = r.lineStart[line]
	}
	r.asciiAt, r.asciiLine = line, true
	r.asciiLen = bytes.IndexByte(r.data[start:end], '\n')
	if r.asciiLen < 0 {
		r.asciiLen = end - start
	}
	for _, b := range r.data[start:end] {
		if b >= utf8.RuneSelf {
			r.asciiLine = false
			break
		}
	}
	return r.asciiLine
}

// syntaxError reports an error of encoding/csv at the place it names.
func (r *csvReader) syntaxError(err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		r.add(r.charPos(pe.Line, pe.Column), "CSV syntax error: "+pe.Err.Error())
		return
	}
	r.add(Position{File: r.file, Line: 1, Column: 1}, "CSV syntax error: "+err.Error())
}

func (r *csvReader) add(p Position, msg string) {
	addDiag(r.diags, diagnostic{pos: p, fileIndex: r.fileIndex, msg: msg})
}

// article puts "a" or "an" before word, by its first letter.
func article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}
