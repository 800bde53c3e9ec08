package schema

import (
	"slices"
	"strings"
	"testing"
)

type pathData struct {
	Length int
	Cost   int
	Hops   []struct {
		From        struct{ ID string }
		To          struct{ ID string }
		Direction   string
		Explanation string
		Relation    struct {
			Type   string
			Status string
			Claims []struct {
				Stance   string
				Claimant *struct{ ID string }
			}
		}
	}
}

func (p pathData) nodes() []string {
	var ids []string
	for i, h := range p.Hops {
		if i == 0 {
			ids = append(ids, h.From.ID)
		}
		ids = append(ids, h.To.ID)
	}
	return ids
}

const pathSelection = `{ length cost hops { from { id } to { id } direction explanation relation { type status claims { stance claimant { id } } } } }`

func TestPathsFromIndiaToTheAfghanTalibanGoThroughTheTTP(t *testing.T) {
	h := newHandler(t)
	var d struct{ Paths []pathData }
	mustDo(t, h, `{ paths(from:"india", to:"afghan-taliban") `+pathSelection+` }`, &d)
	if len(d.Paths) != 1 {
		t.Fatalf("paths = %+v, want the one shortest", d.Paths)
	}
	p := d.Paths[0]
	if got := p.nodes(); !slices.Equal(got, []string{"india", "ttp", "afghan-taliban"}) {
		t.Errorf("path = %v, want india → ttp → afghan-taliban", got)
	}
	first := p.Hops[0]
	if first.Relation.Type != "accused-of-backing" || first.Relation.Status != "DISPUTED" || len(first.Relation.Claims) != 2 {
		t.Errorf("first hop = %+v, want the disputed accusation with both claims", first)
	}
	want := "India —accused of backing→ Tehrik-e-Taliban Pakistan  [DISPUTED: alleged by Pakistan; denied by India]"
	if first.Explanation != want {
		t.Errorf("explanation = %q\nwant %q", first.Explanation, want)
	}
	if !strings.HasPrefix(p.Hops[1].Explanation, "Tehrik-e-Taliban Pakistan —allied with— Afghan Taliban  [REPORTED: reported by “Pakistan warns") {
		t.Errorf("second explanation = %q", p.Hops[1].Explanation)
	}
}

