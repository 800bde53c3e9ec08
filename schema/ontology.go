package schema

import (
	"slices"

	"github.com/graphql-go/graphql"

	"github.com/claimgraph/claimgraph/graph"
)

// The ontology as the schema describes it: Query.ontology with EntityType
// and RelationType objects, and the EntityTypeName enum that arguments
// naming an entity type take.

// entityTypeNameType returns the EntityTypeName enum of r's ontology, or
// String when the ontology has no entity type (an enum needs a value).
func (r *resolver) entityTypeNameType() graphql.Input {
	if len(r.ont.EntityTypes) == 0 {
		return graphql.String
	}
	values := make([]enumValue, len(r.ont.EntityTypes))
	for i, t := range r.ont.EntityTypes {
		values[i] = enumValue{t.Name, t.Description}
	}
	return enum("EntityTypeName", "The entity types of the ontology.", values...)
}

// ontologyFields returns the Query fields that read the ontology.
func (r *resolver) ontologyFields(typeName graphql.Input) graphql.Fields {
	entityType := graphql.NewObject(graphql.ObjectConfig{
		Name:        "EntityType",
		Description: "A kind of entity the ontology declares; each is an object type of this schema.",
		Fields: graphql.Fields{
			"name":        &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(t graph.EntityType) any { return t.Name })},
			"description": &graphql.Field{Type: graphql.String, Resolve: optional(func(t graph.EntityType) string { return t.Description })},
		},
	})
	// allowed lists the entity types of names, or every entity type when
	// names is empty (the relation type allows any).
	allowed := func(names []string) []graph.EntityType {
		out := []graph.EntityType{}
		for _, t := range r.ont.EntityTypes {
			if len(names) == 0 || slices.Contains(names, t.Name) {
				out = append(out, t)
			}
		}
		return out
	}
	relationType := graphql.NewObject(graphql.ObjectConfig{
		Name:        "RelationType",
		Description: "A kind of statement the ontology declares: which entity types it connects, how it reads, what attributes it may carry.",
		Fields: graphql.Fields{
			"name": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The stable name (accused-of-backing), as relations(types:) takes it.",
				Resolve: get(func(t graph.RelationType) any { return t.Name })},
			"label": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "How it reads from subject to object; the name in words when none is declared.",
				Resolve: get(func(t graph.RelationType) any { return r.label(t.Name) })},
			"inverse": &graphql.Field{Type: graphql.String, Description: "How it reads from object to subject, when declared.",
				Resolve: optional(func(t graph.RelationType) string { return t.Inverse })},
			"description": &graphql.Field{Type: graphql.String, Resolve: optional(func(t graph.RelationType) string { return t.Description })},
			"symmetric": &graphql.Field{Type: graphql.NewNonNull(graphql.Boolean), Description: "Whether it reads the same both ways.",
				Resolve: get(func(t graph.RelationType) any { return t.Symmetric })},
			"attributes": &graphql.Field{Type: nonNullList(graphql.String), Description: "The attribute keys its statements may carry.",
				Resolve: get(func(t graph.RelationType) any { return append([]string{}, t.Attributes...) })},
			"subjectTypes": &graphql.Field{Type: nonNullList(entityType), Description: "The entity types allowed as the subject: every one when the ontology names none.",
				Resolve: get(func(t graph.RelationType) any { return allowed(t.Subject) })},
			"objectTypes": &graphql.Field{Type: nonNullList(entityType), Description: "The entity types allowed as the object: every one when the ontology names none.",
				Resolve: get(func(t graph.RelationType) any { return allowed(t.Object) })},
			"fieldName": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "Its field on the subject's entity types (on either end's, when symmetric).",
				Resolve: get(func(t graph.RelationType) any { return t.FieldName() })},
			"inverseFieldName": &graphql.Field{Type: graphql.String, Description: "Its field on the object's entity types; null when symmetric.",
				Resolve: optional(func(t graph.RelationType) string { return t.InverseFieldName() })},
		},
	})
	ontology := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Ontology",
		Description: "The entity and relation types the schema is generated from.",
		Fields: graphql.Fields{
			"entityTypes": &graphql.Field{Type: nonNullList(entityType), Description: "The entity types, by name.",
				Resolve: func(graphql.ResolveParams) (any, error) { return r.ont.EntityTypes, nil }},
			"relationTypes": &graphql.Field{Type: nonNullList(relationType), Description: "The relation types, by name.",
				Resolve: func(graphql.ResolveParams) (any, error) { return r.ont.RelationTypes, nil }},
			"entityType": &graphql.Field{Type: entityType, Description: "One entity type.",
				Args: graphql.FieldConfigArgument{"name": &graphql.ArgumentConfig{Type: graphql.NewNonNull(typeName)}},
				Resolve: func(p graphql.ResolveParams) (any, error) {
					if t, ok := r.ont.EntityType(p.Args["name"].(string)); ok {
						return t, nil
					}
					return nil, nil
				}},
			"relationType": &graphql.Field{Type: relationType, Description: "One relation type by its name; null when there is none.",
				Args: graphql.FieldConfigArgument{"name": &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.String)}},
				Resolve: func(p graphql.ResolveParams) (any, error) {
					if t, ok := r.ont.RelationType(p.Args["name"].(string)); ok {
						return t, nil
					}
					return nil, nil
				}},
		},
	})
	names := func(list func() []string) graphql.FieldResolveFn {
		return func(graphql.ResolveParams) (any, error) { return list(), nil }
	}
	return graphql.Fields{
		"ontology": &graphql.Field{Type: graphql.NewNonNull(ontology), Description: "The ontology: entity types and relation types.",
			Resolve: func(graphql.ResolveParams) (any, error) { return r.ont, nil }},
		"entityTypes": &graphql.Field{Type: nonNullList(graphql.String), Description: "The names of the entity types.",
			DeprecationReason: "Use ontology { entityTypes { name } }.",
			Resolve: names(func() []string {
				out := []string{}
				for _, t := range r.ont.EntityTypes {
					out = append(out, t.Name)
				}
				return out
			})},
		"relationTypes": &graphql.Field{Type: nonNullList(graphql.String), Description: "The names of the relation types.",
			DeprecationReason: "Use ontology { relationTypes { name } }.",
			Resolve: names(func() []string {
				out := []string{}
				for _, t := range r.ont.RelationTypes {
					out = append(out, t.Name)
				}
				return out
			})},
	}
}
