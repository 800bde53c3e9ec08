package seed

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// An N-Quads line holds a subject, a predicate, an object and an optional
// graph label, each an RDF term, and ends with a dot. This package reads
// N-Quads itself (Cayley's reader tells no positions, and only graph/cayley
// imports Cayley): line by line, with the column of every term.

// termKind is the kind of an RDF term.
type termKind uint8

const (
	termIRI termKind = iota + 1
	termBlank
	termLiteral
)

// term is one RDF term of an N-Quads line.
type term struct {
	kind  termKind
	value string // the IRI, the blank node label, or the literal's text
	// key identifies the node: "<IRI>" or "_:label"; literals have none.
	key string
	col int // 1-based column, in characters
}

// nquad is one parsed N-Quads line.
type nquad struct {
	s, p, o, g term
}

// parseNQuad parses one line, which is neither blank nor a comment. It
// returns the column and message of the first error.
func parseNQuad(line string) (nquad, int, error) {
	p := nqParser{line: line}
	var q nquad
	var err error
	if q.s, err = p.term("subject", termIRI, termBlank); err != nil {
		return q, p.col(), err
	}
	if q.p, err = p.term("predicate", termIRI); err != nil {
		return q, p.col(), err
	}
	if q.o, err = p.term("object", termIRI, termBlank, termLiteral); err != nil {
		return q, p.col(), err
	}
	p.space()
	if p.i < len(line) && line[p.i] != '.' {
		if q.g, err = p.term("graph label", termIRI, termBlank); err != nil {
			return q, p.col(), err
		}
		p.space()
	}
	if p.i >= len(line) || line[p.i] != '.' {
		return q, p.col(), fmt.Errorf("expected '.' at the end of the quad")
	}
	p.i++
	p.space()
	if p.i < len(line) && line[p.i] != '#' {
		return q, p.col(), fmt.Errorf("unexpected %q after the end of the quad", p.rest())
	}
	return q, 0, nil
}

type nqParser struct {
	line string
	i    int // byte offset
}

func (p *nqParser) col() int { return utf8.RuneCountInString(p.line[:p.i]) + 1 }

func (p *nqParser) rest() string {
	r := p.line[p.i:]
	if len(r) > 20 {
		r = r[:20] + "…"
	}
	return r
}

func (p *nqParser) space() {
	for p.i < len(p.line) && (p.line[p.i] == ' ' || p.line[p.i] == '\t') {
		p.i++
	}
}

// term reads the next term, which must be of one of the allowed kinds.
func (p *nqParser) term(what string, allowed ...termKind) (term, error) {
	p.space()
	start := p.i
	t := term{col: p.col()}
	if p.i >= len(p.line) {
		return t, fmt.Errorf("missing %s", what)
	}
	var err error
	switch c := p.line[p.i]; {
	case c == '<':
		t.kind = termIRI
		t.value, err = p.iri()
		if err == nil && p.i-start == len(t.value)+2 {
			t.key = p.line[start:p.i] // as written: no escapes
		} else {
			t.key = "<" + t.value + ">"
		}
	case c == '_' && strings.HasPrefix(p.line[p.i:], "_:"):
		t.kind = termBlank
		start := p.i + 2
		p.i = start
		for p.i < len(p.line) && !strings.ContainsRune(" \t<\"", rune(p.line[p.i])) && !(p.line[p.i] == '.' && p.endsAt(p.i+1)) {
			p.i++
		}
		t.value = p.line[start:p.i]
		t.key = "_:" + t.value
		if t.value == "" {
			err = fmt.Errorf("blank node without a label")
		}
	case c == '"':
		t.kind = termLiteral
		t.value, err = p.literal()
	default:
		return t, fmt.Errorf("expected the %s (<IRI>, _:blank or \"literal\"), found %q", what, p.rest())
	}
	if err != nil {
		return t, err
	}
	for _, k := range allowed {
		if k == t.kind {
			return t, nil
		}
	}
	p.i = start // the error is the term as a whole
	return t, fmt.Errorf("%s cannot be %s", article(what), article(kindWord(t.kind)))
}

// endsAt reports whether only blanks or a comment follow offset i.
func (p *nqParser) endsAt(i int) bool {
	rest := strings.TrimLeft(p.line[i:], " \t")
	return rest == "" || rest[0] == '#'
}

