package graph

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Size limits of text fields, in bytes of UTF-8. They bound what one item
// may hold so that no single write can make the store, its exports or an
// error message huge; seed/FORMAT.md lists them.
const (
	// MaxIDBytes bounds entity ids (item ids have the same bound).
	MaxIDBytes = 200
	// MaxNameBytes bounds names: entity names and aliases, type names,
	// relation labels, attribute keys, publishers.
	MaxNameBytes = 1 << 10
	// MaxTitleBytes bounds source titles.
	MaxTitleBytes = 2 << 10
	// MaxURLBytes bounds URLs and IRIs.
	MaxURLBytes = 4 << 10
	// MaxTextBytes bounds long texts: descriptions, quotes, attribute
	// values.
	MaxTextBytes = 64 << 10
)

// MaxQuoteBytes is how much of a value an error message quotes.
const MaxQuoteBytes = 200

// TextKind says what a text field may hold.
type TextKind int

const (
	// Line is a single line of text: a name, a title, a label.
	Line TextKind = iota
	// Paragraphs may also hold tabs and line feeds: a description, a quote.
	Paragraphs
)

// CheckText reports whether s may be stored as a text field: valid UTF-8,
// at most max bytes long, with no control characters (C0 and C1, DEL;
// Paragraphs allow tab and line feed) and no bidirectional formatting
// characters (U+202A–U+202E, U+2066–U+2069), which can make a stored text
// read other than it is. The error quotes at most MaxQuoteBytes of s.
func CheckText(s string, max int, kind TextKind) error {
	if len(s) > max {
		return fmt.Errorf("is %d bytes long; at most %d are allowed", len(s), max)
	}
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !realReplacement(s, i):
			return fmt.Errorf("is not valid UTF-8 (at byte %d)", i)
		case (r == '\t' || r == '\n') && kind == Paragraphs:
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			return fmt.Errorf("holds the control character %U at byte %d", r, i)
		case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			return fmt.Errorf("holds the bidirectional formatting character %U at byte %d", r, i)
		}
	}
	return nil
}

// realReplacement reports whether the rune at byte i of s is a real U+FFFD rather
// than an invalid byte.
func realReplacement(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 3
}

// Quote quotes s as %q does, cut to at most MaxQuoteBytes of s (at a
// character boundary) with "…" after the quote when it was cut, so that
// an error message never echoes a huge input.
func Quote(s string) string {
	if len(s) <= MaxQuoteBytes {
		return strconv.Quote(s)
	}
	cut := MaxQuoteBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}

// checkText adds a problem when a text field breaks CheckText.
func (v *validator) checkText(kind string, index, claim int, field, s string, max int, tk TextKind) {
	if s == "" {
		return
	}
	if err := CheckText(s, max, tk); err != nil {
		v.add(kind, index, claim, field, "%s %v", field, err)
	}
}
