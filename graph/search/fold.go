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
	if ascii, lower := asciiFold(s); ascii {
		return lower
	}
	return foldUnicode(s)
}

// asciiFold folds a string of ASCII alone, which has no diacritics and
// whose case folding is A-Z to a-z: most names, folded without the
// Unicode tables. It reports false for any other string.
func asciiFold(s string) (bool, string) {
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return false, ""
		}
		upper = upper || 'A' <= c && c <= 'Z'
	}
	if !upper {
		return true, s
	}
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return true, string(b)
}

// foldUnicode folds s through Unicode normalization and case folding.
func foldUnicode(s string) string {
	// Transformers keep state, so each call builds its own chain.
	chain := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(chain, s)
	if err != nil {
		out = s
	}
	return cases.Fold().String(out)
}
