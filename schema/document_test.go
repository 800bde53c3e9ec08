package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/location"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
)

// worstCaseBudget bounds how long one crafted worst case may take. Alone
// each takes milliseconds without the race detector (the tests log the
// figures); the bound is generous because go test runs packages side by
// side on shared cores, under -race. The cases also check how each was
// answered, which shows where it stopped.
const worstCaseBudget = hostileBudget

// ask sends a GraphQL request with POST or GET and returns the status and
// the decoded response.
func ask(tb testing.TB, srvURL, method, query, operationName string) (int, Response) {
	tb.Helper()
	var req *http.Request
	if method == http.MethodPost {
		body, _ := json.Marshal(Request{Query: query, OperationName: operationName})
		req, _ = http.NewRequestWithContext(tb.Context(), method, srvURL, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
	} else {
		v := url.Values{"query": {query}}
		if operationName != "" {
			v.Set("operationName", operationName)
		}
		req, _ = http.NewRequestWithContext(tb.Context(), method, srvURL+"?"+v.Encode(), nil)
	}
	req.Header.Set("Accept", mediaGraphQLResponse)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out Response
	if err := json.Unmarshal(b, &out); err != nil {
		tb.Fatalf("status %d, body %.300s: %v", resp.StatusCode, b, err)
	}
	return resp.StatusCode, out
}

// repeat joins n copies of format, each given its index.
func repeat(n int, format string) string {
	var b strings.Builder
	for i := range n {
		if strings.Contains(format, "%d") {
			fmt.Fprintf(&b, format, i)
		} else {
			b.WriteString(format)
		}
	}
	return b.String()
}

// worstCase is a document crafted against one validation rule, at the
// limits and far beyond them.
type worstCase struct {
	name    string
	opName  string
	at, far string
	farCode string
}

func worstCases() []worstCase {
	return []worstCase{
		{name: "unused variables",
			at:      "query(" + repeat(100, "$v%d:Int,") + "){ __typename }",
			far:     "query(" + repeat(60000, "$v%d:Int,") + "){ __typename }",
			farCode: CodeParseFailed},
		{name: "unused variables under the token limit",
			at:      "query(" + repeat(100, "$v%d:Int,") + "){ __typename }",
			far:     "query(" + repeat(3000, "$v%d:Int,") + "){ __typename }",
			farCode: CodeValidationFailed},
		{name: "duplicate variable names",
			at:      "query(" + repeat(100, "$v:Int,") + "){ __typename }",
			far:     "query(" + repeat(3000, "$v:Int,") + "){ __typename }",
			farCode: CodeValidationFailed},
		{name: "duplicate fragment names",
			at:      "{ ...F }" + repeat(100, " fragment F on Query { __typename }"),
			far:     "{ ...F }" + repeat(4000, " fragment F on Query { __typename }"),
			farCode: CodeParseFailed},
		{name: "duplicate fragment names under the token limit",
			at:      "{ ...F }" + repeat(100, " fragment F on Query { __typename }"),
			far:     "{ ...F }" + repeat(1000, " fragment F on Query { __typename }"),
			farCode: CodeValidationFailed},
		{name: "duplicate operation names", opName: "Q",
			at:      repeat(100, "query Q { __typename } "),
			far:     repeat(4000, "query Q { __typename } "),
			farCode: CodeParseFailed},
		{name: "duplicate operation names under the token limit", opName: "Q",
			at:      repeat(100, "query Q { __typename } "),
			far:     repeat(1000, "query Q { __typename } "),
			farCode: CodeValidationFailed},
		{name: "unused fragments",
			at:      "{ __typename }" + repeat(100, " fragment F%d on Query { __typename }"),
			far:     "{ __typename }" + repeat(4000, " fragment F%d on Query { __typename }"),
			farCode: CodeParseFailed},
		{name: "variables in the wrong position",
			at:      "query($v:Int){" + repeat(500, ` a%d: entity(id:$v) { id }`) + " }",
			far:     "query($v:Int){" + repeat(4000, ` a%d: entity(id:$v) { id }`) + " }",
			farCode: CodeParseFailed},
		{name: "variables in the wrong position inside one list",
			at:      `query($v:Int){ paths(from:"a", to:"b", types:[` + repeat(1000, "$v ") + `]) { __typename } }`,
			far:     `query($v:Int){ paths(from:"a", to:"b", types:[` + repeat(60000, "$v ") + `]) { __typename } }`,
			farCode: CodeParseFailed},
		{name: "variables in the wrong position inside one list under the token limit",
			at:      `query($v:Int){ paths(from:"a", to:"b", types:[` + repeat(1000, "$v ") + `]) { __typename } }`,
			far:     `query($v:Int){ paths(from:"a", to:"b", types:[` + repeat(7000, "$v ") + `]) { __typename } }`,
			farCode: CodeValidationFailed},
		{name: "duplicate arguments",
			at:      "{" + repeat(20, ` a%d: entity(`+repeat(50, `id:"x" `)+`) { id }`) + " }",
			far:     `{ entity(` + repeat(4000, `id:"x" `) + `) { id } }`,
			farCode: CodeValidationFailed},
		{name: "arguments over the document",
			at:      "{" + repeat(20, ` a%d: entity(`+repeat(50, `id:"x" `)+`) { id }`) + " }",
			far:     "{" + repeat(40, ` a%d: entity(`+repeat(50, `id:"x" `)+`) { id }`) + " }",
			farCode: CodeValidationFailed},
		{name: "directives",
			at:      "{" + repeat(100, ` a%d: __typename @skip(if: false)`) + " }",
			far:     "{" + repeat(1000, ` a%d: __typename @skip(if: false)`) + " }",
			farCode: CodeValidationFailed},
		{name: "overlapping fields of one name",
			at:      "{" + repeat(100, ` a: entity(id:"x%d") { id }`) + " }",
			far:     "{" + repeat(4000, ` a: entity(id:"x%d") { id }`) + " }",
			farCode: CodeParseFailed},
		{name: "overlapping fields of one name under the token limit",
			at:      "{" + repeat(100, ` a: entity(id:"x%d") { id }`) + " }",
			far:     "{" + repeat(500, ` a: entity(id:"x%d") { id }`) + " }",
			farCode: CodeValidationFailed},
		{name: "fields of one name and different types",
			at:      "{" + repeat(70, ` a: __typename a: entityTypes`) + " }",
			far:     "{" + repeat(499, ` a: __typename a: entityTypes`) + " }",
			farCode: CodeValidationFailed},
		{name: "fields of one name merged from fragments",
			at:      "{" + repeat(70, ` ...F%d`) + " }" + repeat(70, ` fragment F%d on Query { a: __typename a: entityTypes }`),
			far:     "{" + repeat(100, ` ...F%d`) + " }" + repeat(100, ` fragment F%d on Query { a: __typename a: entityTypes }`),
			farCode: CodeValidationFailed},
		{name: "many fields of one name",
			at:      "{" + repeat(141, " __typename") + " }",
			far:     "{" + repeat(12000, " __typename") + " }",
			farCode: CodeValidationFailed},
		{name: "fields in an operation that does not run", opName: "A",
			at:      "query A { __typename } query B {" + repeat(999, " a%d: __typename") + " }",
			far:     "query A { __typename } query B {" + repeat(2000, " a%d: __typename") + " }",
			farCode: CodeValidationFailed},
		{name: "fields in a fragment no operation spreads",
			at:      "{ __typename } fragment F on Query {" + repeat(999, " a%d: __typename") + " }",
			far:     "{ __typename } fragment F on Query {" + repeat(2000, " a%d: __typename") + " }",
			farCode: CodeValidationFailed},
		{name: "fragments spreading each other",
			at:      "{ ...F0 }" + repeat(99, " fragment F%d on Query { __typename ...FX }") + " fragment FX on Query { __typename }",
			far:     "{ ...F0 }" + repeat(1000, " fragment F%d on Query { __typename ...FX }") + " fragment FX on Query { __typename }",
			farCode: CodeValidationFailed},
		{name: "fragment cycles",
			at:      "{ ...F0 }" + repeat(100, " fragment F%d on Query { ...F0 ...F1 ...F2 ...F3 ...F4 ...F5 ...F6 ...F7 ...F8 ...F9 ...F10 ...F11 ...F12 ...F13 ...F14 ...F15 ...F16 ...F17 ...F18 ...F19 ...F20 ...F21 ...F22 ...F23 ...F24 ...F25 ...F26 ...F27 ...F28 ...F29 ...F30 ...F31 ...F32 ...F33 ...F34 ...F35 ...F36 ...F37 ...F38 ...F39 ...F40 ...F41 ...F42 ...F43 ...F44 ...F45 ...F46 ...F47 ...F48 ...F49 ...F50 ...F51 ...F52 ...F53 ...F54 ...F55 ...F56 ...F57 ...F58 ...F59 ...F60 ...F61 ...F62 ...F63 ...F64 ...F65 ...F66 ...F67 ...F68 ...F69 }"),
			far:     "{ ...F0 }" + repeat(1000, " fragment F%d on Query { ...F0 ...F1 }"),
			farCode: CodeValidationFailed},
	}
}

// TestValidationWorstCases sends each crafted worst case of graphql-go's
// validation rules, with POST and with GET, far beyond the limits (refused
// by a limit, before the full validation) and at them (answered by the
// full validation, each error with its location), and also at the limits
// with the body padded to 400 KB of comment lines, which made every error
// cost a scan of the whole text.
func TestValidationWorstCases(t *testing.T) {
	srv := httptest.NewServer(newHandler(t))
	t.Cleanup(srv.Close)
	padding := strings.Repeat("# padding\n", 40000)
	for _, tc := range worstCases() {
		for _, method := range []string{http.MethodPost, http.MethodGet} {
			t.Run(tc.name+"/"+method+"/far beyond the limits is refused by a limit", func(t *testing.T) {
				if method == http.MethodGet && len(tc.far) > 200_000 {
					t.Skip("too long for a URL")
				}
				start := time.Now()
				status, resp := ask(t, srv.URL, method, tc.far, tc.opName)
				took := time.Since(start)
				t.Logf("%d bytes: %s", len(tc.far), took)
				if codes := codesOf(resp); status != 400 || len(codes) != 1 || codes[0] != tc.farCode || len(resp.Errors[0].Locations) != 0 {
					t.Errorf("status %d, errors %v; want 400 with one %s and no location", status, resp.Errors, tc.farCode)
				}
				if took > worstCaseBudget {
					t.Errorf("took %s, want under %s", took, worstCaseBudget)
				}
			})
			t.Run(tc.name+"/"+method+"/at the limits is validated", func(t *testing.T) {
				start := time.Now()
				status, resp := ask(t, srv.URL, method, tc.at, tc.opName)
				took := time.Since(start)
				t.Logf("%d bytes, %d errors: %s", len(tc.at), len(resp.Errors), took)
				checkValidated(t, status, resp)
				if took > worstCaseBudget {
					t.Errorf("took %s, want under %s", took, worstCaseBudget)
				}
			})
		}
		t.Run(tc.name+"/POST/at the limits padded to 400 KB is validated", func(t *testing.T) {
			start := time.Now()
			status, resp := ask(t, srv.URL, http.MethodPost, tc.at+"\n"+padding, tc.opName)
			took := time.Since(start)
			t.Logf("%d bytes, %d errors: %s", len(tc.at)+len(padding), len(resp.Errors), took)
			checkValidated(t, status, resp)
			if took > worstCaseBudget {
				t.Errorf("took %s, want under %s", took, worstCaseBudget)
			}
		})
	}
}

// checkValidated checks that a response came from graphql-go's validation
// or execution, not from a limit: data, or errors that each have a
// location (a limit's error has none), save a last one saying how many
// were left out.
func checkValidated(tb testing.TB, status int, resp Response) {
	tb.Helper()
	if len(resp.Errors) == 0 {
		if status != 200 || resp.Data == nil {
			tb.Errorf("status %d, no errors and no data", status)
		}
		return
	}
	errs := resp.Errors
	if len(errs) == defaultLimits().MaxErrors+1 {
		errs = errs[:len(errs)-1]
	}
	for _, e := range errs {
		code, _ := e.Extensions["code"].(string)
		if len(e.Locations) == 0 || code != CodeValidationFailed {
			tb.Errorf("status %d, error %q with code %s and locations %v; want a validation error with a location", status, e.Message, code, e.Locations)
			return
		}
	}
}

func TestIntrospectionQueryPassesTheLimits(t *testing.T) {
	q, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	size, _ := scanDocument(string(q))
	doc, err := parser.Parse(parser.ParseParams{Source: string(q)})
	if err != nil {
		t.Fatal(err)
	}
	w := newWalker(doc, 1<<30)
	w.document(doc)
	l := defaultLimits()
	t.Logf("GraphiQL's introspection query: %d tokens (limit %d), %d fields expanded (limit %d), %d pairs (limit %d), depth %d (limit %d), %+v",
		size.tokens, l.MaxTokens, w.fields, l.MaxFields, w.pairs, l.MaxFieldPairs, w.depth, l.MaxDepth, measureDocument(doc))
	if size.tokens > l.MaxTokens/10 || w.fields > l.MaxFields*3/4 || w.pairs > l.MaxFieldPairs/10 {
		t.Errorf("the introspection query comes too close to the limits")
	}
	srv := httptest.NewServer(newHandler(t))
	t.Cleanup(srv.Close)
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		if status, resp := ask(t, srv.URL, method, string(q), ""); status != 200 || len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `"queryType"`) {
			t.Errorf("%s: status %d, errors %v", method, status, resp.Errors)
		}
	}
}

