package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"sync"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// The direct executor
//
// graphql-go builds every object of a result as a map, allocates a
// response path, an argument map and a resolve info per field, collects
// each object's fields anew and runs the whole execution in a goroutine of
// its own; the result is then written out again in the order of the query
// (order.go). For a read query of a few hundred objects that is most of
// the time of a request whose reads are served from the cache.
//
// fastExecute runs a query operation itself, with the same resolvers and
// in the same order of calls: fields resolved as graphql-go resolves them,
// and the thunks they return called breadth-first, level by level, so
// that the request's loader (loader.go) batches its reads exactly as
// before. It collects each object type's fields once per request, reads
// each field's arguments once, and writes the result straight into the
// JSON of the response, keys in the order orderedData gives them.
//
// It takes only the simple case: a query that runs without any error.
// A mutation or subscription, an introspection field, a variable that does
// not coerce, a resolver error or panic, a null in a non-null field: it
// gives up (errFallback) and the request runs through graphql.Execute,
// which reports the error as it always has. Resolvers have no side effects
// on reads, so running a query again changes nothing but the time taken.

// errFallback reports that a request must run through graphql-go.
var errFallback = errors.New("schema: run through graphql-go")

// thunk is what a resolver returns to be called later, batched with its
// level (graphql-go's convention).
type thunk = func() (any, error)

type fastExec struct {
	ctx       context.Context
	schema    *graphql.Schema
	doc       *ast.Document
	op        *ast.OperationDefinition
	fragments map[string]ast.Definition
	vars      map[string]any
	root      any

	fields   map[fieldsKey][]collected
	args     map[argsKey]map[string]any
	possible map[possibleKey]bool

	*fastMemory
}

// fastMemory is what an execution allocates in bulk, reused by later
// requests once the result is written (see fastMemories): the thunks of
// the level under way (queue) and of the next (next), and the objects of
// the result with their values, handed out a slice at a time so that an
// object costs no allocation of its own.
type fastMemory struct {
	queue, next []pending
	objects     slab[outObject]
	vals        slab[any]
}

// fastMemories keeps fastMemory for reuse.
var fastMemories = sync.Pool{New: func() any { return new(fastMemory) }}

// maxPooledValues bounds the values and thunks a fastMemory keeps for
// reuse; one grown by an exceptionally large result is left to the
// collector.
const maxPooledValues = 1 << 16

func (m *fastMemory) release() {
	clear(m.queue[:cap(m.queue)])
	clear(m.next[:cap(m.next)])
	m.queue, m.next = m.queue[:0], m.next[:0]
	m.objects.reset()
	m.vals.reset()
	if cap(m.queue)+cap(m.next) > maxPooledValues || m.objects.size() > maxPooledValues || m.vals.size() > maxPooledValues {
		return
	}
	fastMemories.Put(m)
}

// slab hands out slices of T from chunks allocated slabChunk at a time.
type slab[T any] struct {
	chunks [][]T
	// cur is the chunk handed out from, off the first element not handed
	// out in it.
	cur, off int
}

const slabChunk = 256

// take returns n zero elements that no other call's slice shares.
func (s *slab[T]) take(n int) []T {
	for ; s.cur < len(s.chunks); s.cur, s.off = s.cur+1, 0 {
		if c := s.chunks[s.cur]; len(c)-s.off >= n {
			s.off += n
			return c[s.off-n : s.off : s.off]
		}
	}
	s.chunks = append(s.chunks, make([]T, max(n, slabChunk)))
	s.cur, s.off = len(s.chunks)-1, n
	return s.chunks[s.cur][:n:n]
}

// reset zeroes what was handed out, for the chunks to be handed out again.
func (s *slab[T]) reset() {
	for i := 0; i <= s.cur && i < len(s.chunks); i++ {
		clear(s.chunks[i])
	}
	s.cur, s.off = 0, 0
}

// size is the number of elements in the chunks.
func (s *slab[T]) size() int {
	n := 0
	for _, c := range s.chunks {
		n += len(c)
	}
	return n
}

