package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// AnchorContext is how many code points of text an anchor keeps on each
// side of its quote (Anchor.Prefix and Anchor.Suffix).
const AnchorContext = 32

// MaxArticleBytes bounds the text of a source, in bytes of UTF-8.
const MaxArticleBytes = 4 << 20

// Anchor places a claim's quote in the text of its source, as the W3C Web
// Annotation model does: a TextQuoteSelector (the quote itself is the
// exact text, with Prefix and Suffix the text just before and after it)
// and a TextPositionSelector (Start and End, in Unicode code points of the
// stored text, End exclusive).
//
// On input an anchor's fields are hints that pick one of several places a
// quote occurs: a Prefix the text before the quote must end with, a
// Suffix the text after it must start with, and a position where the
// quote must be. A write fills them in from the text: AnchorContext code
// points each side and the quote's position.
//
// Orphaned marks a claim whose quote no longer matches its source's text
// after the text changed: the anchor keeps the place it had in the earlier
// text, and nothing is re-anchored by guess.
type Anchor struct {
	Prefix, Suffix string
	Start, End     int
	Orphaned       bool
}

// IsZero reports whether a holds nothing.
func (a Anchor) IsZero() bool { return a == Anchor{} }

// String describes where a places its quote, as a change lists it:
// "120–158", with " (orphaned)" when it is; "" when it has no position.
func (a Anchor) String() string {
	var s string
	if a.HasPosition() {
		s = fmt.Sprintf("%d–%d", a.Start, a.End)
	}
	if a.Orphaned {
		s = strings.TrimSpace(s + " (orphaned)")
	}
	return s
}

// HasPosition reports whether a gives a position (End is past Start).
func (a Anchor) HasPosition() bool { return a.End > a.Start }

// TextDigest returns the SHA-256 digest of text, in lower-case hex: the
// digest a source with that text records.
func TextDigest(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// A Document is a source's text prepared for anchoring quotes: offsets
// are counted in code points, as anchors give them.
type Document struct {
	text string
	// runeAt[i] is the byte offset of code point i, and runeAt[n] is
	// len(text); nil while the text is ASCII, where the two agree.
	runeAt []int
	n      int // code points
}

// NewDocument prepares text for anchoring.
func NewDocument(text string) *Document {
	d := &Document{text: text, n: len(text)}
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			d.runeAt = make([]int, 0, len(text)+1)
			for j := range text {
				d.runeAt = append(d.runeAt, j)
			}
			d.n = len(d.runeAt)
			d.runeAt = append(d.runeAt, len(text))
			break
		}
	}
	return d
}

// Text returns the document's text.
func (d *Document) Text() string { return d.text }

// Len returns the length of the text in code points.
func (d *Document) Len() int { return d.n }

// byteOf returns the byte offset of code point i.
func (d *Document) byteOf(i int) int {
	if d.runeAt == nil {
		return i
	}
	return d.runeAt[i]
}

