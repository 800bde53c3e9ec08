package schema

import (
	"slices"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
)

// Typed relation fields. Every relation type becomes fields on the entity
// types it connects, named from the relation type's name alone, so that a
// field's name never changes when a label is edited:
//
//   - forward, on each allowed subject type: the name in lower camel case,
//     accused-of-backing → accusedOfBacking (the entity is the subject);
//   - inverse, on each allowed object type: the same with "By" appended,
//     accusedOfBackingBy (the entity is the object; "the ones accused of
//     backing this group");
//   - a symmetric relation has one field, allied-with → alliedWith, on
//     every type at either end, reading both ways.
//
// A relation type that allows any type at an end gets its field on every
// entity type. A generated name that clashes with a fixed field of the
// entity types (id, name, relations, …) or with another generated name is
// left out, and logged; the relations stay reachable through
// relations(types:).

// relationFieldName returns the forward field name of a relation type.
func relationFieldName(name string) string {
	parts := strings.Split(name, "-")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// inverseFieldName returns the inverse field name of a relation type.
func inverseFieldName(name string) string { return relationFieldName(name) + "By" }

// typedField is one generated relation field of an entity type.
type typedField struct {
	name      string
	relation  graph.RelationType
	direction graph.Direction
}

// typedFields returns the generated relation fields of entity type typ,
// leaving out names in taken, and the names it left out.
func typedFields(ont graph.Ontology, typ string, taken map[string]bool) (fields []typedField, clashes []string) {
	allowed := func(list []string) bool { return len(list) == 0 || slices.Contains(list, typ) }
	seen := map[string]bool{}
	add := func(f typedField) {
		if taken[f.name] || seen[f.name] {
			clashes = append(clashes, f.name)
			return
		}
		seen[f.name] = true
		fields = append(fields, f)
	}
	for _, rt := range ont.RelationTypes {
		switch {
		case rt.Symmetric:
			if allowed(rt.Subject) || allowed(rt.Object) {
				add(typedField{relationFieldName(rt.Name), rt, graph.Both})
			}
		default:
			if allowed(rt.Subject) {
				add(typedField{relationFieldName(rt.Name), rt, graph.Out})
			}
			if allowed(rt.Object) {
				add(typedField{inverseFieldName(rt.Name), rt, graph.In})
			}
		}
	}
	return fields, clashes
}
