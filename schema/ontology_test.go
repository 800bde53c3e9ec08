package schema

import (
	"slices"
	"testing"
)

type relationTypeData struct {
	Name, Label               string
	Inverse, Description      *string
	Symmetric                 bool
	Attributes                []string
	SubjectTypes, ObjectTypes []struct{ Name string }
	FieldName                 string
	InverseFieldName          *string
}

func names(list []struct{ Name string }) []string {
	var out []string
	for _, x := range list {
		out = append(out, x.Name)
	}
	return out
}

func TestOntologyIsReadable(t *testing.T) {
	h := newHandler(t)
	var d struct {
		Ontology struct {
			EntityTypes []struct {
				Name        string
				Description *string
			}
			RelationTypes []relationTypeData
			Country       *struct{ Name string }
			Governs       *relationTypeData
			None          *relationTypeData
		}
		EntityTypes []string
	}
	mustDo(t, h, `{ ontology {
		entityTypes { name description }
		relationTypes { ...R }
		country: entityType(name: Country) { name }
		governs: relationType(name: "governs") { ...R }
		none: relationType(name: "invented") { ...R } }
		entityTypes }
		fragment R on RelationType { name label inverse description symmetric attributes subjectTypes { name } objectTypes { name } fieldName inverseFieldName }`, &d)
	o := d.Ontology
	var ets []string
	for _, et := range o.EntityTypes {
		ets = append(ets, et.Name)
		if et.Description == nil {
			t.Errorf("entity type %s has no description", et.Name)
		}
	}
	if want := []string{"AccountCluster", "Country", "Group", "Official", "Organization", "Platform"}; !slices.Equal(ets, want) || !slices.Equal(d.EntityTypes, want) {
		t.Errorf("entity types %v, deprecated list %v, want %v", ets, d.EntityTypes, want)
	}
	if len(o.RelationTypes) != 10 {
		t.Errorf("%d relation types, want the seed's 10", len(o.RelationTypes))
	}
	if o.Country == nil || o.Country.Name != "Country" || o.None != nil {
		t.Errorf("entityType(Country) = %+v, relationType(invented) = %+v", o.Country, o.None)
	}
	g := o.Governs
	if g == nil || g.Label != "governs" || g.Inverse == nil || *g.Inverse != "governed by" || g.Symmetric ||
		!slices.Equal(names(g.SubjectTypes), []string{"Group"}) || !slices.Equal(names(g.ObjectTypes), []string{"Country"}) ||
		g.FieldName != "governs" || g.InverseFieldName == nil || *g.InverseFieldName != "governedBy" {
		t.Errorf("governs = %+v", g)
	}
	for _, rt := range o.RelationTypes {
		switch rt.Name {
		case "allied-with":
			if !rt.Symmetric || rt.InverseFieldName != nil || rt.FieldName != "alliedWith" {
				t.Errorf("allied-with = %+v", rt)
			}
		case "operating-from":
			if !slices.Equal(rt.Attributes, []string{"count"}) || *rt.InverseFieldName != "hosts" {
				t.Errorf("operating-from = %+v", rt)
			}
		}
	}
}

func TestEntitiesTakeTheEntityTypeEnum(t *testing.T) {
	h := newHandler(t)
	var d struct {
		Type struct{ EnumValues []struct{ Name string } } `json:"__type"`
	}
	mustDo(t, h, `{ __type(name: "EntityTypeName") { enumValues { name } } }`, &d)
	if got := names(d.Type.EnumValues); !slices.Equal(got, []string{"AccountCluster", "Country", "Group", "Official", "Organization", "Platform"}) {
		t.Errorf("EntityTypeName values = %v", got)
	}
	resp, _ := h.Do(t.Context(), Request{Query: `query($t: EntityTypeName) { entities(type: $t) { nodes { id type } } }`, Variables: map[string]any{"t": "Group"}})
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	var e struct {
		Entities struct{ Nodes []struct{ ID, Type string } }
	}
	mustDo(t, h, `{ entities(type: Group) { nodes { id type } } }`, &e)
	if len(e.Entities.Nodes) == 0 {
		t.Fatal("no groups")
	}
	for _, n := range e.Entities.Nodes {
		if n.Type != "Group" {
			t.Errorf("entities(type: Group) gave %s, a %s", n.ID, n.Type)
		}
	}
	resp, _ = h.Do(t.Context(), Request{Query: `query($t: EntityTypeName) { entities(type: $t) { nodes { id } } }`, Variables: map[string]any{"t": "Planet"}})
	if codes := codesOf(resp); len(codes) == 0 {
		t.Errorf("an unknown type in a variable was accepted")
	}
}
