package schema

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// TestMutationNamesAndRules checks that mutations speak the API's own
// names and rules: argument names in problems, the stance FORMAT.md
// defaults, claim ids that name their statement once, a clear answer to a
// malformed claim id.
func TestMutationNamesAndRules(t *testing.T) {
	st := seeded(t)
	const token = "s3cret"
	srv := httptest.NewServer(handlerOn(t, st, Options{Token: token}))
	t.Cleanup(srv.Close)

	tests := []struct {
		name     string
		query    string
		wantCode string   // "" for none
		wantIn   []string // in the message or the data
		notIn    []string
	}{
		{
			name:     "a bad validFrom is named validFrom",
			query:    `mutation { addStatement(subject: "india", type: "allied-with", object: "pakistan", validFrom: "2024-13", claim: {source: "` + seedSource + `"}) { id } }`,
			wantCode: CodeBadUserInput,
			wantIn:   []string{`validFrom: date "2024-13" does not exist`},
			notIn:    []string{"since", "statement[0]"},
		},
		{
			name:     "a bad claim field is named within claim",
			query:    `mutation { addStatement(subject: "india", type: "allied-with", object: "pakistan", claim: {source: "nowhere"}) { id } }`,
			wantCode: CodeBadUserInput,
			wantIn:   []string{`claim.source: unknown source "nowhere"`},
		},
		{
			name:   "a claim without a stance asserts",
			query:  `mutation { addStatement(subject: "india", type: "allied-with", object: "pakistan", claim: {source: "` + seedSource + `", claimant: "india"}) { claims { stance id } } }`,
			wantIn: []string{`"stance":"ASSERTS"`, `"id":"claim:india.allied-with.pakistan#~` + seedSource + `~india"`},
		},
		{
			name:   "a claim id names its statement once",
			query:  `{ relation(id: "relation:india.accused-of-backing.ttp") { claims { id } } }`,
			wantIn: []string{`"id":"claim:india.accused-of-backing.ttp#~`},
			notIn:  []string{`#india.accused-of-backing.ttp~`},
		},
		{
			name:   "a claim id of the short form resolves",
			query:  `{ node(id: "claim:india.accused-of-backing.ttp#~` + seedSource + `~pakistan") { ... on Claim { stance } } }`,
			wantIn: []string{`"stance":"ASSERTS"`},
		},
		{
			name:   "a claim id of the long form still resolves",
			query:  `{ node(id: "claim:india.accused-of-backing.ttp#india.accused-of-backing.ttp~` + seedSource + `~pakistan") { ... on Claim { stance } } }`,
			wantIn: []string{`"stance":"ASSERTS"`},
		},
		{
			name:     "an empty claim id is bad input",
			query:    `mutation { retractClaim(id: "claim:") { removed } }`,
			wantCode: CodeBadUserInput,
			wantIn:   []string{`"claim:" is not a claim id`},
		},
		{
			name:     "a claim id without its statement is the claim's own id",
			query:    `mutation { retractClaim(id: "claim:nope") { removed } }`,
			wantCode: CodeNotFound,
			wantIn:   []string{`"nope"`},
			notIn:    []string{`no claim ""`},
		},
		{
			name:   "a claim of the short form retracts",
			query:  `mutation { retractClaim(id: "claim:india.allied-with.pakistan#~` + seedSource + `~india") { removed } }`,
			wantIn: []string{`"removed":2`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, resp := post(t, srv.URL, token, tt.query)
			got := string(resp.Data)
			for _, e := range resp.Errors {
				got += "\n" + e.Message
			}
			if codes := codesOf(resp); (tt.wantCode == "" && len(codes) > 0) || (tt.wantCode != "" && !slices.Equal(codes, []string{tt.wantCode})) {
				t.Fatalf("codes %v, want %q: %s", codes, tt.wantCode, got)
			}
			for _, want := range tt.wantIn {
				if !strings.Contains(got, want) {
					t.Errorf("answer lacks %s: %s", want, got)
				}
			}
			for _, bad := range tt.notIn {
				if strings.Contains(got, bad) {
					t.Errorf("answer has %s: %s", bad, got)
				}
			}
		})
	}
}

// TestImportErrorsOmitEmptyProblems checks that an import error without
// file problems has no "problems": null.
func TestImportErrorsOmitEmptyProblems(t *testing.T) {
	h := handlerOn(t, seeded(t), Options{Token: "t"})
	srv := httptest.NewServer(h.ImportHandler())
	t.Cleanup(srv.Close)
	resp, err := http.Post(srv.URL+"?dryRun=maybe", "application/yaml", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || strings.Contains(string(body), "problems") {
		t.Errorf("%d %s, want 400 without a problems key", resp.StatusCode, body)
	}
}
