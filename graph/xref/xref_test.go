package xref_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/xref"
	"github.com/claimgraph/claimgraph/seed"
)

// openSeeded returns a bolt store holding the built-in seed and the
// second report, which names the seed's groups differently.
func openSeeded(tb testing.TB) *cayley.Store {
	tb.Helper()
	ctx := context.Background()
	st, err := cayley.Open(ctx, "bolt:"+tb.TempDir()+"/xref.db", cayley.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	second, err := seed.ReadFiles("testdata/second-report.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, append(seed.Builtin(), second...)...); err != nil {
		tb.Fatal(err)
	}
	return st
}

var truePairs = map[[2]string]bool{
	{"tehrik-i-taliban-pakistan", "ttp"}:                 true,
	{"afghan-taliban", "islamic-emirate-of-afghanistan"}: true,
	{"balochistan-liberation-army", "bla"}:               true,
}

func TestCandidatesRankTruePairsFirst(t *testing.T) {
	st := openSeeded(t)
	snap, err := st.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	cands, stats, err := xref.Candidates(t.Context(), &snap, xref.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cands {
		t.Logf("%d. %s ~ %s %.3f %v", i+1, c.A, c.B, c.Score, c.Reasons)
	}
	t.Logf("stats %+v", stats)
	if len(cands) < len(truePairs) {
		t.Fatalf("%d candidates, want at least %d", len(cands), len(truePairs))
	}
	for i, c := range cands {
		if got := truePairs[[2]string{c.A, c.B}]; got != (i < len(truePairs)) {
			t.Errorf("candidate %d is %s ~ %s (%.3f); the %d true pairs must come first", i+1, c.A, c.B, c.Score, len(truePairs))
		}
		if snap.EntityTypes[c.A] != snap.EntityTypes[c.B] {
			t.Errorf("%s and %s differ in type", c.A, c.B)
		}
	}
}

func TestCandidatesLeaveOut(t *testing.T) {
	st := openSeeded(t)
	snap, err := st.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts xref.Options
		gone [2]string
	}{
		{"judged pairs are not offered", xref.Options{Judged: func(a, b string) bool { return a == "tehrik-i-taliban-pakistan" && b == "ttp" }},
			[2]string{"tehrik-i-taliban-pakistan", "ttp"}},
		{"another type is not offered", xref.Options{Type: "Country"}, [2]string{"tehrik-i-taliban-pakistan", "ttp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cands, _, err := xref.Candidates(t.Context(), &snap, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cands {
				if [2]string{c.A, c.B} == tt.gone {
					t.Errorf("offered %v", tt.gone)
				}
			}
		})
	}
}

func TestAnalyzeKeys(t *testing.T) {
	// Blocking must bring these pairs together without comparing all.
	tests := []struct{ a, b, kind string }{
		{"Tehrik-e-Taliban Pakistan", "Pakistan, Tehrik-e-Taliban", xref.Fingerprint},
		{"Tehrik-e-Taliban Pakistan", "Tehreek-i-Taliban Pakistan", xref.Transliteration},
		{"TTP", "Tehrik-e-Taliban Pakistan", xref.Acronym},
		{"Quétta Shura", "QUETTA shura", xref.Fingerprint},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s ~ %s is %s", tt.a, tt.b, tt.kind), func(t *testing.T) {
			snap := graph.Snapshot{
				EntityTypes: map[string]string{"a": "Group", "b": "Group"},
				Names:       map[string][]string{"a": {tt.a}, "b": {tt.b}},
			}
			cands, _, err := xref.Candidates(t.Context(), &snap, xref.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(cands) != 1 || cands[0].Reasons[0].Kind != tt.kind {
				t.Fatalf("candidates %+v, want one for %s", cands, tt.kind)
			}
		})
	}
}