func kindWord(k termKind) string {
	switch k {
	case termIRI:
		return "IRI"
	case termBlank:
		return "blank node"
	}
	return "literal"
}

// iri reads <...> and returns its content with escapes resolved.
func (p *nqParser) iri() (string, error) {
	p.i++ // '<'
	// Most IRIs have no escapes: they are a part of the line.
	for j := p.i; j < len(p.line); j++ {
		if c := p.line[j]; c == '>' {
			v := p.line[p.i:j]
			p.i = j + 1
			return v, nil
		} else if c == '\\' || !iriByte(c) {
			break
		}
	}
	var b strings.Builder
	for p.i < len(p.line) {
		c := p.line[p.i]
		switch {
		case c == '>':
			p.i++
			return b.String(), nil
		case c == '\\':
			r, err := p.escape(false)
			if err != nil {
				return "", err
			}
			b.WriteRune(r)
		case !iriByte(c):
			return "", fmt.Errorf("character %q is not allowed in an IRI", c)
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", fmt.Errorf("unterminated IRI: missing '>'")
}

// iriByte reports whether c may stand unescaped in an IRI.
func iriByte(c byte) bool {
	return c > ' ' && c != '"' && c != '{' && c != '}' && c != '|' && c != '^' && c != '`' && c != '<' && c != '>' && c != '\\'
}

// literal reads "..." with an optional @lang or ^^<datatype>, and returns
// the text.
func (p *nqParser) literal() (string, error) {
	p.i++ // '"'
	// Most literals have no escapes: the text is a part of the line.
	text, plain := "", false
	if end := strings.IndexAny(p.line[p.i:], "\"\\"); end >= 0 && p.line[p.i+end] == '"' {
		text, plain = p.line[p.i:p.i+end], true
		p.i += end + 1
	}
	var b strings.Builder
	for !plain {
		if p.i >= len(p.line) {
			return "", fmt.Errorf("unterminated literal: missing '\"'")
		}
		c := p.line[p.i]
		if c == '"' {
			p.i++
			break
		}
		if c == '\\' {
			r, err := p.escape(true)
			if err != nil {
				return "", err
			}
			b.WriteRune(r)
			continue
		}
		b.WriteByte(c)
		p.i++
	}
	switch {
	case strings.HasPrefix(p.line[p.i:], "@"):
		start := p.i + 1
		p.i = start
		for p.i < len(p.line) && (isAlnum(p.line[p.i]) || p.line[p.i] == '-') {
			p.i++
		}
		if p.i == start {
			return "", fmt.Errorf("empty language tag")
		}
	case strings.HasPrefix(p.line[p.i:], "^^"):
		p.i += 2
		if p.i >= len(p.line) || p.line[p.i] != '<' {
			return "", fmt.Errorf("a datatype must be an <IRI>")
		}
		if _, err := p.iri(); err != nil {
			return "", err
		}
	}
	if plain {
		return text, nil
	}
	return b.String(), nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// escape reads a backslash escape: \uXXXX and \UXXXXXXXX anywhere, and in
// literals also \t \b \n \r \f \" \' \\.
func (p *nqParser) escape(literal bool) (rune, error) {
	if p.i+1 >= len(p.line) {
		return 0, fmt.Errorf("backslash at the end of the line")
	}
	c := p.line[p.i+1]
	n := 0
	switch c {
	case 'u':
		n = 4
	case 'U':
		n = 8
	}
	if n > 0 {
		if p.i+2+n > len(p.line) {
			return 0, fmt.Errorf("short \\%c escape", c)
		}
		v, err := strconv.ParseUint(p.line[p.i+2:p.i+2+n], 16, 32)
		if err != nil || !utf8.ValidRune(rune(v)) {
			return 0, fmt.Errorf("bad \\%c escape %q", c, p.line[p.i:p.i+2+n])
		}
		p.i += 2 + n
		return rune(v), nil
	}
	if literal {
		if r, ok := map[byte]rune{'t': '\t', 'b': '\b', 'n': '\n', 'r': '\r', 'f': '\f', '"': '"', '\'': '\'', '\\': '\\'}[c]; ok {
			p.i += 2
			return r, nil
		}
	}
	return 0, fmt.Errorf("unknown escape \\%c", c)
}
