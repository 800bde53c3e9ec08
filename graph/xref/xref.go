package xref

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/hbollon/go-edlib"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/search"
)

// Reason kinds.
const (
	Fingerprint     = "fingerprint"       // the same name, up to case, diacritics, punctuation and token order
	Transliteration = "transliteration"   // the same name up to transliteration (Tehrik-e / Tehrik-i)
	Acronym         = "acronym"           // one name is the acronym of the other
	JaroWinkler     = "jaro-winkler"      // similar fingerprints
	Tokens          = "tokens"            // a large weighted share of tokens
	SharedNeighbour = "shared-neighbours" // entities both are linked to
	SharedSecond    = "shared-second-neighbours"
)

// Reason is one thing that makes a pair a candidate, with its part of the
// score.
type Reason struct {
	Kind   string
	Detail string
	Weight float64
}

// Candidate is a pair of entities of one type that may be one. A < B.
type Candidate struct {
	A, B    string
	Type    string
	Score   float64
	Reasons []Reason
}

// Options tune Candidates.
type Options struct {
	// Type keeps only entities of this type, when set.
	Type string
	// Judged reports whether the pair (a < b) was judged already; judged
	// pairs are not offered.
	Judged func(a, b string) bool
	// MaxBlock is the largest number of entities a rare-token or acronym
	// key may block together (50 when 0); larger blocks say little and
	// cost the square of their size.
	MaxBlock int
	// MinScore drops pairs scoring below it (0.3 when 0).
	MinScore float64
}

// Stats counts the work of one run.
type Stats struct {
	Entities int // entities compared (of the wanted type)
	Blocks   int // blocks that gave pairs
	Pairs    int // distinct pairs scored
}

// The weights of the score: a pair's score is nameWeight times its best
// name similarity plus neighbourWeight times its neighbour similarity.
const (
	nameWeight      = 0.7
	neighbourWeight = 0.3
	// maxFingerprintBlock bounds a block of one fingerprint; names that
	// many entities share ("John Smith") stay candidates within it.
	maxFingerprintBlock = 500
	// minNameSimilarity: a pair needs some likeness of names to be a
	// candidate at all; neighbours alone make none.
	minNameSimilarity = 0.4
	// hubDegree: entities with more neighbours are not walked through
	// for second neighbours.
	hubDegree = 200
)

type name struct {
	text    string
	fp      string   // folded tokens, sorted
	skel    string   // skeleton tokens, sorted
	tokens  []string // skeleton tokens, distinct, sorted
	acronym string   // of a long name, "" otherwise
	short   string   // a short upper-case name ("TTP") folded, "" otherwise
}

type entity struct {
	id, typ string
	names   []name
}

