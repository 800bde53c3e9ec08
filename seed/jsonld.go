package seed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/piprate/json-gold/ld"
)

// JSON-LD is read whole and turned into RDF quads by json-gold's JSON-LD
// processor (the one Cayley's quad library uses), which then go through
// the mapping as N-Quads do. Contexts must be inline: the processor is
// given a document loader that loads nothing, so a file never makes the
// importer fetch a remote context. The processor keeps no positions, so a
// quad is placed where its subject's IRI is first written in the file
// (an "@id" value, a key, or a string), or at the top of the file when it
// is not written out (a blank node, a compact IRI).

// noRemote is a JSON-LD document loader that refuses every document, and
// remembers the first it was asked for.
type noRemote struct{ asked string }

func (l *noRemote) LoadDocument(u string) (*ld.RemoteDocument, error) {
	if l.asked == "" {
		l.asked = u
	}
	return nil, fmt.Errorf("remote documents are not loaded: %s", u)
}

// readJSONLD reads one JSON-LD input, whole.
func (g *rdfGraph) readJSONLD(ctx context.Context, name string, order int, r io.Reader) (err error) {
	file := g.begin(name, order)
	index := int(file)
	data, err := readWhole(io.TeeReader(r, g.digest), name, MaxJSONLDBytes, false)
	if err != nil {
		return err
	}
	top := place{int32(index), 1, 1}
	lines := newLineIndex(data)
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		at := top
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			at = lines.place(index, syn.Offset-1) // Offset counts the bad byte
		case errors.As(err, &typ):
			at = lines.place(index, typ.Offset)
		}
		g.add(at, "JSON syntax error: %v", err)
		return nil
	}
	var ds *ld.RDFDataset
	loader := &noRemote{}
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("the JSON-LD processor failed: %v", r)
			}
		}()
		var out any
		opts := ld.NewJsonLdOptions("")
		opts.DocumentLoader = loader
		out, err = ld.NewJsonLdProcessor().ToRDF(doc, opts)
		ds, _ = out.(*ld.RDFDataset)
	}()
	switch {
	case loader.asked != "":
		g.add(top, "JSON-LD: remote documents are not loaded (%s); give the context inline", loader.asked)
		return nil
	case err != nil || ds == nil:
		g.add(top, "JSON-LD: %v", err)
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	strs := stringOffsets(data)
	for _, name := range slices.Sorted(maps.Keys(ds.Graphs)) {
		for _, lq := range ds.Graphs[name] {
			q, ok := ldQuad(lq)
			if !ok {
				continue
			}
			at := top
			if off, ok := strs[q.s.value]; ok && q.s.kind == termIRI {
				at = lines.place(index, off)
			}
			g.quad(q, func(int) place { return at })
		}
	}
	return g.err
}

// ldQuad turns a quad of the JSON-LD processor into the terms of an
// N-Quads line; ok is false for a quad RDF does not allow (a literal
// subject, which generalized RDF would give).
func ldQuad(lq *ld.Quad) (nquad, bool) {
	var q nquad
	var ok bool
	if q.s, ok = ldTerm(lq.Subject); !ok || q.s.kind == termLiteral {
		return q, false
	}
	if q.p, ok = ldTerm(lq.Predicate); !ok || q.p.kind != termIRI {
		return q, false
	}
	q.o, ok = ldTerm(lq.Object)
	return q, ok
}

func ldTerm(n ld.Node) (term, bool) {
	switch n := n.(type) {
	case *ld.IRI:
		return term{kind: termIRI, value: n.Value, key: "<" + n.Value + ">"}, true
	case *ld.BlankNode:
		label := strings.TrimPrefix(n.Attribute, "_:")
		return term{kind: termBlank, value: label, key: "_:" + label}, true
	case *ld.Literal:
		return term{kind: termLiteral, value: n.Value}, true
	}
	return term{}, false
}

// stringOffsets returns the offset of the first occurrence of each JSON
// string (keys and values) in data, which is valid JSON.
func stringOffsets(data []byte) map[string]int64 {
	offs := map[string]int64{}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return offs
		}
		s, ok := tok.(string)
		if !ok {
			continue
		}
		if _, seen := offs[s]; seen {
			continue
		}
		// The token starts after blanks, ':' and ',' following the last.
		for start < int64(len(data)) && data[start] != '"' {
			start++
		}
		offs[s] = start
	}
}

// lineIndex finds the line and column of a byte offset.
type lineIndex struct {
	data   []byte
	starts []int64 // offsets where lines start
}

func newLineIndex(data []byte) lineIndex {
	starts := []int64{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, int64(i)+1)
		}
	}
	return lineIndex{data, starts}
}

// place is the place of a byte offset in input index.
func (l lineIndex) place(index int, off int64) place {
	off = min(max(off, 0), int64(len(l.data)))
	n, found := slices.BinarySearch(l.starts, off)
	if !found {
		n--
	}
	col := utf8.RuneCount(l.data[l.starts[n]:off]) + 1
	return place{int32(index), int32(n + 1), int32(col)}
}
