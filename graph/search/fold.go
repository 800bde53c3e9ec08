package search

import (
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold returns s folded for search: decomposed, diacritics dropped, case
// folded ("Quétta" and "QUETTA" both become "quetta", "ß" becomes "ss").
func Fold(s string) string {
	// Transformers keep state, so each call builds its own chain.
	chain := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(chain, s)
	if err != nil {
		out = s
	}
	return cases.Fold().String(out)
}
