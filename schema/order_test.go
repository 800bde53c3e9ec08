package schema

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
)

func TestAppendStringEscapesAsEncodingJSON(t *testing.T) {
	cases := []string{"", "India", `say "no"`, `back\slash`, "tab\tnew\nline\rcr", "\x00\x01\x1f\x7f",
		"<script>&amp;</script>", "Quétta ß 漢字 🙂", "line\u2028para\u2029", "bad \xff\xfe utf8", "\xc3"}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune{'a', '"', '\\', '<', '&', 0, 0x1f, 'é', '\u2028', 0x1F642}
	for range 2000 {
		var r []byte
		for range rng.IntN(12) {
			if rng.IntN(8) == 0 {
				r = append(r, byte(rng.IntN(256))) // often invalid UTF-8
			} else {
				r = append(r, string(alphabet[rng.IntN(len(alphabet))])...)
			}
		}
		cases = append(cases, string(r))
	}
	for _, s := range cases {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s, encoding/json %s", s, got, want)
		}
	}
}

func TestOrderedDataFollowsTheSelection(t *testing.T) {
	doc, err := parser.Parse(parser.ParseParams{Source: `query {
		b: entity { zeta alpha ...F }
		a: entity { ... on Entity { mid } alpha }
	}
	fragment F on Entity { alpha mid list { y x } }`})
	if err != nil {
		t.Fatal(err)
	}
	op := doc.Definitions[0].(*ast.OperationDefinition)
	data := map[string]any{
		"a": map[string]any{"alpha": 1, "mid": nil},
		"b": map[string]any{"alpha": true, "zeta": "z", "mid": 2.5, "list": []any{
			map[string]any{"x": "1", "y": "2"}, map[string]any{"x": "3", "y": "4"}}, "extra": "e"},
	}
	got, err := orderedData(doc, op, data)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"b":{"zeta":"z","alpha":true,"mid":2.5,"list":[{"y":"2","x":"1"},{"y":"4","x":"3"}],"extra":"e"},"a":{"mid":null,"alpha":1}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
