package graph

import (
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	tests := []struct {
		name string
		s    string
		max  int
		kind TextKind
		ok   bool
	}{
		{"plain text is accepted", "Tehrik-e-Taliban Pakistan", MaxNameBytes, Line, true},
		{"non-Latin text is accepted", "تحریک طالبان پاکستان", MaxNameBytes, Line, true},
		{"a real U+FFFD is accepted", "a\uFFFDb", MaxNameBytes, Line, true},
		{"a line feed in a quote is accepted", "one\n\ttwo", MaxTextBytes, Paragraphs, true},
		{"a line feed in a name is refused", "one\ntwo", MaxNameBytes, Line, false},
		{"a tab in a name is refused", "one\ttwo", MaxNameBytes, Line, false},
		{"NUL is refused", "a\x00b", MaxTextBytes, Paragraphs, false},
		{"a carriage return is refused", "a\rb", MaxTextBytes, Paragraphs, false},
		{"DEL is refused", "a\x7fb", MaxNameBytes, Line, false},
		{"a C1 control is refused", "a\u0085b", MaxTextBytes, Paragraphs, false},
		{"a right-to-left override is refused", "a\u202Eb", MaxNameBytes, Line, false},
		{"a bidi isolate is refused", "a\u2067b", MaxTextBytes, Paragraphs, false},
		{"invalid UTF-8 is refused", "a\xffb", MaxNameBytes, Line, false},
		{"text at the limit is accepted", strings.Repeat("x", MaxTitleBytes), MaxTitleBytes, Line, true},
		{"text past the limit is refused", strings.Repeat("x", MaxTitleBytes+1), MaxTitleBytes, Line, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckText(tt.s, tt.max, tt.kind)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckText = %v, want ok %v", err, tt.ok)
			}
			if err != nil && len(err.Error()) > 2*MaxQuoteBytes {
				t.Errorf("the error is %d bytes long", len(err.Error()))
			}
		})
	}
}

// TestValidateBatchRefusesControlCharactersAndHugeFields checks that the
// text rules reach every text field through the domain validation, so
// that every write path (files, mutations, restores) refuses them, and
// that no message quotes more than a short part of a huge value.
func TestValidateBatchRefusesControlCharactersAndHugeFields(t *testing.T) {
	huge := strings.Repeat("x", 50<<20)
	tests := []struct {
		name  string
		edit  func(*Batch)
		field string
	}{
		{"NUL in a name", func(b *Batch) { b.Entities[0].Name = "a\x00b" }, "entity.name"},
		{"U+202E in a name", func(b *Batch) { b.Entities[0].Name = "\u202Eaidni" }, "entity.name"},
		{"a control character in an alias", func(b *Batch) { b.Entities[0].Aliases = []Alias{{Name: "a\x01"}} }, "entity.aliases"},
		{"a 50 MB title", func(b *Batch) { b.Sources[0].Title = huge }, "source.title"},
		{"a 10 MB URL", func(b *Batch) { b.Sources[0].URL = huge[:10<<20] }, "source.url"},
		{"a 50 MB quote", func(b *Batch) { b.Statements[0].Claims[0].Quote = huge }, "statement.quote"},
		{"a 10 MB entity id", func(b *Batch) { b.Entities[0].ID = huge[:10<<20] }, "entity.id"},
		{"invalid UTF-8 in a description", func(b *Batch) { b.Entities[1].Description = "\xc3" }, "entity.description"},
		{"a control character in an attribute value", func(b *Batch) {
			b.Statements[0].Attributes = map[string]string{"since": "a\x1bb"}
		}, "statement.attributes"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			b := fixtureBatch()
			tt.edit(&b)
			NormalizeBatch(&b)
			err := ValidateBatch(t.Context(), fixtureOntology(), &b, knowsNothing)
			if ErrorCode(err) != Invalid {
				t.Fatalf("err = %v, want Invalid", err)
			}
			var found bool
			for _, p := range err.(*Error).Problems {
				found = found || p.Kind+"."+p.Field == tt.field
			}
			if !found {
				t.Errorf("no problem with %s: %v", tt.field, err)
			}
			if n := len(err.Error()); n > 4<<10 {
				t.Errorf("the error is %d bytes long", n)
			}
		})
	}
}

func TestValidateBatchListsAtMostMaxProblems(t *testing.T) {
	b := fixtureBatch()
	for i := 0; i < 3*MaxProblems; i++ {
		b.Entities = append(b.Entities, Entity{ID: "bad id", Type: "Country", Name: "x"})
	}
	err := ValidateBatch(t.Context(), fixtureOntology(), &b, knowsNothing)
	ge, ok := err.(*Error)
	if !ok || len(ge.Problems) != MaxProblems || !strings.Contains(ge.Message, "(the first 1000 listed)") {
		t.Fatalf("got %d problems, message %q; want %d listed of them all", len(ge.Problems), ge.Message, MaxProblems)
	}
}
