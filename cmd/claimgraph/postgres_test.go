package main

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
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
