package path

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

// chronology is hand-made dated data where the shortest path from a to f
// breaks chronology: a→b starts in 2020-01, b→f already in 2019-06. The
// paths that keep to time are longer: a→c (2020-03) → d (2020-09) → f
// (2021-02), and a→c → e (2023-01) → f (2023-02), whose gap from c to e is
// over a year. a→g has no known start and g→f starts in 2020-05.
func chronology() *memNeighbors {
	types := map[string]string{}
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		types[id] = "Thing"
	}
	src := graph.Source{ID: "src", Title: "A report", Published: "2024"}
	st := func(from, to string, start graph.Date) graph.Statement {
		id := from + to
		return graph.Statement{ID: id, Subject: from, Type: "links", Object: to, ValidFrom: start,
			Claims: []graph.Claim{{ID: id + "~src", Source: "src", Stance: graph.Asserts}}}
	}
	return newMemNeighbors(types, nil, []graph.Source{src}, []graph.Statement{
		st("a", "b", "2020-01"), st("b", "f", "2019-06"),
		st("a", "c", "2020-03"), st("c", "d", "2020-09"), st("d", "f", "2021-02"),
		st("c", "e", "2023-01"), st("e", "f", "2023-02"),
		st("a", "g", ""), st("g", "f", "2020-05"),
	})
}

func TestTimeFlowPaths(t *testing.T) {
	type search func(context.Context, Neighbors, PathQuery) ([]Path, error)
	tests := []struct {
		name string
		run  search
		q    PathQuery
		want [][]string
	}{
		{"without time flow the shortest path breaks chronology", ShortestPaths,
			PathQuery{From: "a", To: "f"}, [][]string{{"a", "b", "f"}}},
		{"time flow takes the longer path whose hops follow each other", ShortestPaths,
			PathQuery{From: "a", To: "f", TimeFlow: &TimeFlow{MaxGap: "P1Y"}}, [][]string{{"a", "c", "d", "f"}}},
		{"without a gap bound both chronological paths come, in order", KShortestPaths,
			PathQuery{From: "a", To: "f", K: 5, TimeFlow: &TimeFlow{}}, [][]string{{"a", "c", "d", "f"}, {"a", "c", "e", "f"}}},
		{"undated hops are walked when allowed", KShortestPaths,
			PathQuery{From: "a", To: "f", K: 5, TimeFlow: &TimeFlow{MaxGap: "P1Y", AllowUndated: true}},
			[][]string{{"a", "g", "f"}, {"a", "c", "d", "f"}}},
		{"all paths in time flow", AllSimplePaths,
			PathQuery{From: "a", To: "f", TimeFlow: &TimeFlow{}}, [][]string{{"a", "c", "d", "f"}, {"a", "c", "e", "f"}}},
		{"the most credible path in time flow", MostCrediblePaths,
			PathQuery{From: "a", To: "f", K: 1, TimeFlow: &TimeFlow{MaxGap: "P1Y"}}, [][]string{{"a", "c", "d", "f"}}},
		{"maxDepth bounds time-flow paths too", ShortestPaths,
			PathQuery{From: "a", To: "f", MaxDepth: 2, TimeFlow: &TimeFlow{}}, nil},
		{"a gap too short for any path leaves none", ShortestPaths,
			PathQuery{From: "a", To: "f", TimeFlow: &TimeFlow{MaxGap: "P2M"}}, nil},
		{"time flows along the walk, also against the statements", ShortestPaths,
			PathQuery{From: "f", To: "a", TimeFlow: &TimeFlow{}, Filter: Filter{Direction: graph.In}}, [][]string{{"f", "b", "a"}}},
		{"against the statements the forward chronology breaks", ShortestPaths,
			PathQuery{From: "f", To: "a", MaxDepth: 3, TimeFlow: &TimeFlow{}, Filter: Filter{Direction: graph.In, Exclude: []string{"b"}}}, nil},
		{"excluded entities are not passed through", ShortestPaths,
			PathQuery{From: "a", To: "f", TimeFlow: &TimeFlow{}, Filter: Filter{Exclude: []string{"d"}}}, [][]string{{"a", "c", "e", "f"}}},
	}
	for name, n := range bothWays(chronology()) {
		for _, tc := range tests {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				paths, err := tc.run(t.Context(), n, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				var got [][]string
				for _, p := range paths {
					got = append(got, p.Nodes())
				}
				if !slices.EqualFunc(got, tc.want, slices.Equal) {
					t.Errorf("paths = %v, want %v", got, tc.want)
				}
			})
		}
	}
}

func TestTimeFlowExplainsTheDates(t *testing.T) {
	paths, err := ShortestPaths(t.Context(), chronology(), PathQuery{From: "a", To: "f", TimeFlow: &TimeFlow{MaxGap: "P1Y", AllowUndated: true}})
	if err != nil {
		t.Fatal(err)
	}
	want := "a —links→ g  [REPORTED: reported by “A report”]  (valid time unknown)\n" +
		"g —links→ f  [REPORTED: reported by “A report”]  (valid from 2020-05)"
	if len(paths) != 1 || paths[0].Explain(nil, nil) != want {
		t.Errorf("explanation = %q, want %q", explainAll(paths), want)
	}
}

