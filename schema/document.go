package schema

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/location"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
	"github.com/graphql-go/graphql/language/visitor"
)

// A document is checked in stages, each one bounding what the next may
// cost, because graphql-go's validation is not linear in the size of a
// document: several of its rules compare every pair of some kind of node,
// and every error it reports looked up its line and column by scanning the
// whole document. The stages:
//
//  1. one pass over the raw text counts its tokens and the nesting of its
//     brackets (scanDocument), so that parsing, which recurses, stays
//     shallow and linear;
//  2. after parsing, the whole document (every operation and fragment, the
//     selected operation or not, since graphql-go validates them all) is
//     counted: operations, fragments, variable definitions, arguments and
//     directives (measureDocument);
//  3. a search for fragment cycles (fragmentCycle), since a cycle sends
//     graphql-go's rules into endless recursion, and its own cycle rule
//     reports every cycle at a quadratic cost;
//  4. fields, with fragments expanded, pairs of fields that share a
//     response name, and selection depth, over every operation and
//     fragment (walker);
//  5. the full validation, stopped once it has found more errors than a
//     response shows or the request's context ends (guardRules).
//
// Documents are parsed without a reference to their text, so that each
// error's location costs nothing; locate turns the bare offsets graphql-go
// then reports into lines and columns, once per response.

// lexicalSize is what scanDocument measures of a raw document.
type lexicalSize struct {
	tokens  int // significant tokens: names, numbers, strings, punctuators
	nesting int // deepest nesting of { ( [
}

// scanDocument measures a GraphQL document without parsing it, skipping
// strings and comments as GraphQL's lexer does, and returns its text with
// every non-ASCII byte inside a # comment replaced by a space: graphql-go
// v0.8.1 miscounts multi-byte characters in comments and then fails to
// parse what follows ("# India — TTP" before a named operation); comments
// carry no meaning, and byte offsets, so error locations, stay the same.
func scanDocument(q string) (lexicalSize, []byte) {
	b := []byte(q)
	var s lexicalSize
	depth := 0
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			i++
		case c == '#':
			for ; i < len(b) && b[i] != '\n' && b[i] != '\r'; i++ {
				if b[i] >= utf8.RuneSelf {
					b[i] = ' '
				}
			}
		case strings.HasPrefix(q[i:], `"""`):
			s.tokens++
			i = blockStringEnd(q, i+3)
		case c == '"':
			s.tokens++
			for i++; i < len(b) && b[i] != '"' && b[i] != '\n' && b[i] != '\r'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			i++
		case isNameByte(c) || c == '-':
			// A name or a number (the lexer's rules are stricter; a run
			// of these bytes is at most one token for it too).
			s.tokens++
			for i++; i < len(b) && (isNameByte(b[i]) || b[i] == '.' || b[i] == '+' || b[i] == '-'); i++ {
			}
		case strings.HasPrefix(q[i:], "..."):
			s.tokens++
			i += 3
		default:
			s.tokens++
			switch c {
			case '{', '(', '[':
				depth++
				s.nesting = max(s.nesting, depth)
			case '}', ')', ']':
				depth--
			}
			i++
		}
	}
	return s, b
}

// blockStringEnd returns the offset just past the """ that closes the
// block string whose content starts at i, or len(q) when none does; \"""
// inside it is an escaped quote, as the lexer reads it.
func blockStringEnd(q string, i int) int {
	for i < len(q) {
		switch {
		case strings.HasPrefix(q[i:], `\"""`):
			i += 4
		case strings.HasPrefix(q[i:], `"""`):
			return i + 3
		default:
			i++
		}
	}
	return len(q)
}

func isNameByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// documentSize is what measureDocument counts in a parsed document.
type documentSize struct {
	operations, fragments int
	variables             int // variable definitions in the document
	opVariables           int // the most variable definitions of one operation
	variableUses          int // variables used in argument values, lists and objects included
	arguments             int // arguments of fields and directives
	fieldArguments        int // the most arguments of one field or directive
	directives            int
}

