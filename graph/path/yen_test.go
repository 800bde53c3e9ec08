package path

import (
	"fmt"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// deadEndNeighbors is a → m0…m(routes-1) → z, every m also leading into a
// dead-end chain of chain entities (m → c.m.0 → c.m.1 → …) that never
// reaches z.
func deadEndNeighbors(routes, chain int) *memNeighbors {
	types := map[string]string{"a": "Group", "z": "Group"}
	var sts []graph.Statement
	claims := []graph.Claim{{Source: "s", Stance: graph.Asserts}}
	add := func(s, o string) {
		types[s], types[o] = "Group", "Group"
		sts = append(sts, graph.Statement{ID: fmt.Sprintf("st-%s-%s", s, o), Subject: s, Type: "backs", Object: o, Claims: claims})
	}
	for i := range routes {
		m := fmt.Sprintf("m%02d", i)
		add("a", m)
		add(m, "z")
		prev := m
		for j := range chain {
			c := fmt.Sprintf("c.%s.%02d", m, j)
			add(prev, c)
			prev = c
		}
	}
	return newMemNeighbors(types, nil, nil, sts)
}

// TestKShortestBudget checks that a k-shortest search that runs out of its
// budget (Filter.MaxExpanded) in the spur searches, after the first path
// was found, fails with Invalid naming the budget rather than answering
// with fewer paths; and that the spur searches do not walk deeper than the
// paths already found as candidates, so that dead ends cost little.
func TestKShortestBudget(t *testing.T) {
	q := PathQuery{From: "a", To: "z", K: 3, MaxDepth: 12}
	for way, n := range bothWays(deadEndNeighbors(10, 12)) {
		t.Run(way+"/the first path fits a budget of 4", func(t *testing.T) {
			q := q
			q.K, q.MaxExpanded = 1, 4
			paths, err := ShortestPaths(t.Context(), n, q)
			if err != nil || len(paths) != 1 {
				t.Fatalf("got %d paths, err %v; want one", len(paths), err)
			}
		})
		t.Run(way+"/three paths do not fit a budget of 4", func(t *testing.T) {
			q := q
			q.MaxExpanded = 4
			paths, err := KShortestPaths(t.Context(), n, q)
			if graph.ErrorCode(err) != graph.Invalid || !strings.Contains(err.Error(), "maxExpanded") {
				t.Errorf("got %d paths, err %v; want Invalid naming maxExpanded", len(paths), err)
			}
		})
		t.Run(way+"/dead ends past the candidates' length are not walked", func(t *testing.T) {
			q := q
			q.MaxExpanded = 20
			paths, err := KShortestPaths(t.Context(), n, q)
			if err != nil || len(paths) != 3 {
				t.Fatalf("got %d paths, err %v; want 3", len(paths), err)
			}
			for i, p := range paths {
				if want := fmt.Sprintf("a m%02d z", i); strings.Join(p.Nodes(), " ") != want {
					t.Errorf("path %d is %v, want %s", i, p.Nodes(), want)
				}
			}
		})
	}
}