func TestScanDocumentCountsTokens(t *testing.T) {
	for _, tc := range []struct {
		name           string
		q              string
		tokens, nested int
	}{
		{"punctuators, names and a spread", `query Q($a: Int = 1) { ...F a(b: [1, 2.5e3, -3]) }`, 24, 3},
		{"commas and comments are not tokens", "{ a, b, # c d e { ( [\n c }", 5, 1},
		{"a string is one token, brackets in it ignored", `{ a(s: "x { ( [ \" y") }`, 8, 2},
		{"a block string with an escaped quote is one token", `{ a(s: """x \""" { ( [ """) }`, 8, 2},
		{"an unterminated block string ends the document", `{ a(s: """x { ( [`, 6, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if s, _ := scanDocument(tc.q); s.tokens != tc.tokens || s.nesting != tc.nested {
				t.Errorf("tokens %d, nesting %d; want %d, %d", s.tokens, s.nesting, tc.tokens, tc.nested)
			}
		})
	}
}

// TestErrorLocationsMatchGraphQLGo checks that locate, from bare offsets,
// gives the lines and columns graphql-go computes from the text.
func TestErrorLocationsMatchGraphQLGo(t *testing.T) {
	q := "a\r\nbc\nd\re\r\r\n\nf"
	src := source.NewSource(&source.Source{Body: []byte(q)})
	for pos := 0; pos <= len(q); pos++ {
		errs := []gqlerrors.FormattedError{{Locations: []location.SourceLocation{{Line: 1, Column: pos + 1}}}}
		locate(q, errs)
		if want := location.GetLocation(src, pos); errs[0].Locations[0] != want {
			t.Errorf("offset %d: %+v, want %+v", pos, errs[0].Locations[0], want)
		}
	}
}

