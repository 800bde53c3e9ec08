package schema

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cache"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

func TestDeleteEntityOverGraphQL(t *testing.T) {
	ctx := t.Context()
	raw, err := cayley.Open(ctx, "bolt:"+t.TempDir()+"/x.db", cayley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	if _, err := seed.Load(ctx, raw, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		t.Fatal(err)
	}
	export := func(tb testing.TB) []byte {
		tb.Helper()
		var buf bytes.Buffer
		if err := raw.WriteNQuads(tb.Context(), &buf); err != nil {
			tb.Fatal(err)
		}
		return buf.Bytes()
	}
	srv := httptest.NewServer(handlerOn(t, cache.New(raw, 0), Options{Token: "secret"}))
	t.Cleanup(srv.Close)
	type deletion struct {
		Entity                                             string
		Statements, Claims, Aliases, Redirects, Judgements int
		DryRun                                             bool
	}
	deleteTTP := func(tb testing.TB, token, args string) (deletion, []string) {
		tb.Helper()
		_, resp := post(tb, srv.URL, token, `mutation { deleteEntity(id: "ttp"`+args+`) { entity statements claims aliases redirects judgements dryRun } }`)
		var data struct{ DeleteEntity deletion }
		if len(resp.Errors) == 0 {
			if err := json.Unmarshal(resp.Data, &data); err != nil {
				tb.Fatal(err)
			}
		}
		return data.DeleteEntity, codesOf(resp)
	}
	before := export(t)
	// The relations of ttp, read through the cache before the deletion.
	_, resp := post(t, srv.URL, "", `{ entity(id: "india") { relations { to { id } } } }`)
	if !strings.Contains(string(resp.Data), `"ttp"`) {
		t.Fatalf("india's relations lack ttp before the deletion: %s", resp.Data)
	}

	for _, c := range []struct {
		name, token, args string
		want              []string
	}{
		{"without cascade it is a conflict", "secret", "", []string{CodeConflict}},
		{"a dry run without cascade is the same conflict", "", ", dryRun: true", []string{CodeConflict}},
		{"without a token it is refused", "", ", cascade: true", []string{CodeUnauthenticated}},
	} {
		t.Run(c.name+" and the export stays byte-identical", func(t *testing.T) {
			_, codes := deleteTTP(t, c.token, c.args)
			if strings.Join(codes, ",") != strings.Join(c.want, ",") {
				t.Errorf("codes %v, want %v", codes, c.want)
			}
			if !bytes.Equal(before, export(t)) {
				t.Error("a refused deletion changed the store")
			}
		})
	}
	_, resp = post(t, srv.URL, "secret", `mutation { deleteEntity(id: "ttp") { entity } }`)
	if len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, "statements (with their claims)") {
		t.Errorf("the conflict does not say how many statements name ttp: %+v", resp.Errors)
	}

	dry, codes := deleteTTP(t, "", ", cascade: true, dryRun: true")
	if len(codes) > 0 || !dry.DryRun || dry.Entity != "ttp" || dry.Statements == 0 || dry.Claims < dry.Statements {
		t.Fatalf("dry run without a token: %+v, %v", dry, codes)
	}
	if !bytes.Equal(before, export(t)) {
		t.Error("a dry run changed the store")
	}
	got, codes := deleteTTP(t, "secret", ", cascade: true")
	dry.DryRun = false
	if len(codes) > 0 || got != dry {
		t.Fatalf("deletion %+v (codes %v), want what the dry run counted, %+v", got, codes, dry)
	}
	_, resp = post(t, srv.URL, "", `{ entity(id: "ttp") { id } india: entity(id: "india") { relations { to { id } } } }`)
	if strings.Contains(string(resp.Data), `"ttp"`) || !strings.Contains(string(resp.Data), `"entity":null`) {
		t.Errorf("after the deletion: %s", resp.Data)
	}
	_, codes = deleteTTP(t, "secret", ", cascade: true")
	if strings.Join(codes, ",") != CodeNotFound {
		t.Errorf("deleting it again: codes %v, want NOT_FOUND", codes)
	}
}
