package graph

import (
	"context"
	"slices"
	"strings"
)

// ReadAll reads everything st holds into one Batch, ordered by id: the
// ontology, every entity, every statement with its claims, and every source
// a claim cites. Applying the result to an empty store recreates the graph;
// exports are written from it.
func ReadAll(ctx context.Context, st Store) (Batch, error) {
	ont, err := st.Ontology(ctx)
	if err != nil {
		return Batch{}, err
	}
	entities, err := st.Entities(ctx, EntityQuery{})
	if err != nil {
		return Batch{}, err
	}
	b := Batch{Ontology: ont, Entities: entities}
	seenStatement := map[string]bool{}
	sourceIDs := map[string]bool{}
	for _, e := range entities {
		sts, err := st.Relations(ctx, e.ID, RelationQuery{Direction: Out})
		if err != nil {
			return Batch{}, err
		}
		for _, s := range sts {
			if seenStatement[s.ID] || s.Subject != e.ID {
				continue
			}
			seenStatement[s.ID] = true
			b.Statements = append(b.Statements, s)
			for _, c := range s.Claims {
				sourceIDs[c.Source] = true
			}
		}
	}
	for _, id := range sortedSet(sourceIDs) {
		src, err := st.Source(ctx, id)
		if err != nil {
			return Batch{}, err
		}
		b.Sources = append(b.Sources, src)
	}
	slices.SortFunc(b.Statements, func(a, b Statement) int { return strings.Compare(a.ID, b.ID) })
	return b, nil
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
