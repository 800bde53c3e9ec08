package graph

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

const anchorText = "Quétta, Pakistan — Chaudhry said the accounts were run from abroad. " +
	"The ministry said the accounts were closed. Nobody denied it."

func TestDocumentAnchor(t *testing.T) {
	doc := NewDocument(anchorText)
	at := func(quote string, nth int) int { // code point of the nth occurrence
		b := -1
		for range nth + 1 {
			b += 1 + strings.Index(anchorText[b+1:], quote)
		}
		return utf8.RuneCountInString(anchorText[:b])
	}
	tests := []struct {
		name    string
		quote   string
		hint    Anchor
		start   int    // want, when wantErr is ""
		wantErr string // a part of the error message
	}{
		{"a unique quote is placed in code points", "Chaudhry said", Anchor{}, at("Chaudhry said", 0), ""},
		{"a quote at the start has a short prefix", "Quétta", Anchor{}, 0, ""},
		{"an absent quote is refused with the closest match", "the ministry closed the accounts", Anchor{},
			0, `quote not found in src; closest: "The ministry said the accounts"`},
		{"an ambiguous quote is refused with where it occurs", "said the accounts were", Anchor{},
			0, "quote occurs 2 times in src (at code points 28, 81); give prefix/suffix or start"},
		{"a prefix picks one place", "said the accounts were", Anchor{Prefix: "ministry "}, at("said the accounts were", 1), ""},
		{"a suffix picks one place", "said the accounts were", Anchor{Suffix: " run"}, at("said the accounts were", 0), ""},
		{"a start picks one place", "said the accounts were", Anchor{Start: 81}, 81, ""},
		{"a start where the quote is not is refused", "said the accounts were", Anchor{Start: 80},
			0, "quote is not at code points 80–102 of src"},
		{"a prefix that fits nowhere is refused", "said the accounts were", Anchor{Prefix: "Minister "},
			0, "but at none with the given prefix and suffix"},
		{"an empty quote is refused", "", Anchor{}, 0, "needs a quote"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := doc.Anchor("src", tc.quote, tc.hint)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Start != tc.start || doc.Slice(a.Start, a.End) != tc.quote {
				t.Errorf("anchor %+v: text[%d:%d] = %q, want %q at %d", a, a.Start, a.End, doc.Slice(a.Start, a.End), tc.quote, tc.start)
			}
			if want := doc.Slice(a.Start-AnchorContext, a.Start); a.Prefix != want {
				t.Errorf("prefix = %q, want %q", a.Prefix, want)
			}
			if want := doc.Slice(a.End, a.End+AnchorContext); a.Suffix != want || utf8.RuneCountInString(a.Suffix) > AnchorContext {
				t.Errorf("suffix = %q, want %q", a.Suffix, want)
			}
		})
	}
}

func TestDocumentReanchor(t *testing.T) {
	old := NewDocument(anchorText)
	quote := "Nobody denied it."
	a, err := old.Anchor("src", quote, Anchor{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		text         string
		wantOrphaned bool
	}{
		{"text added far before moves the anchor", "Update: corrected. " + anchorText, false},
		{"the quote gone orphans the claim", strings.Replace(anchorText, "Nobody denied it.", "Both denied it.", 1), true},
		{"the quote's context changed moves the anchor", strings.Replace(anchorText, "were closed.", "were shut.", 1), false},
		{"the quote twice, once in its old context, moves the anchor", "Nobody denied it. " + anchorText, false},
		{"the quote twice, in other contexts, orphans the claim", "Nobody denied it. And: Nobody denied it.", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := NewDocument(tc.text)
			got := doc.Reanchor("src", quote, a)
			if got.Orphaned != tc.wantOrphaned {
				t.Fatalf("orphaned = %v, want %v (%+v)", got.Orphaned, tc.wantOrphaned, got)
			}
			if tc.wantOrphaned {
				if got.Start != a.Start || got.End != a.End {
					t.Errorf("an orphaned anchor moved: %+v, was %+v", got, a)
				}
				return
			}
			if doc.Slice(got.Start, got.End) != quote {
				t.Errorf("re-placed anchor %+v holds %q", got, doc.Slice(got.Start, got.End))
			}
		})
	}
}

func TestValidateBatchAnchorsClaims(t *testing.T) {
	withText := func(b *Batch) { b.Sources[0].Text = anchorText; NormalizeBatch(b) }
	tests := []struct {
		name   string
		edit   func(*Batch)
		fields []string
	}{
		{"a verbatim quote is anchored", func(b *Batch) {
			withText(b)
			b.Statements[0].Claims[0].Quote = "Nobody denied it."
		}, nil},
		{"a quote not in the text is refused", func(b *Batch) {
			withText(b)
			b.Statements[0].Claims[0].Quote = "Everybody denied it."
		}, []string{"statement.quote"}},
		{"a digest of another text is refused", func(b *Batch) {
			b.Sources[0].Text, b.Sources[0].Digest = anchorText, TextDigest("other")
		}, []string{"source.digest"}},
		{"an anchor on a source without text is refused", func(b *Batch) {
			b.Statements[0].Claims[0].Quote = "x"
			b.Statements[0].Claims[0].Anchor = Anchor{Start: 1, End: 2}
		}, []string{"statement.anchor"}},
		{"an orphaned claim keeps its anchor unchecked", func(b *Batch) {
			withText(b)
			b.Statements[0].Claims[0].Quote = "gone from the text"
			b.Statements[0].Claims[0].Anchor = Anchor{Start: 3, End: 21, Orphaned: true}
		}, nil},
		{"a claim without a quote needs no anchor", func(b *Batch) { withText(b) }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := fixtureBatch()
			tc.edit(&b)
			NormalizeBatch(&b)
			err := ValidateBatch(context.Background(), fixtureOntology(), &b, knowsNothing)
			var got []string
			if e, ok := err.(*Error); ok {
				for _, p := range e.Problems {
					got = append(got, p.Kind+"."+p.Field)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, " ") != strings.Join(tc.fields, " ") {
				t.Fatalf("problems %v, want %v (%v)", got, tc.fields, err)
			}
			if c := b.Statements[0].Claims[0]; err == nil && c.Quote != "" && !c.Anchor.Orphaned {
				if s := NewDocument(anchorText).Slice(c.Anchor.Start, c.Anchor.End); s != c.Quote {
					t.Errorf("anchor %+v holds %q, want the quote %q", c.Anchor, s, c.Quote)
				}
			}
		})
	}
}
