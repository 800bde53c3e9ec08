package graphml

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

func TestWriteKeepsTheClaimsOfEachEdge(t *testing.T) {
	b := graph.Batch{
		Ontology: graph.Ontology{RelationTypes: []graph.RelationType{
			{Name: "backs", Label: "accused of backing"},
			{Name: "allied-with", Label: "allied with", Symmetric: true},
		}},
		Sources: []graph.Source{{ID: "src", Title: "Pakistan warns <platforms> & more"}},
		Entities: []graph.Entity{
			{ID: "india", Type: "Country", Name: "India"},
			{ID: "ttp", Type: "Group", Name: "Tehrik-e-Taliban Pakistan", Aliases: []graph.Alias{{Name: "TTP"}}},
			{ID: "afghan-taliban", Type: "Group", Name: "Afghan Taliban"},
		},
		Statements: []graph.Statement{
			{ID: "india.backs.ttp", Subject: "india", Type: "backs", Object: "ttp", Claims: []graph.Claim{
				{Source: "src", Claimant: "pakistan", Stance: graph.Asserts, Quote: "accuses"},
				{Source: "src", Claimant: "india", Stance: graph.Denies, Quote: "deny"},
			}},
			{ID: "ttp.allied-with.afghan-taliban", Subject: "ttp", Type: "allied-with", Object: "afghan-taliban", Claims: []graph.Claim{
				{Source: "src", Stance: graph.Asserts},
			}},
		},
	}
	var buf bytes.Buffer
	if err := Write(&buf, b); err != nil {
		t.Fatal(err)
	}
	var doc document
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("output is not XML: %v\n%s", err, buf.String())
	}
	if len(doc.Graph.Nodes) != 3 || len(doc.Graph.Edges) != 2 {
		t.Fatalf("nodes %d, edges %d; want 3 and 2", len(doc.Graph.Nodes), len(doc.Graph.Edges))
	}
	get := func(e edge, key string) string {
		for _, d := range e.Data {
			if d.Key == key {
				return d.Value
			}
		}
		return ""
	}
	accused := doc.Graph.Edges[0]
	tests := []struct{ key, want string }{
		{"e_status", "DISPUTED"},
		{"e_asserted_by", "pakistan"},
		{"e_denied_by", "india"},
		{"e_label", "accused of backing"},
		{"e_claims", "pakistan asserts in \"Pakistan warns <platforms> & more\": \"accuses\"\nindia denies in \"Pakistan warns <platforms> & more\": \"deny\""},
	}
	for _, tt := range tests {
		if got := get(accused, tt.key); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.key, got, tt.want)
		}
	}
	if accused.Directed != "" || doc.Graph.Edges[1].Directed != "false" {
		t.Errorf("directed = %q, %q; want the symmetric alliance undirected", accused.Directed, doc.Graph.Edges[1].Directed)
	}
	if !strings.Contains(buf.String(), `attr.name="status"`) {
		t.Error("no status key declared")
	}
}
