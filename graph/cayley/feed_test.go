package cayley_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/graphtest"
)

// TestEventWindow checks that the feed keeps the last EventWindow events,
// read back from the file after a restart, and that resuming from an event
// that fell out of the window is refused as NotFound rather than answered
// with a gap.
func TestEventWindow(t *testing.T) {
	ctx := t.Context()
	url := "bolt:" + filepath.Join(t.TempDir(), "feed.bolt")
	st, err := cayley.Open(ctx, url, cayley.Options{EventWindow: 5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, graphtest.Fixture(), graph.ApplyOptions{}); err != nil { // events 1-7
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, graphtest.DenialClaim("c-denial"), graph.ApplyOptions{}); err != nil { // 8, 9
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = cayley.Open(ctx, url, cayley.Options{EventWindow: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tc := range []struct {
		name  string
		after uint64
		want  []uint64
		code  string
	}{
		{"the last five are kept", 4, []uint64{5, 6, 7, 8, 9}, ""},
		{"a later resume gets the rest", 7, []uint64{8, 9}, ""},
		{"a resume past the window is refused", 3, nil, graph.NotFound},
		{"from the start is refused too", 0, nil, graph.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.Events(ctx, tc.after, 0)
			if code := graph.ErrorCode(err); code != tc.code {
				t.Fatalf("Events(%d): code %q (%v), want %q", tc.after, code, err, tc.code)
			}
			var ids []uint64
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(tc.want) {
				t.Errorf("Events(%d) ids %v, want %v", tc.after, ids, tc.want)
			}
		})
	}
	t.Run("ids go on after a restart", func(t *testing.T) {
		if _, err := st.RetractClaim(ctx, "c-denial"); err != nil {
			t.Fatal(err)
		}
		got, err := st.Events(ctx, 9, 0)
		if err != nil || len(got) != 1 || got[0].ID != 10 || got[0].To != graph.Alleged {
			t.Errorf("after the retraction: %+v, %v", got, err)
		}
	})
}