func TestResponseErrorsAreCapped(t *testing.T) {
	srv := httptest.NewServer(newHandler(t))
	t.Cleanup(srv.Close)
	l := defaultLimits()
	t.Run("a document with 1000 unknown fields gets 100 errors and a note", func(t *testing.T) {
		_, resp := ask(t, srv.URL, http.MethodPost, "{"+repeat(1000, " x%d")+" }", "")
		if len(resp.Errors) != l.MaxErrors+1 {
			t.Fatalf("%d errors, want %d", len(resp.Errors), l.MaxErrors+1)
		}
		last := resp.Errors[l.MaxErrors]
		if code, _ := last.Extensions["code"].(string); code != CodeValidationFailed || len(last.Locations) != 0 {
			t.Errorf("last error %+v; want a note with the validation code and no location", last)
		}
	})
	t.Run("messages beyond the byte limit are left out", func(t *testing.T) {
		errs := make([]gqlerrors.FormattedError, 10)
		for i := range errs {
			errs[i] = gqlerrors.FormattedError{Message: strings.Repeat("x", 10<<10), Extensions: map[string]any{"code": CodeNotFound}}
		}
		got := limitErrors(errs, 100, 64<<10, false)
		if len(got) != 7 || got[6].Extensions["code"] != CodeNotFound || !strings.Contains(got[6].Message, "4 more") {
			t.Errorf("%d errors, last %.100s; want 6 and a note of 4 more", len(got), got[len(got)-1].Message)
		}
	})
	t.Run("one message beyond the byte limit is cut", func(t *testing.T) {
		errs := []gqlerrors.FormattedError{{Message: strings.Repeat("é", 64<<10)}}
		got := limitErrors(errs, 100, 64<<10, false)
		if len(got) != 1 || len(got[0].Message) > 64<<10+len("…") || !strings.HasSuffix(got[0].Message, "é…") {
			t.Errorf("%d errors, message of %d bytes", len(got), len(got[0].Message))
		}
	})
	t.Run("a response under the limits is left alone", func(t *testing.T) {
		errs := make([]gqlerrors.FormattedError, 100)
		if got := limitErrors(errs, 100, 64<<10, false); len(got) != 100 {
			t.Errorf("%d errors, want 100", len(got))
		}
	})
}

