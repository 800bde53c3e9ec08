package spill

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

// TestSorterSortsInRuns adds records in a shuffled order: they are read
// back sorted, as often as asked, with no more than a run held in
// memory, the runs spilled to a file that leaves nothing in its
// directory.
func TestSorterSortsInRuns(t *testing.T) {
	tests := []struct {
		name     string
		records  int
		run      int
		bytes    int
		flushAt  int // Flush after this many records; 0 never
		wantRuns int
	}{
		{"nothing", 0, 10, 0, 0, 0},
		{"one run stays in memory", 50, 100, 0, 0, 0},
		{"a run per hundred records", 1000, 100, 0, 0, 10},
		{"runs of one record", 20, 1, 0, 0, 20},
		{"runs cut by bytes", 100, 1000, 100, 0, 12},
		{"a run flushed early", 30, 100, 0, 10, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := New(dir, tt.run, tt.bytes)
			defer s.Close()
			rng := rand.New(rand.NewPCG(1, 2))
			var want [][]byte
			for i := range tt.records {
				rec := []byte(fmt.Sprintf("%08d-%s", rng.IntN(tt.records/2+1), bytes.Repeat([]byte{'x'}, i%5)))
				want = append(want, rec)
				if err := s.Add(rec); err != nil {
					t.Fatal(err)
				}
				if tt.flushAt > 0 && i+1 == tt.flushAt {
					if err := s.Flush(); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := s.Sort(); err != nil {
				t.Fatal(err)
			}
			if s.Add([]byte("late")) == nil {
				t.Error("a record added after Sort was taken")
			}
			slices.SortFunc(want, bytes.Compare)
			for read := range 2 {
				r, err := s.Reader()
				if err != nil {
					t.Fatal(err)
				}
				var got [][]byte
				for r.Next() {
					got = append(got, bytes.Clone(r.Record()))
				}
				if err := r.Err(); err != nil {
					t.Fatal(err)
				}
				if !slices.EqualFunc(got, want, bytes.Equal) {
					t.Fatalf("reading %d: %d records, out of order or changed", read, len(got))
				}
			}
			if s.Runs() != tt.wantRuns {
				t.Errorf("%d runs, want %d", s.Runs(), tt.wantRuns)
			}
			if s.MaxHeld() > tt.run {
				t.Errorf("%d records held at once, want at most %d", s.MaxHeld(), tt.run)
			}
			if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
				t.Errorf("the directory holds %d entries (%v), want none", len(entries), err)
			}
		})
	}
}
