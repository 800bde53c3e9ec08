package main

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph/cayley/pgtest"
)

// TestReadyzFollowsPostgres stops and restarts PostgreSQL under a running
// server: /readyz must fail while the database is down and recover when it
// is back. It takes the database away from every other test, so it runs
// only when asked to, on its own (.ci/run does, after the main suite):
// CLAIMGRAPH_TEST_PG_STOP and CLAIMGRAPH_TEST_PG_START hold the commands.
func TestReadyzFollowsPostgres(t *testing.T) {
	stop, start := os.Getenv("CLAIMGRAPH_TEST_PG_STOP"), os.Getenv("CLAIMGRAPH_TEST_PG_START")
	dsn := os.Getenv("CLAIMGRAPH_TEST_POSTGRES")
	if stop == "" || start == "" || dsn == "" {
		t.Skip("set CLAIMGRAPH_TEST_POSTGRES, CLAIMGRAPH_TEST_PG_STOP and CLAIMGRAPH_TEST_PG_START to run (it stops the database)")
	}
	sh := func(cmd string) {
		t.Helper()
		if out, err := exec.Command("sh", "-c", cmd).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, out)
		}
	}
	s := startServer(t, "--store", dsn)
	status := func() int {
		resp, err := http.Get(s.url + "/readyz")
		if err != nil {
			t.Fatalf("GET /readyz: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	waitFor := func(want int, within time.Duration) time.Duration {
		t.Helper()
		begin := time.Now()
		for time.Since(begin) < within {
			if status() == want {
				return time.Since(begin)
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Fatalf("/readyz did not answer %d within %v", want, within)
		return 0
	}
	waitFor(http.StatusOK, 5*time.Second)
	sh(stop)
	t.Cleanup(func() { exec.Command("sh", "-c", start).Run() })
	down := waitFor(http.StatusServiceUnavailable, 15*time.Second)
	sh(start)
	up := waitFor(http.StatusOK, 30*time.Second)
	t.Logf("/readyz went 503 %v after PostgreSQL stopped and 200 again %v after it started", down.Round(time.Millisecond), up.Round(time.Millisecond))
	if !strings.Contains(s.stderr.String(), "not ready") {
		t.Error("the outage was not logged")
	}
}

// TestTwoInstancesShareOnePostgresStore runs two claimgraph serve processes
// on one database: what one writes, the other serves at once — its read
// cache and its schema included.
func TestTwoInstancesShareOnePostgresStore(t *testing.T) {
	dsn := pgtest.FreshSchema(t, pgtest.DSN(t))
	const token = "shared-secret"
	a := startServer(t, "--store", dsn, "--token", token)
	b := startServer(t, "--store", dsn, "--token", token)

	// b reads (and caches) the TTP's relations and the absence of a group,
	// and builds its path index.
	_, before := postAs(t, b.url, "", `{ entity(id:"lashkar") { id } ttp: entity(id:"ttp") { relations { id } } }`)
	postAs(t, b.url, "", `{ paths(from:"india", to:"afghan-taliban") { length } }`)
	if !strings.Contains(before, `"entity":null`) {
		t.Fatalf("before the write b answers %s", before)
	}
	codes, _ := postAs(t, a.url, token, `mutation { addEntity(id:"lashkar", type:"Group", name:"Lashkar") { id } }`)
	if len(codes) > 0 {
		t.Fatalf("addEntity through a: %v", codes)
	}
	codes, _ = postAs(t, a.url, token, `mutation { addStatement(subject:"lashkar", type:"allied-with", object:"ttp",
		claim:{source:"src-86013d487e35f14f", stance: ASSERTS, quote:"a press conference in Islamabad"}) { id } }`)
	if len(codes) > 0 {
		t.Fatalf("addStatement through a: %v", codes)
	}
	_, after := postAs(t, b.url, "", `{ entity(id:"lashkar") { id } ttp: entity(id:"ttp") { relations { id } } }`)
	if !strings.Contains(after, `"lashkar"`) || !strings.Contains(after, `relation:lashkar.allied-with.ttp`) {
		t.Errorf("right after the writes through a, b answers %s", after)
	}
	codes, paths := postAs(t, b.url, "", `{ paths(from:"lashkar", to:"afghan-taliban") { hops { to { id } } } }`)
	if len(codes) > 0 || !strings.Contains(paths, `"ttp"`) {
		t.Errorf("right after the writes through a, b's paths from the new group: %v %s", codes, paths)
	}
}