// pointOf returns the code point at byte offset b, which starts one.
func (d *Document) pointOf(b int) int {
	if d.runeAt == nil {
		return b
	}
	lo, hi := 0, d.n
	for lo < hi {
		mid := (lo + hi) / 2
		if d.runeAt[mid] < b {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// Slice returns the text from code point start to end; out-of-range
// bounds are clamped.
func (d *Document) Slice(start, end int) string {
	start, end = max(0, min(start, d.n)), max(0, min(end, d.n))
	if end < start {
		return ""
	}
	return d.text[d.byteOf(start):d.byteOf(end)]
}

// AnchorError says why a quote cannot be anchored in its source's text:
// it does not occur (the message quotes the closest stretch of text), it
// occurs more than once (the message lists where), or it is not where the
// hints say.
type AnchorError struct {
	Message string
}

func (e *AnchorError) Error() string { return e.Message }

// maxListed is how many places an ambiguous quote's error lists.
const maxListed = 10

// Anchor finds quote in the document and returns its anchor, filled in
// from the text. The hints of hint (see Anchor) must all hold where the
// quote is; among the places where the quote occurs and they hold there
// must be exactly one. sourceID names the source in errors.
func (d *Document) Anchor(sourceID, quote string, hint Anchor) (Anchor, error) {
	if quote == "" {
		return Anchor{}, &AnchorError{fmt.Sprintf("a claim on %s, which has its text, needs a quote from it", sourceID)}
	}
	if hint.HasPosition() || hint.Start > 0 {
		qlen := utf8.RuneCountInString(quote)
		end := hint.End
		if end == 0 {
			end = hint.Start + qlen
		}
		if hint.Start < 0 || end > d.n || d.Slice(hint.Start, end) != quote {
			return Anchor{}, &AnchorError{fmt.Sprintf("quote is not at code points %d–%d of %s (the text there: %s)",
				hint.Start, end, sourceID, Quote(d.Slice(hint.Start, end)))}
		}
		if !d.contextFits(hint.Start, end, hint) {
			return Anchor{}, &AnchorError{fmt.Sprintf("quote at code points %d–%d of %s has another prefix or suffix than given", hint.Start, end, sourceID)}
		}
		return d.anchorAt(hint.Start, end), nil
	}
	var all, fit []int // code points where quote starts
	for from := 0; from <= len(d.text); {
		i := strings.Index(d.text[from:], quote)
		if i < 0 {
			break
		}
		b := from + i
		p := d.pointOf(b)
		all = append(all, p)
		if d.contextFits(p, p+utf8.RuneCountInString(quote), hint) {
			fit = append(fit, p)
		}
		_, size := utf8.DecodeRuneInString(d.text[b:])
		from = b + max(size, 1)
	}
	qlen := utf8.RuneCountInString(quote)
	switch {
	case len(all) == 0:
		msg := "quote not found in " + sourceID
		if c := d.closest(quote); c != "" {
			msg += "; closest: " + Quote(c)
		}
		return Anchor{}, &AnchorError{msg}
	case len(fit) == 0:
		return Anchor{}, &AnchorError{fmt.Sprintf("quote occurs %s in %s (at code points %s), but at none with the given prefix and suffix",
			times(len(all)), sourceID, listPoints(all))}
	case len(fit) > 1:
		return Anchor{}, &AnchorError{fmt.Sprintf("quote occurs %s in %s (at code points %s); give prefix/suffix or start",
			times(len(fit)), sourceID, listPoints(fit))}
	}
	return d.anchorAt(fit[0], fit[0]+qlen), nil
}

// Reanchor checks a stored anchor against the document, a new version of
// its source's text. When the quote occurs once in it, or more than once
// but once with the anchor's prefix and suffix, it returns the anchor at
// that place; otherwise the old anchor, orphaned. A quote that the text no
// longer carries verbatim is never placed elsewhere by guess.
func (d *Document) Reanchor(sourceID, quote string, old Anchor) Anchor {
	if a, err := d.Anchor(sourceID, quote, Anchor{}); err == nil {
		return a
	}
	if a, err := d.Anchor(sourceID, quote, Anchor{Prefix: old.Prefix, Suffix: old.Suffix}); err == nil {
		return a
	}
	old.Orphaned = true
	return old
}

// contextFits reports whether the hints of h hold around [start, end).
func (d *Document) contextFits(start, end int, h Anchor) bool {
	before := d.text[:d.byteOf(start)]
	after := d.text[d.byteOf(end):]
	return strings.HasSuffix(before, h.Prefix) && strings.HasPrefix(after, h.Suffix)
}

func (d *Document) anchorAt(start, end int) Anchor {
	return Anchor{
		Prefix: d.Slice(start-AnchorContext, start),
		Suffix: d.Slice(end, end+AnchorContext),
		Start:  start,
		End:    end,
	}
}

func times(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

func listPoints(ps []int) string {
	var b strings.Builder
	for i, p := range ps {
		if i == maxListed {
			fmt.Fprintf(&b, ", … (%d more)", len(ps)-i)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, p)
	}
	return b.String()
}

// word is a word of a text: its folded form and where it is, in bytes.
type word struct {
	w          string
	start, end int
}

func words(s string) []word {
	var out []word
	start := -1
	for i, r := range s {
		in := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, word{strings.ToLower(s[start:i]), start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, word{strings.ToLower(s[start:]), start, len(s)})
	}
	return out
}

// closest returns the stretch of text most like quote: of the windows of
// as many words as the quote has, the first that shares the most words
// with it (a sliding count, linear in the text). It returns "" when no
// window shares a word.
func (d *Document) closest(quote string) string {
	qw := words(quote)
	tw := words(d.text)
	k := len(qw)
	if k == 0 || len(tw) == 0 {
		return ""
	}
	k = min(k, len(tw))
	want := map[string]int{}
	for _, w := range qw {
		want[w.w]++
	}
	have := map[string]int{}
	score := 0
	add := func(w string) {
		have[w]++
		if have[w] <= want[w] {
			score++
		}
	}
	drop := func(w string) {
		if have[w] <= want[w] {
			score--
		}
		have[w]--
	}
	best, bestAt := 0, 0
	for i, w := range tw {
		add(w.w)
		if i >= k {
			drop(tw[i-k].w)
		}
		if i >= k-1 && score > best {
			best, bestAt = score, i-k+1
		}
	}
	if best == 0 {
		return ""
	}
	return d.text[tw[bestAt].start:tw[bestAt+k-1].end]
}
