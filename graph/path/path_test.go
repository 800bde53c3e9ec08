package path

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// memNeighbors is a tiny in-memory Neighbors for the path tests. It returns
// hops in the reverse order of insertion, so that the algorithms' own
// sorting is what makes them deterministic.
type memNeighbors struct {
	types     map[string]string // entity id → entity type
	symmetric map[string]bool
	sources   map[string]graph.Source
	hops      map[string][]Hop
	calls     int
}

func newMemNeighbors(types map[string]string, symmetric []string, sources []graph.Source, sts []graph.Statement) *memNeighbors {
	g := &memNeighbors{types: types, symmetric: map[string]bool{}, sources: map[string]graph.Source{}, hops: map[string][]Hop{}}
	for _, s := range symmetric {
		g.symmetric[s] = true
	}
	for _, s := range sources {
		g.sources[s.ID] = s
	}
	for _, st := range sts {
		g.add(st)
	}
	return g
}

func (g *memNeighbors) add(st graph.Statement) {
	srcs := map[string]graph.Source{}
	for _, c := range st.Claims {
		if s, ok := g.sources[c.Source]; ok {
			srcs[c.Source] = s
		}
	}
	h := Hop{From: st.Subject, To: st.Object, Statement: st, Forward: true, Symmetric: g.symmetric[st.Type], Sources: srcs}
	g.hops[st.Subject] = slices.Insert(g.hops[st.Subject], 0, h)
	if st.Object != st.Subject {
		g.hops[st.Object] = slices.Insert(g.hops[st.Object], 0, h.Reverse())
	}
}

func (g *memNeighbors) Hops(ctx context.Context, id string) ([]Hop, error) {
	g.calls++
	if _, ok := g.types[id]; !ok {
		return nil, graph.Errorf(graph.NotFound, "no entity %q", id)
	}
	return g.hops[id], nil
}

func (g *memNeighbors) EntityType(ctx context.Context, id string) (string, error) {
	t, ok := g.types[id]
	if !ok {
		return "", graph.Errorf(graph.NotFound, "no entity %q", id)
	}
	return t, nil
}

// adjacency returns g's graph as an Adjacency.
func (g *memNeighbors) adjacency() *Adjacency {
	snap := graph.Snapshot{EntityTypes: g.types, Sources: g.sources}
	for t := range g.symmetric {
		snap.Ontology.RelationTypes = append(snap.Ontology.RelationTypes, graph.RelationType{Name: t, Symmetric: true})
	}
	seen := map[string]bool{}
	for _, hops := range g.hops {
		for _, h := range hops {
			if !seen[h.Statement.ID] {
				seen[h.Statement.ID] = true
				snap.Statements = append(snap.Statements, h.Statement)
			}
		}
	}
	return NewAdjacency(snap)
}

// bothWays returns g as the searches see it through a plain Neighbors
// (entities numbered as they are met, hops fetched one entity at a time)
// and as an Adjacency (walked directly): each test runs on both.
func bothWays(g *memNeighbors) map[string]Neighbors {
	return map[string]Neighbors{"hops": g, "adjacency": g.adjacency()}
}

const articleTitle = "Pakistan warns it may block social media platforms for non-compliance"

// articleNeighbors is a fixture modelled on the first seed article.
func articleNeighbors() *memNeighbors {
	src := "article-0"
	reported := func(id string) []graph.Claim {
		return []graph.Claim{{ID: id + "~src", Source: src, Stance: graph.Asserts}}
	}
	contested := func(id, by, denier string) []graph.Claim {
		return []graph.Claim{
			{ID: id + "~" + by, Source: src, Claimant: by, Stance: graph.Asserts},
			{ID: id + "~" + denier, Source: src, Claimant: denier, Stance: graph.Denies},
		}
	}
	types := map[string]string{
		"pakistan": "Country", "afghanistan": "Country", "india": "Country",
		"ttp": "Group", "bla": "Group", "afghan-taliban": "Group",
		"x": "Platform", "talal-chaudhry": "Official",
	}
	sts := []graph.Statement{
		{ID: "s1", Subject: "india", Type: "accused-of-backing", Object: "ttp", Claims: contested("s1", "pakistan", "india")},
		{ID: "s2", Subject: "afghanistan", Type: "accused-of-backing", Object: "ttp", Claims: contested("s2", "pakistan", "afghanistan")},
		{ID: "s3", Subject: "india", Type: "accused-of-backing", Object: "bla", Claims: contested("s3", "pakistan", "india")},
		{ID: "s4", Subject: "ttp", Type: "allied-with", Object: "afghan-taliban", Claims: reported("s4")},
		{ID: "s5", Subject: "afghan-taliban", Type: "governs", Object: "afghanistan", ValidFrom: "2021-08", Claims: reported("s5")},
		{ID: "s6", Subject: "ttp", Type: "operating-from", Object: "afghanistan", Claims: reported("s6")},
		{ID: "s7", Subject: "talal-chaudhry", Type: "official-of", Object: "pakistan", Claims: reported("s7")},
	}
	return newMemNeighbors(types, []string{"allied-with"}, []graph.Source{{ID: src, Title: articleTitle}}, sts)
}

