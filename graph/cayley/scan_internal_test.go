package cayley

import (
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// FuzzSplitDefaultID checks splitDefaultID, which scans call for every
// statement id, against its plain reading: three parts joined by dots,
// the first and last valid entity ids (graph.CheckEntityID), the middle
// not empty.
func FuzzSplitDefaultID(f *testing.F) {
	for _, s := range []string{"a.b.c", "gene-kelly.acted-in.singin-in-the-rain", "a..c", "a.b.c.d", "-a.b.c",
		"a-.b.c", "a--b.t.c", "A.b.c", "a.b.", ".b.c", "a.b.c-", "é.b.c", strings.Repeat("a", 201) + ".b.c",
		strings.Repeat("a", 200) + ".b.c", "a.b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		parts := strings.Split(id, ".")
		want := len(parts) == 3 && graph.CheckEntityID(parts[0]) == nil && graph.CheckEntityID(parts[2]) == nil && parts[1] != ""
		s, typ, o, ok := splitDefaultID(id)
		if ok != want {
			t.Fatalf("splitDefaultID(%q) ok = %v, want %v", id, ok, want)
		}
		if ok && (s != parts[0] || typ != parts[1] || o != parts[2]) {
			t.Fatalf("splitDefaultID(%q) = %q %q %q, want %q", id, s, typ, o, parts)
		}
	})
}

// TestIsDefaultID checks isDefaultID against graph.DefaultStatementID.
func TestIsDefaultID(t *testing.T) {
	for _, tc := range []struct {
		name, id, s, typ, o string
		want                bool
	}{
		{"the default id", "a.t.b", "a", "t", "b", true},
		{"another object", "a.t.c", "a", "t", "b", false},
		{"another type", "a.u.b", "a", "t", "b", false},
		{"dots moved", "a.t.b", "a.t", "", "b", false},
		{"longer", "a.t.bb", "a", "t", "b", false},
		{"an explicit id", "st-1", "a", "t", "b", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := isDefaultID(tc.id, tc.s, tc.typ, tc.o); got != tc.want || got != (tc.id == graph.DefaultStatementID(tc.s, tc.typ, tc.o)) {
				t.Errorf("isDefaultID(%q, %q, %q, %q) = %v, want %v", tc.id, tc.s, tc.typ, tc.o, got, tc.want)
			}
		})
	}
}