// pending is a thunk a resolver returned, with what completes its value.
type pending struct {
	th   thunk
	t    graphql.Type
	asts []*ast.Field
	p    *plan
	dst  *any
}

type possibleKey struct {
	abstract graphql.Abstract
	object   *graphql.Object
}

// unset marks a key of an object that the object's type did not select
// (a fragment on another type); it is left out of the JSON.
type unset struct{}

// fieldsKey names the fields collected for an object type from one list of
// field nodes (the nodes of one response key of the parent).
type fieldsKey struct {
	t     *graphql.Object
	first **ast.Field
	n     int
}

type argsKey struct {
	f   *ast.Field
	def *graphql.FieldDefinition
}

// collected is one response key of an object: its field nodes, merged
// across fragments, and the field's definition on the object type (nil for
// __typename).
type collected struct {
	name string
	asts []*ast.Field
	def  *graphql.FieldDefinition
	// slot is the index of name in the object's plan.
	slot int
}

// outObject is an object of the result: its values by key of its plan,
// unset{} for a key its type does not select.
type outObject struct {
	p    *plan
	vals []any
}

// newObject returns an object of plan p with every key unset.
func (e *fastExec) newObject(p *plan) *outObject {
	o := &e.objects.take(1)[0]
	o.p, o.vals = p, e.vals.take(len(p.keys))
	for i := range o.vals {
		o.vals[i] = unset{}
	}
	return o
}