func articleName(id string) string {
	return map[string]string{
		"pakistan": "Pakistan", "afghanistan": "Afghanistan", "india": "India", "ttp": "TTP",
		"bla": "BLA", "afghan-taliban": "Afghan Taliban",
	}[id]
}

func articleLabel(t string) string {
	return map[string]string{"accused-of-backing": "accused of backing", "allied-with": "allied with", "governs": "governs"}[t]
}

// explainAll explains every hop of every path, one path a string.
func explainAll(paths []Path) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p.Explain(articleName, articleLabel)
	}
	return out
}

func TestArticlePaths(t *testing.T) {
	const (
		indiaTTP       = "India —accused of backing→ TTP  [DISPUTED: alleged by Pakistan; denied by India]"
		ttpIndia       = "TTP ←accused of backing— India  [DISPUTED: alleged by Pakistan; denied by India]"
		ttpTaliban     = "TTP —allied with— Afghan Taliban  [REPORTED: reported by “" + articleTitle + "”]"
		talibanTTP     = "Afghan Taliban —allied with— TTP  [REPORTED: reported by “" + articleTitle + "”]"
		ttpAfghanistan = "TTP —operating-from→ Afghanistan  [REPORTED: reported by “" + articleTitle + "”]"
		talibanGoverns = "Afghan Taliban —governs→ Afghanistan  [REPORTED: reported by “" + articleTitle + "”]"
	)
	tests := []struct {
		name string
		run  func(context.Context, Neighbors, PathQuery) ([]Path, error)
		q    PathQuery
		want []string
	}{
		{"india reaches the afghan taliban through the ttp", ShortestPaths,
			PathQuery{From: "india", To: "afghan-taliban"},
			[]string{indiaTTP + "\n" + ttpTaliban}},
		{"reported statements alone do not connect them", ShortestPaths,
			PathQuery{From: "india", To: "afghan-taliban", Filter: Filter{Status: []graph.Status{graph.Reported}}},
			[]string{}},
		{"out of the afghan taliban there is no way back to india", ShortestPaths,
			PathQuery{From: "afghan-taliban", To: "india"},
			[]string{}},
		{"both directions walk back against the accusation", ShortestPaths,
			PathQuery{From: "afghan-taliban", To: "india", Filter: Filter{Direction: graph.Both}},
			[]string{talibanTTP + "\n" + ttpIndia}},
		{"in walks object to subject", ShortestPaths,
			PathQuery{From: "afghan-taliban", To: "india", Filter: Filter{Direction: graph.In}},
			[]string{talibanTTP + "\n" + ttpIndia}},
		{"k shortest ranks the direct route first", KShortestPaths,
			PathQuery{From: "india", To: "afghanistan", K: 5},
			[]string{indiaTTP + "\n" + ttpAfghanistan, indiaTTP + "\n" + ttpTaliban + "\n" + talibanGoverns}},
		{"before august 2021 the taliban did not govern", AllSimplePaths,
			PathQuery{From: "india", To: "afghanistan", Filter: Filter{AsOf: "2021-07-31"}},
			[]string{indiaTTP + "\n" + ttpAfghanistan}},
		{"in august 2021 they did", AllSimplePaths,
			PathQuery{From: "india", To: "afghanistan", Filter: Filter{AsOf: "2021-08"}},
			[]string{indiaTTP + "\n" + ttpAfghanistan, indiaTTP + "\n" + ttpTaliban + "\n" + talibanGoverns}},
		{"excluding the ttp cuts india off", AllSimplePaths,
			PathQuery{From: "india", To: "afghanistan", Filter: Filter{Exclude: []string{"ttp"}}},
			[]string{}},
		{"only groups in between keeps both routes", AllSimplePaths,
			PathQuery{From: "india", To: "afghanistan", Filter: Filter{EntityTypes: []string{"Group"}}},
			[]string{indiaTTP + "\n" + ttpAfghanistan, indiaTTP + "\n" + ttpTaliban + "\n" + talibanGoverns}},
		{"only countries in between keeps none", AllSimplePaths,
			PathQuery{From: "india", To: "afghanistan", Filter: Filter{EntityTypes: []string{"Country"}}},
			[]string{}},
		{"claims by pakistan alone reach the ttp", ShortestPaths,
			PathQuery{From: "india", To: "ttp", Filter: Filter{Claimant: "pakistan"}},
			[]string{indiaTTP}},
		{"claims by pakistan alone go no further", ShortestPaths,
			PathQuery{From: "india", To: "afghanistan", Filter: Filter{Claimant: "pakistan"}},
			[]string{}},
		{"the most credible route is the shorter one", MostCrediblePaths,
			PathQuery{From: "india", To: "afghanistan", K: 3},
			[]string{indiaTTP + "\n" + ttpAfghanistan, indiaTTP + "\n" + ttpTaliban + "\n" + talibanGoverns}},
	}
	for _, tt := range tests {
		for way, n := range bothWays(articleNeighbors()) {
			t.Run(tt.name+"/"+way, func(t *testing.T) {
				paths, err := tt.run(t.Context(), n, tt.q)
				if err != nil {
					t.Fatal(err)
				}
				if got := explainAll(paths); !slices.Equal(got, tt.want) {
					t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n--\n"), strings.Join(tt.want, "\n--\n"))
				}
			})
		}
	}
}

