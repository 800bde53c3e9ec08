package cayley

import (
	"bytes"
	"slices"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// TestRetractSourceKeepsNamedImportedEntities retracts the source of a
// bulk import whose entity another entity's alias names: the retraction
// is a Conflict and the store keeps everything, so that no reference is
// left pointing at nothing.
func TestRetractSourceKeepsNamedImportedEntities(t *testing.T) {
	for _, url := range []string{"memory:", boltURL(t)} {
		t.Run(url[:4], func(t *testing.T) {
			ctx := t.Context()
			st := openT(t, url)
			ont := graph.Ontology{EntityTypes: []graph.EntityType{{Name: "Group"}},
				RelationTypes: []graph.RelationType{{Name: "allied-with", Symmetric: true}}}
			entities := []graph.Entity{{ID: "a", Type: "Group", Name: "A"}, {ID: "b", Type: "Group", Name: "B"}}
			statements := []graph.Statement{{Subject: "a", Type: "allied-with", Object: "b"}}
			imp := graph.BulkImport{Source: graph.Source{ID: "dump", Title: "A dump"}, Ontology: ont, Digest: "d1",
				NumEntities: 2, NumStatements: 1, Entities: slices.Values(entities), Statements: slices.Values(statements)}
			if _, err := st.Import(ctx, imp, graph.BulkOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Apply(ctx, graph.Batch{Entities: []graph.Entity{{ID: "c", Type: "Group", Name: "C",
				Aliases: []graph.Alias{{Name: "See", UsedBy: "a"}}}}}, graph.ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			var before, after bytes.Buffer
			st.WriteNQuads(ctx, &before)
			if _, err := st.RetractSource(ctx, "dump"); graph.ErrorCode(err) != graph.Conflict {
				t.Fatalf("RetractSource = %v, want Conflict", err)
			}
			st.WriteNQuads(ctx, &after)
			if before.String() != after.String() {
				t.Error("a refused retraction changed the store")
			}
			if _, err := st.Apply(ctx, graph.Batch{Entities: []graph.Entity{{ID: "c", Type: "Group", Name: "C"}}}, graph.ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.RetractSource(ctx, "dump"); err != nil {
				t.Fatalf("RetractSource once nothing names the import: %v", err)
			}
			if _, err := st.Entity(ctx, "a"); graph.ErrorCode(err) != graph.NotFound {
				t.Errorf("entity a after the retraction: %v, want NotFound", err)
			}
		})
	}
}
