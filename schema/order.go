package schema

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/graphql-go/graphql/language/ast"
)

// orderedData encodes a result's data with every object's keys in the order
// the query selected them, as the GraphQL specification asks; graphql-go
// returns plain maps, which encoding/json would sort.
func orderedData(doc *ast.Document, op *ast.OperationDefinition, data any) (json.RawMessage, error) {
	var buf bytes.Buffer
	o := orderer{doc: doc}
	if err := o.write(&buf, data, &plan{sets: []*ast.SelectionSet{op.SelectionSet}}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type orderer struct{ doc *ast.Document }

// plan is how to write the objects a list of selection sets selects: the
// response keys in order, each with its quoted form and the plan of its
// value's objects. A response's objects of one field share its plan, made
// the first time one is written.
type plan struct {
	sets   []*ast.SelectionSet
	made   bool
	keys   []planKey
	byName map[string]int
}

type planKey struct {
	name   string
	quoted []byte
	sub    *plan
}

func (o orderer) make(p *plan) {
	fields := o.collect(p.sets, nil)
	p.byName = make(map[string]int, len(fields))
	for _, f := range fields {
		k := responseKey(f)
		i, ok := p.byName[k]
		if !ok {
			i = len(p.keys)
			p.byName[k] = i
			p.keys = append(p.keys, planKey{name: k, quoted: appendString(nil, k), sub: &plan{}})
		}
		if f.SelectionSet != nil {
			p.keys[i].sub.sets = append(p.keys[i].sub.sets, f.SelectionSet)
		}
	}
	p.made = true
}

func (o orderer) write(buf *bytes.Buffer, v any, p *plan) error {
	switch v := v.(type) {
	case map[string]any:
		if !p.made {
			o.make(p)
		}
		buf.WriteByte('{')
		n := 0
		for _, k := range p.keys {
			x, ok := v[k.name]
			if !ok {
				continue
			}
			if n > 0 {
				buf.WriteByte(',')
			}
			n++
			buf.Write(k.quoted)
			buf.WriteByte(':')
			if err := o.write(buf, x, k.sub); err != nil {
				return err
			}
		}
		if n < len(v) {
			// Keys the query did not select (none, in practice), sorted.
			for _, k := range sortedKeys(v) {
				if _, ok := p.byName[k]; ok {
					continue
				}
				if n > 0 {
					buf.WriteByte(',')
				}
				n++
				buf.Write(appendString(nil, k))
				buf.WriteByte(':')
				if err := o.write(buf, v[k], &plan{}); err != nil {
					return err
				}
			}
		}
		buf.WriteByte('}')
		return nil
	case []any:
		buf.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := o.write(buf, x, p); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	case string:
		buf.Write(appendString(buf.AvailableBuffer(), v))
		return nil
	case bool:
		buf.Write(strconv.AppendBool(buf.AvailableBuffer(), v))
		return nil
	case int:
		buf.Write(strconv.AppendInt(buf.AvailableBuffer(), int64(v), 10))
		return nil
	case nil:
		buf.WriteString("null")
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	buf.Write(b)
	return nil
}

// appendString appends s to b as a JSON string, escaped as encoding/json
// escapes it: quotes, backslashes, control characters, <, >, &, U+2028
// and U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// collect flattens selection sets into their fields, in document order,
// expanding fragments (whatever their type condition: a field of a
// fragment that did not apply is simply absent from the data).
func (o orderer) collect(sets []*ast.SelectionSet, seen []string) []*ast.Field {
	var out []*ast.Field
	for _, set := range sets {
		if set == nil {
			continue
		}
		for _, sel := range set.Selections {
			switch s := sel.(type) {
			case *ast.Field:
				out = append(out, s)
			case *ast.InlineFragment:
				out = append(out, o.collect([]*ast.SelectionSet{s.SelectionSet}, seen)...)
			case *ast.FragmentSpread:
				name := s.Name.Value
				if slices.Contains(seen, name) {
					continue
				}
				if f := fragment(o.doc, name); f != nil {
					out = append(out, o.collect([]*ast.SelectionSet{f.SelectionSet}, append(seen, name))...)
				}
			}
		}
	}
	return out
}

func responseKey(f *ast.Field) string {
	if f.Alias != nil && f.Alias.Value != "" {
		return f.Alias.Value
	}
	return f.Name.Value
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
