package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// brute answers q by testing every entry, as the definition says; the
// entries are sorted by id, their names folded.
func brute(sorted []Entry, q Query) []string {
	s := Fold(q.Search)
	var out []string
	for _, e := range sorted {
		if e.ID <= q.After || (q.Type != "" && e.Type != q.Type) {
			continue
		}
		if !slices.ContainsFunc(e.Names, func(n string) bool { return strings.Contains(n, s) }) {
			continue
		}
		out = append(out, e.ID)
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out
}

func TestSearchAnswersAsTestingEveryName(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	syllables := []string{"ka", "Quét", "ta", "TTP", "ß", "ri", "e-", "Tal", "iban", " ", "Ø", "ab", "zz"}
	word := func() string {
		var b strings.Builder
		for range 1 + rng.IntN(5) {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		return b.String()
	}
	var entries []Entry
	for i := range 2000 {
		e := Entry{ID: strings.Repeat("x", rng.IntN(3)) + word() + "-" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676)),
			Type: []string{"Country", "Group"}[rng.IntN(2)]}
		for range 1 + rng.IntN(3) {
			e.Names = append(e.Names, word())
		}
		entries = append(entries, e)
	}
	x := NewIndex(entries)
	folded := slices.Clone(entries)
	slices.SortFunc(folded, func(a, b Entry) int { return strings.Compare(a.ID, b.ID) })
	for i, e := range folded {
		folded[i].Names = nil
		for _, n := range e.Names {
			folded[i].Names = append(folded[i].Names, Fold(n))
		}
	}
	if x.Len() != len(entries) {
		t.Fatalf("Len = %d, want %d", x.Len(), len(entries))
	}
	queries := []Query{{}, {Search: "QUETTA"}, {Search: "quet"}, {Search: "ss"}, {Search: "SS", Type: "Group"}, {Search: "nothing-like-this"}, {Search: "z"}}
	for range 500 {
		n := entries[rng.IntN(len(entries))].Names[0]
		start := rng.IntN(len(n))
		q := Query{Search: n[start : start+rng.IntN(len(n)-start)+1]}
		if rng.IntN(3) == 0 {
			q.Type = "Country"
		}
		if rng.IntN(3) == 0 {
			q.Limit = 1 + rng.IntN(10)
		}
		if rng.IntN(3) == 0 {
			q.After = entries[rng.IntN(len(entries))].ID
		}
		queries = append(queries, q)
	}
	for _, q := range queries {
		got, want := x.Search(q), brute(folded, q)
		if !slices.Equal(got, want) {
			t.Fatalf("Search(%+v) = %d ids %q…, want %d ids %q…", q, len(got), head(got), len(want), head(want))
		}
	}
}

func head(ids []string) []string { return ids[:min(len(ids), 5)] }

func TestFoldIgnoresCaseAndDiacritics(t *testing.T) {
	for in, want := range map[string]string{"Quétta": "quetta", "QUETTA": "quetta", "Straße": "strasse", "Tehrik-e-Taliban": "tehrik-e-taliban"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// The ASCII shortcut folds exactly as the Unicode tables do.
func TestASCIIFoldMatchesUnicodeFold(t *testing.T) {
	for c := range 0x80 {
		for _, s := range []string{string(rune(c)), "Ab" + string(rune(c)) + "Z", "zz" + string(rune(c))} {
			ascii, got := asciiFold(s)
			if !ascii {
				t.Fatalf("asciiFold(%q) says it is not ASCII", s)
			}
			if want := foldUnicode(s); got != want {
				t.Errorf("asciiFold(%q) = %q, the Unicode fold gives %q", s, got, want)
			}
		}
	}
	for _, s := range []string{"Quétta", "straße", "İstanbul", "\x80"} {
		if ascii, _ := asciiFold(s); ascii {
			t.Errorf("asciiFold(%q) takes a string that is not ASCII", s)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Quetta", "QUETTA", "Quétta", "Ab-3000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ascii, got := asciiFold(s); ascii && got != foldUnicode(s) {
			t.Errorf("asciiFold(%q) = %q, the Unicode fold gives %q", s, got, foldUnicode(s))
		}
	})
}
