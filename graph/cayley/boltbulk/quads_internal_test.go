package boltbulk

import (
	"fmt"
	"os"
	"testing"

	"github.com/cayleygraph/quad"
)

// TestQuadsHoldOneRunAtATime adds many quads with small runs: no more
// than a run's values stay in memory, the runs spill, and the spill file
// leaves nothing in its directory, not even while it is written.
func TestQuadsHoldOneRunAtATime(t *testing.T) {
	tests := []struct {
		name      string
		quads     int
		run       int
		wantRuns  int
		maxValues int
	}{
		{"one run when the quads fit", 50, 100, 1, 4 * 100},
		{"a run per hundred quads", 10_000, 100, 100, 4 * 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			b := NewQuads(dir, tt.run)
			defer b.Close()
			for i := range tt.quads {
				q := quad.Make(quad.IRI(fmt.Sprintf("s%d", i)), quad.IRI("p"), quad.String(fmt.Sprintf("o%d", i)), quad.IRI("import"))
				if err := b.Add(q); err != nil {
					t.Fatal(err)
				}
				if len(b.vals) > tt.maxValues {
					t.Fatalf("after %d quads, %d values in memory; want at most %d", i+1, len(b.vals), tt.maxValues)
				}
			}
			if err := b.flush(); err != nil {
				t.Fatal(err)
			}
			if got := len(b.spill.runs); got != tt.wantRuns {
				t.Errorf("%d runs, want %d", got, tt.wantRuns)
			}
			if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
				t.Errorf("the directory holds %d entries (%v), want none", len(entries), err)
			}
		})
	}
}
