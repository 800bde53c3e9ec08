package schema

import (
	"github.com/claimgraph/claimgraph/graph"
)

// Typed relation fields. Every relation type becomes fields on the entity
// types it connects (graph.Ontology.RelationFields), named from the
// ontology so that a field's name never changes when a label is edited:
//
//   - forward, on each allowed subject type: the relation type's name in
//     lower camel case, accused-of-backing → accusedOfBacking (the entity
//     is the subject);
//   - inverse, on each allowed object type: the declared inverse in lower
//     camel case, governed by → governedBy, hosts → hosts (the entity is
//     the object); without a declared inverse, the forward name with "By"
//     appended (officialOfBy);
//   - a symmetric relation has one field, allied-with → alliedWith, on
//     every type at either end, reading both ways.
//
// A relation type that allows any type at an end gets its field on every
// entity type. The ontology's validation refuses a relation type whose
// field would clash with a fixed field of the entity types (id, name,
// relations, …) or with another relation field; a stored ontology from
// before that rule may still have one, and such a field is left out, and
// logged: its relations stay reachable through relations(types:).

// typedField is one generated relation field of an entity type.
type typedField struct {
	name      string
	relation  graph.RelationType
	direction graph.Direction
}

// typedFields returns the generated relation fields of entity type typ,
// leaving out names in taken, and the names it left out.
func typedFields(ont graph.Ontology, typ string, taken map[string]bool) (fields []typedField, clashes []string) {
	all, left := ont.RelationFields(typ)
	for _, f := range left {
		clashes = append(clashes, f.Name)
	}
	for _, f := range all {
		if taken[f.Name] {
			clashes = append(clashes, f.Name)
			continue
		}
		fields = append(fields, typedField{f.Name, f.Relation, f.Direction})
	}
	return fields, clashes
}
