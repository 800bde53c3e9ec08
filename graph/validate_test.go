package graph

import (
	"context"
	"errors"
	"testing"
)

func fixtureOntology() Ontology {
	return Ontology{
		EntityTypes: []EntityType{{Name: "Country"}, {Name: "Group"}},
		RelationTypes: []RelationType{
			{Name: "backs", Subject: []string{"Country"}, Object: []string{"Group"}, Attributes: []string{"since"}},
		},
	}
}

func fixtureBatch() Batch {
	return Batch{
		Sources:  []Source{{ID: "src", Title: "An article"}},
		Entities: []Entity{{ID: "india", Type: "Country", Name: "India"}, {ID: "ttp", Type: "Group", Name: "TTP"}},
		Statements: []Statement{{
			Subject: "india", Type: "backs", Object: "ttp",
			Claims: []Claim{{Source: "src", Claimant: "india", Stance: Denies}},
		}},
	}
}

// knowsNothing is a Known for a batch that must stand alone.
func knowsNothing(context.Context, string, string) (string, bool, error) { return "", false, nil }

func TestValidateBatch(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Batch)
		fields []string // Kind.Field of each problem expected, in order
	}{
		{"valid batch has no problems", func(*Batch) {}, nil},
		{"unknown entity type is reported once, not at its statements", func(b *Batch) { b.Entities[0].Type = "Nation" }, []string{"entity.type"}},
		{"unknown object entity is reported", func(b *Batch) { b.Statements[0].Object = "bla" }, []string{"statement.object"}},
		{"disallowed direction is reported", func(b *Batch) {
			b.Statements[0].Subject, b.Statements[0].Object = "ttp", "india"
		}, []string{"statement.type"}},
		{"statement without claims is reported", func(b *Batch) { b.Statements[0].Claims = nil }, []string{"statement.claims"}},
		{"bad stance and unknown source are both reported", func(b *Batch) {
			b.Statements[0].Claims[0].Stance = "MAYBE"
			b.Statements[0].Claims[0].Source = "nowhere"
		}, []string{"statement.source", "statement.stance"}},
		{"undeclared attribute is reported", func(b *Batch) { b.Statements[0].Attributes = map[string]string{"count": "3"} }, []string{"statement.attributes"}},
		{"valid time ending before it starts is reported", func(b *Batch) {
			b.Statements[0].ValidFrom, b.Statements[0].ValidUntil = "2022", "2021-05"
		}, []string{"statement.until"}},
		{"conflicting duplicate entity is reported", func(b *Batch) {
			b.Entities = append(b.Entities, Entity{ID: "india", Type: "Country", Name: "Bharat"})
		}, []string{"entity.id"}},
		{"identical duplicate entity is accepted", func(b *Batch) { b.Entities = append(b.Entities, b.Entities[0]) }, nil},
		{"bad entity id is reported", func(b *Batch) { b.Entities[1].ID = "TTP Group" }, []string{"entity.id", "statement.object"}},
		{"reserved type name is reported", func(b *Batch) {
			b.Ontology.EntityTypes = []EntityType{{Name: "Relation"}}
		}, []string{"entityType.name"}},
		{"claim id shared by two statements is reported", func(b *Batch) {
			b.Statements[0].Claims[0].ID = "c1"
			b.Entities = append(b.Entities, Entity{ID: "pakistan", Type: "Country", Name: "Pakistan"})
			b.Statements = append(b.Statements, Statement{Subject: "pakistan", Type: "backs", Object: "ttp",
				Claims: []Claim{{ID: "c1", Source: "src", Stance: Asserts}}})
		}, []string{"statement.id"}},
		{"bad grades are reported", func(b *Batch) {
			b.Sources[0].Reliability = "G"
			b.Statements[0].Claims[0].Credibility = "7"
		}, []string{"source.reliability", "statement.credibility"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fixtureBatch()
			tt.edit(&b)
			NormalizeBatch(&b)
			ont := fixtureOntology().Merge(b.Ontology)
			err := ValidateBatch(t.Context(), ont, &b, knowsNothing)
			if len(tt.fields) == 0 {
				if err != nil {
					t.Fatalf("ValidateBatch: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != Invalid {
				t.Fatalf("ValidateBatch = %v, want an Invalid *Error", err)
			}
			var got []string
			for _, p := range e.Problems {
				got = append(got, p.Kind+"."+p.Field)
			}
			if len(got) != len(tt.fields) {
				t.Fatalf("problems = %v, want %v", e.Problems, tt.fields)
			}
			for i := range got {
				if got[i] != tt.fields[i] {
					t.Errorf("problem %d = %s (%s), want %s", i, got[i], e.Problems[i].Message, tt.fields[i])
				}
			}
		})
	}
}

func TestValidateBatchResolvesStoredEntities(t *testing.T) {
	b := fixtureBatch()
	b.Entities = b.Entities[:1] // ttp is stored, not in the batch
	NormalizeBatch(&b)
	known := func(_ context.Context, kind, id string) (string, bool, error) {
		if kind == KindEntity && id == "ttp" {
			return "Group", true, nil
		}
		return "", false, nil
	}
	if err := ValidateBatch(t.Context(), fixtureOntology(), &b, known); err != nil {
		t.Fatalf("ValidateBatch: %v", err)
	}
}

func TestValidateBatchReturnsLookupErrors(t *testing.T) {
	b := fixtureBatch()
	b.Entities = nil
	NormalizeBatch(&b)
	boom := errors.New("store down")
	known := func(context.Context, string, string) (string, bool, error) { return "", false, boom }
	if err := ValidateBatch(t.Context(), fixtureOntology(), &b, known); !errors.Is(err, boom) {
		t.Fatalf("ValidateBatch = %v, want the lookup error", err)
	}
}

func TestNormalizeBatchFillsIDs(t *testing.T) {
	b := fixtureBatch()
	NormalizeBatch(&b)
	st := b.Statements[0]
	if st.ID != "india.backs.ttp" {
		t.Errorf("statement id = %q", st.ID)
	}
	if st.Claims[0].ID != "india.backs.ttp~src~india" {
		t.Errorf("claim id = %q", st.Claims[0].ID)
	}
}

func TestErrorCode(t *testing.T) {
	wrapped := errors.Join(errors.New("context"), Errorf(NotFound, "no entity %q", "x"))
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil has no code", nil, ""},
		{"domain error keeps its code", Errorf(Conflict, "x"), Conflict},
		{"wrapped domain error keeps its code", wrapped, NotFound},
		{"foreign error is internal", errors.New("disk on fire"), Internal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.want {
				t.Errorf("ErrorCode = %q, want %q", got, tt.want)
			}
		})
	}
	if got := ErrorMessage(errors.New("secret path /var/x")); got != "internal error" {
		t.Errorf("ErrorMessage of a foreign error = %q, want it hidden", got)
	}
}
