package schema

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph/feed"
)

// TestStatusChangesInbox checks the disputes inbox: the relations whose
// status changed since a date, newest change first, one entry each.
func TestStatusChangesInbox(t *testing.T) {
	srv := feedServer(t, Options{}, feed.Options{}, nil)
	write := func(q string) {
		t.Helper()
		if status, resp := post(t, srv.URL+"/graphql", "ed-token", q); status != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("%s: %d %+v", q, status, resp.Errors)
		}
	}
	before := time.Now().UTC().Add(-time.Second).Format(time.RFC3339Nano)
	write(denyMutation)
	write(`mutation { retractClaim(id: "` + allegedRelation + `~src-86013d487e35f14f~india") { removed } }`)
	write(`mutation { retractClaim(id: "india.accused-of-backing.bla~src-86013d487e35f14f~india") { removed } }`)
	inbox := func(since string) string {
		t.Helper()
		_, resp := post(t, srv.URL+"/graphql", "rita-token",
			`{ statusChanges(since: "`+since+`") { relationId from to changes claim { stance claimant { id } } } }`)
		if len(resp.Errors) > 0 {
			t.Fatalf("statusChanges: %+v", resp.Errors)
		}
		var out struct{ StatusChanges json.RawMessage }
		json.Unmarshal(resp.Data, &out)
		return string(out.StatusChanges)
	}
	for _, tc := range []struct{ name, since, want string }{
		{"newest first, one entry per relation with its latest change", before,
			`[{"relationId":"relation:india.accused-of-backing.bla","from":"DISPUTED","to":"ALLEGED","changes":1,"claim":null},` +
				`{"relationId":"relation:` + allegedRelation + `","from":"DISPUTED","to":"ALLEGED","changes":2,"claim":null}]`},
		{"nothing since a later time", time.Now().Add(time.Hour).UTC().Format(time.RFC3339), `[]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := inbox(tc.since); got != tc.want {
				t.Errorf("got\n %s\nwant\n %s", got, tc.want)
			}
		})
	}
}
