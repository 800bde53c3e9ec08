package cayley_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/graphtest"
)

func TestBoltReopenKeepsData(t *testing.T) {
	url := boltURL(t)
	s := open(t, url)
	if _, err := s.Apply(t.Context(), graphtest.Fixture(), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	before, err := s.Relations(t.Context(), "ttp", graph.RelationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openClosed(t, url)
	after, err := s.Relations(t.Context(), "ttp", graph.RelationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 3 || !reflect.DeepEqual(after, before) {
		t.Errorf("relations after reopen:\n got  %+v\n want %+v", after, before)
	}
	sum, err := s.Apply(t.Context(), graphtest.Fixture(), graph.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := (graph.Summary{Unchanged: graphtest.FixtureItems}); !reflect.DeepEqual(sum, want) {
		t.Errorf("re-applying after reopen: summary %+v, want %+v", sum, want)
	}
}

func TestBoltCreatesMissingDirectories(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "graph.bolt")
	openClosed(t, "bolt:"+path)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("bolt file not created: %v", err)
	}
}

// lockHelperEnv makes the test binary act as the second process of
// TestBoltFileInUseIsUnavailable.
const lockHelperEnv = "CLAIMGRAPH_BOLT_LOCK_HELPER"

func TestBoltFileInUseIsUnavailable(t *testing.T) {
	if path := os.Getenv(lockHelperEnv); path != "" {
		// The second process: report what Open said and how long it took.
		start := time.Now()
		s, err := cayley.Open(t.Context(), "bolt:"+path, cayley.Options{})
		if err == nil {
			s.Close()
		}
		fmt.Printf("code=%s elapsed=%s msg=%s\n", graph.ErrorCode(err), time.Since(start).Round(time.Millisecond), graph.ErrorMessage(err))
		return
	}
	path := filepath.Join(t.TempDir(), "locked.bolt")
	openClosed(t, "bolt:"+path)

	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestBoltFileInUseIsUnavailable$", "-test.count=1")
	cmd.Env = append(os.Environ(), lockHelperEnv+"="+path)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("second process: %v\n%s", err, out)
	}
	took := time.Since(start)
	line := ""
	for l := range strings.Lines(string(out)) {
		if strings.HasPrefix(l, "code=") {
			line = strings.TrimSpace(l)
		}
	}
	t.Logf("second process (%s in all): %s", took.Round(time.Millisecond), line)
	if !strings.HasPrefix(line, "code="+graph.Unavailable+" ") {
		t.Fatalf("second process did not get %q: %q\n%s", graph.Unavailable, line, out)
	}
	if !strings.Contains(line, "in use by another process") {
		t.Errorf("message does not say the file is in use: %q", line)
	}
	elapsed, err := time.ParseDuration(strings.TrimPrefix(strings.Fields(line)[1], "elapsed="))
	if err != nil {
		t.Fatalf("parse elapsed time of %q: %v", line, err)
	}
	if elapsed <= 0 || elapsed > 2*time.Second {
		t.Errorf("second Open took %s, want a failure within 2s", elapsed)
	}
}

func TestOpenRejectsUnknownURL(t *testing.T) {
	for _, url := range []string{"", "mysql://localhost/db", "bolt:", "memory:extra", "/tmp/graph.bolt", "BOLT:x"} {
		t.Run(fmt.Sprintf("%q is invalid", url), func(t *testing.T) {
			s, err := cayley.Open(t.Context(), url, cayley.Options{})
			if err == nil {
				s.Close()
			}
			if code := graph.ErrorCode(err); code != graph.Invalid {
				t.Fatalf("code = %q, want %q (err: %v)", code, graph.Invalid, err)
			}
		})
	}
}

func TestOpenUnreachablePostgresIsUnavailable(t *testing.T) {
	_, err := cayley.Open(t.Context(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", cayley.Options{})
	if code := graph.ErrorCode(err); code != graph.Unavailable {
		t.Fatalf("code = %q, want %q (err: %v)", code, graph.Unavailable, err)
	}
}

func TestClosedStoreIsUnavailable(t *testing.T) {
	s := open(t, "memory:")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := s.Entity(t.Context(), "india")
	if code := graph.ErrorCode(err); code != graph.Unavailable {
		t.Fatalf("code = %q, want %q (err: %v)", code, graph.Unavailable, err)
	}
}

func BenchmarkRelations(b *testing.B) {
	s := open(b, "bolt:"+filepath.Join(b.TempDir(), "bench.bolt"))
	defer s.Close()
	if _, err := s.Apply(b.Context(), graphtest.Fixture(), graph.ApplyOptions{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rels, err := s.Relations(b.Context(), "ttp", graph.RelationQuery{})
		if err != nil {
			b.Fatal(err)
		}
		if len(rels) != 3 {
			b.Fatalf("got %d relations, want 3", len(rels))
		}
	}
}
