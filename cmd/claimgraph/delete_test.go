package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// TestDeleteCommand deletes the TTP from a seeded store, opened by the
// command itself and through a running server: refused while relations
// name it (the export unchanged), counted by a dry run, removed with
// --cascade.
func TestDeleteCommand(t *testing.T) {
	const token = "s3cret"
	local := "bolt:" + filepath.Join(t.TempDir(), "local.db")
	mustRun(t, "seed", "--store", local)
	served := "bolt:" + filepath.Join(t.TempDir(), "served.db")
	mustRun(t, "seed", "--store", served)
	s := startServer(t, "--store", served, "--token", token)

	counted := regexp.MustCompile(`with (\d+) statements, (\d+) claims`)
	for _, c := range []struct {
		name string
		env  map[string]string
		on   []string // the flags that pick the store
		// export reads the store's export as the command line gets it.
		export func(tb testing.TB) string
	}{
		{"on the store", nil, []string{"--store", local}, func(tb testing.TB) string { return mustRun(tb, "export", "--store", local) }},
		{"through a server", map[string]string{"CLAIMGRAPH_SERVER": s.url}, nil, func(tb testing.TB) string {
			out, _, err := cli(tb, map[string]string{"CLAIMGRAPH_SERVER": s.url}, "export")
			if err != nil {
				tb.Fatal(err)
			}
			return out
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			withToken := map[string]string{"CLAIMGRAPH_TOKEN": token}
			for k, v := range c.env {
				withToken[k] = v
			}
			del := func(tb testing.TB, env map[string]string, args ...string) (string, error) {
				tb.Helper()
				out, _, err := cli(tb, env, append(append([]string{"delete"}, c.on...), args...)...)
				return out, err
			}
			before := c.export(t)
			refused := []struct {
				name string
				env  map[string]string
				args []string
				want string
			}{
				{"without --cascade it is a conflict", withToken, []string{"ttp"}, graph.Conflict},
				{"an unknown id is not found", withToken, []string{"--cascade", "atlantis"}, graph.NotFound},
			}
			if c.env != nil {
				refused = append(refused, struct {
					name string
					env  map[string]string
					args []string
					want string
				}{"without the token it is refused", c.env, []string{"--cascade", "ttp"}, graph.Unauthorized})
			}
			for _, r := range refused {
				t.Run(r.name, func(t *testing.T) {
					_, err := del(t, r.env, r.args...)
					if graph.ErrorCode(err) != r.want {
						t.Fatalf("error %v, want %s", err, r.want)
					}
					if r.want == graph.Conflict && !strings.Contains(err.Error(), "statements (with their claims)") {
						t.Errorf("the conflict does not count the statements: %v", err)
					}
					if c.export(t) != before {
						t.Error("a refused deletion changed the export")
					}
				})
			}
			// A dry run needs no token.
			out, err := del(t, c.env, "ttp", "--cascade", "--dry-run")
			if err != nil || !strings.HasPrefix(out, "dry run, nothing written: deleting ttp would remove it with ") {
				t.Fatalf("dry run: %q, %v", out, err)
			}
			if c.export(t) != before {
				t.Error("a dry run changed the export")
			}
			dry := counted.FindStringSubmatch(out)
			out, err = del(t, withToken, "--cascade", "ttp")
			if err != nil || !strings.HasPrefix(out, "deleted ttp with ") {
				t.Fatalf("delete: %q, %v", out, err)
			}
			if got := counted.FindStringSubmatch(out); dry == nil || got == nil || got[0] != dry[0] || got[1] == "0" {
				t.Errorf("deleted %q, the dry run counted %q", got, dry)
			}
			after := c.export(t)
			if strings.Contains(after, "<cg:e/ttp>") || strings.Contains(after, ".ttp>") || strings.Contains(after, "<cg:s/ttp.") {
				t.Error("the export still holds the TTP or its statements")
			}
			if !strings.Contains(after, "<cg:e/india>") {
				t.Error("the export lost India")
			}
		})
	}
}
