package schema

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/graphql-go/graphql"
)

// The schema's text. graphql-go keeps a field's arguments, an enum's values
// and an interface's implementations in the order it met them in Go maps,
// which changes from one build to the next; orderSchema fixes that order
// once a schema is built, and PrintSchema writes the schema in the GraphQL
// schema definition language (SDL) with everything else sorted, so that one
// ontology always gives the same bytes.

// SDL returns the schema the handler serves now, in the GraphQL schema
// definition language (see PrintSchema).
func (h *Handler) SDL(ctx context.Context) string {
	return PrintSchema(h.current(ctx).schema)
}

// leadingArgs and trailingArgs fix where arguments go in a field's
// argument list: the leading ones first in this order, then the others by
// name, then the paging ones in this order.
var (
	leadingArgs  = []string{"id", "from", "to", "subject", "type", "object", "types", "direction", "status"}
	trailingArgs = []string{"first", "after", "last", "before"}
)

// argRank orders argument names: see leadingArgs.
func argRank(a, b *graphql.Argument) int {
	rank := func(name string) int {
		if i := slices.Index(leadingArgs, name); i >= 0 {
			return i - len(leadingArgs)
		}
		if i := slices.Index(trailingArgs, name); i >= 0 {
			return i + 1
		}
		return 0
	}
	return cmp.Or(cmp.Compare(rank(a.Name()), rank(b.Name())), strings.Compare(a.Name(), b.Name()))
}

// orderSchema puts the arguments of every field in argRank order and the
// implementations of every interface in name order. graphql-go hands out
// both as slices of its own, which are sorted in place here, before the
// schema serves a request; its own introspection types are left alone.
func orderSchema(s graphql.Schema) {
	for name, t := range s.TypeMap() {
		if strings.HasPrefix(name, "__") {
			continue
		}
		var fields graphql.FieldDefinitionMap
		switch t := t.(type) {
		case *graphql.Object:
			fields = t.Fields()
		case *graphql.Interface:
			fields = t.Fields()
			slices.SortFunc(s.PossibleTypes(t), func(a, b *graphql.Object) int { return strings.Compare(a.Name(), b.Name()) })
		}
		for _, f := range fields {
			slices.SortFunc(f.Args, argRank)
		}
	}
}

// builtinScalars are the scalars every GraphQL schema has, left out of the
// SDL.
var builtinScalars = []string{"Boolean", "Float", "ID", "Int", "String"}

// PrintSchema writes s in the GraphQL schema definition language: the
// types by name, each with its fields (and input fields) by name, the
// arguments in the schema's order, enum values in their declared order.
// graphql-go's introspection types, the built-in scalars and the built-in
// directives are left out, as are the root operation types' names when
// they are the usual ones.
func PrintSchema(s graphql.Schema) string {
	var b strings.Builder
	p := printer{b: &b}
	p.schemaDefinition(s)
	for _, d := range s.Directives() {
		if d.Name == "include" || d.Name == "skip" || d.Name == "deprecated" {
			continue
		}
		p.directive(d)
	}
	types := s.TypeMap()
	for _, name := range slices.Sorted(maps.Keys(types)) {
		if strings.HasPrefix(name, "__") || slices.Contains(builtinScalars, name) {
			continue
		}
		p.namedType(types[name])
	}
	return b.String()
}

type printer struct {
	b    *strings.Builder
	some bool // something was written: separate the next definition
}

// start begins a definition, with a blank line after the previous one.
func (p *printer) start() {
	if p.some {
		p.b.WriteByte('\n')
	}
	p.some = true
}

func (p *printer) schemaDefinition(s graphql.Schema) {
	roots := []struct {
		op string
		t  *graphql.Object
	}{{"query", s.QueryType()}, {"mutation", s.MutationType()}, {"subscription", s.SubscriptionType()}}
	usual := true
	for _, r := range roots {
		if r.t != nil && !strings.EqualFold(r.t.Name(), r.op) {
			usual = false
		}
	}
	if usual {
		return
	}
	p.start()
	p.b.WriteString("schema {\n")
	for _, r := range roots {
		if r.t != nil {
			fmt.Fprintf(p.b, "  %s: %s\n", r.op, r.t.Name())
		}
	}
	p.b.WriteString("}\n")
}

func (p *printer) directive(d *graphql.Directive) {
	p.start()
	p.description(d.Description, "")
	p.b.WriteString("directive @" + d.Name)
	args := make([]*graphql.Argument, len(d.Args))
	copy(args, d.Args)
	p.args(args, "")
	p.b.WriteString(" on " + strings.Join(d.Locations, " | ") + "\n")
}