// measureDocument counts the parts of doc that graphql-go's validation
// rules compare in pairs. It follows no fragment spread, so it is safe on
// a document with cycles, and linear in its size.
func measureDocument(doc *ast.Document) documentSize {
	var s documentSize
	var directives func([]*ast.Directive)
	var value func(ast.Value)
	value = func(v ast.Value) {
		switch v := v.(type) {
		case *ast.Variable:
			s.variableUses++
		case *ast.ListValue:
			for _, e := range v.Values {
				value(e)
			}
		case *ast.ObjectValue:
			for _, f := range v.Fields {
				value(f.Value)
			}
		}
	}
	arguments := func(args []*ast.Argument) {
		s.arguments += len(args)
		s.fieldArguments = max(s.fieldArguments, len(args))
		for _, a := range args {
			value(a.Value)
		}
	}
	directives = func(ds []*ast.Directive) {
		s.directives += len(ds)
		for _, d := range ds {
			arguments(d.Arguments)
		}
	}
	var selections func(*ast.SelectionSet)
	selections = func(set *ast.SelectionSet) {
		if set == nil {
			return
		}
		for _, sel := range set.Selections {
			switch sel := sel.(type) {
			case *ast.Field:
				arguments(sel.Arguments)
				directives(sel.Directives)
				selections(sel.SelectionSet)
			case *ast.InlineFragment:
				directives(sel.Directives)
				selections(sel.SelectionSet)
			case *ast.FragmentSpread:
				directives(sel.Directives)
			}
		}
	}
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
			s.operations++
			s.variables += len(d.VariableDefinitions)
			s.opVariables = max(s.opVariables, len(d.VariableDefinitions))
			directives(d.Directives)
			selections(d.SelectionSet)
		case *ast.FragmentDefinition:
			s.fragments++
			s.variables += len(d.VariableDefinitions)
			s.opVariables = max(s.opVariables, len(d.VariableDefinitions))
			directives(d.Directives)
			selections(d.SelectionSet)
		}
	}
	return s
}

// check refuses a document over one of the limits, naming it.
func (s documentSize) check(l Limits) *requestError {
	for _, c := range []struct {
		n, max int
		what   string
	}{
		{s.operations, l.MaxOperations, "operations"},
		{s.fragments, l.MaxFragments, "fragments"},
		{s.opVariables, l.MaxVariables, "variables in one operation"},
		{s.variables, l.MaxDocumentVariables, "variables"},
		{s.variableUses, l.MaxDocumentVariables, "uses of variables"},
		{s.fieldArguments, l.MaxArguments, "arguments to one field or directive"},
		{s.arguments, l.MaxDocumentArguments, "arguments"},
		{s.directives, l.MaxDirectives, "directives"},
	} {
		if c.n > c.max {
			return badRequest(CodeValidationFailed, fmt.Sprintf("the document has %d %s; the limit is %d", c.n, c.what, c.max))
		}
	}
	return nil
}

