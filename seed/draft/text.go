package draft

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold maps a rune to the form names are compared in: lower case, without
// diacritics, with the typographic apostrophes and dashes made plain. It
// maps one rune to one rune, so that positions in the folded text are
// positions in the text.
func fold(r rune) rune {
	switch r {
	case '’', '‘', 'ʼ', '`', '´':
		return '\''
	case '‐', '‑', '‒', '–', '—':
		return '-'
	case 'ı':
		return 'i'
	case 'ß':
		return 's'
	case 'ø':
		return 'o'
	case 'Ø':
		return 'o'
	case 'ł':
		return 'l'
	case 'Ł':
		return 'l'
	case 'đ', 'Đ':
		return 'd'
	}
	if r < 0x80 {
		return unicode.ToLower(r)
	}
	for _, d := range norm.NFD.String(string(r)) {
		if !unicode.Is(unicode.Mn, d) {
			return unicode.ToLower(d)
		}
	}
	return unicode.ToLower(r)
}

// foldString folds every rune of s.
func foldString(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(fold(r))
	}
	return b.String()
}

// isWordRune reports whether r belongs to a word: a letter, a digit or a
// combining mark.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// token is a word or a punctuation mark of the text, at rune offsets
// [start, end).
type token struct {
	start, end int
	text       string // as written
	fold       string // folded
	stem       string // folded and stemmed; "" for punctuation
	word       bool
	upper      bool // a word that starts with a capital letter
}

// sentence is a span of the text read as one unit. A heading is a short
// line without a sentence-final mark: a title or a section heading.
type sentence struct {
	index      int
	start, end int
	tokens     []token
	heading    bool
}

// text is a document prepared for matching.
type text struct {
	runes     []rune
	folded    []rune
	sentences []sentence
}

func newText(s string) *text {
	t := &text{runes: []rune(s)}
	t.folded = make([]rune, len(t.runes))
	for i, r := range t.runes {
		t.folded[i] = fold(r)
	}
	t.sentences = splitSentences(t.runes)
	for i := range t.sentences {
		t.sentences[i].index = i
		t.sentences[i].tokens = tokenize(t.runes, t.sentences[i].start, t.sentences[i].end)
	}
	return t
}

// slice returns the text at rune offsets [start, end).
func (t *text) slice(start, end int) string { return string(t.runes[start:end]) }

// tokenize splits runes[start:end] into words and punctuation marks. A word
// runs on over an apostrophe or a hyphen between letters ("Tehrik-e-Taliban",
// "Pakistan's") and over a point or comma between digits ("1,000").
func tokenize(runes []rune, start, end int) []token {
	var out []token
	i := start
	for i < end {
		r := runes[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case isWordRune(r):
			j := i + 1
			for j < end {
				if isWordRune(runes[j]) {
					j++
					continue
				}
				if j+1 < end && isWordRune(runes[j+1]) {
					c := fold(runes[j])
					if c == '\'' || c == '-' {
						j += 2
						continue
					}
					if (c == '.' || c == ',') && unicode.IsDigit(runes[j-1]) && unicode.IsDigit(runes[j+1]) {
						j += 2
						continue
					}
				}
				break
			}
			out = append(out, newToken(runes, i, j, true))
			i = j
		default:
			out = append(out, newToken(runes, i, i+1, false))
			i++
		}
	}
	return out
}

func newToken(runes []rune, start, end int, word bool) token {
	s := string(runes[start:end])
	tk := token{start: start, end: end, text: s, fold: foldString(s), word: word}
	if word {
		tk.stem = stem(tk.fold)
		tk.upper = unicode.IsUpper(runes[start])
	}
	return tk
}

// stem strips the common English inflections from a folded word, so that
// "backs", "backed" and "backing" share the stem "back", and "denies" and
// "denied" the stem "deny". It is deliberately crude: cues list irregular
// forms ("took", "found") themselves.
func stem(w string) string {
	w = strings.TrimSuffix(w, "'s")
	if len(w) <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4, strings.HasSuffix(w, "ied") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ing") && len(w) >= 6:
		w = w[:len(w)-3]
		if n := len(w); n > 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
			w = w[:n-1] // "running" → "run"
		}
		return strings.TrimSuffix(w, "e")
	case strings.HasSuffix(w, "ed") && len(w) >= 5:
		w = w[:len(w)-2]
		if n := len(w); n > 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
			w = w[:n-1] // "stopped" → "stop"
		}
		return strings.TrimSuffix(w, "e")
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "xes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	if len(w) > 3 {
		w = strings.TrimSuffix(w, "e")
	}
	return w
}

// stemMatches reports whether a text word with stem got matches a cue word
// with stem want: the same stem, or for stems of four letters or more, a
// text stem that extends it by at most three letters ("supporter" for
// "support").
func stemMatches(got, want string) bool {
	if got == want {
		return true
	}
	return len(want) >= 4 && strings.HasPrefix(got, want) && len(got)-len(want) <= 3
}

// abbreviations end with a point that does not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "jr": true, "sr": true,
	"gen": true, "col": true, "lt": true, "sgt": true, "capt": true, "cpt": true, "maj": true, "adm": true,
	"gov": true, "sen": true, "rep": true, "rev": true, "hon": true, "pres": true, "amb": true,
	"e.g": true, "i.e": true, "vs": true, "cf": true, "fig": true, "approx": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "mt": true, "ft": true,
}

