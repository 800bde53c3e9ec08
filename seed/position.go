package seed

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/claimgraph/claimgraph/graph"
)

// Position is a place in an input: its name and a 1-based line and column
// (the column counts characters).
type Position struct {
	File   string
	Line   int
	Column int
}

// String formats p as FILE:LINE:COL.
func (p Position) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column) }

// item records where one item of the batch was written.
type item struct {
	pos       Position // the item itself: its first key
	fileIndex int      // the input it came from, for ordering
	fields    map[string]*field
	claims    []*item // a statement's claims, by index
}

// field records where one key of an item was written.
type field struct {
	value Position // the value, or the key when the value is left out
	// parts are the elements of a list value or the keys of a mapping
	// value, so that a problem quoting one of them can point at it.
	parts []part
}

type part struct {
	text string
	pos  Position
}

func (it *item) field(key string) *field {
	f, ok := it.fields[key]
	if !ok {
		f = &field{value: it.pos}
		it.fields[key] = f
	}
	return f
}

// diagnostic is one problem at one position.
type diagnostic struct {
	pos       Position
	fileIndex int
	msg       string
	// whole marks a problem of a whole input (its format, say), placed
	// before the input's other problems; msg names the input.
	whole bool
}

func (d diagnostic) String() string {
	if d.pos == (Position{}) { // not traced to a file
		return d.msg
	}
	return d.pos.String() + ": " + d.msg
}

// diagError sorts diagnostics by input, line and column, those without a
// position last, and returns them as one *graph.Error, one per line.
func diagError(code string, diags []diagnostic) *graph.Error {
	slices.SortStableFunc(diags, func(a, b diagnostic) int {
		aPlaced, bPlaced := a.pos != (Position{}) || a.whole, b.pos != (Position{}) || b.whole
		if aPlaced != bPlaced {
			if aPlaced {
				return -1
			}
			return 1
		}
		return cmp.Or(
			cmp.Compare(a.fileIndex, b.fileIndex),
			cmp.Compare(a.pos.Line, b.pos.Line),
			cmp.Compare(a.pos.Column, b.pos.Column),
		)
	})
	shown := diags[:min(len(diags), MaxReported)]
	lines := make([]string, len(shown), len(shown)+1)
	for i, d := range shown {
		lines[i] = clip(d.String(), maxMessageBytes)
	}
	switch more := len(diags) - len(shown); {
	case more > 0 && len(diags) >= maxCollected:
		lines = append(lines, fmt.Sprintf("… and at least %d more problems", more))
	case more > 0:
		lines = append(lines, fmt.Sprintf("… and %d more problems", more))
	}
	return &graph.Error{Code: code, Message: strings.Join(lines, "\n")}
}

// MaxReported is the number of problems an error lists; it counts the
// others.
const MaxReported = 100

// maxCollected is the number of problems a reader collects before it
// stops keeping them, and maxMessageBytes the length a problem's line is
// cut to.
const (
	maxCollected    = 1000
	maxMessageBytes = 600
)

// addDiag adds a problem to a list unless it holds maxCollected already.
func addDiag(diags *[]diagnostic, d diagnostic) {
	if len(*diags) < maxCollected {
		*diags = append(*diags, d)
	}
}

// clip cuts s to at most n bytes, at a character boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Locate maps the problems of err, a *graph.Error that graph.ValidateBatch
// or Store.Apply returned for p.Batch, to the files and positions of the
// items and fields they name. It returns a *graph.Error with err's code
// whose message lists every problem as a "FILE:LINE:COL: message" line,
// ordered by input, line and column. Problems that name no item of the
// batch are listed last in graph.Problem form. An err that carries no
// problems is returned as it is.
func (p *Parsed) Locate(err error) error {
	var ge *graph.Error
	if !errors.As(err, &ge) || len(ge.Problems) == 0 {
		return err
	}
	diags := make([]diagnostic, 0, len(ge.Problems))
	for i, pr := range ge.Problems {
		msg := pr.Message
		if i < MaxReported { // a hint compares with every name of the batch
			msg += p.hint(pr)
		}
		pos, fileIndex, ok := p.position(pr)
		if !ok {
			pr.Message = msg
			diags = append(diags, diagnostic{msg: pr.String()})
			continue
		}
		diags = append(diags, diagnostic{pos: pos, fileIndex: fileIndex, msg: msg})
	}
	return diagError(ge.Code, diags)
}

// Position returns where the item and field a problem names were written:
// the field's value, the key when the value is left out, or the item when
// the field is absent. A list element or mapping key the message quotes is
// preferred to the whole value. It reports false when the problem names no
// item of p.Batch.
func (p *Parsed) Position(pr graph.Problem) (Position, bool) {
	pos, _, ok := p.position(pr)
	return pos, ok
}

var claimFieldRE = regexp.MustCompile(`^claims\[(\d+)\]\.?(.*)$`)

