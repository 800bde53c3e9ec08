package graph

import "testing"

func TestDeriveStatus(t *testing.T) {
	source := func(s Stance) Claim { return Claim{Source: "src", Stance: s} }
	party := func(who string, s Stance) Claim { return Claim{Source: "src", Claimant: who, Stance: s} }
	tests := []struct {
		name   string
		claims []Claim
		want   Status
	}{
		{"source asserting is reported", []Claim{source(Asserts)}, Reported},
		{"party asserting is alleged", []Claim{party("pakistan", Asserts)}, Alleged},
		{"party asserting and accused denying is disputed", []Claim{party("pakistan", Asserts), party("india", Denies)}, Disputed},
		{"source asserting and party denying is disputed", []Claim{source(Asserts), party("india", Denies)}, Disputed},
		{"only denials is denied", []Claim{party("india", Denies)}, Denied},
		{"source and party asserting is reported", []Claim{party("pakistan", Asserts), source(Asserts)}, Reported},
		{"no claims is denied", nil, Denied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DeriveStatus(tt.claims); got != tt.want {
				t.Errorf("DeriveStatus = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in    string
		valid bool
	}{
		{"", true}, {"2021", true}, {"2021-08", true}, {"2021-08-15", true},
		{"2021-13", false}, {"2021-02-30", false}, {"21-08", false}, {"August 2021", false}, {"2021-8", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseDate(tt.in)
			if (err == nil) != tt.valid {
				t.Errorf("ParseDate(%q) error = %v, want valid %v", tt.in, err, tt.valid)
			}
		})
	}
}

func TestDateCompareUsesFirstDay(t *testing.T) {
	if Date("2021-08").Compare("2021-08-01") != 0 {
		t.Error("2021-08 should compare equal to its first day")
	}
	if Date("2021").Compare("2021-02") >= 0 {
		t.Error("2021 should sort before 2021-02")
	}
}

func TestRelationTypeAllows(t *testing.T) {
	backs := RelationType{Name: "backs", Subject: []string{"Country"}, Object: []string{"Group"}}
	allied := RelationType{Name: "allied-with", Subject: []string{"Group"}, Object: []string{"Group", "Country"}, Symmetric: true}
	anything := RelationType{Name: "mentions"}
	tests := []struct {
		name     string
		rt       RelationType
		from, to string
		want     bool
	}{
		{"declared direction is allowed", backs, "Country", "Group", true},
		{"reverse direction of a directed relation is refused", backs, "Group", "Country", false},
		{"reverse direction of a symmetric relation is allowed", allied, "Country", "Group", true},
		{"no declared types allow any", anything, "Platform", "Official", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rt.Allows(tt.from, tt.to); got != tt.want {
				t.Errorf("Allows(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestRelationQueryMatch(t *testing.T) {
	st := Statement{Subject: "india", Type: "backs", Object: "ttp", Claims: []Claim{{Claimant: "pakistan", Stance: Asserts}}}
	tests := []struct {
		name      string
		q         RelationQuery
		from      string
		symmetric bool
		want      bool
	}{
		{"empty query matches", RelationQuery{}, "india", false, true},
		{"out from subject matches", RelationQuery{Direction: Out}, "india", false, true},
		{"out from object does not match", RelationQuery{Direction: Out}, "ttp", false, false},
		{"in from object matches", RelationQuery{Direction: In}, "ttp", false, true},
		{"out from object of symmetric matches", RelationQuery{Direction: Out}, "ttp", true, true},
		{"other type does not match", RelationQuery{Types: []string{"allied-with"}}, "india", false, false},
		{"status alleged matches", RelationQuery{Status: []Status{Alleged}}, "india", false, true},
		{"status reported does not match", RelationQuery{Status: []Status{Reported}}, "india", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.Match(tt.from, st, tt.symmetric); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOntologyMergeReplacesByName(t *testing.T) {
	base := Ontology{EntityTypes: []EntityType{{Name: "Group", Description: "old"}, {Name: "Country"}}}
	got := base.Merge(Ontology{EntityTypes: []EntityType{{Name: "Group", Description: "new"}, {Name: "Platform"}}})
	want := []string{"Country", "Group", "Platform"}
	if len(got.EntityTypes) != len(want) {
		t.Fatalf("merged types = %v, want names %v", got.EntityTypes, want)
	}
	for i, n := range want {
		if got.EntityTypes[i].Name != n {
			t.Errorf("type %d = %s, want %s", i, got.EntityTypes[i].Name, n)
		}
	}
	if g, _ := got.EntityType("Group"); g.Description != "new" {
		t.Errorf("Group description = %q, want the merged one", g.Description)
	}
	if g, _ := base.EntityType("Group"); g.Description != "old" {
		t.Error("Merge changed its receiver")
	}
}