func TestArticleCosts(t *testing.T) {
	for way, n := range bothWays(articleNeighbors()) {
		paths, err := MostCrediblePaths(t.Context(), n, PathQuery{From: "india", To: "afghanistan", K: 3})
		if err != nil {
			t.Fatal(err)
		}
		var costs []int
		for _, p := range paths {
			costs = append(costs, p.Cost)
		}
		// DISPUTED 4000 + REPORTED 1000; DISPUTED 4000 + two REPORTED.
		if want := []int{5000, 6000}; !slices.Equal(costs, want) {
			t.Errorf("%s: costs = %v, want %v", way, costs, want)
		}
	}
}

func TestExplainWithoutNamesUsesIDs(t *testing.T) {
	h := Hop{From: "ttp", To: "india", Statement: graph.Statement{ID: "s", Subject: "india", Type: "accused-of-backing", Object: "ttp",
		Claims: []graph.Claim{
			{Source: "dawn", Stance: graph.Denies},
			{Source: "geo", Claimant: "pakistan", Stance: graph.Asserts},
			{Source: "dawn", Claimant: "pakistan", Stance: graph.Asserts},
			{Source: "dawn", Claimant: "afghanistan", Stance: graph.Asserts},
		}}}
	want := "ttp ←accused-of-backing— india  [DISPUTED: alleged by afghanistan, pakistan; denied by dawn]"
	if got := h.Explain(nil, nil); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestHopCost(t *testing.T) {
	claim := func(src, claimant string, stance graph.Stance, cred string) graph.Claim {
		return graph.Claim{Source: src, Claimant: claimant, Stance: stance, Credibility: cred}
	}
	hop := func(sources map[string]graph.Source, claims ...graph.Claim) Hop {
		return Hop{Statement: graph.Statement{Claims: claims}, Sources: sources}
	}
	graded := map[string]graph.Source{"a": {ID: "a", Reliability: "A"}, "e": {ID: "e", Reliability: "E"}, "f": {ID: "f", Reliability: "F"}}
	tests := []struct {
		name string
		hop  Hop
		want int
	}{
		{"one ungraded report costs one unit", hop(nil, claim("s", "", graph.Asserts, "")), 1000},
		{"an allegation costs two", hop(nil, claim("s", "p", graph.Asserts, "")), 2000},
		{"a dispute costs four", hop(nil, claim("s", "p", graph.Asserts, ""), claim("s", "q", graph.Denies, "")), 4000},
		{"a denial costs eight", hop(nil, claim("s", "q", graph.Denies, "")), 8000},
		{"no claims count as a denial", hop(nil), 8000},
		{"two sources cost two thirds, rounded up", hop(nil, claim("s", "", graph.Asserts, ""), claim("t", "", graph.Asserts, "")), 667},
		{"the same source twice is one source", hop(nil, claim("s", "", graph.Asserts, ""), claim("s", "p", graph.Asserts, "")), 1000},
		{"more than five sources count five", hop(nil,
			claim("1", "", graph.Asserts, ""), claim("2", "", graph.Asserts, ""), claim("3", "", graph.Asserts, ""),
			claim("4", "", graph.Asserts, ""), claim("5", "", graph.Asserts, ""), claim("6", "", graph.Asserts, "")), 334},
		{"a source graded A halves the cost", hop(graded, claim("a", "", graph.Asserts, "")), 500},
		{"A1 is a quarter", hop(graded, claim("a", "", graph.Asserts, "1")), 250},
		{"E5 is four times", hop(graded, claim("e", "", graph.Asserts, "5")), 4000},
		{"F and 6 cannot be judged and count as ungraded", hop(graded, claim("f", "", graph.Asserts, "6")), 1000},
		{"the best-graded assertion counts", hop(graded, claim("e", "", graph.Asserts, "5"), claim("a", "", graph.Asserts, "2")), 250},
		{"denials do not grade", hop(graded, claim("s", "p", graph.Asserts, ""), claim("a", "q", graph.Denies, "1")), 4000},
		{"the cheapest hop", hop(graded, claim("a", "", graph.Asserts, "1"), claim("2", "", graph.Asserts, "1"), claim("3", "", graph.Asserts, "1"),
			claim("4", "", graph.Asserts, "1"), claim("5", "", graph.Asserts, "1")), 84},
		{"the dearest hop", hop(graded, claim("e", "p", graph.Asserts, "5"), claim("e", "q", graph.Denies, "")), 16000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HopCost(tt.hop); got != tt.want {
				t.Errorf("HopCost = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestPathQueryErrors(t *testing.T) {
	tests := []struct {
		name string
		q    PathQuery
		code string
	}{
		{"an unknown start is not found", PathQuery{From: "nowhere", To: "ttp"}, graph.NotFound},
		{"an unknown end is not found", PathQuery{From: "ttp", To: "nowhere"}, graph.NotFound},
		{"a missing end is invalid", PathQuery{From: "ttp"}, graph.Invalid},
		{"the same start and end are invalid", PathQuery{From: "ttp", To: "ttp"}, graph.Invalid},
		{"a depth above the cap is invalid", PathQuery{From: "india", To: "ttp", MaxDepth: 13}, graph.Invalid},
		{"a negative depth is invalid", PathQuery{From: "india", To: "ttp", MaxDepth: -1}, graph.Invalid},
		{"k above the cap is invalid", PathQuery{From: "india", To: "ttp", K: 101}, graph.Invalid},
		{"a limit above the cap is invalid", PathQuery{From: "india", To: "ttp", Limit: 1001}, graph.Invalid},
		{"an unknown direction is invalid", PathQuery{From: "india", To: "ttp", Filter: Filter{Direction: "UP"}}, graph.Invalid},
		{"an unknown status is invalid", PathQuery{From: "india", To: "ttp", Filter: Filter{Status: []graph.Status{"TRUE"}}}, graph.Invalid},
		{"a bad date is invalid", PathQuery{From: "india", To: "ttp", Filter: Filter{AsOf: "2021-13"}}, graph.Invalid},
		{"excluding an endpoint is invalid", PathQuery{From: "india", To: "ttp", Filter: Filter{Exclude: []string{"ttp"}}}, graph.Invalid},
		{"a budget above the cap is invalid", PathQuery{From: "india", To: "ttp", Filter: Filter{MaxExpanded: MaxMaxExpanded + 1}}, graph.Invalid},
	}
	algorithms := map[string]func(context.Context, Neighbors, PathQuery) ([]Path, error){
		"ShortestPaths": ShortestPaths, "KShortestPaths": KShortestPaths,
		"AllSimplePaths": AllSimplePaths, "MostCrediblePaths": MostCrediblePaths,
	}
	for _, tt := range tests {
		for name, run := range algorithms {
			for way, n := range bothWays(articleNeighbors()) {
				t.Run(tt.name+"/"+name+"/"+way, func(t *testing.T) {
					_, err := run(t.Context(), n, tt.q)
					if got := graph.ErrorCode(err); got != tt.code {
						t.Errorf("code = %q (%v), want %q", got, err, tt.code)
					}
				})
			}
		}
	}
}

func TestPathsStopWhenCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	q := PathQuery{From: "india", To: "afghanistan", K: 3}
	for way, n := range bothWays(articleNeighbors()) {
		for name, run := range map[string]func(context.Context, Neighbors, PathQuery) ([]Path, error){
			"ShortestPaths": ShortestPaths, "KShortestPaths": KShortestPaths,
			"AllSimplePaths": AllSimplePaths, "MostCrediblePaths": MostCrediblePaths,
		} {
			if _, err := run(ctx, n, q); !errors.Is(err, context.Canceled) {
				t.Errorf("%s %s: err = %v, want context.Canceled", name, way, err)
			}
		}
		if _, err := Neighborhood(ctx, n, NeighborhoodQuery{ID: "ttp"}); !errors.Is(err, context.Canceled) {
			t.Errorf("Neighborhood %s: err = %v, want context.Canceled", way, err)
		}
	}
}

// chainNeighbors is c00 → c01 → … → c(n-1), all reported.
func chainNeighbors(n int) *memNeighbors {
	types := map[string]string{}
	var sts []graph.Statement
	for i := range n {
		types[chainID(i)] = "Group"
		if i > 0 {
			sts = append(sts, graph.Statement{ID: "st" + chainID(i), Subject: chainID(i - 1), Type: "backs", Object: chainID(i),
				Claims: []graph.Claim{{Source: "s", Stance: graph.Asserts}}})
		}
	}
	return newMemNeighbors(types, nil, nil, sts)
}

func chainID(i int) string { return "c" + string(rune('a'+i/26)) + string(rune('a'+i%26)) }

func TestBudgetIsEnforced(t *testing.T) {
	q := PathQuery{From: chainID(0), To: chainID(12), MaxDepth: 12, K: 2}
	algorithms := map[string]func(context.Context, Neighbors, PathQuery) ([]Path, error){
		"ShortestPaths": ShortestPaths, "KShortestPaths": KShortestPaths,
		"AllSimplePaths": AllSimplePaths, "MostCrediblePaths": MostCrediblePaths,
	}
	for way, n := range bothWays(chainNeighbors(13)) {
		for name, run := range algorithms {
			t.Run(name+"/"+way+"/a small budget fails", func(t *testing.T) {
				q := q
				q.MaxExpanded = 6
				_, err := run(t.Context(), n, q)
				if graph.ErrorCode(err) != graph.Invalid || !strings.Contains(err.Error(), "maxExpanded") {
					t.Errorf("err = %v, want Invalid naming maxExpanded", err)
				}
			})
			t.Run(name+"/"+way+"/enough budget succeeds", func(t *testing.T) {
				q := q
				q.MaxExpanded = 200
				paths, err := run(t.Context(), n, q)
				if err != nil || len(paths) != 1 || paths[0].Length != 12 {
					t.Errorf("got %d paths, err %v; want one of 12 hops", len(paths), err)
				}
			})
		}
		t.Run("Neighborhood/"+way+"/a small budget fails", func(t *testing.T) {
			_, err := Neighborhood(t.Context(), n, NeighborhoodQuery{ID: chainID(0), Depth: 12, Filter: Filter{MaxExpanded: 6}})
			if graph.ErrorCode(err) != graph.Invalid {
				t.Errorf("err = %v, want Invalid", err)
			}
		})
	}
}

func TestLimitsAreErrorsNotTruncations(t *testing.T) {
	for way, g := range bothWays(articleNeighbors()) {
		_, err := AllSimplePaths(t.Context(), g, PathQuery{From: "india", To: "afghanistan", Limit: 1})
		if graph.ErrorCode(err) != graph.Invalid || !strings.Contains(err.Error(), "limit") {
			t.Errorf("AllSimplePaths over its limit (%s): err = %v, want Invalid naming the limit", way, err)
		}
		_, err = Neighborhood(t.Context(), g, NeighborhoodQuery{ID: "ttp", Depth: 2, MaxNodes: 3, Filter: Filter{Direction: graph.Both}})
		if graph.ErrorCode(err) != graph.Invalid || !strings.Contains(err.Error(), "maxNodes") {
			t.Errorf("Neighborhood over its limit (%s): err = %v, want Invalid naming maxNodes", way, err)
		}
	}
}

// starNeighbors is a → hub → b, with the hub connected to three more.
func starNeighbors() *memNeighbors {
	types := map[string]string{"a": "G", "b": "G", "hub": "G", "c": "G", "d": "G", "e": "G"}
	st := func(s, o string) graph.Statement {
		return graph.Statement{ID: s + "-" + o, Subject: s, Type: "backs", Object: o, Claims: []graph.Claim{{Source: "s", Stance: graph.Asserts}}}
	}
	return newMemNeighbors(types, nil, nil, []graph.Statement{st("a", "hub"), st("hub", "b"), st("hub", "c"), st("hub", "d"), st("hub", "e")})
}

func TestHubGuard(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		degree   int
		want     int
	}{
		{"no guard walks through the hub", "a", "b", 0, 1},
		{"a guard the hub passes walks through it", "a", "b", 5, 1},
		{"a guard the hub fails stops there", "a", "b", 4, 0},
		{"the hub may still be the end", "a", "hub", 1, 1},
		{"the hub may still be the start", "hub", "b", 1, 1},
	}
	for _, tt := range tests {
		for name, run := range map[string]func(context.Context, Neighbors, PathQuery) ([]Path, error){
			"ShortestPaths": ShortestPaths, "KShortestPaths": KShortestPaths,
			"AllSimplePaths": AllSimplePaths, "MostCrediblePaths": MostCrediblePaths,
		} {
			for way, n := range bothWays(starNeighbors()) {
				t.Run(tt.name+"/"+name+"/"+way, func(t *testing.T) {
					paths, err := run(t.Context(), n, PathQuery{From: tt.from, To: tt.to, K: 3, Filter: Filter{MaxDegree: tt.degree}})
					if err != nil || len(paths) != tt.want {
						t.Errorf("got %d paths, err %v; want %d", len(paths), err, tt.want)
					}
				})
			}
		}
	}
}

func TestNeighborhoodOfTheTTP(t *testing.T) {
	for way, n := range bothWays(articleNeighbors()) {
		t.Run(way, func(t *testing.T) { testNeighborhoodOfTheTTP(t, n) })
	}
}

func testNeighborhoodOfTheTTP(t *testing.T, n Neighbors) {
	g, err := Neighborhood(t.Context(), n, NeighborhoodQuery{ID: "ttp", Depth: 1, Filter: Filter{Direction: graph.Both}})
	if err != nil {
		t.Fatal(err)
	}
	wantNodes := []SubgraphNode{{"ttp", 0}, {"afghan-taliban", 1}, {"afghanistan", 1}, {"india", 1}}
	if !slices.Equal(g.Nodes, wantNodes) {
		t.Errorf("nodes = %v, want %v", g.Nodes, wantNodes)
	}
	var got []string
	for _, h := range g.Hops {
		got = append(got, h.Explain(articleName, articleLabel))
	}
	want := []string{
		"TTP —allied with— Afghan Taliban  [REPORTED: reported by “" + articleTitle + "”]",
		"TTP ←accused of backing— Afghanistan  [DISPUTED: alleged by Pakistan; denied by Afghanistan]",
		"TTP —operating-from→ Afghanistan  [REPORTED: reported by “" + articleTitle + "”]",
		"TTP ←accused of backing— India  [DISPUTED: alleged by Pakistan; denied by India]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("hops\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestNeighborhoodErrors(t *testing.T) {
	tests := []struct {
		name string
		q    NeighborhoodQuery
		code string
	}{
		{"an unknown centre is not found", NeighborhoodQuery{ID: "nowhere"}, graph.NotFound},
		{"no centre is invalid", NeighborhoodQuery{}, graph.Invalid},
		{"a depth above the cap is invalid", NeighborhoodQuery{ID: "ttp", Depth: 13}, graph.Invalid},
		{"excluding the centre is invalid", NeighborhoodQuery{ID: "ttp", Filter: Filter{Exclude: []string{"ttp"}}}, graph.Invalid},
		{"too many nodes asked for is invalid", NeighborhoodQuery{ID: "ttp", MaxNodes: MaxMaxNodes + 1}, graph.Invalid},
	}
	for _, tt := range tests {
		for way, n := range bothWays(articleNeighbors()) {
			t.Run(tt.name+"/"+way, func(t *testing.T) {
				_, err := Neighborhood(t.Context(), n, tt.q)
				if got := graph.ErrorCode(err); got != tt.code {
					t.Errorf("code = %q (%v), want %q", got, err, tt.code)
				}
			})
		}
	}
}

// relationsStore is a Store that knows only the article fixture's
// relations, entities and sources; other methods are not used by
// StoreNeighbors.
type relationsStore struct {
	graph.Store
	g *memNeighbors
}

func (s relationsStore) Relations(ctx context.Context, id string, q graph.RelationQuery) ([]graph.Statement, error) {
	hops, err := s.g.Hops(ctx, id)
	var sts []graph.Statement
	for _, h := range hops {
		sts = append(sts, h.Statement)
	}
	return sts, err
}

func (s relationsStore) Entity(ctx context.Context, id string) (graph.Entity, error) {
	t, err := s.g.EntityType(ctx, id)
	return graph.Entity{ID: id, Type: t}, err
}

func (s relationsStore) Source(ctx context.Context, id string) (graph.Source, error) {
	if src, ok := s.g.sources[id]; ok {
		return src, nil
	}
	return graph.Source{}, graph.Errorf(graph.NotFound, "no source %q", id)
}

func TestStoreNeighbors(t *testing.T) {
	g := articleNeighbors()
	g.add(graph.Statement{ID: "s8", Subject: "bla", Type: "operating-from", Object: "afghanistan",
		Claims: []graph.Claim{{Source: "unknown-source", Stance: graph.Asserts}}})
	ont := graph.Ontology{RelationTypes: []graph.RelationType{{Name: "allied-with", Symmetric: true}, {Name: "accused-of-backing"}}}
	n := StoreNeighbors(relationsStore{g: g}, ont)

	tests := []struct {
		name string
		q    PathQuery
		want []string
	}{
		{"an unknown source is cited by id", PathQuery{From: "afghan-taliban", To: "bla", Filter: Filter{Direction: graph.Both}},
			[]string{"Afghan Taliban —governs→ Afghanistan  [REPORTED: reported by “" + articleTitle + "”]\n" +
				"Afghanistan ←operating-from— BLA  [REPORTED: reported by unknown-source]"}},
		{"a symmetric relation is walked against its direction", PathQuery{From: "ttp", To: "afghan-taliban", Filter: Filter{Direction: graph.In}},
			[]string{"TTP —allied with— Afghan Taliban  [REPORTED: reported by “" + articleTitle + "”]"}},
		{"a directed one is not", PathQuery{From: "afghanistan", To: "bla"},
			[]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paths, err := ShortestPaths(t.Context(), n, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := explainAll(paths); !slices.Equal(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}

	hops, err := n.Hops(t.Context(), "bla")
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(hops, compareHops)
	if len(hops) != 2 || hops[0].To != "afghanistan" || !hops[0].Forward || len(hops[0].Sources) != 0 ||
		hops[1].To != "india" || hops[1].Forward || hops[1].Sources["article-0"].Title != articleTitle {
		t.Errorf("hops of bla = %+v", hops)
	}
	if typ, err := n.EntityType(t.Context(), "bla"); typ != "Group" || err != nil {
		t.Errorf("EntityType(bla) = %q, %v", typ, err)
	}
	if _, err := n.Hops(t.Context(), "nowhere"); graph.ErrorCode(err) != graph.NotFound {
		t.Errorf("Hops(nowhere): err = %v, want NotFound", err)
	}
}