// position finds where the item and field a problem names were written.
func (p *Parsed) position(pr graph.Problem) (Position, int, bool) {
	items := p.items[pr.Kind]
	if pr.Index < 0 || pr.Index >= len(items) {
		return Position{}, 0, false
	}
	it := items[pr.Index]
	claim, name := pr.Claim, pr.Field
	if m := claimFieldRE.FindStringSubmatch(name); m != nil && claim < 0 {
		claim, _ = strconv.Atoi(m[1])
		name = m[2]
	}
	if claim >= 0 {
		if claim >= len(it.claims) {
			return it.pos, it.fileIndex, true
		}
		it = it.claims[claim]
	}
	f, ok := it.fields[fileKey(pr.Kind, claim >= 0, name)]
	if !ok {
		return it.pos, it.fileIndex, true
	}
	for _, pt := range f.parts {
		if pt.text != "" && strings.Contains(pr.Message, strconv.Quote(pt.text)) {
			return pt.pos, it.fileIndex, true
		}
	}
	return f.value, it.fileIndex, true
}

// fileKey maps a graph.Problem field name to the key of the file format
// that holds it.
func fileKey(kind string, claim bool, name string) string {
	switch {
	case claim && name == "claimant":
		return "by"
	case !claim && kind == graph.KindStatement && name == "type":
		return "relation"
	}
	return name
}

var unknownRE = regexp.MustCompile(`^unknown (entity|entity type|relation type|source) "([^"]*)"`)

// maxEntityHints bounds the store searches learnStored makes for unknown
// entities: the hints are a help, and a file full of unknown ids should
// not cost a search each.
const maxEntityHints = 8

// learnStored reads, for the problems of err about unknown names, the close
// names the store knows: the types of its ontology, and for an unknown
// entity the entities whose name or alias contains the id's first three
// letters. Errors only cost the hint.
func (p *Parsed) learnStored(ctx context.Context, st graph.Store, err error) {
	var ge *graph.Error
	if !errors.As(err, &ge) {
		return
	}
	p.stored = map[string][]string{}
	searched := map[string]bool{}
	for _, pr := range ge.Problems {
		m := unknownRE.FindStringSubmatch(pr.Message)
		if m == nil {
			continue
		}
		switch m[1] {
		case "entity type", "relation type":
			if _, done := p.stored["entity type"]; done {
				continue
			}
			ont, err := st.Ontology(ctx)
			if err != nil {
				continue
			}
			p.stored["entity type"], p.stored["relation type"] = []string{}, []string{}
			for _, t := range ont.EntityTypes {
				p.stored["entity type"] = append(p.stored["entity type"], t.Name)
			}
			for _, t := range ont.RelationTypes {
				p.stored["relation type"] = append(p.stored["relation type"], t.Name)
			}
		case "entity":
			word := []rune(strings.NewReplacer("-", " ", "_", " ").Replace(m[2]))
			if len(word) < 3 || len(searched) >= maxEntityHints {
				continue
			}
			key := string(word[:3])
			if searched[key] {
				continue
			}
			searched[key] = true
			found, err := st.Entities(ctx, graph.EntityQuery{Search: key, Limit: 200})
			if err != nil {
				continue
			}
			for _, e := range found {
				p.stored["entity"] = append(p.stored["entity"], e.ID)
			}
		}
	}
}

// hint suggests, for a problem about an unknown name, a close name the
// batch declares or the store knows.
func (p *Parsed) hint(pr graph.Problem) string {
	m := unknownRE.FindStringSubmatch(pr.Message)
	if m == nil {
		return ""
	}
	names := slices.Clone(p.stored[m[1]])
	switch m[1] {
	case "entity":
		for _, e := range p.Batch.Entities {
			names = append(names, e.ID)
		}
	case "entity type":
		for _, t := range p.Batch.Ontology.EntityTypes {
			names = append(names, t.Name)
		}
	case "relation type":
		for _, t := range p.Batch.Ontology.RelationTypes {
			names = append(names, t.Name)
		}
	case "source":
		for _, s := range p.Batch.Sources {
			names = append(names, s.ID)
		}
	}
	return didYouMean(m[2], names)
}

// synonyms maps keys other formats use to ours.
var synonyms = map[string]string{
	"claimant":   "by",
	"saidby":     "by",
	"predicate":  "relation",
	"type":       "relation",
	"validfrom":  "since",
	"from":       "since",
	"validuntil": "until",
	"to":         "until",
	"date":       "said",
	"alias":      "aliases",
	"types":      "entityTypes",
}

// didYouMean returns "; did you mean X?" for the candidate closest to word,
// or "" when none is close.
func didYouMean(word string, candidates []string) string {
	norm := func(s string) string {
		return strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(s))
	}
	w := norm(word)
	if w == "" {
		return ""
	}
	if syn, ok := synonyms[w]; ok && slices.Contains(candidates, syn) {
		return fmt.Sprintf("; did you mean %q?", syn)
	}
	// Allow one edit in short words, two in words of four to seven
	// characters, three in longer ones.
	best, bestDist := "", 1+min(3, 1+utf8.RuneCountInString(w)/4)
	if utf8.RuneCountInString(w) <= 3 {
		bestDist = 2
	}
	for _, c := range candidates {
		if norm(c) == w {
			return fmt.Sprintf("; did you mean %q?", c)
		}
		if d := editDistance(w, norm(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of adjacent
// characters each count one.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	if len(x) > 64 || len(y) > 64 {
		return max(len(x), len(y)) // not worth a suggestion
	}
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}
