package seed

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/claimgraph/claimgraph/graph"
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
	// datatype and lang are a literal's datatype IRI and language tag,
	// when it has one.
	datatype, lang string
}

// nquad is one parsed N-Quads line.
type nquad struct {
	s, p, o, g term
}

// readNQuads reads N-Quads from r, line by line (a line ends at LF, CR
// or CRLF, as the grammar's EOL), and gives each quad to quad with its
// line and the width of the blanks before it (term columns count from
// the first term), and each line that is not a quad to bad with the
// position and the first error of its parse. relative admits relative
// IRIs, which RDF 1.1 forbids and Cayley's own dumps write; every other
// rule of the grammar holds either way. Lines are at most MaxLineBytes
// long.
func readNQuads(ctx context.Context, r io.Reader, name string, relative bool, quad func(q nquad, line, lead int), bad func(line, col int, err error)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), MaxLineBytes)
	sc.Split(scanEOL)
	line := 0
	for sc.Scan() {
		line++
		if line%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		raw := sc.Text()
		text := strings.TrimLeft(raw, " \t")
		lead := len(raw) - len(text)
		if text = strings.TrimRight(text, " \t"); text == "" || text[0] == '#' {
			continue
		}
		q, col, err := parseNQuad(text, relative)
		if err != nil {
			bad(line, col+lead, err)
			continue
		}
		quad(q, line, lead)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return lineTooLong(name, line+1)
		}
		return inputReadError(name, err)
	}
	return nil
}