func (p *printer) namedType(t graphql.Type) {
	p.start()
	switch t := t.(type) {
	case *graphql.Scalar:
		p.description(t.Description(), "")
		p.b.WriteString("scalar " + t.Name() + "\n")
	case *graphql.Object:
		p.description(t.Description(), "")
		p.b.WriteString("type " + t.Name())
		if ifaces := t.Interfaces(); len(ifaces) > 0 {
			names := make([]string, len(ifaces))
			for i, it := range ifaces {
				names[i] = it.Name()
			}
			p.b.WriteString(" implements " + strings.Join(names, " & "))
		}
		p.fields(t.Fields())
	case *graphql.Interface:
		p.description(t.Description(), "")
		p.b.WriteString("interface " + t.Name())
		p.fields(t.Fields())
	case *graphql.Union:
		p.description(t.Description(), "")
		names := make([]string, len(t.Types()))
		for i, o := range t.Types() {
			names[i] = o.Name()
		}
		p.b.WriteString("union " + t.Name() + " = " + strings.Join(names, " | ") + "\n")
	case *graphql.Enum:
		p.description(t.Description(), "")
		p.b.WriteString("enum " + t.Name() + " {\n")
		for _, v := range t.Values() {
			p.description(v.Description, "  ")
			p.b.WriteString("  " + v.Name + deprecated(v.DeprecationReason) + "\n")
		}
		p.b.WriteString("}\n")
	case *graphql.InputObject:
		p.description(t.Description(), "")
		p.b.WriteString("input " + t.Name() + " {\n")
		fields := t.Fields()
		for _, name := range slices.Sorted(maps.Keys(fields)) {
			f := fields[name]
			p.description(f.Description(), "  ")
			p.b.WriteString("  " + name + ": " + f.Type.String() + defaultValue(f.Type, f.DefaultValue) + "\n")
		}
		p.b.WriteString("}\n")
	default:
		p.b.WriteString("# " + t.Name() + ": a kind of type this printer does not know\n")
	}
}

func (p *printer) fields(fields graphql.FieldDefinitionMap) {
	p.b.WriteString(" {\n")
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		f := fields[name]
		p.description(f.Description, "  ")
		p.b.WriteString("  " + name)
		p.args(f.Args, "  ")
		p.b.WriteString(": " + f.Type.String() + deprecated(f.DeprecationReason) + "\n")
	}
	p.b.WriteString("}\n")
}

// args writes an argument list: on one line when no argument has a
// description, one argument a line otherwise.
func (p *printer) args(args []*graphql.Argument, indent string) {
	if len(args) == 0 {
		return
	}
	described := slices.ContainsFunc(args, func(a *graphql.Argument) bool { return a.Description() != "" })
	if !described {
		parts := make([]string, len(args))
		for i, a := range args {
			parts[i] = a.Name() + ": " + a.Type.String() + defaultValue(a.Type, a.DefaultValue)
		}
		p.b.WriteString("(" + strings.Join(parts, ", ") + ")")
		return
	}
	p.b.WriteString("(\n")
	for _, a := range args {
		p.description(a.Description(), indent+"  ")
		p.b.WriteString(indent + "  " + a.Name() + ": " + a.Type.String() + defaultValue(a.Type, a.DefaultValue) + "\n")
	}
	p.b.WriteString(indent + ")")
}

// description writes a description as a block string: on one line when it
// is one line, otherwise with the quotes on lines of their own.
func (p *printer) description(desc, indent string) {
	if desc == "" {
		return
	}
	desc = strings.ReplaceAll(desc, `"""`, `\"""`)
	if !strings.Contains(desc, "\n") && !strings.HasSuffix(desc, `"`) && !strings.HasSuffix(desc, `\`) {
		p.b.WriteString(indent + `"""` + desc + `"""` + "\n")
		return
	}
	p.b.WriteString(indent + `"""` + "\n")
	for line := range strings.SplitSeq(desc, "\n") {
		if line == "" {
			p.b.WriteString("\n")
			continue
		}
		p.b.WriteString(indent + line + "\n")
	}
	p.b.WriteString(indent + `"""` + "\n")
}

func deprecated(reason string) string {
	switch reason {
	case "":
		return ""
	case graphql.DefaultDeprecationReason:
		return " @deprecated"
	}
	return " @deprecated(reason: " + quote(reason) + ")"
}

// defaultValue writes " = VALUE" for a default value of type t, or nothing
// when there is none.
func defaultValue(t graphql.Input, v any) string {
	if v == nil {
		return ""
	}
	return " = " + literal(t, v)
}

// literal writes v, a Go value of input type t, as a GraphQL literal.
func literal(t graphql.Input, v any) string {
	if v == nil {
		return "null"
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return literal(t.OfType, v)
	case *graphql.List:
		list, ok := v.([]any)
		if !ok {
			return literal(t.OfType, v)
		}
		parts := make([]string, len(list))
		for i, x := range list {
			parts[i] = literal(t.OfType, x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *graphql.Enum:
		if name, ok := t.Serialize(v).(string); ok {
			return name
		}
	case *graphql.InputObject:
		if m, ok := v.(map[string]any); ok {
			fields := t.Fields()
			var parts []string
			for _, k := range slices.Sorted(maps.Keys(m)) {
				if f, ok := fields[k]; ok {
					parts = append(parts, k+": "+literal(f.Type, m[k]))
				}
			}
			return "{" + strings.Join(parts, ", ") + "}"
		}
	case *graphql.Scalar:
		switch t.Name() {
		case "String", "ID":
			if s, ok := v.(string); ok {
				return quote(s)
			}
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return quote(fmt.Sprint(v))
	}
	return string(b)
}

// quote writes s as a GraphQL string: JSON's escapes are GraphQL's.
func quote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