// fragmentCycle finds a fragment that spreads itself, directly or through
// others, by an iterative depth-first search over the fragments in
// document order, linear in the fragments and spreads of doc. graphql-go's
// own rule reports every cycle, with every spread along each, which costs
// the square of the spreads; this one stops at the first. It returns the
// error graphql-go would give for that cycle, its locations as bare
// offsets (see locate), or nil.
func fragmentCycle(doc *ast.Document) []gqlerrors.FormattedError {
	frags := map[string]*ast.FragmentDefinition{}
	var order []*ast.FragmentDefinition
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok {
			if _, dup := frags[f.Name.Value]; !dup {
				frags[f.Name.Value] = f
				order = append(order, f)
			}
		}
	}
	spreads := map[string][]*ast.FragmentSpread{} // each fragment's, at any depth
	for name, f := range frags {
		sets := []*ast.SelectionSet{f.SelectionSet}
		for len(sets) > 0 {
			set := sets[len(sets)-1]
			sets = sets[:len(sets)-1]
			if set == nil {
				continue
			}
			for _, sel := range set.Selections {
				switch sel := sel.(type) {
				case *ast.FragmentSpread:
					spreads[name] = append(spreads[name], sel)
				case *ast.Field:
					sets = append(sets, sel.SelectionSet)
				case *ast.InlineFragment:
					sets = append(sets, sel.SelectionSet)
				}
			}
		}
	}
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	type step struct {
		name string
		next int // the index of the next spread of name to follow
	}
	for _, root := range order {
		if state[root.Name.Value] != unseen {
			continue
		}
		var path []step               // the fragments being searched
		var via []*ast.FragmentSpread // the spread that led to each after the first
		entered := map[string]int{}   // a fragment on the path: its index in via
		path = append(path, step{name: root.Name.Value})
		state[root.Name.Value], entered[root.Name.Value] = onPath, 0
		for len(path) > 0 {
			top := &path[len(path)-1]
			if top.next == len(spreads[top.name]) {
				state[top.name] = done
				delete(entered, top.name)
				path = path[:len(path)-1]
				if len(via) > 0 && len(path) > 0 {
					via = via[:len(via)-1]
				}
				continue
			}
			sp := spreads[top.name][top.next]
			top.next++
			target := sp.Name.Value
			if frags[target] == nil {
				continue // an unknown fragment: the full validation reports it
			}
			switch state[target] {
			case onPath:
				cycle := via[entered[target]:]
				names := make([]string, len(cycle))
				locs := make([]location.SourceLocation, 0, len(cycle)+1)
				for i, c := range cycle {
					names[i] = c.Name.Value
					locs = append(locs, offsetLocation(c))
				}
				locs = append(locs, offsetLocation(sp))
				return []gqlerrors.FormattedError{{Message: graphql.CycleErrorMessage(target, names), Locations: locs}}
			case unseen:
				state[target], entered[target] = onPath, len(via)+1
				via = append(via, sp)
				path = append(path, step{name: target})
			}
		}
	}
	return nil
}

// offsetLocation is the location of a node as graphql-go gives it for a
// document parsed without its text: line 1, column offset+1.
func offsetLocation(n ast.Node) location.SourceLocation {
	if n.GetLoc() == nil {
		return location.SourceLocation{Line: 1, Column: 1}
	}
	return location.SourceLocation{Line: 1, Column: n.GetLoc().Start + 1}
}

// walker measures operations and fragments with fragments expanded: their
// depth, their number of fields, whether they introspect, and how many
// pairs of fields graphql-go's overlapping-fields rule compares. That rule
// takes the fields of a selection set together with those of the
// fragments spread or inlined in it, compares every two that share a
// response name, and then, pair by pair, their own selections; the walker
// merges the same way and counts, at each merged level, the pairs of
// fields that share a response name. It runs after the fragment-cycle
// check, and stops counting once past max fields, so that fragments spread
// many times over cannot make it slow.
type walker struct {
	frags         map[string]*ast.FragmentDefinition
	max           int
	fields        int
	depth         int
	pairs         int
	introspection bool
	private       bool // it selects a field queryRoles restricts
}

func newWalker(doc *ast.Document, maxFields int) *walker {
	w := &walker{frags: map[string]*ast.FragmentDefinition{}, max: maxFields}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok {
			w.frags[f.Name.Value] = f
		}
	}
	return w
}

// document walks every operation and every fragment of doc, fragments
// expanded wherever they are spread: graphql-go validates each of them,
// whichever operation runs.
func (w *walker) document(doc *ast.Document) {
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
			w.merged([]*ast.SelectionSet{d.SelectionSet}, 0)
		case *ast.FragmentDefinition:
			w.merged([]*ast.SelectionSet{d.SelectionSet}, 0)
		}
	}
}