// fastExecute runs op of doc with vars and returns the response's data.
// It returns errFallback when the request must run through graphql-go,
// and the context's error when it ends first.
func fastExecute(ctx context.Context, schema *graphql.Schema, doc *ast.Document, op *ast.OperationDefinition, vars map[string]any) (data json.RawMessage, err error) {
	if op.Operation != ast.OperationTypeQuery {
		return nil, errFallback
	}
	defer func() {
		if r := recover(); r != nil {
			data, err = nil, errFallback
		}
	}()
	// A copy, as graphql.Execute takes it: the schema fills some of its
	// tables lazily (IsPossibleType), which must not race between requests.
	own := *schema
	e := &fastExec{
		ctx: ctx, schema: &own, doc: doc, op: op,
		fragments: map[string]ast.Definition{},
		fields:    map[fieldsKey][]collected{},
		args:      map[argsKey]map[string]any{},
		possible:  map[possibleKey]bool{},
		// graphql-go hands the root resolvers an empty map when there is no
		// root value.
		root:       map[string]any{},
		fastMemory: fastMemories.Get().(*fastMemory),
	}
	// Nothing of the result is referenced once it is written.
	defer e.release()
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			e.fragments[f.Name.Value] = f
		}
	}
	if e.vars, err = e.variables(vars); err != nil {
		return nil, err
	}
	query := e.schema.QueryType()
	rootPlan := &plan{sets: []*ast.SelectionSet{op.SelectionSet}}
	fields, err := e.collect(query, rootPlan, []*ast.Field{{SelectionSet: op.SelectionSet}})
	if err != nil {
		return nil, err
	}
	out, err := e.object(query, rootPlan, fields, e.root)
	if err != nil {
		return nil, err
	}
	// Level by level: the thunks a level's values return are called
	// after every thunk of the level.
	for len(e.next) > 0 {
		e.queue, e.next = e.next, e.queue[:0]
		for i := range e.queue {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			q := e.queue[i]
			e.queue[i] = pending{}
			v, err := q.th()
			if err != nil {
				return nil, errFallback
			}
			if err := e.completeValue(q.t, q.asts, q.p, v, q.dst); err != nil {
				return nil, err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	buf := outBuffers.Get().(*bytes.Buffer)
	defer putOutBuffer(buf)
	buf.Reset()
	if err := e.write(buf, out, rootPlan); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// outBuffers keeps the buffers results are written into: a result is
// copied out at its final size, and the buffer, grown once, serves the
// next request.
var outBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledOutBuffer is the largest buffer put back into outBuffers: one
// grown by an exceptionally large result is left to the collector.
const maxPooledOutBuffer = 1 << 20

func putOutBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledOutBuffer {
		outBuffers.Put(buf)
	}
}

// object resolves the fields of an object of type t (its runtime type)
// whose response keys plan p orders.
func (e *fastExec) object(t *graphql.Object, p *plan, fields []collected, source any) (*outObject, error) {
	o := e.newObject(p)
	for _, f := range fields {
		o.vals[f.slot] = nil
		sub := p.keys[f.slot].sub
		if f.def == nil { // __typename
			o.vals[f.slot] = t.Name()
			continue
		}
		args, err := e.argsOf(f.asts[0], f.def)
		if err != nil {
			return nil, err
		}
		resolve := f.def.Resolve
		if resolve == nil {
			resolve = graphql.DefaultResolveFn
		}
		res, err := resolve(graphql.ResolveParams{
			Source: source,
			Args:   args,
			Info: graphql.ResolveInfo{
				FieldName: f.asts[0].Name.Value, FieldASTs: f.asts, ReturnType: f.def.Type, ParentType: t,
				Schema: *e.schema, Fragments: e.fragments, RootValue: e.root, Operation: e.op, VariableValues: e.vars,
			},
			Context: e.ctx,
		})
		if err != nil {
			return nil, errFallback
		}
		if err := e.complete(f.def.Type, f.asts, sub, res, &o.vals[f.slot]); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// complete stores in dst the completed value of a field of type t whose
// resolver returned res: a thunk is called later, with its level.
func (e *fastExec) complete(t graphql.Type, asts []*ast.Field, p *plan, res any, dst *any) error {
	if th, ok := res.(thunk); ok {
		e.next = append(e.next, pending{th: th, t: t, asts: asts, p: p, dst: dst})
		return nil
	}
	return e.completeValue(t, asts, p, res, dst)
}

func (e *fastExec) completeValue(t graphql.Type, asts []*ast.Field, p *plan, res any, dst *any) error {
	if res != nil && reflect.TypeOf(res).Kind() == reflect.Func {
		return errFallback // a thunk graphql-go would call, or reject
	}
	if nn, ok := t.(*graphql.NonNull); ok {
		if err := e.completeValue(nn.OfType, asts, p, res, dst); err != nil {
			return err
		}
		if *dst == nil {
			return errFallback // graphql-go's "Cannot return null for non-nullable field"
		}
		return nil
	}
	if isNullish(res) {
		*dst = nil
		return nil
	}
	switch t := t.(type) {
	case *graphql.List:
		v := reflect.ValueOf(res)
		if v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
		if k := v.Kind(); k != reflect.Slice && k != reflect.Array {
			return errFallback
		}
		items := make([]any, v.Len())
		for i := range items {
			if err := e.complete(t.OfType, asts, p, v.Index(i).Interface(), &items[i]); err != nil {
				return err
			}
		}
		*dst = items
		return nil
	case *graphql.Scalar:
		if _, ok := res.(string); ok && (t == graphql.String || t == graphql.ID) {
			// What their Serialize gives a string (fmt.Sprint of it),
			// without the copy.
			*dst = res
			return nil
		}
		*dst = nullToNil(t.Serialize(res))
		return nil
	case *graphql.Enum:
		*dst = nullToNil(t.Serialize(res))
		return nil
	case *graphql.Interface:
		return e.abstract(t, t.ResolveType, asts, p, res, dst)
	case *graphql.Union:
		return e.abstract(t, t.ResolveType, asts, p, res, dst)
	case *graphql.Object:
		return e.objectValue(t, asts, p, res, dst)
	}
	return errFallback
}

func (e *fastExec) abstract(t graphql.Abstract, resolveType graphql.ResolveTypeFn, asts []*ast.Field, p *plan, res any, dst *any) error {
	var rt *graphql.Object
	if resolveType != nil {
		rt = resolveType(graphql.ResolveTypeParams{Value: res, Context: e.ctx,
			Info: graphql.ResolveInfo{Schema: *e.schema, FieldASTs: asts, RootValue: e.root, Operation: e.op, VariableValues: e.vars}})
	} else {
		for _, pt := range e.schema.PossibleTypes(t) {
			if pt.IsTypeOf != nil && pt.IsTypeOf(graphql.IsTypeOfParams{Value: res, Context: e.ctx}) {
				rt = pt
				break
			}
		}
	}
	if rt == nil || !e.isPossibleType(t, rt) {
		return errFallback
	}
	return e.objectValue(rt, asts, p, res, dst)
}

// isPossibleType is the schema's IsPossibleType, asked once per pair in a
// request.
func (e *fastExec) isPossibleType(t graphql.Abstract, rt *graphql.Object) bool {
	k := possibleKey{t, rt}
	ok, known := e.possible[k]
	if !known {
		ok = e.schema.IsPossibleType(t, rt)
		e.possible[k] = ok
	}
	return ok
}

func (e *fastExec) objectValue(t *graphql.Object, asts []*ast.Field, p *plan, res any, dst *any) error {
	if t.IsTypeOf != nil && !t.IsTypeOf(graphql.IsTypeOfParams{Value: res, Context: e.ctx}) {
		return errFallback
	}
	fields, err := e.collect(t, p, asts)
	if err != nil {
		return err
	}
	o, err := e.object(t, p, fields, res)
	if err != nil {
		return err
	}
	*dst = o
	return nil
}

// collect returns the fields that the selection sets of asts select on an
// object of type t, merged by response key as graphql-go merges them,
// each with its slot in plan p. It is computed once per request.
func (e *fastExec) collect(t *graphql.Object, p *plan, asts []*ast.Field) ([]collected, error) {
	key := fieldsKey{t, &asts[0], len(asts)}
	if fs, ok := e.fields[key]; ok {
		return fs, nil
	}
	if !p.made {
		orderer{doc: e.doc}.make(p)
	}
	var out []collected
	index := map[string]int{}
	visited := map[string]bool{}
	var walk func(set *ast.SelectionSet) error
	walk = func(set *ast.SelectionSet) error {
		if set == nil {
			return nil
		}
		for _, sel := range set.Selections {
			switch s := sel.(type) {
			case *ast.Field:
				if !e.include(s.Directives) {
					continue
				}
				name := responseKey(s)
				if i, ok := index[name]; ok {
					out[i].asts = append(out[i].asts, s)
					continue
				}
				c := collected{name: name, asts: []*ast.Field{s}}
				switch s.Name.Value {
				case "__typename":
				case "__schema", "__type":
					if t == e.schema.QueryType() {
						return errFallback
					}
					c.def = t.Fields()[s.Name.Value]
				default:
					c.def = t.Fields()[s.Name.Value]
				}
				if c.def == nil && s.Name.Value != "__typename" {
					continue // graphql-go leaves out a field the type does not have
				}
				slot, ok := p.byName[name]
				if !ok {
					return errFallback
				}
				c.slot = slot
				index[name] = len(out)
				out = append(out, c)
			case *ast.InlineFragment:
				if !e.include(s.Directives) || !e.applies(s.TypeCondition, t) {
					continue
				}
				if err := walk(s.SelectionSet); err != nil {
					return err
				}
			case *ast.FragmentSpread:
				name := s.Name.Value
				if visited[name] || !e.include(s.Directives) {
					continue
				}
				visited[name] = true
				f, ok := e.fragments[name].(*ast.FragmentDefinition)
				if !ok || !e.applies(f.TypeCondition, t) {
					continue
				}
				if err := walk(f.SelectionSet); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, a := range asts {
		if err := walk(a.SelectionSet); err != nil {
			return nil, err
		}
	}
	// The asts slices of the result are keys of later lookups: they must
	// not share a backing array with another's.
	for i := range out {
		out[i].asts = out[i].asts[:len(out[i].asts):len(out[i].asts)]
	}
	e.fields[key] = out
	return out, nil
}

// applies reports whether a fragment with type condition cond applies to
// an object of type t.
func (e *fastExec) applies(cond *ast.Named, t *graphql.Object) bool {
	if cond == nil {
		return true
	}
	ct := e.schema.Type(cond.Name.Value)
	switch ct := ct.(type) {
	case nil:
		return false
	case *graphql.Interface:
		return ct.Name() == t.Name() || e.schema.IsPossibleType(ct, t)
	case *graphql.Union:
		return ct.Name() == t.Name() || e.schema.IsPossibleType(ct, t)
	}
	return ct == graphql.Type(t) || ct.Name() == t.Name()
}

// include applies @skip and @include as graphql-go does: the last of
// each kind counts, @skip first.
func (e *fastExec) include(dirs []*ast.Directive) bool {
	var skip, incl *ast.Directive
	for _, d := range dirs {
		if d == nil || d.Name == nil {
			continue
		}
		switch d.Name.Value {
		case graphql.SkipDirective.Name:
			skip = d
		case graphql.IncludeDirective.Name:
			incl = d
		}
	}
	if skip != nil {
		if v, ok := argumentValues(graphql.SkipDirective.Args, skip.Arguments, e.vars)["if"].(bool); ok && v {
			return false
		}
	}
	if incl != nil {
		if v, ok := argumentValues(graphql.IncludeDirective.Args, incl.Arguments, e.vars)["if"].(bool); ok && !v {
			return false
		}
	}
	return true
}

func (e *fastExec) argsOf(f *ast.Field, def *graphql.FieldDefinition) (map[string]any, error) {
	k := argsKey{f, def}
	if a, ok := e.args[k]; ok {
		return a, nil
	}
	a := argumentValues(def.Args, f.Arguments, e.vars)
	e.args[k] = a
	return a, nil
}

// write encodes v, whose objects plan p orders, as JSON.
func (e *fastExec) write(buf *bytes.Buffer, v any, p *plan) error {
	switch v := v.(type) {
	case *outObject:
		buf.WriteByte('{')
		n := 0
		for i, k := range v.p.keys {
			if _, ok := v.vals[i].(unset); ok {
				continue
			}
			if n > 0 {
				buf.WriteByte(',')
			}
			n++
			buf.Write(k.quoted)
			buf.WriteByte(':')
			if err := e.write(buf, v.vals[i], k.sub); err != nil {
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
			if err := e.write(buf, x, p); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	}
	return orderer{doc: e.doc}.write(buf, v, p)
}

// variables coerces the request's variables as graphql-go does, or
// returns errFallback for graphql-go to report what is wrong with them.
func (e *fastExec) variables(inputs map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(e.op.VariableDefinitions))
	for _, d := range e.op.VariableDefinitions {
		if d == nil || d.Variable == nil || d.Variable.Name == nil {
			continue
		}
		t := typeFromAST(e.schema, d.Type)
		in, ok := t.(graphql.Input)
		if t == nil || !ok || !graphql.IsInputType(t) {
			return nil, errFallback
		}
		v := inputs[d.Variable.Name.Value]
		if !validInput(v, in) {
			return nil, errFallback
		}
		if isNullish(v) && d.DefaultValue != nil {
			out[d.Variable.Name.Value] = valueFromAST(d.DefaultValue, in, nil)
			continue
		}
		out[d.Variable.Name.Value] = coerceValue(in, v)
	}
	return out, nil
}

// The functions below give argument and variable values exactly as
// graphql-go v0.8.1's execution does (its values.go), which keeps them
// unexported.

func typeFromAST(s *graphql.Schema, t ast.Type) graphql.Type {
	switch t := t.(type) {
	case *ast.List:
		if inner := typeFromAST(s, t.Type); inner != nil {
			return graphql.NewList(inner)
		}
	case *ast.NonNull:
		if inner := typeFromAST(s, t.Type); inner != nil {
			return graphql.NewNonNull(inner)
		}
	case *ast.Named:
		if t.Name != nil {
			return s.Type(t.Name.Value)
		}
	}
	return nil
}

func argumentValues(defs []*graphql.Argument, asts []*ast.Argument, vars map[string]any) map[string]any {
	out := make(map[string]any, len(defs))
	for _, def := range defs {
		var value ast.Value
		for _, a := range asts {
			if a.Name != nil && a.Name.Value == def.PrivateName {
				value = a.Value
			}
		}
		v := valueFromAST(value, def.Type, vars)
		if isNullish(v) {
			v = def.DefaultValue
		}
		if !isNullish(v) {
			out[def.PrivateName] = v
		}
	}
	return out
}

func valueFromAST(v ast.Value, t graphql.Input, vars map[string]any) any {
	if v == nil {
		return nil
	}
	if ref, ok := v.(*ast.Variable); ok {
		if ref.Name == nil || vars == nil {
			return nil
		}
		return vars[ref.Name.Value]
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return valueFromAST(v, t.OfType, vars)
	case *graphql.List:
		values := []any{}
		if list, ok := v.(*ast.ListValue); ok {
			for _, item := range list.Values {
				values = append(values, valueFromAST(item, t.OfType, vars))
			}
			return values
		}
		return append(values, valueFromAST(v, t.OfType, vars))
	case *graphql.InputObject:
		ov, ok := v.(*ast.ObjectValue)
		if !ok {
			return nil
		}
		given := map[string]*ast.ObjectField{}
		for _, of := range ov.Fields {
			if of != nil && of.Name != nil {
				given[of.Name.Value] = of
			}
		}
		obj := map[string]any{}
		for name, field := range t.Fields() {
			var fv any
			if of, ok := given[name]; ok {
				fv = valueFromAST(of.Value, field.Type, vars)
			} else {
				fv = field.DefaultValue
			}
			if !isNullish(fv) {
				obj[name] = fv
			}
		}
		return obj
	case *graphql.Scalar:
		return t.ParseLiteral(v)
	case *graphql.Enum:
		return t.ParseLiteral(v)
	}
	return nil
}

func coerceValue(t graphql.Input, v any) any {
	if isNullish(v) {
		return nil
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return coerceValue(t.OfType, v)
	case *graphql.List:
		values := []any{}
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
			for i := range rv.Len() {
				values = append(values, coerceValue(t.OfType, rv.Index(i).Interface()))
			}
			return values
		}
		return append(values, coerceValue(t.OfType, v))
	case *graphql.InputObject:
		obj := map[string]any{}
		given, _ := v.(map[string]any)
		for name, field := range t.Fields() {
			fv := coerceValue(field.Type, given[name])
			if isNullish(fv) {
				fv = field.DefaultValue
			}
			if !isNullish(fv) {
				obj[name] = fv
			}
		}
		return obj
	case *graphql.Scalar:
		if parsed := t.ParseValue(v); !isNullish(parsed) {
			return parsed
		}
	case *graphql.Enum:
		if parsed := t.ParseValue(v); !isNullish(parsed) {
			return parsed
		}
	}
	return nil
}

// validInput reports whether graphql-go accepts v as a variable of type t.
func validInput(v any, t graphql.Input) bool {
	if isNullish(v) {
		_, nonNull := t.(*graphql.NonNull)
		return !nonNull
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return validInput(v, t.OfType)
	case *graphql.List:
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer {
			rv = rv.Elem()
		}
		if rv.Kind() == reflect.Slice {
			for i := range rv.Len() {
				if !validInput(rv.Index(i).Interface(), t.OfType) {
					return false
				}
			}
			return true
		}
		return validInput(v, t.OfType)
	case *graphql.InputObject:
		given, ok := v.(map[string]any)
		if !ok {
			return false
		}
		fields := t.Fields()
		for name := range given {
			if _, ok := fields[name]; !ok {
				return false
			}
		}
		for name, f := range fields {
			if !validInput(given[name], f.Type) {
				return false
			}
		}
		return true
	case *graphql.Scalar:
		return !isNullish(t.ParseValue(v))
	case *graphql.Enum:
		return !isNullish(t.ParseValue(v))
	}
	return true
}

// isNullish is graphql-go's test for null: nil, a nil pointer, NaN.
func isNullish(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string, bool, map[string]any, []any:
		return false
	case int:
		return false
	case float64:
		return math.IsNaN(v)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return true
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.String:
		return !rv.IsValid()
	case reflect.Float32, reflect.Float64:
		return math.IsNaN(rv.Float())
	}
	return false
}

func nullToNil(v any) any {
	if isNullish(v) {
		return nil
	}
	return v
}
