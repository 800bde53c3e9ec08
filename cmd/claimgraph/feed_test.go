package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph/cayley/pgtest"
)

// requireNode returns the path of node when the packages of the node
// project in dir are installed (npm ci there, as CI does); otherwise it
// skips the test, except under CI=true, where it fails.
func requireNode(tb testing.TB, dir, pkg string) string {
	tb.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json"))
	}
	if err != nil {
		msg := fmt.Sprintf("this test needs node and `npm ci` in cmd/claimgraph/%s: %v", filepath.ToSlash(dir), err)
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return node
}

// buildClaimgraph builds the claimgraph binary into a temporary directory.
func buildClaimgraph(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "claimgraph")
	out, err := exec.CommandContext(tb.Context(), "go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startServe starts `claimgraph serve` on a free port and returns its URL.
func startServe(tb testing.TB, bin string, args ...string) string {
	tb.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := regexp.MustCompile(`listening on (\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			go io.Copy(io.Discard, stdout)
			return "http://" + m[1]
		}
	}
	tb.Fatal("the server did not start")
	return ""
}

// feedLine is a line the node script prints.
type feedLine struct {
	Connected int
	Event     *struct {
		ID, From, To string
		ClaimRemoved bool
		Claim        *struct {
			Stance   string
			Claimant struct{ ID string }
		}
	}
	Resumed bool
	Closed  bool
	Last    string
	Done    bool
	T       int64 // ms since the epoch
}

// TestSubscriptionAcrossProcesses subscribes with the graphql-ws client to
// one claimgraph serve on PostgreSQL, writes a denial with `claimgraph
// query` — another process on the same database — and expects the
// statusChanged event; then it closes the connection, writes two more
// changes, and expects a new connection that resumes after the last id it
// got to receive exactly those, in order.
func TestSubscriptionAcrossProcesses(t *testing.T) {
	dir := filepath.Join("testdata", "feed")
	node := requireNode(t, dir, "graphql-ws")
	store := pgtest.FreshSchema(t, pgtest.DSN(t))
	bin := buildClaimgraph(t)
	url := startServe(t, bin, "--store", store)

	js := exec.CommandContext(t.Context(), node, "feed.mjs", "ws"+strings.TrimPrefix(url, "http")+"/graphql", "india", "2")
	js.Dir = dir
	stdin, err := js.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := js.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	js.Stderr = &stderr
	if err := js.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		js.Process.Kill()
		js.Wait()
		if t.Failed() {
			t.Logf("node stderr:\n%s", stderr.String())
		}
	})
	lines := make(chan feedLine)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var l feedLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Errorf("node printed %q: %v", sc.Text(), err)
				continue
			}
			lines <- l
		}
	}()
	next := func(what string) feedLine {
		t.Helper()
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("node exited while waiting for %s", what)
			}
			return l
		case <-time.After(30 * time.Second):
			t.Fatalf("no %s from node within 30s", what)
		}
		return feedLine{}
	}
	query := func(q string) {
		t.Helper()
		out, err := exec.CommandContext(t.Context(), bin, "query", "--store", store, q).CombinedOutput()
		if err != nil || strings.Contains(string(out), `"errors"`) {
			t.Fatalf("claimgraph query: %v\n%s", err, out)
		}
	}
	deny := func(id string) string {
		return `mutation { addClaim(relation: "x-accounts-india.operating-from.india", claim: {id: "` + id +
			`", source: "src-86013d487e35f14f", claimant: "india", stance: DENIES, quote: "allegations both countries deny"}) { id } }`
	}

	if l := next("connection"); l.Connected != 1 {
		t.Fatalf("first line %+v, want connected", l)
	}
	query(deny("c-india-denies-accounts"))
	committed := time.Now()
	first := next("statusChanged")
	latency := time.UnixMilli(first.T).Sub(committed)
	t.Run("a denial written by another process arrives as ALLEGED to DISPUTED, with its claim", func(t *testing.T) {
		e := first.Event
		if e == nil || e.From != "ALLEGED" || e.To != "DISPUTED" || e.Claim == nil || e.Claim.Stance != "DENIES" || e.Claim.Claimant.ID != "india" {
			t.Fatalf("event %+v", first)
		}
		t.Logf("statusChanged reached the client %v after the writing process exited", latency)
		if latency > 5*time.Second {
			t.Errorf("the event took %v", latency)
		}
	})
	closed := next("close")
	if !closed.Closed || closed.Last != first.Event.ID {
		t.Fatalf("%+v, want closed after %s", closed, first.Event.ID)
	}
	// While the client is away: the denial is retracted, and another comes.
	query(`mutation { retractClaim(id: "c-india-denies-accounts") { removed } }`)
	query(deny("c-india-denies-accounts-again"))
	if _, err := io.WriteString(stdin, "resume\n"); err != nil {
		t.Fatal(err)
	}
	t.Run("a client that resumes after its last id gets the events it missed, in order", func(t *testing.T) {
		var got []string
		var ids []string
		for range 2 {
			l := next("a resumed event")
			if !l.Resumed || l.Event == nil {
				t.Fatalf("%+v", l)
			}
			got = append(got, fmt.Sprintf("%s>%s removed=%v", l.Event.From, l.Event.To, l.Event.ClaimRemoved))
			ids = append(ids, l.Event.ID)
		}
		want := []string{"DISPUTED>ALLEGED removed=true", "ALLEGED>DISPUTED removed=false"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("resumed events %v, want %v", got, want)
		}
		if !lessID(first.Event.ID, ids[0]) || !lessID(ids[0], ids[1]) {
			t.Errorf("ids %s then %v: not increasing", first.Event.ID, ids)
		}
		if l := next("done"); !l.Done {
			t.Errorf("%+v, want done", l)
		}
	})
}

func lessID(a, b string) bool {
	var x, y uint64
	fmt.Sscan(a, &x)
	fmt.Sscan(b, &y)
	return x < y
}
