package graph

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Relation fields. The APIs give every relation type a field on the entity
// types it connects: FieldName on its allowed subject types (the entity is
// the subject), InverseFieldName on its allowed object types (the entity is
// the object); a symmetric relation type has FieldName alone, on the types
// at either end. The names are fixed by the ontology, so two relation types
// whose fields would meet under one name on one entity type, or a field
// that would take the name of one of ReservedFieldNames, are an ontology
// error (see ValidateBatch).

// ReservedFieldNames are the fields every entity type has besides its
// relation fields.
var ReservedFieldNames = []string{
	"aliasDetails", "aliases", "createdAt", "createdBy", "description", "id", "mergedFrom", "name", "recordedAt", "recordedBy", "relations", "relationsConnection", "type",
}

// FieldName returns the name of r's field read from the subject: r's name
// in lower camel case (accused-of-backing → accusedOfBacking).
func (r RelationType) FieldName() string {
	parts := strings.Split(r.Name, "-")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// InverseFieldName returns the name of r's field read from the object: the
// declared inverse in lower camel case (governed by → governedBy, hosts →
// hosts), or FieldName with "By" appended when r declares no inverse, or
// one that makes no field name (see CamelName). It is "" for a symmetric
// relation type, which has one field read both ways.
func (r RelationType) InverseFieldName() string {
	if r.Symmetric {
		return ""
	}
	if name, ok := CamelName(r.Inverse); ok {
		return name
	}
	return r.FieldName() + "By"
}

// CamelName returns label as a field name in lower camel case: its words
// (runs of ASCII letters and digits; anything else separates them) joined,
// each after the first with a capital letter, the first with a small one
// ("said to be backed by" → saidToBeBackedBy, "U.N. member" → uNMember).
// It reports false when label has no word, starts with a digit, or holds a
// letter or digit outside ASCII, which a field name cannot.
func CamelName(label string) (string, bool) {
	var b strings.Builder
	words := strings.FieldsFunc(label, func(c rune) bool { return !isASCIIAlnum(c) })
	for i, w := range words {
		if i == 0 {
			b.WriteString(strings.ToLower(w[:1]) + w[1:])
		} else {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	for _, c := range label {
		if c > unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
			return "", false
		}
	}
	name := b.String()
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return "", false
	}
	return name, true
}

func isASCIIAlnum(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// RelationField is one relation field of an entity type.
type RelationField struct {
	Name     string
	Relation RelationType
	// Direction is Out for FieldName, In for InverseFieldName, Both for
	// the field of a symmetric relation type.
	Direction Direction
}

// RelationFields returns the relation fields of entity type typ, in the
// order of o's relation types, forward before inverse. Fields whose names
// are taken (by ReservedFieldNames or an earlier field) are left out and
// returned as clashes; an ontology that passed ValidateBatch has none.
func (o *Ontology) RelationFields(typ string) (fields, clashes []RelationField) {
	for _, rt := range o.RelationTypes {
		for _, f := range rt.fieldsOn(typ) {
			if slices.Contains(ReservedFieldNames, f.Name) || slices.ContainsFunc(fields, func(g RelationField) bool { return g.Name == f.Name }) {
				clashes = append(clashes, f)
				continue
			}
			fields = append(fields, f)
		}
	}
	return fields, clashes
}

// fieldsOn returns r's fields on entity type typ: none, one or two.
func (r RelationType) fieldsOn(typ string) []RelationField {
	allowed := func(list []string) bool { return len(list) == 0 || slices.Contains(list, typ) }
	var out []RelationField
	switch {
	case r.Symmetric:
		if allowed(r.Subject) || allowed(r.Object) {
			out = append(out, RelationField{r.FieldName(), r, Both})
		}
	default:
		if allowed(r.Subject) {
			out = append(out, RelationField{r.FieldName(), r, Out})
		}
		if allowed(r.Object) {
			out = append(out, RelationField{r.InverseFieldName(), r, In})
		}
	}
	return out
}

// relationFields adds a problem for each relation type of b whose inverse
// makes no field name, or whose field meets another field under one name
// on an entity type of v.ont. A clash is reported once, on the relation
// type of b that comes last in v.ont (the other may be stored already).
func (v *validator) relationFields(b Batch) {
	index := map[string]int{}
	for i, t := range b.Ontology.RelationTypes {
		index[t.Name] = i
		if t.Inverse != "" && !t.Symmetric {
			if _, ok := CamelName(t.Inverse); !ok {
				v.add(KindRelationType, i, -1, "inverse", "inverse %q makes no field name: use ASCII letters, digits and spaces, not starting with a digit", t.Inverse)
			}
		}
	}
	if len(index) == 0 {
		return
	}
	inBatch := func(name string) bool { _, ok := index[name]; return ok }
	reported := map[string]bool{}
	report := func(f RelationField, et, clash string) {
		i, ok := index[f.Relation.Name]
		key := f.Relation.Name + "\x00" + f.Name
		if !ok || reported[key] {
			return
		}
		reported[key] = true
		field, hint := "name", "rename the relation type"
		if f.Direction == In {
			field, hint = "inverse", "declare another inverse"
		}
		v.add(KindRelationType, i, -1, field, "the field %s of relation type %q on %s clashes with %s; %s",
			f.Name, f.Relation.Name, et, clash, hint)
	}
	for _, et := range v.ont.EntityTypes {
		var seen []RelationField
		for _, rt := range v.ont.RelationTypes {
			for _, f := range rt.fieldsOn(et.Name) {
				if slices.Contains(ReservedFieldNames, f.Name) {
					report(f, et.Name, "a field every entity type has")
					continue
				}
				j := slices.IndexFunc(seen, func(g RelationField) bool { return g.Name == f.Name })
				if j < 0 {
					seen = append(seen, f)
					continue
				}
				other := seen[j]
				switch {
				case other.Relation.Name == rt.Name:
					report(f, et.Name, "its own field in the other direction")
				case inBatch(rt.Name):
					report(f, et.Name, fmt.Sprintf("the field of relation type %q", other.Relation.Name))
				default:
					report(other, et.Name, fmt.Sprintf("the field of relation type %q", rt.Name))
				}
			}
		}
	}
}
