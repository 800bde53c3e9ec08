package schema

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/graphql-go/graphql/language/ast"
)

// orderedData encodes a result's data with every object's keys in the order
// the query selected them, as the GraphQL specification asks; graphql-go
// returns plain maps, which encoding/json would sort.
func orderedData(doc *ast.Document, op *ast.OperationDefinition, data any) (json.RawMessage, error) {
	var buf bytes.Buffer
	o := orderer{doc: doc}
	if err := o.write(&buf, data, []*ast.SelectionSet{op.SelectionSet}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type orderer struct{ doc *ast.Document }

func (o orderer) write(buf *bytes.Buffer, v any, sets []*ast.SelectionSet) error {
	switch v := v.(type) {
	case map[string]any:
		fields := o.collect(sets, nil)
		keys := make([]string, 0, len(v))
		for _, f := range fields {
			if _, ok := v[responseKey(f)]; ok && !slices.Contains(keys, responseKey(f)) {
				keys = append(keys, responseKey(f))
			}
		}
		for _, k := range sortedKeys(v) {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			buf.Write(kb)
			buf.WriteByte(':')
			var sub []*ast.SelectionSet
			for _, f := range fields {
				if responseKey(f) == k && f.SelectionSet != nil {
					sub = append(sub, f.SelectionSet)
				}
			}
			if err := o.write(buf, v[k], sub); err != nil {
				return err
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
			if err := o.write(buf, x, sets); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	buf.Write(b)
	return nil
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
