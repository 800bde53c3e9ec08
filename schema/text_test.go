package schema

import (
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestMutationsRefuseControlCharactersAndHugeFields writes names, titles,
// descriptions and quotes that break the text rules through mutations:
// each is BAD_USER_INPUT and the store is left as it was.
func TestMutationsRefuseControlCharactersAndHugeFields(t *testing.T) {
	st := seeded(t)
	const token = "s3cret"
	srv := httptest.NewServer(handlerOn(t, st, Options{Token: token}))
	t.Cleanup(srv.Close)
	tests := []struct {
		name, query string
	}{
		{"a NUL in a name", `mutation { addEntity(id: "newcomer", type: "Country", name: "a\u0000b") { id } }`},
		{"a right-to-left override in a name", `mutation { addEntity(id: "newcomer", type: "Country", name: "\u202Eaidni") { id } }`},
		{"a control character in an alias", `mutation { addEntity(id: "newcomer", type: "Country", name: "X", aliases: [{name: "a\u0007"}]) { id } }`},
		{"a C1 control in a description", `mutation { updateEntity(id: "india", description: "a\u0085b") { id } }`},
		{"a title of 3000 bytes", `mutation { addSource(id: "s", title: "` + strings.Repeat("x", 3000) + `") { id } }`},
		{"a NUL in a quote", `mutation { addClaim(relation: "india.accused-of-backing.bla",
			claim: {source: "src-86013d487e35f14f", claimant: "ttp", stance: DENIES, quote: "a\u0000"}) { id } }`},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is BAD_USER_INPUT", func(t *testing.T) {
			before := storeState(t, st)
			_, resp := post(t, srv.URL, token, tt.query)
			if !slices.Equal(codesOf(resp), []string{CodeBadUserInput}) {
				t.Fatalf("codes = %v (%+v), want BAD_USER_INPUT", codesOf(resp), resp.Errors)
			}
			if !reflect.DeepEqual(storeState(t, st), before) {
				t.Error("the store changed")
			}
		})
	}
}