// scanEOL is a bufio.SplitFunc for lines that end at LF, CR or CRLF.
func scanEOL(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	end := bytes.IndexByte(data, '\n')
	if end < 0 {
		end = len(data)
	}
	if cr := bytes.IndexByte(data[:end], '\r'); cr >= 0 {
		switch {
		case cr+1 < len(data) && data[cr+1] == '\n':
			return cr + 2, data[:cr], nil
		case cr+1 < len(data) || atEOF:
			return cr + 1, data[:cr], nil
		}
		return 0, nil, nil // a CR at the end of what is read: an LF may follow
	}
	if end < len(data) {
		return end + 1, data[:end], nil
	}
	if atEOF {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// parseNQuad parses one line, which is neither blank nor a comment, as
// the N-Quads grammar of RDF 1.1 has it (relative IRIs admitted when
// relative is set). It returns the column and message of the first
// error.
func parseNQuad(line string, relative bool) (nquad, int, error) {
	if !utf8.ValidString(line) {
		i := 0
		for i < len(line) {
			r, size := utf8.DecodeRuneInString(line[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		return nquad{}, utf8.RuneCountInString(line[:i]) + 1, fmt.Errorf("the line is not valid UTF-8")
	}
	p := nqParser{line: line, relative: relative}
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
		if p.i < len(line) && (line[p.i] == '<' || line[p.i] == '_' || line[p.i] == '"') {
			return q, p.col(), fmt.Errorf("a quad has four terms at most (subject, predicate, object, graph label), then '.'")
		}
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
	line     string
	i        int  // byte offset
	relative bool // relative IRIs are admitted
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
		if err == nil && len(t.value) > graph.MaxURLBytes {
			p.i = start
			return t, fmt.Errorf("the IRI is %d bytes long; at most %d are allowed", len(t.value), graph.MaxURLBytes)
		}
		if err == nil && p.i-start == len(t.value)+2 {
			t.key = p.line[start:p.i] // as written: no escapes
		} else {
			t.key = "<" + t.value + ">"
		}
	case c == '_' && strings.HasPrefix(p.line[p.i:], "_:"):
		t.kind = termBlank
		t.value, err = p.blank()
		t.key = "_:" + t.value
	case c == '"':
		t.kind = termLiteral
		t.value, t.datatype, t.lang, err = p.literal()
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

func kindWord(k termKind) string {
	switch k {
	case termIRI:
		return "IRI"
	case termBlank:
		return "blank node"
	}
	return "literal"
}

// iri reads <...> and returns its content with escapes resolved: an
// IRIREF of the grammar, absolute unless p.relative.
func (p *nqParser) iri() (string, error) {
	start := p.i
	p.i++ // '<'
	v, err := p.iriText()
	if err != nil {
		return "", err
	}
	if !p.relative && !hasScheme(v) {
		p.i = start
		return "", fmt.Errorf("relative IRI <%s>: an IRI in N-Quads is absolute, with a scheme (http:, urn:, …)", clip(v, 64))
	}
	return v, nil
}

func (p *nqParser) iriText() (string, error) {
	// Most IRIs have no escapes: they are a part of the line.
	for j := p.i; j < len(p.line); j++ {
		if c := p.line[j]; c == '>' {
			v := p.line[p.i:j]
			p.i = j + 1
			return v, nil
		} else if !iriByte(c) {
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
			at := p.i
			r, err := p.escape(false)
			if err != nil {
				return "", err
			}
			if r < utf8.RuneSelf && !iriByte(byte(r)) {
				esc := p.line[at:p.i]
				p.i = at
				return "", fmt.Errorf("the escape %s stands for %q, which an IRI may not hold", esc, r)
			}
			b.WriteRune(r)
		case !iriByte(c):
			if c == ' ' {
				return "", fmt.Errorf("a space is not allowed in an IRI")
			}
			return "", fmt.Errorf("character %q is not allowed in an IRI", c)
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", fmt.Errorf("unterminated IRI: missing '>'")
}

// iriByte reports whether c may stand unescaped in an IRIREF: not a
// control character or space, nor one of <>"{}|^`\.
func iriByte(c byte) bool {
	return c > ' ' && c != '"' && c != '{' && c != '}' && c != '|' && c != '^' && c != '`' && c != '<' && c != '>' && c != '\\' && c != 0x7f
}

// hasScheme reports whether an IRI is absolute: it starts with a scheme,
// a letter then letters, digits, +, - or ., and a colon.
func hasScheme(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

// blank reads a blank node label, _:LABEL: a letter, digit, _ or : first,
// then those, -, ·, combining marks and dots, not ending in a dot.
func (p *nqParser) blank() (string, error) {
	p.i += 2 // "_:"
	start := p.i
	first := true
	for p.i < len(p.line) {
		r, size := utf8.DecodeRuneInString(p.line[p.i:])
		if first && !(pnCharsU(r) || r >= '0' && r <= '9') || !first && !(pnChars(r) || r == '.') {
			break
		}
		first = false
		p.i += size
	}
	for p.i > start && p.line[p.i-1] == '.' { // a final dot ends the quad
		p.i--
	}
	if p.i == start {
		if p.i < len(p.line) && !isTermEnd(p.line[p.i]) {
			return "", fmt.Errorf("a blank node label cannot start with %q", firstRune(p.line[p.i:]))
		}
		return "", fmt.Errorf("blank node without a label")
	}
	if p.i < len(p.line) && !isTermEnd(p.line[p.i]) && p.line[p.i] != '.' {
		return "", fmt.Errorf("character %q cannot be in a blank node label", firstRune(p.line[p.i:]))
	}
	return p.line[start:p.i], nil
}

// isTermEnd reports whether c may follow a blank node label.
func isTermEnd(c byte) bool {
	return c == ' ' || c == '\t' || c == '<' || c == '"' || c == '_' || c == '#'
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// pnCharsU is PN_CHARS_U of the grammar: PN_CHARS_BASE, _ and :.
func pnCharsU(r rune) bool {
	switch {
	case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r == '_', r == ':':
		return true
	case r < 0xC0:
		return false
	}
	for _, rg := range [][2]rune{{0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x2FF}, {0x370, 0x37D}, {0x37F, 0x1FFF},
		{0x200C, 0x200D}, {0x2070, 0x218F}, {0x2C00, 0x2FEF}, {0x3001, 0xD7FF}, {0xF900, 0xFDCF},
		{0xFDF0, 0xFFFD}, {0x10000, 0xEFFFF}} {
		if r >= rg[0] && r <= rg[1] {
			return true
		}
	}
	return false
}

// pnChars is PN_CHARS of the grammar.
func pnChars(r rune) bool {
	return pnCharsU(r) || r == '-' || r >= '0' && r <= '9' || r == 0xB7 ||
		r >= 0x300 && r <= 0x36F || r >= 0x203F && r <= 0x2040
}

// literal reads "..." with an optional @lang or ^^<datatype>, and returns
// the text, the datatype and the language tag.
func (p *nqParser) literal() (text, datatype, lang string, err error) {
	p.i++ // '"'
	// Most literals have no escapes: the text is a part of the line.
	plain := false
	if end := strings.IndexAny(p.line[p.i:], "\"\\\r"); end >= 0 && p.line[p.i+end] == '"' {
		text, plain = p.line[p.i:p.i+end], true
		p.i += end + 1
	}
	var b strings.Builder
	for !plain {
		if p.i >= len(p.line) {
			return "", "", "", fmt.Errorf("unterminated literal: missing '\"'")
		}
		c := p.line[p.i]
		if c == '"' {
			p.i++
			break
		}
		if c == '\\' {
			r, err := p.escape(true)
			if err != nil {
				return "", "", "", err
			}
			b.WriteRune(r)
			continue
		}
		if c == '\r' {
			return "", "", "", fmt.Errorf("a line break in a literal must be escaped (\\r, \\n)")
		}
		b.WriteByte(c)
		p.i++
	}
	switch {
	case strings.HasPrefix(p.line[p.i:], "@"):
		if lang, err = p.langTag(); err != nil {
			return "", "", "", err
		}
		if strings.HasPrefix(p.line[p.i:], "^^") {
			return "", "", "", fmt.Errorf("a literal has a language tag or a datatype, not both")
		}
	case strings.HasPrefix(p.line[p.i:], "^^"):
		p.i += 2
		if p.i >= len(p.line) || p.line[p.i] != '<' {
			return "", "", "", fmt.Errorf("a datatype must be an <IRI>")
		}
		if datatype, err = p.iri(); err != nil {
			return "", "", "", err
		}
	}
	if !plain {
		text = b.String()
	}
	return text, datatype, lang, nil
}

// langTag reads @TAG: letters, then groups of letters and digits each
// after a hyphen.
func (p *nqParser) langTag() (string, error) {
	at := p.i
	p.i++ // '@'
	start := p.i
	for p.i < len(p.line) && isLetter(p.line[p.i]) {
		p.i++
	}
	ok := p.i > start
	for ok && p.i < len(p.line) && p.line[p.i] == '-' {
		p.i++
		sub := p.i
		for p.i < len(p.line) && (isLetter(p.line[p.i]) || p.line[p.i] >= '0' && p.line[p.i] <= '9') {
			p.i++
		}
		ok = p.i > sub
	}
	if ok && p.i < len(p.line) && !isTermEnd(p.line[p.i]) && p.line[p.i] != '.' && p.line[p.i] != '^' {
		ok = false
	}
	if !ok {
		end := p.i
		for end < len(p.line) && !isTermEnd(p.line[end]) && p.line[end] != '.' {
			end++
		}
		p.i = at
		return "", fmt.Errorf("bad language tag %q: letters, then groups of letters and digits each after a hyphen (en, en-US)", p.line[at:end])
	}
	return p.line[start:p.i], nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

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
		digits := p.line[p.i+2 : p.i+2+n]
		v, err := strconv.ParseUint(digits, 16, 32)
		if err != nil || strings.ContainsAny(digits, "+-_xX") || !utf8.ValidRune(rune(v)) {
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
		return 0, fmt.Errorf("unknown escape \\%c in a literal (\\t \\b \\n \\r \\f \\\" \\' \\\\ \\u \\U)", c)
	}
	return 0, fmt.Errorf("unknown escape \\%c in an IRI (only \\u and \\U)", c)
}