// weakAbbreviations end with a point that ends a sentence only when a
// common sentence opener follows ("… in the U.S. The minister …").
var weakAbbreviations = map[string]bool{"etc": true, "inc": true, "ltd": true, "co": true, "corp": true, "bros": true, "plc": true}

// openers often begin a sentence.
var openers = map[string]bool{
	"the": true, "a": true, "an": true, "he": true, "she": true, "it": true, "they": true, "we": true,
	"i": true, "this": true, "that": true, "these": true, "those": true, "in": true, "but": true,
	"and": true, "on": true, "at": true, "as": true, "his": true, "her": true, "their": true, "its": true,
	"there": true, "many": true, "some": true, "one": true, "after": true, "since": true, "while": true,
}

const closers = "\"'”’)]»"

// splitSentences splits text into lines and lines into sentences. A line
// without a sentence-final mark and of at most twelve words is a heading.
// A sentence ends at ".", "!" or "?" (and any closing quotes or brackets
// after it) followed by a space and a capital letter, a digit or an
// opening quote — unless the point ends an abbreviation ("Dr.", "e.g."),
// an initial ("J.") or a dotted acronym ("U.S.") that no sentence opener
// follows.
func splitSentences(runes []rune) []sentence {
	var out []sentence
	lineStart := 0
	for lineStart <= len(runes) {
		lineEnd := lineStart
		for lineEnd < len(runes) && runes[lineEnd] != '\n' {
			lineEnd++
		}
		out = append(out, splitLine(runes, lineStart, lineEnd)...)
		lineStart = lineEnd + 1
	}
	return out
}

func splitLine(runes []rune, start, end int) []sentence {
	for start < end && unicode.IsSpace(runes[start]) {
		start++
	}
	for end > start && unicode.IsSpace(runes[end-1]) {
		end--
	}
	if start == end {
		return nil
	}
	last := end - 1
	for last > start && strings.ContainsRune(closers, runes[last]) {
		last--
	}
	if !strings.ContainsRune(".!?:;", runes[last]) && wordCount(runes[start:end]) <= 12 {
		return []sentence{{start: start, end: end, heading: true}}
	}
	var out []sentence
	s := start
	for i := start; i < end; i++ {
		r := runes[i]
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		j := i + 1
		for j < end && strings.ContainsRune(closers, runes[j]) {
			j++
		}
		if j < end && !unicode.IsSpace(runes[j]) {
			continue
		}
		k := j
		for k < end && unicode.IsSpace(runes[k]) {
			k++
		}
		if k < end && !startsSentence(runes, k, end) {
			continue
		}
		if r == '.' && k < end && !pointEnds(runes, start, i, k, end) {
			continue
		}
		out = append(out, sentence{start: s, end: j})
		s = k
		i = k - 1
	}
	if s < end {
		out = append(out, sentence{start: s, end: end})
	}
	return out
}

func wordCount(rs []rune) int {
	n, in := 0, false
	for _, r := range rs {
		w := isWordRune(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// startsSentence reports whether the text at k can begin a sentence.
func startsSentence(runes []rune, k, end int) bool {
	for k < end && strings.ContainsRune("\"'“‘«([", runes[k]) {
		k++
	}
	return k < end && (unicode.IsUpper(runes[k]) || unicode.IsDigit(runes[k]))
}

// pointEnds reports whether the point at i, in a line starting at start,
// ends a sentence when the next one would begin at k.
func pointEnds(runes []rune, start, i, k, end int) bool {
	w := i
	for w > start && (isWordRune(runes[w-1]) || (runes[w-1] == '.' && w-2 >= start && isWordRune(runes[w-2]))) {
		w--
	}
	word := foldString(string(runes[w:i]))
	if word == "" {
		return true
	}
	next := nextWord(runes, k, end)
	switch {
	case abbreviations[word]:
		return false
	case (word == "no" || word == "nos") && unicode.IsDigit(runes[k]):
		return false // "No. 5"
	case weakAbbreviations[word]:
		return openers[next]
	case len([]rune(word)) == 1 && unicode.IsUpper(runes[w]):
		// An initial ("J. R. Smith", "John F. Kennedy") before another
		// initial or after a first name; a one-letter name otherwise ("on X.").
		if openers[next] {
			return true
		}
		nextInitial := k+1 < end && unicode.IsUpper(runes[k]) && runes[k+1] == '.'
		return !nextInitial && !capitalisedBefore(runes, start, w)
	case strings.Contains(word, "."):
		return openers[next] // "U.S." before "The …"
	}
	return true
}

// capitalisedBefore reports whether the word before offset w, in a line
// starting at start, is capitalised and not the line's first.
func capitalisedBefore(runes []rune, start, w int) bool {
	j := w - 1
	for j >= start && unicode.IsSpace(runes[j]) {
		j--
	}
	e := j + 1
	for j >= start && (isWordRune(runes[j]) || runes[j] == '.') {
		j--
	}
	if e <= j+1 || j < start {
		return false
	}
	return unicode.IsUpper(runes[j+1])
}

func nextWord(runes []rune, k, end int) string {
	for k < end && !isWordRune(runes[k]) {
		k++
	}
	j := k
	for j < end && isWordRune(runes[j]) {
		j++
	}
	return foldString(string(runes[k:j]))
}