// Candidates returns the candidate pairs of snap, best first (then by
// ids), with the run's statistics. It returns ctx's error when ctx ends.
func Candidates(ctx context.Context, snap *graph.Snapshot, opts Options) ([]Candidate, Stats, error) {
	if opts.MaxBlock <= 0 {
		opts.MaxBlock = 50
	}
	if opts.MinScore <= 0 {
		opts.MinScore = 0.3
	}
	// Every entity is numbered (neighbours may be of any type); only those
	// of the wanted type are analysed and compared.
	ids := make([]string, 0, len(snap.EntityTypes))
	for id := range snap.EntityTypes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var stats Stats
	ents := make([]entity, len(ids))
	at := make(map[string]int32, len(ids))
	shorts := map[string]bool{} // type + short name
	for i, id := range ids {
		at[id] = int32(i)
		e := entity{id: id, typ: snap.EntityTypes[id]}
		if opts.Type != "" && e.typ != opts.Type {
			ents[i] = e
			continue
		}
		stats.Entities++
		seen := map[string]bool{}
		for _, n := range snap.Names[id] {
			a := analyze(n)
			if a.fp == "" || seen[a.text] {
				continue
			}
			seen[a.text] = true
			e.names = append(e.names, a)
			if a.short != "" {
				shorts[e.typ+"\x00"+a.short] = true
			}
		}
		slices.SortFunc(e.names, func(a, b name) int { return strings.Compare(a.text, b.text) })
		ents[i] = e
	}
	if err := ctx.Err(); err != nil {
		return nil, Stats{}, err
	}

	// Blocks, and the document frequency of each token per type.
	blocks := map[string][]int32{}
	df := map[string]int{}
	for i, e := range ents {
		keys := map[string]bool{}
		for _, n := range e.names {
			keys["f\x00"+e.typ+"\x00"+n.skel] = true
			if n.short != "" {
				keys["a\x00"+e.typ+"\x00"+n.short] = true
			}
			if n.acronym != "" && shorts[e.typ+"\x00"+n.acronym] {
				keys["a\x00"+e.typ+"\x00"+n.acronym] = true
			}
			for _, t := range n.tokens {
				if len(t) >= 3 {
					keys["t\x00"+e.typ+"\x00"+t] = true
				}
			}
		}
		for k := range keys {
			blocks[k] = append(blocks[k], int32(i))
			if k[0] == 't' {
				df[k[2:]]++
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, Stats{}, err
	}
	perType := map[string]int{}
	for _, e := range ents {
		perType[e.typ]++
	}
	weight := func(typ, tok string) float64 {
		n := df[typ+"\x00"+tok]
		if n == 0 {
			n = 1
		}
		return math.Log(1 + float64(perType[typ])/float64(n))
	}

	// rep maps an entity to the first of its fingerprint block, so that
	// neighbours spelled alike count as shared.
	rep := make([]int32, len(ents))
	for i := range rep {
		rep[i] = int32(i)
	}
	pairs := map[uint64]struct{}{}
	for k, b := range blocks {
		if len(b) < 2 {
			continue
		}
		limit := opts.MaxBlock
		if k[0] == 'f' {
			limit = maxFingerprintBlock
			for _, i := range b[1:] {
				rep[i] = min(rep[i], b[0])
			}
		}
		if len(b) > limit {
			continue
		}
		stats.Blocks++
		for x := range b {
			for y := x + 1; y < len(b); y++ {
				i, j := b[x], b[y]
				if i > j {
					i, j = j, i
				}
				pairs[uint64(i)<<32|uint64(j)] = struct{}{}
			}
		}
	}
	stats.Pairs = len(pairs)
	if err := ctx.Err(); err != nil {
		return nil, stats, err
	}

	nb := neighbours(snap, at, len(ents))
	var out []Candidate
	n := 0
	for key := range pairs {
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, stats, err
			}
		}
		a, b := &ents[key>>32], &ents[key&0xffffffff]
		if opts.Judged != nil && opts.Judged(a.id, b.id) {
			continue
		}
		sim, reason := nameSimilarity(a, b, weight)
		if sim < minNameSimilarity || nameWeight*sim+neighbourWeight < opts.MinScore {
			continue
		}
		c := Candidate{A: a.id, B: b.id, Type: a.typ, Score: nameWeight * sim}
		reason.Weight = math.Round(c.Score*1000) / 1000
		c.Reasons = append(c.Reasons, reason)
		c.Score += nb.similarity(int32(key>>32), int32(key&0xffffffff), rep, ents, &c.Reasons)
		if c.Score >= opts.MinScore {
			c.Score = math.Round(c.Score*1000) / 1000
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(x, y Candidate) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	return out, stats, nil
}

// nameSimilarity returns the best similarity of a name of a and a name of
// b, in [0, 1], and its reason.
func nameSimilarity(a, b *entity, weight func(typ, tok string) float64) (float64, Reason) {
	best, why := 0.0, Reason{}
	consider := func(s float64, r Reason) {
		if s > best {
			best, why = s, r
		}
	}
	pair := func(x, y name) string { return fmt.Sprintf("%q ~ %q", x.text, y.text) }
	for _, x := range a.names {
		for _, y := range b.names {
			switch {
			case x.fp == y.fp:
				consider(1, Reason{Kind: Fingerprint, Detail: pair(x, y)})
				continue
			case x.skel == y.skel:
				consider(0.95, Reason{Kind: Transliteration, Detail: pair(x, y)})
				continue
			case x.short != "" && x.short == y.acronym, y.short != "" && y.short == x.acronym:
				consider(0.9, Reason{Kind: Acronym, Detail: pair(x, y)})
				continue
			}
			if best >= 0.9 {
				continue
			}
			if jw := float64(edlib.JaroWinklerSimilarity(x.skel, y.skel)); jw >= 0.88 {
				consider(jw*0.9, Reason{Kind: JaroWinkler, Detail: fmt.Sprintf("%s: %.2f", pair(x, y), jw)})
			}
			if ts := tokenSimilarity(x.tokens, y.tokens, func(t string) float64 { return weight(a.typ, t) }); ts > 0 {
				consider(ts*0.85, Reason{Kind: Tokens, Detail: fmt.Sprintf("%s: %.2f", pair(x, y), ts)})
			}
		}
	}
	return best, why
}

// tokenSimilarity is the weighted share of tokens two names have in
// common: matched weight over the weight of their union, a token matching
// an equal one or, from four letters on, one with a Jaro-Winkler
// similarity of 0.9 or more ("afghan", "afghanistan"), by that similarity.
func tokenSimilarity(x, y []string, w func(string) float64) float64 {
	var matched, wx, wy float64
	for _, t := range y {
		wy += w(t)
	}
	used := make([]bool, len(y))
	for _, t := range x {
		wt := w(t)
		wx += wt
		best, at := 0.0, -1
		for k, u := range y {
			if used[k] {
				continue
			}
			if t == u {
				best, at = 1, k
				break
			}
			if len(t) >= 4 && len(u) >= 4 && t[0] == u[0] {
				if jw := float64(edlib.JaroWinklerSimilarity(t, u)); jw >= 0.9 && jw > best {
					best, at = jw, k
				}
			}
		}
		if at >= 0 {
			used[at] = true
			matched += min(wt, w(y[at])) * best
		}
	}
	union := wx + wy - matched
	if union <= 0 {
		return 0
	}
	return matched / union
}

// joining words are left out of fingerprints and acronyms.
var joining = map[string]bool{"the": true, "of": true, "and": true}

// analyze computes the keys of one name.
func analyze(text string) name {
	n := name{text: text}
	var words []string
	for _, w := range strings.FieldsFunc(search.Fold(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if (len([]rune(w)) > 1 || unicode.IsDigit([]rune(w)[0])) && !joining[w] {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return n
	}
	if len(words) >= 2 {
		var acr strings.Builder
		for _, w := range words {
			r := []rune(w)[0]
			if !unicode.IsLetter(r) {
				acr.Reset()
				break
			}
			acr.WriteRune(r)
		}
		n.acronym = acr.String()
	}
	if t := strings.TrimSpace(text); len(words) == 1 && len(t) >= 2 && len(t) <= 6 && isUpper(t) {
		n.short = words[0]
	}
	sorted := slices.Sorted(slices.Values(words))
	n.fp = strings.Join(sorted, " ")
	skel := make([]string, len(sorted))
	for i, w := range sorted {
		skel[i] = skeleton(w)
	}
	slices.Sort(skel)
	n.skel = strings.Join(skel, " ")
	n.tokens = slices.Compact(slices.Clone(skel))
	return n
}

func isUpper(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if !unicode.IsUpper(r) {
				return false
			}
		}
	}
	return letters > 0
}

// skeleton reduces a folded token to the letters transliterations agree
// on: ee, e, y and i become i, oo becomes u, and doubled letters one.
func skeleton(w string) string {
	w = strings.ReplaceAll(w, "ee", "i")
	w = strings.ReplaceAll(w, "oo", "u")
	var b strings.Builder
	var prev rune
	for _, r := range w {
		if r == 'e' || r == 'y' {
			r = 'i'
		}
		if r == prev {
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// adjacency holds each entity's neighbours, the entities at the other
// end of its statements, by index, and the marks that count shared ones
// without allocating.
type adjacency struct {
	list       [][]int32
	markA      []uint32
	markB      []uint32
	markC      []uint32
	epoch      uint32
	sharedBuf  []int32
	sharedBuf2 []int32
}

func neighbours(snap *graph.Snapshot, at map[string]int32, n int) *adjacency {
	list := make([][]int32, n)
	for _, st := range snap.Statements {
		i, ok1 := at[st.Subject]
		j, ok2 := at[st.Object]
		if !ok1 || !ok2 || i == j {
			continue
		}
		list[i] = append(list[i], j)
		list[j] = append(list[j], i)
	}
	return &adjacency{list: list, markA: make([]uint32, n), markB: make([]uint32, n), markC: make([]uint32, n)}
}

// similarity adds the reasons the neighbours of entities i and j give and
// returns their part of the score: shared direct neighbours (up to two
// count) weigh 0.6 of it, shared second neighbours 0.4 (in full from a
// quarter of their union on). A
// neighbour stands for every entity of its fingerprint (rep).
func (g *adjacency) similarity(i, j int32, rep []int32, ents []entity, reasons *[]Reason) float64 {
	self := func(x int32) bool { return x == i || x == j || x == rep[i] || x == rep[j] }
	// First neighbours: mark a's, then collect b's that are marked.
	g.epoch++
	for _, n := range g.list[i] {
		g.markA[rep[n]] = g.epoch
	}
	s1 := g.sharedBuf[:0]
	for _, n := range g.list[j] {
		c := rep[n]
		if g.markA[c] == g.epoch && g.markB[c] != g.epoch && !self(c) && !self(n) {
			g.markB[c] = g.epoch
			s1 = append(s1, c)
		}
	}
	g.sharedBuf = s1
	// Second neighbours, through entities that are not hubs.
	g.epoch++
	sizeA, sizeB := 0, 0
	for _, n := range g.list[i] {
		if len(g.list[n]) > hubDegree {
			continue
		}
		for _, m := range g.list[n] {
			if c := rep[m]; g.markA[c] != g.epoch && !self(c) {
				g.markA[c] = g.epoch
				sizeA++
			}
		}
	}
	s2 := g.sharedBuf2[:0]
	for _, n := range g.list[j] {
		if len(g.list[n]) > hubDegree {
			continue
		}
		for _, m := range g.list[n] {
			c := rep[m]
			if self(c) || self(m) {
				continue
			}
			if g.markC[c] != g.epoch {
				g.markC[c] = g.epoch
				sizeB++
			}
			if g.markA[c] == g.epoch && g.markB[c] != g.epoch {
				g.markB[c] = g.epoch
				s2 = append(s2, c)
			}
		}
	}
	g.sharedBuf2 = s2
	score := 0.0
	if len(s1) > 0 {
		w := neighbourWeight * 0.6 * math.Min(1, float64(len(s1))/2)
		score += w
		*reasons = append(*reasons, Reason{Kind: SharedNeighbour, Detail: summarize(s1, ents), Weight: math.Round(w*1000) / 1000})
	}
	if len(s2) > 0 {
		// Their share of all second neighbours: two films of one title
		// with large casts share a few films by chance, two entries for
		// one person share most co-stars.
		jaccard := float64(len(s2)) / float64(sizeA+sizeB-len(s2))
		w := neighbourWeight * 0.4 * math.Min(1, 4*jaccard)
		score += w
		*reasons = append(*reasons, Reason{Kind: SharedSecond, Detail: summarize(s2, ents), Weight: math.Round(w*1000) / 1000})
	}
	return score
}

// summarize lists up to five ids and how many more there are.
func summarize(idx []int32, ents []entity) string {
	ids := make([]string, len(idx))
	for k, x := range idx {
		ids[k] = ents[x].id
	}
	slices.Sort(ids)
	if len(ids) <= 5 {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:5], ", "), len(ids)-5)
}