func TestTimeFlowErrors(t *testing.T) {
	n := chronology()
	for _, tc := range []struct {
		name string
		run  func(context.Context, Neighbors, PathQuery) ([]Path, error)
		q    PathQuery
	}{
		{"a bad gap is refused", ShortestPaths, PathQuery{From: "a", To: "f", TimeFlow: &TimeFlow{MaxGap: "one year"}}},
		{"an exhausted budget is an error, not a partial answer", KShortestPaths,
			PathQuery{From: "a", To: "f", K: 2, TimeFlow: &TimeFlow{}, Filter: Filter{MaxExpanded: 3}}},
		{"more paths than the limit is an error", AllSimplePaths, PathQuery{From: "a", To: "f", Limit: 1, TimeFlow: &TimeFlow{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.run(t.Context(), n, tc.q)
			if graph.ErrorCode(err) != graph.Invalid {
				t.Errorf("err = %v, want code %s", err, graph.Invalid)
			}
		})
	}
}

func TestFollows(t *testing.T) {
	for _, tc := range []struct {
		prev, next graph.Date
		gap        graph.Duration
		want       bool
	}{
		{"2020-06", "2020-06-15", "", true},
		{"2020-06", "2020", "", true}, // the year may start later in it
		{"2020-06", "2020-05-31", "", false},
		{"2020-06", "2019", "", false},
		{"2020-01", "2021-01-31", "P1Y", true},
		{"2020-01", "2021-02-01", "P1Y", false},
		{"2020-01-15", "2020-01-15", "P0D", true},
		{"2020-01-15", "2020-01-16", "P0D", false},
	} {
		name := string(tc.prev) + " then " + string(tc.next) + " within " + string(tc.gap)
		t.Run(strings.TrimSpace(name), func(t *testing.T) {
			if got := (&TimeFlow{MaxGap: tc.gap}).follows(tc.prev, tc.next); got != tc.want {
				t.Errorf("follows = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestReportedByNarrowsWhatPathsWalk(t *testing.T) {
	types := map[string]string{"a": "Thing", "b": "Thing", "c": "Thing"}
	sources := []graph.Source{{ID: "early", Title: "Early", Published: "2020"}, {ID: "late", Title: "Late", Published: "2022-03"}}
	g := newMemNeighbors(types, nil, sources, []graph.Statement{
		// Alleged in 2020, denied in 2022.
		{ID: "ab", Subject: "a", Type: "links", Object: "b", Claims: []graph.Claim{
			{ID: "ab1", Source: "early", Claimant: "x", Stance: graph.Asserts},
			{ID: "ab2", Source: "late", Claimant: "y", Stance: graph.Denies},
		}},
		// Reported only in 2022.
		{ID: "bc", Subject: "b", Type: "links", Object: "c", Claims: []graph.Claim{{ID: "bc1", Source: "late", Stance: graph.Asserts}}},
	})
	alleged := Filter{Status: []graph.Status{graph.Alleged}}
	for name, n := range bothWays(g) {
		for _, tc := range []struct {
			name string
			q    PathQuery
			want []string
		}{
			{"today the link is disputed", PathQuery{From: "a", To: "b", Filter: alleged}, nil},
			{"as reported by 2021 it was alleged", PathQuery{From: "a", To: "b", Filter: Filter{Status: alleged.Status, ReportedBy: "2021"}}, []string{"a", "b"}},
			{"a statement not yet reported is not walked", PathQuery{From: "a", To: "c", Filter: Filter{ReportedBy: "2022-02"}}, nil},
			{"once reported it is", PathQuery{From: "a", To: "c", Filter: Filter{ReportedBy: "2022-03-01"}}, []string{"a", "b", "c"}},
		} {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				paths, err := ShortestPaths(t.Context(), n, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				if len(paths) > 0 {
					got = paths[0].Nodes()
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("path = %v, want %v", got, tc.want)
				}
				if tc.q.ReportedBy == "2021" && len(paths) == 1 {
					if h := paths[0].Hops[0]; len(h.Statement.Claims) != 1 || HopCost(h) != 2*CostUnit {
						t.Errorf("hop = %+v cost %d, want the allegation alone at cost %d", h.Statement, HopCost(h), 2*CostUnit)
					}
				}
			})
		}
	}
}

// BenchmarkTimeFlow asks for the shortest time-flow path (maxGap five
// years, both directions) between random pairs of a random graph of 20,000
// entities of degree about 10 whose statements start on random days of
// 2000–2019, on its Adjacency. Pairs with no such path within the budget
// count as answered (an error, as a query would get).
func BenchmarkTimeFlow(b *testing.B) {
	const nodes = 20000
	r := rand.New(rand.NewPCG(7, 8))
	id := func(i int) string { return fmt.Sprintf("n%05d", i) }
	types := make(map[string]string, nodes)
	for i := range nodes {
		types[id(i)] = "Group"
	}
	g := newMemNeighbors(types, nil, nil, nil)
	claims := []graph.Claim{{Source: "s", Stance: graph.Asserts}}
	for i := range nodes * 5 {
		s, o := r.IntN(nodes), r.IntN(nodes)
		if s == o {
			continue
		}
		day := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(20*365))
		g.add(graph.Statement{ID: fmt.Sprintf("st%06d", i), Subject: id(s), Type: "backs", Object: id(o),
			ValidFrom: graph.Date(day.Format("2006-01-02")), Claims: claims})
	}
	adj := g.adjacency()
	var found, failed int
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := PathQuery{From: id(r.IntN(nodes)), To: id(r.IntN(nodes)), MaxDepth: 6,
			TimeFlow: &TimeFlow{MaxGap: "P5Y"}, Filter: Filter{Direction: graph.Both}}
		if q.From == q.To {
			continue
		}
		paths, err := ShortestPaths(b.Context(), adj, q)
		switch {
		case err != nil:
			failed++
		case len(paths) > 0:
			found++
		}
	}
	b.ReportMetric(float64(found), "found")
	b.ReportMetric(float64(failed), "over-budget")
}