// merged walks sets as one level of the response, at depth: their fields,
// fragments merged in, grouped by response name; then, for each name, the
// selections of its fields together.
func (w *walker) merged(sets []*ast.SelectionSet, depth int) {
	var names []string
	count := map[string]int{}
	children := map[string][]*ast.SelectionSet{}
	var collect func(*ast.SelectionSet)
	collect = func(set *ast.SelectionSet) {
		if set == nil {
			return
		}
		for _, sel := range set.Selections {
			if w.fields > w.max {
				return
			}
			w.fields++ // spreads count too, so that a chain of them is bounded
			switch s := sel.(type) {
			case *ast.Field:
				if n := s.Name.Value; n == "__schema" || n == "__type" {
					w.introspection = true
				} else if _, ok := queryRoles[n]; ok {
					w.private = true
				}
				name := s.Name.Value
				if s.Alias != nil {
					name = s.Alias.Value
				}
				if count[name] == 0 {
					names = append(names, name)
				}
				w.pairs += count[name]
				count[name]++
				if s.SelectionSet != nil {
					children[name] = append(children[name], s.SelectionSet)
				}
			case *ast.InlineFragment:
				collect(s.SelectionSet)
			case *ast.FragmentSpread:
				if f := w.frags[s.Name.Value]; f != nil {
					collect(f.SelectionSet)
				}
			}
		}
	}
	for _, set := range sets {
		collect(set)
	}
	if len(names) > 0 {
		w.depth = max(w.depth, depth+1)
	}
	for _, name := range names {
		if sets := children[name]; len(sets) > 0 && w.fields <= w.max {
			w.merged(sets, depth+1)
		}
	}
}

func fragment(doc *ast.Document, name string) *ast.FragmentDefinition {
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name.Value == name {
			return f
		}
	}
	return nil
}

// guardRules wraps validation rules so that each stops once the
// validation has found more than maxErrors errors or ctx has ended: every
// visit function first checks, and answers "break" when so. graphql-go
// then skips the rule for the rest of the document, whose remaining walk
// is linear.
func guardRules(ctx context.Context, rules []graphql.ValidationRuleFn, maxErrors int) []graphql.ValidationRuleFn {
	out := make([]graphql.ValidationRuleFn, len(rules))
	for i, rule := range rules {
		out[i] = func(vc *graphql.ValidationContext) *graphql.ValidationRuleInstance {
			inst := rule(vc)
			if inst == nil || inst.VisitorOpts == nil {
				return inst
			}
			stop := func() bool { return len(vc.Errors()) > maxErrors || ctx.Err() != nil }
			guard := func(fn visitor.VisitFunc) visitor.VisitFunc {
				if fn == nil {
					return nil
				}
				return func(p visitor.VisitFuncParams) (string, any) {
					if stop() {
						return visitor.ActionBreak, nil
					}
					return fn(p)
				}
			}
			o := inst.VisitorOpts
			g := &visitor.VisitorOptions{Enter: guard(o.Enter), Leave: guard(o.Leave)}
			if o.KindFuncMap != nil {
				g.KindFuncMap = make(map[string]visitor.NamedVisitFuncs, len(o.KindFuncMap))
				for k, f := range o.KindFuncMap {
					g.KindFuncMap[k] = visitor.NamedVisitFuncs{Kind: guard(f.Kind), Enter: guard(f.Enter), Leave: guard(f.Leave)}
				}
			}
			for _, m := range []struct{ from, to *map[string]visitor.VisitFunc }{{&o.EnterKindMap, &g.EnterKindMap}, {&o.LeaveKindMap, &g.LeaveKindMap}} {
				if *m.from != nil {
					*m.to = make(map[string]visitor.VisitFunc, len(*m.from))
					for k, f := range *m.from {
						(*m.to)[k] = guard(f)
					}
				}
			}
			return &graphql.ValidationRuleInstance{VisitorOpts: g}
		}
	}
	return out
}

