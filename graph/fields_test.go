package graph

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestRelationFieldNames(t *testing.T) {
	tests := []struct {
		rt               RelationType
		forward, inverse string
	}{
		{RelationType{Name: "accused-of-backing", Inverse: "said to be backed by"}, "accusedOfBacking", "saidToBeBackedBy"},
		{RelationType{Name: "governs", Inverse: "governed by"}, "governs", "governedBy"},
		{RelationType{Name: "operating-from", Inverse: "hosts"}, "operatingFrom", "hosts"},
		{RelationType{Name: "acted-in", Inverse: "starring"}, "actedIn", "starring"},
		{RelationType{Name: "directed-by", Inverse: "directed"}, "directedBy", "directed"},
		{RelationType{Name: "official-of"}, "officialOf", "officialOfBy"},
		{RelationType{Name: "a-b2-c", Inverse: "Has  the—U.N. seat"}, "aB2C", "hasTheUNSeat"},
		{RelationType{Name: "hosts-in", Inverse: "accueille à"}, "hostsIn", "hostsInBy"},
		{RelationType{Name: "counts", Inverse: "2nd of"}, "counts", "countsBy"},
		{RelationType{Name: "allied-with", Inverse: "allied with", Symmetric: true}, "alliedWith", ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s with inverse %q is %s and %q", tt.rt.Name, tt.rt.Inverse, tt.forward, tt.inverse), func(t *testing.T) {
			if got := tt.rt.FieldName(); got != tt.forward {
				t.Errorf("FieldName = %q", got)
			}
			if got := tt.rt.InverseFieldName(); got != tt.inverse {
				t.Errorf("InverseFieldName = %q", got)
			}
		})
	}
}

func TestRelationFieldsOfAType(t *testing.T) {
	ont := Ontology{RelationTypes: []RelationType{
		{Name: "relations"}, {Name: "knows", Inverse: "known by"}, {Name: "known-by", Symmetric: true},
	}}
	fields, clashes := ont.RelationFields("Country")
	var names, clashed []string
	for _, f := range fields {
		names = append(names, f.Name+":"+string(f.Direction))
	}
	for _, f := range clashes {
		clashed = append(clashed, f.Name)
	}
	if want := []string{"relationsBy:IN", "knows:OUT", "knownBy:IN"}; !slices.Equal(names, want) {
		t.Errorf("fields = %v, want %v", names, want)
	}
	if want := []string{"relations", "knownBy"}; !slices.Equal(clashed, want) {
		t.Errorf("clashes = %v, want %v", clashed, want)
	}
}

// TestFieldClashesAreOntologyErrors checks that a relation type whose field
// would clash is reported on the relation type of the batch, in the field
// that names it, whether the other side is in the batch or stored.
func TestFieldClashesAreOntologyErrors(t *testing.T) {
	stored := Ontology{
		EntityTypes:   []EntityType{{Name: "Country"}, {Name: "Group"}},
		RelationTypes: []RelationType{{Name: "governs", Inverse: "governed by", Subject: []string{"Group"}, Object: []string{"Country"}}},
	}
	tests := []struct {
		name     string
		add      []RelationType
		problems []string // index.field of each problem
	}{
		{"a distinct inverse is fine", []RelationType{{Name: "backs", Inverse: "backed by", Subject: []string{"Country"}, Object: []string{"Group"}}}, nil},
		{"an inverse clashing with a stored type's inverse", []RelationType{
			{Name: "rules", Inverse: "governed by", Subject: []string{"Group"}, Object: []string{"Country"}}}, []string{"0.inverse"}},
		{"a stored type's inverse clashing with a new forward name", []RelationType{
			{Name: "governed-by", Subject: []string{"Country"}, Object: []string{"Group"}}}, []string{"0.name"}},
		{"an inverse that is a field of every entity", []RelationType{
			{Name: "names", Inverse: "name", Object: []string{"Group"}}}, []string{"0.inverse"}},
		{"a forward name that is a field of every entity", []RelationType{{Name: "relations"}}, []string{"0.name"}},
		{"an inverse equal to its own forward name", []RelationType{{Name: "meets", Inverse: "meets"}}, []string{"0.inverse"}},
		{"an inverse that makes no name", []RelationType{{Name: "hosts-in", Inverse: "accueille à"}}, []string{"0.inverse"}},
		{"two new types clash once, on the later", []RelationType{
			{Name: "a-funds", Inverse: "funded by", Subject: []string{"Country"}, Object: []string{"Group"}},
			{Name: "b-funds", Inverse: "funded by", Subject: []string{"Country"}, Object: []string{"Group"}}}, []string{"1.inverse"}},
		{"types on different entity types do not clash", []RelationType{
			{Name: "rules", Inverse: "governed by", Subject: []string{"Country"}, Object: []string{"Group"}}}, nil},
		{"a symmetric type ignores its inverse", []RelationType{{Name: "allied-with", Inverse: "governed by", Symmetric: true}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Batch{Ontology: Ontology{RelationTypes: tt.add}}
			err := ValidateBatch(t.Context(), stored.Merge(b.Ontology), &b, knowsNothing)
			var got []string
			var ge *Error
			if errors.As(err, &ge) {
				if ge.Code != Invalid {
					t.Fatalf("code = %s", ge.Code)
				}
				for _, p := range ge.Problems {
					if p.Kind != KindRelationType {
						t.Errorf("problem of kind %s: %v", p.Kind, p)
					}
					got = append(got, fmt.Sprintf("%d.%s", p.Index, p.Field))
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.problems) {
				t.Errorf("problems = %v, want %v (%v)", got, tt.problems, err)
			}
		})
	}
}