func TestPathFilters(t *testing.T) {
	h := newHandler(t)
	tests := []struct {
		name  string
		query string
		want  [][]string
	}{
		{"only reported statements leave no path", `paths(from:"india", to:"afghan-taliban", status:[REPORTED])`, nil},
		{"k shortest lists the longer detours after, cheaper first", `paths(from:"india", to:"afghan-taliban", k: 3)`,
			[][]string{{"india", "ttp", "afghan-taliban"}, {"india", "ttp", "afghanistan", "afghan-taliban"}, {"india", "bla", "afghanistan", "afghan-taliban"}}},
		{"all paths are ordered by length, then cost", `paths(from:"india", to:"afghan-taliban", mode: ALL, maxDepth: 3)`,
			[][]string{{"india", "ttp", "afghan-taliban"}, {"india", "ttp", "afghanistan", "afghan-taliban"},
				{"india", "bla", "afghanistan", "afghan-taliban"}, {"india", "ttp", "afghanistan", "afghan-taliban"}}},
		{"excluding the TTP forces a detour", `paths(from:"india", to:"afghan-taliban", exclude:["ttp"])`,
			[][]string{{"india", "bla", "afghanistan", "afghan-taliban"}}},
		{"following statements one way only", `paths(from:"afghan-taliban", to:"india", direction: OUT)`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d struct{ Paths []pathData }
			mustDo(t, h, `{ `+tt.query+` `+pathSelection+` }`, &d)
			var got [][]string
			for i, p := range d.Paths {
				got = append(got, p.nodes())
				if i > 0 && p.Length == d.Paths[i-1].Length && p.Cost < d.Paths[i-1].Cost {
					t.Errorf("path %d costs %d, after one of the same length that costs %d", i, p.Cost, d.Paths[i-1].Cost)
				}
			}
			if !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("paths = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestShortestAndMostCrediblePaths(t *testing.T) {
	h := newHandler(t)
	var d struct {
		ShortestPath      *pathData
		MostCrediblePaths []pathData
		None              *pathData
	}
	mustDo(t, h, `{ shortestPath(from:"pakistan", to:"afghan-taliban") `+pathSelection+`
		mostCrediblePaths(from:"pakistan", to:"afghanistan", k: 2) `+pathSelection+`
		none: shortestPath(from:"india", to:"afghan-taliban", status:[REPORTED]) { length } }`, &d)
	if d.ShortestPath == nil || d.ShortestPath.Length != 2 {
		t.Errorf("shortestPath = %+v, want 2 hops", d.ShortestPath)
	}
	if d.None != nil {
		t.Errorf("shortestPath with no path = %+v, want null", d.None)
	}
	if len(d.MostCrediblePaths) != 2 || d.MostCrediblePaths[0].Cost > d.MostCrediblePaths[1].Cost {
		t.Fatalf("mostCrediblePaths = %+v, want 2 in rising cost", d.MostCrediblePaths)
	}
	for _, hop := range d.MostCrediblePaths[0].Hops {
		if hop.Relation.Status != "REPORTED" {
			t.Errorf("the most credible path walks a %s hop: %s", hop.Relation.Status, hop.Explanation)
		}
	}
}

func TestNeighborhood(t *testing.T) {
	h := newHandler(t)
	var d struct {
		Neighborhood struct {
			Nodes []struct {
				Entity struct{ ID string }
				Depth  int
			}
			Hops []struct{ Relation struct{ ID string } }
		}
	}
	mustDo(t, h, `{ neighborhood(id:"ttp") { nodes { entity { id } depth } hops { relation { id } } } }`, &d)
	var ids []string
	for _, n := range d.Neighborhood.Nodes {
		ids = append(ids, n.Entity.ID)
	}
	want := []string{"ttp", "afghan-taliban", "afghanistan", "india", "pakistan"}
	if !slices.Equal(ids, want) || len(d.Neighborhood.Hops) != 5 {
		t.Errorf("neighborhood = %v with %d hops, want %v with 5", ids, len(d.Neighborhood.Hops), want)
	}
}

func TestPathErrors(t *testing.T) {
	h := newHandler(t)
	tests := []struct{ name, query, code string }{
		{"unknown endpoint", `{ paths(from:"india", to:"atlantis") { length } }`, CodeNotFound},
		{"unknown relation type", `{ paths(from:"india", to:"ttp", types:["funds"]) { length } }`, CodeBadUserInput},
		{"budget exceeded", `{ paths(from:"india", to:"afghan-taliban", mode: ALL, maxDepth: 8, maxExpanded: 2) { length } }`, CodeBadUserInput},
		{"k over the cap", `{ paths(from:"india", to:"ttp", k: 100000) { length } }`, CodeBadUserInput},
		{"k zero", `{ paths(from:"india", to:"ttp", k: 0) { length } }`, CodeBadUserInput},
		{"k negative", `{ mostCrediblePaths(from:"india", to:"ttp", k: -1) { length } }`, CodeBadUserInput},
		{"maxDepth zero", `{ shortestPath(from:"india", to:"ttp", maxDepth: 0) { length } }`, CodeBadUserInput},
		{"limit zero", `{ paths(from:"india", to:"ttp", mode: ALL, limit: 0) { length } }`, CodeBadUserInput},
		{"maxExpanded zero", `{ paths(from:"india", to:"ttp", maxExpanded: 0) { length } }`, CodeBadUserInput},
		{"maxNodes zero", `{ neighborhood(id:"india", maxNodes: 0) { nodes { depth } } }`, CodeBadUserInput},
		{"bad date", `{ paths(from:"india", to:"ttp", asOf: "last week") { length } }`, CodeBadUserInput},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is "+tt.code, func(t *testing.T) {
			if codes := do(t, h, tt.query, nil); len(codes) == 0 || codes[0] != tt.code {
				t.Errorf("codes = %v, want %s", codes, tt.code)
			}
		})
	}
}