// limitErrors keeps the first maxErrors errors of a response, and fewer if
// their messages would exceed maxBytes (the first one is kept, its message
// cut), and adds an error that says how many were left out; with
// stoppedEarly (a validation that stopped after maxErrors errors) it says
// "at least" that many, as there may be more.
func limitErrors(errs []gqlerrors.FormattedError, maxErrors, maxBytes int, stoppedEarly bool) []gqlerrors.FormattedError {
	keep, size := 0, 0
	for keep < len(errs) && keep < maxErrors {
		n := len(errs[keep].Message)
		if size+n > maxBytes {
			if keep == 0 {
				errs[0].Message = cutUTF8(errs[0].Message, maxBytes) + "…"
				keep = 1
			}
			break
		}
		size += n
		keep++
	}
	if keep == len(errs) && !stoppedEarly {
		return errs
	}
	left := len(errs) - keep
	msg := fmt.Sprintf("%d more errors were left out; a response shows at most %d errors and %d bytes of messages", left, maxErrors, maxBytes)
	if stoppedEarly {
		msg = fmt.Sprintf("at least %d more errors were left out; validation stops after %d errors", max(left, 1), maxErrors)
	}
	code := any(CodeValidationFailed)
	if keep < len(errs) && errs[keep].Extensions != nil {
		code = errs[keep].Extensions["code"]
	} else if keep > 0 && errs[keep-1].Extensions != nil {
		code = errs[keep-1].Extensions["code"]
	}
	out := append(errs[:keep:keep], gqlerrors.FormattedError{Message: msg, Locations: []location.SourceLocation{}, Extensions: map[string]any{"code": code}})
	return out
}

// cutUTF8 returns the longest prefix of s of at most n bytes that does not
// split a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// locate sets the line and column of every error location from the byte
// offset graphql-go reports for a document parsed without its text (line
// 1, column offset+1), counting lines in the query as graphql-go does:
// "\r\n", "\n" and "\r" each end one, and columns count bytes.
func locate(query string, errs []gqlerrors.FormattedError) {
	var starts, ends []int // of each line terminator
	for i := range errs {
		for j, l := range errs[i].Locations {
			if starts == nil {
				starts, ends = lineTerminators(query)
			}
			pos := l.Column - 1
			line, col := 1, pos+1
			if n := sort.SearchInts(starts, pos); n > 0 { // terminators that start before pos
				line, col = n+1, pos+1-ends[n-1]
			}
			errs[i].Locations[j] = location.SourceLocation{Line: line, Column: col}
		}
	}
}

// lineTerminators returns where each line terminator of q starts and ends.
func lineTerminators(q string) (starts, ends []int) {
	starts, ends = []int{}, []int{}
	for i := 0; i < len(q); i++ {
		switch q[i] {
		case '\n':
			starts, ends = append(starts, i), append(ends, i+1)
		case '\r':
			starts = append(starts, i)
			if i+1 < len(q) && q[i+1] == '\n' {
				i++
			}
			ends = append(ends, i+1)
		}
	}
	return starts, ends
}

