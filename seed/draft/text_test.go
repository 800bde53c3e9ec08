package draft

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func sentenceTexts(s string) []string {
	t := newText(s)
	var out []string
	for _, se := range t.sentences {
		out = append(out, t.slice(se.start, se.end))
	}
	return out
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"plain sentences are split at their final marks",
			"Pakistan warned X. India denied it! Did Afghanistan agree? No.",
			[]string{"Pakistan warned X.", "India denied it!", "Did Afghanistan agree?", "No."}},
		{"titles of people do not end a sentence",
			"Mr. Smith met Dr. Jones and Gen. Ali on Monday. They spoke.",
			[]string{"Mr. Smith met Dr. Jones and Gen. Ali on Monday.", "They spoke."}},
		{"an abbreviation before a lower-case word does not end a sentence",
			"Some groups, e.g. the TTP, are banned. Others are not.",
			[]string{"Some groups, e.g. the TTP, are banned.", "Others are not."}},
		{"e.g. before a name does not end a sentence",
			"Some countries, e.g. India, deny it. Others agree.",
			[]string{"Some countries, e.g. India, deny it.", "Others agree."}},
		{"initials do not end a sentence",
			"The report by J. R. Smith was read. It was long.",
			[]string{"The report by J. R. Smith was read.", "It was long."}},
		{"a dotted acronym ends a sentence only before an opener",
			"He flew to the U.S. The talks began. Aid from the U.S. Congress grew.",
			[]string{"He flew to the U.S.", "The talks began.", "Aid from the U.S. Congress grew."}},
		{"a quote ends with its sentence",
			`He said: "We will act." Then he left.`,
			[]string{`He said: "We will act."`, "Then he left."}},
		{"a question inside a quote before lower case does not end a sentence",
			`"Why now?" she asked. Nobody knew.`,
			[]string{`"Why now?" she asked.`, "Nobody knew."}},
		{"a comma inside a quote does not end a sentence",
			`He called it "a wall," warning others. It held.`,
			[]string{`He called it "a wall," warning others.`, "It held."}},
		{"decimal numbers do not end a sentence",
			"Growth was 2.5 percent. It fell.",
			[]string{"Growth was 2.5 percent.", "It fell."}},
		{"lines are sentences of their own and short ones are headings",
			"Violence surge\nPakistan has seen violence.",
			[]string{"Violence surge", "Pakistan has seen violence."}},
		{"typographic quotes close a sentence",
			"He said “no.” She agreed.",
			[]string{"He said “no.”", "She agreed."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := sentenceTexts(tc.text); !slices.Equal(got, tc.want) {
				t.Errorf("sentences of %q:\n got %q\nwant %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestHeadings(t *testing.T) {
	tx := newText("Violence surge\nPakistan has seen a rise in violence.\nA very long line without any final mark that goes on for well over twelve words in all")
	var got []bool
	for _, s := range tx.sentences {
		got = append(got, s.heading)
	}
	if want := []bool{true, false, false}; !slices.Equal(got, want) {
		t.Errorf("headings = %v, want %v", got, want)
	}
}

// TestMatcherFindsWhatIndexFinds checks the automaton against a plain
// search on random texts over a small alphabet, where patterns overlap and
// nest often.
func TestMatcherFindsWhatIndexFinds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte("abc"[rng.IntN(3)])
		}
		return b.String()
	}
	for round := range 200 {
		var patterns [][]rune
		for range 1 + rng.IntN(8) {
			patterns = append(patterns, []rune(word(1+rng.IntN(4))))
		}
		text := []rune(word(rng.IntN(40)))
		type hit struct{ start, end, p int }
		var got, want []hit
		newMatcher(patterns).find(text, func(s, e, p int) { got = append(got, hit{s, e, p}) })
		for p, pat := range patterns {
			for s := 0; s+len(pat) <= len(text); s++ {
				if string(text[s:s+len(pat)]) == string(pat) {
					want = append(want, hit{s, s + len(pat), p})
				}
			}
		}
		cmp := func(a, b hit) int {
			if a.start != b.start {
				return a.start - b.start
			}
			if a.end != b.end {
				return a.end - b.end
			}
			return a.p - b.p
		}
		slices.SortFunc(got, cmp)
		slices.SortFunc(want, cmp)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: patterns %q in %q:\n got %v\nwant %v", round, patterns, string(text), got, want)
		}
	}
}

func TestStemsMatchInflections(t *testing.T) {
	tests := []struct {
		cue  string
		word string
		want bool
	}{
		{"backs", "backing", true},
		{"backs", "backed", true},
		{"backs", "back", true},
		{"backs", "backers", true},
		{"backs", "background", false},
		{"supports", "supporting", true},
		{"supports", "supporters", true},
		{"denies", "denied", true},
		{"denies", "deny", true},
		{"accuses", "accused", true},
		{"warned", "warning", true},
		{"warned", "warns", true},
		{"operating", "operates", true},
		{"based", "base", true},
		{"allies", "allied", true},
		{"controls", "controlled", true},
		{"added", "adds", true},
		{"stopped", "stop", true},
		{"took", "take", false},
	}
	for _, tc := range tests {
		t.Run(tc.cue+" "+tc.word, func(t *testing.T) {
			if got := stemMatches(stem(tc.word), stem(tc.cue)); got != tc.want {
				t.Errorf("stem(%q)=%q against stem(%q)=%q: %v, want %v", tc.word, stem(tc.word), tc.cue, stem(tc.cue), got, tc.want)
			}
		})
	}
}

func TestFoldKeepsPositions(t *testing.T) {
	for _, s := range []string{"Marković", "Quétta", "Tehrik‑e‑Taliban", "Pakistan’s", "Straße"} {
		if got := foldString(s); len([]rune(got)) != len([]rune(s)) {
			t.Errorf("fold(%q) = %q: %d runes, want %d", s, got, len([]rune(got)), len([]rune(s)))
		}
	}
	if got := foldString("MARKOVIĆ Pakistan’s"); got != "markovic pakistan's" {
		t.Errorf("fold = %q", got)
	}
}