// TestValidationStopsWhenTheContextEnds checks that a request whose client
// went away or whose time ran out is not validated: the handler refuses
// it before the full validation, and the guarded rules stop at their next
// step. (Over HTTP a disconnect mid-validation cannot be timed reliably:
// at the limits the validation takes milliseconds.)
func TestValidationStopsWhenTheContextEnds(t *testing.T) {
	h := newHandler(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	q := "{" + repeat(1000, " x%d") + " }"
	t.Run("the handler answers SERVICE_UNAVAILABLE and caches nothing", func(t *testing.T) {
		before := h.current(t.Context()).docs.len()
		resp, ok := h.Do(ctx, Request{Query: q})
		if codes := codesOf(resp); ok || len(codes) != 1 || codes[0] != CodeServiceUnavailable {
			t.Errorf("ok %v, codes %v; want SERVICE_UNAVAILABLE", ok, codes)
		}
		if after := h.current(t.Context()).docs.len(); after != before {
			t.Errorf("cached documents %d → %d", before, after)
		}
	})
	t.Run("the guarded rules stop at once", func(t *testing.T) {
		doc, err := parser.Parse(parser.ParseParams{Source: q})
		if err != nil {
			t.Fatal(err)
		}
		b := h.current(t.Context())
		if res := graphql.ValidateDocument(&b.schema, doc, graphql.SpecifiedRules); len(res.Errors) != 1000 {
			t.Fatalf("unguarded: %d errors, want 1000", len(res.Errors))
		}
		if res := graphql.ValidateDocument(&b.schema, doc, guardRules(ctx, graphql.SpecifiedRules, 100)); len(res.Errors) != 0 {
			t.Errorf("guarded, context ended: %d errors, want none", len(res.Errors))
		}
		if res := graphql.ValidateDocument(&b.schema, doc, guardRules(t.Context(), graphql.SpecifiedRules, 100)); len(res.Errors) != 101 {
			t.Errorf("guarded: %d errors, want 101", len(res.Errors))
		}
	})
}

func defaultLimits() Limits { return Limits{}.withDefaults() }

// TestFragmentCycleMatchesGraphQLGo checks that the cycle search gives the
// first error graphql-go's own rule gives, locations included, and none
// for a document without cycles.
func TestFragmentCycleMatchesGraphQLGo(t *testing.T) {
	h := newHandler(t)
	b := h.current(t.Context())
	for _, tc := range []struct{ name, q string }{
		{"a fragment spreading itself", `{ ...A } fragment A on Query { ...A }`},
		{"two fragments spreading each other", "{ ...A }\nfragment A on Query { ...B }\nfragment B on Query { ...A }"},
		{"a cycle through fields and inline fragments", "{ ...A }\nfragment A on Query { entity(id:\"x\") { ...B } }\nfragment B on Entity { ... on Country { ...C } }\r\nfragment C on Entity { ...B }"},
		{"a cycle entered from outside", "{ ...A } fragment A on Query { ...B ...B } fragment B on Query { ...C } fragment C on Query { ...D } fragment D on Query { ...B }"},
		{"no cycle", "{ ...A ...B } fragment A on Query { ...B ...C } fragment B on Query { ...C } fragment C on Query { __typename }"},
		{"an unknown fragment", "{ ...A } fragment A on Query { ...Z }"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			withText, err := parser.Parse(parser.ParseParams{Source: tc.q})
			if err != nil {
				t.Fatal(err)
			}
			want := graphql.ValidateDocument(&b.schema, withText, []graphql.ValidationRuleFn{graphql.NoFragmentCyclesRule}).Errors
			doc, err := parser.Parse(parser.ParseParams{Source: tc.q, Options: parser.ParseOptions{NoSource: true}})
			if err != nil {
				t.Fatal(err)
			}
			got := fragmentCycle(doc)
			locate(tc.q, got)
			if len(want) == 0 || len(got) == 0 {
				if len(want) != len(got) {
					t.Fatalf("errors %v, want %v", got, want)
				}
				return
			}
			if got[0].Message != want[0].Message || fmt.Sprint(got[0].Locations) != fmt.Sprint(want[0].Locations) {
				t.Errorf("got %s at %v, want %s at %v", got[0].Message, got[0].Locations, want[0].Message, want[0].Locations)
			}
		})
	}
}