// prepare parses and validates a request, in the order that keeps
// graphql-go safe and its work linear in the request (see document.go):
// token and nesting counts, parse, counts of the document's parts,
// fragment-cycle check, field, field-pair, depth and introspection checks,
// then the full validation, which stops when ctx ends. Documents that
// pass are cached. With queryOnly (a GET), an operation other than a query
// is refused as soon as it is known, before validation.
func (h *Handler) prepare(ctx context.Context, b *built, req Request, queryOnly bool) (*cached, *requestError) {
	if strings.TrimSpace(req.Query) == "" {
		return nil, malformedRequest("the request has no query")
	}
	key := cacheKey(req)
	if c, ok := b.docs.get(key); ok {
		if queryOnly && c.op.Operation != ast.OperationTypeQuery {
			return nil, &requestError{getMutation: c.op.Operation}
		}
		return c, nil
	}
	size, body := scanDocument(req.Query)
	switch {
	case size.nesting > h.opts.MaxNesting:
		return nil, badRequest(CodeParseFailed, fmt.Sprintf("the query nests %d levels deep; the limit is %d", size.nesting, h.opts.MaxNesting))
	case size.tokens > h.opts.MaxTokens:
		return nil, badRequest(CodeParseFailed, fmt.Sprintf("the query has %d tokens; the limit is %d", size.tokens, h.opts.MaxTokens))
	}
	// Without its source in the document, an error's location costs
	// nothing: graphql-go would scan the whole text for each one.
	doc, err := parser.Parse(parser.ParseParams{
		Source:  source.NewSource(&source.Source{Body: body, Name: "GraphQL request"}),
		Options: parser.ParseOptions{NoSource: true},
	})
	if err != nil {
		fe := gqlerrors.FormatError(err)
		fe.Extensions = map[string]any{"code": CodeParseFailed}
		return nil, &requestError{errs: []gqlerrors.FormattedError{fe}}
	}
	if rerr := measureDocument(doc).check(h.opts.Limits); rerr != nil {
		return nil, rerr
	}
	if errs := fragmentCycle(doc); errs != nil {
		return nil, h.validationFailed(req.Query, errs, false)
	}
	op, opErr := operation(doc, req.OperationName)
	if opErr != nil {
		return nil, opErr
	}
	if queryOnly && op.Operation != ast.OperationTypeQuery {
		return nil, &requestError{getMutation: op.Operation}
	}
	w := newWalker(doc, h.opts.MaxFields)
	w.document(doc)
	switch {
	case w.fields > h.opts.MaxFields:
		return nil, badRequest(CodeValidationFailed, fmt.Sprintf("the document selects more than %d fields; the limit is %d", h.opts.MaxFields, h.opts.MaxFields))
	case w.pairs > h.opts.MaxFieldPairs:
		return nil, badRequest(CodeValidationFailed, fmt.Sprintf("the document has %d pairs of fields that share a response name, fragments merged in; the limit is %d", w.pairs, h.opts.MaxFieldPairs))
	case w.depth > h.opts.MaxDepth:
		return nil, badRequest(CodeValidationFailed, fmt.Sprintf("the query selects %d levels deep; the limit is %d", w.depth, h.opts.MaxDepth))
	case w.introspection && h.opts.NoIntrospection:
		return nil, badRequest(CodeValidationFailed, "introspection is disabled on this server")
	}
	if ctx.Err() != nil {
		return nil, h.cancelled(ctx)
	}
	res := graphql.ValidateDocument(&b.schema, doc, guardRules(ctx, graphql.SpecifiedRules, h.opts.MaxErrors))
	if ctx.Err() != nil {
		return nil, h.cancelled(ctx) // the validation may have stopped short
	}
	if !res.IsValid {
		return nil, h.validationFailed(req.Query, res.Errors, len(res.Errors) > h.opts.MaxErrors)
	}
	c := &cached{key: key, doc: doc, op: op, private: w.private}
	b.docs.put(c)
	return c, nil
}

// validationFailed is the request error of a document that failed
// validation, its errors located in query and limited; stoppedEarly tells
// that the validation stopped before the end.
func (h *Handler) validationFailed(query string, errs []gqlerrors.FormattedError, stoppedEarly bool) *requestError {
	for i := range errs {
		errs[i].Extensions = map[string]any{"code": CodeValidationFailed}
	}
	locate(query, errs)
	return &requestError{errs: limitErrors(errs, h.opts.MaxErrors, h.opts.MaxErrorBytes, stoppedEarly)}
}

// operation picks the operation to run.
func operation(doc *ast.Document, name string) (*ast.OperationDefinition, *requestError) {
	var found *ast.OperationDefinition
	count := 0
	for _, d := range doc.Definitions {
		op, ok := d.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		count++
		if name == "" || (op.Name != nil && op.Name.Value == name) {
			found = op
		}
	}
	switch {
	case name == "" && count > 1:
		return nil, badRequest(CodeBadUserInput, "the document has several operations: name one with operationName")
	case found == nil && name != "":
		return nil, badRequest(CodeBadUserInput, fmt.Sprintf("no operation named %q", name))
	case found == nil:
		return nil, badRequest(CodeBadUserInput, "the document has no operation")
	}
	return found, nil
}
