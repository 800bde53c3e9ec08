package draft

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// mention is a place where a sentence names or refers to known entities.
type mention struct {
	entities   []string
	start, end int // rune offsets in the text
	tok0, tok1 int // token indices in the sentence, [tok0, tok1)
	sent       int
	how, why   string
	possessive bool // followed by "'s"
	group      int  // coordination group: mentions joined by "and" or commas
}

// extraction is the state of one Extract call.
type extraction struct {
	r      *Rules
	t      *text
	draft  Draft
	groups [][]*mention
	// history holds the mentions of the body sentences read so far.
	history []*mention
	// prev is the last body sentence read, with its mentions and the
	// statements drafted from it.
	prev      *sentence
	prevMents []*mention
	prevStmts []stmtRef
	// subjectOf maps the object of a statement of the current sentence to
	// its subject.
	subjectOf map[*mention]*mention
	// names caches mentionedNames.
	names []string
	// proper holds the rune offsets covered by known mentions, for the
	// candidate names.
	covered []bool
}

// stmtRef is a statement drafted from a sentence: its index in the draft
// and the mentions it rests on.
type stmtRef struct {
	index      int
	subj, obj  string
	cueTok     int
	assertedBy string
}

// nameMentions finds the known names and aliases in s: whole words,
// leftmost and longest first, through the matcher. The names of the entity
// skip, when set, are not looked for.
func (r *Rules) nameMentions(t *text, s *sentence, skip string) []*mention {
	type hit struct{ start, end, pattern int }
	var hits []hit
	r.match.find(t.folded[s.start:s.end], func(start, end, p int) {
		start += s.start
		end += s.start
		if start > 0 && isWordRune(t.runes[start-1]) || end < len(t.runes) && isWordRune(t.runes[end]) {
			return
		}
		hits = append(hits, hit{start, end, p})
	})
	slices.SortFunc(hits, func(a, b hit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return (b.end - b.start) - (a.end - a.start)
	})
	var out []*mention
	last := -1
	for _, h := range hits {
		if h.start < last {
			continue
		}
		var ids []string
		how, name := "", ""
		for _, p := range r.patterns[h.pattern] {
			if p.entity == skip {
				continue
			}
			if p.exact != nil && string(p.exact) != string(t.runes[h.start:h.end]) {
				continue
			}
			// A full name or alias wins over a surname shared by another.
			if how != "" && how != "surname" && p.how == "surname" {
				continue
			}
			if how == "surname" && p.how != "surname" {
				ids = ids[:0]
			}
			if !slices.Contains(ids, p.entity) {
				ids = append(ids, p.entity)
			}
			how, name = p.how, p.name
		}
		if len(ids) == 0 {
			continue
		}
		last = h.end
		m := &mention{entities: ids, start: h.start, end: h.end, sent: s.index, how: how}
		switch how {
		case "name":
			m.why = "name"
		case "alias":
			m.why = fmt.Sprintf("alias %q", name)
		case "surname":
			m.why = fmt.Sprintf("surname of %s", r.entities[ids[0]].Name)
		}
		setTokens(s, m)
		out = append(out, m)
	}
	return out
}

// setTokens fills the token range of m and whether a possessive follows.
func setTokens(s *sentence, m *mention) {
	m.group = -1
	m.tok0, m.tok1 = len(s.tokens), len(s.tokens)
	for i, tk := range s.tokens {
		if tk.end > m.start && m.tok0 == len(s.tokens) {
			m.tok0 = i
		}
		if tk.start >= m.end {
			m.tok1 = i
			break
		}
	}
	if m.tok1 > 0 {
		last := s.tokens[m.tok1-1]
		if last.end > m.end && strings.HasSuffix(last.fold, "'s") {
			m.possessive = true
		}
	}
	if m.tok1 < len(s.tokens) && s.tokens[m.tok1].fold == "'" {
		m.possessive = true
	}
}

// mentions finds everything s says of known entities: names, descriptions,
// adjectives of place, then pronouns and short references resolved against
// what came before. It joins coordinated mentions into groups.
func (x *extraction) mentions(s *sentence) []*mention {
	ms := x.r.nameMentions(x.t, s, "")
	covered := func(i int) bool {
		for _, m := range ms {
			if i >= m.tok0 && i < m.tok1 {
				return true
			}
		}
		return false
	}
	// Parenthesised repeats join the mention before: "Baloch Liberation
	// Army (BLA)".
	for i := 0; i+1 < len(ms); i++ {
		a, b := ms[i], ms[i+1]
		if b.tok0 == a.tok1+1 && s.tokens[a.tok1].fold == "(" && b.tok1 < len(s.tokens) && s.tokens[b.tok1].fold == ")" &&
			slices.Equal(a.entities, b.entities) {
			a.end = s.tokens[b.tok1].end
			a.tok1 = b.tok1 + 1
			a.why += fmt.Sprintf(" and %s %q", b.how, x.t.slice(b.start, b.end))
			ms = slices.Delete(ms, i+1, i+2)
		}
	}
	// Descriptive names: the head noun, and enough of the name's other words
	// in the sentence.
	for i, tk := range s.tokens {
		if !tk.word || covered(i) {
			continue
		}
		ds := x.r.descriptive[tk.stem]
		if len(ds) == 0 {
			continue
		}
		best, bestScore := []string(nil), 0
		var found []string
		for _, d := range ds {
			score, words := 1, []string{tk.fold}
			for _, c := range d.content {
				for _, o := range s.tokens {
					if o.word && (o.stem == c || stemMatches(o.stem, c)) {
						score++
						words = append(words, o.fold)
						break
					}
				}
			}
			if score < 2 || score*2 < len(d.content)+1 {
				continue
			}
			switch {
			case score > bestScore:
				best, bestScore, found = []string{d.entity}, score, words
			case score == bestScore:
				best = append(best, d.entity)
			}
		}
		if best == nil {
			continue
		}
		m := &mention{entities: best, start: tk.start, end: tk.end, sent: s.index, how: "description"}
		m.why = fmt.Sprintf("description: %s", strings.Join(found, ", "))
		if len(best) > 1 {
			m.why += " (fits each equally)"
		}
		setTokens(s, m)
		ms = append(ms, m)
	}
	// Adjectives of place: "Ruritanian officials".
	for i, tk := range s.tokens {
		if !tk.word || !tk.upper || covered(i) {
			continue
		}
		if id, ok := x.r.demonyms[strings.TrimSuffix(tk.fold, "'s")]; ok {
			m := &mention{entities: []string{id}, start: tk.start, end: tk.end, sent: s.index, how: "demonym",
				why: fmt.Sprintf("adjective of %s", x.r.entities[id].Name)}
			setTokens(s, m)
			ms = append(ms, m)
		}
	}
	sortMentions(ms)
	x.group(s, ms)
	// References, in order, each resolved against what precedes it.
	for i := 0; i < len(s.tokens); i++ {
		if covered(i) || !s.tokens[i].word {
			continue
		}
		m, n := x.reference(s, i, ms)
		if m == nil || slices.ContainsFunc(ms, func(o *mention) bool { return o.tok0 < m.tok1 && m.tok0 < o.tok1 }) {
			continue
		}
		m.group = len(x.groups)
		x.groups = append(x.groups, []*mention{m})
		ms = append(ms, m)
		sortMentions(ms)
		i += n - 1
	}
	return ms
}

func sortMentions(ms []*mention) {
	slices.SortStableFunc(ms, func(a, b *mention) int { return a.start - b.start })
}

var (
	pronouns    = map[string]bool{"he": true, "him": true, "she": true, "her": true}
	determiners = map[string]bool{"the": true, "this": true, "that": true, "these": true, "those": true, "such": true, "both": true}
	numerals    = map[string]int{"two": 2, "both": 2, "three": 3}
)

// reference reads a pronoun or a short reference at token i and resolves
// it; it returns the mention and the number of tokens it spans, or nil.
//
//   - "he", "she": the last person mentioned;
//   - "the minister", "the group", "the country", "such accounts": the last
//     entity of the type the noun names (a type's name, an office for
//     people, the head noun of a descriptive name);
//   - "both countries", "the two countries": the two of that type last
//     mentioned together, else the last two mentioned.
func (x *extraction) reference(s *sentence, i int, ms []*mention) (*mention, int) {
	tk := s.tokens[i]
	if pronouns[tk.fold] {
		prior := x.prior(s, tk.start, ms, 3)
		for _, p := range prior {
			if ids := x.ofTypes(p.entities, func(t string) bool { return x.r.persons[t] }); len(ids) > 0 {
				m := &mention{entities: ids, start: tk.start, end: tk.end, sent: s.index, how: "reference",
					why: fmt.Sprintf("%q: the last person mentioned", tk.text)}
				setTokens(s, m)
				return m, 1
			}
		}
		return nil, 0
	}
	if !determiners[tk.fold] {
		return nil, 0
	}
	if i+1 < len(s.tokens) && determiners[s.tokens[i+1].fold] && tk.fold != "both" {
		return nil, 0 // "that the group": the reference starts at "the"
	}
	j, want := i+1, 1
	if tk.fold == "both" {
		want = 2
		if j < len(s.tokens) && s.tokens[j].fold == "the" {
			j++
		}
	}
	if j < len(s.tokens) && numerals[s.tokens[j].fold] > 0 {
		want = numerals[s.tokens[j].fold]
		j++
	}
	var typ string
	for k := j; k < len(s.tokens) && k <= j+1; k++ {
		o := s.tokens[k]
		if !o.word {
			break
		}
		if t, ok := x.r.nouns[o.stem]; ok {
			typ, j = t, k
			break
		}
	}
	if typ == "" {
		return nil, 0
	}
	noun := s.tokens[j]
	plural := want > 1 || (strings.HasSuffix(noun.fold, "s") && noun.stem != noun.fold)
	prior := x.prior(s, tk.start, ms, 5)
	isType := func(t string) bool { return t == typ }
	var ids []string
	why := ""
	if want > 1 {
		// The last group of that type with enough members.
		for _, p := range prior {
			if g := x.groupIDs(p, isType); len(g) >= want {
				ids, why = g[:want], "mentioned together last"
				break
			}
		}
		if ids == nil {
			for _, p := range prior {
				for _, id := range x.ofTypes(p.entities, isType) {
					if !slices.Contains(ids, id) && len(ids) < want {
						ids = append(ids, id)
					}
				}
			}
			why = "mentioned last"
			if len(ids) < want {
				return nil, 0
			}
		}
	} else {
		for _, p := range prior {
			if g := x.ofTypes(p.entities, isType); len(g) > 0 {
				ids, why = g, "mentioned last"
				if plural {
					ids = x.groupIDs(p, isType)
				}
				break
			}
		}
	}
	if len(ids) == 0 {
		return nil, 0
	}
	end := noun.end
	m := &mention{entities: ids, start: tk.start, end: end, sent: s.index, how: "reference"}
	m.why = fmt.Sprintf("%q: the %s %s", x.t.slice(tk.start, end), typeNoun(typ, len(ids)), why)
	setTokens(s, m)
	return m, j - i + 1
}

func typeNoun(typ string, n int) string {
	if n == 1 {
		return typ
	}
	return fmt.Sprintf("%d %s entities", n, typ)
}

// prior returns the mentions before offset pos, nearest first: those of s
// already found, then those of up to back earlier body sentences.
func (x *extraction) prior(s *sentence, pos int, ms []*mention, back int) []*mention {
	var out []*mention
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].end <= pos {
			out = append(out, ms[i])
		}
	}
	for i := len(x.history) - 1; i >= 0; i-- {
		h := x.history[i]
		if s.index-h.sent > back {
			break
		}
		out = append(out, h)
	}
	return out
}

// ofTypes returns those of ids whose entity type passes ok.
func (x *extraction) ofTypes(ids []string, ok func(string) bool) []string {
	var out []string
	for _, id := range ids {
		if ok(x.r.entities[id].Type) {
			out = append(out, id)
		}
	}
	return out
}

// groupIDs returns the entities of m's coordination group whose type passes
// ok, in order.
func (x *extraction) groupIDs(m *mention, ok func(string) bool) []string {
	members := []*mention{m}
	if m.group >= 0 && m.group < len(x.groups) {
		members = x.groups[m.group]
	}
	var out []string
	for _, g := range members {
		for _, id := range x.ofTypes(g.entities, ok) {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// group joins mentions separated only by "and", "or", "the" and commas into
// coordination groups: "Afghanistan and India", "the BLA and TTP",
// "Afghanistan, India".
func (x *extraction) group(s *sentence, ms []*mention) {
	joiners := map[string]bool{",": true, "and": true, "or": true, "the": true, "&": true, "as": true, "well": true}
	for i, m := range ms {
		if i > 0 {
			p := ms[i-1]
			ok := m.tok0 > p.tok1 && !p.possessive
			conj := false
			for k := p.tok1; ok && k < m.tok0; k++ {
				ok = joiners[s.tokens[k].fold]
				conj = conj || s.tokens[k].fold == "and" || s.tokens[k].fold == "or"
			}
			// Commas alone join names of one type ("Afghanistan, India"),
			// not a phrase and the name after it ("According to X, the Y").
			if ok && !conj {
				ok = x.sameType(p, m)
			}
			if ok {
				m.group = p.group
				x.groups[m.group] = append(x.groups[m.group], m)
				continue
			}
		}
		m.group = len(x.groups)
		x.groups = append(x.groups, []*mention{m})
	}
}

// sameType reports whether a and b stand for entities of one type.
func (x *extraction) sameType(a, b *mention) bool {
	for _, ea := range a.entities {
		for _, eb := range b.entities {
			if x.r.entities[ea].Type == x.r.entities[eb].Type {
				return true
			}
		}
	}
	return false
}

// candidates lists the proper names of the body that no known entity has:
// runs of capitalised words, leaving out a sentence's first word when it is
// an ordinary word, titles, days and months, and adjectives of known places.
func (x *extraction) candidates() []Candidate {
	byName := map[string]*Candidate{}
	var order []string
	lowerWords, midUpper := map[string]bool{}, map[string]bool{}
	for _, s := range x.t.sentences {
		for i, tk := range s.tokens {
			if tk.word && !tk.upper {
				lowerWords[tk.fold] = true
			}
			if tk.word && tk.upper && i > 0 && !s.heading {
				midUpper[tk.fold] = true
			}
		}
	}
	for _, s := range x.t.sentences {
		if s.heading {
			continue
		}
		toks := s.tokens
		for i := 0; i < len(toks); i++ {
			if !x.candidateWord(toks, i, lowerWords) {
				continue
			}
			j := i + 1
			for j < len(toks) {
				if x.candidateWord(toks, j, lowerWords) {
					j++
					continue
				}
				// "Bank of England", "Ansar al-Islam"
				if (toks[j].fold == "of" || toks[j].fold == "al" || toks[j].fold == "de") && j+1 < len(toks) && x.candidateWord(toks, j+1, lowerWords) {
					j += 2
					continue
				}
				break
			}
			// A title before a known name is a role, not an entity.
			if j < len(toks) && x.covered[toks[j].start] {
				i = j
				continue
			}
			// A sentence's first word is a name only if the text also
			// capitalises it elsewhere.
			if i == 0 && j == 1 && (lowerWords[toks[0].fold] || !midUpper[toks[0].fold]) {
				continue
			}
			name := x.t.slice(toks[i].start, toks[j-1].end)
			name = strings.TrimSuffix(strings.TrimSuffix(name, "'s"), "’s")
			key := foldString(name)
			c, ok := byName[key]
			if !ok {
				c = &Candidate{ID: slug(name), Name: name}
				byName[key] = c
				order = append(order, key)
			}
			c.Spans = append(c.Spans, Span{toks[i].start, toks[i].start + len([]rune(name))})
			i = j
		}
	}
	var out []Candidate
	for _, k := range order {
		c := byName[k]
		c.Reason = fmt.Sprintf("a proper name no known entity has, %d time(s) in the text", len(c.Spans))
		out = append(out, *c)
	}
	return out
}

var (
	titleWords = map[string]bool{"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "minister": true,
		"deputy": true, "president": true, "prime": true, "foreign": true, "interior": true, "defence": true,
		"defense": true, "secretary": true, "general": true, "chief": true, "spokesman": true, "spokeswoman": true,
		"spokesperson": true, "ambassador": true, "governor": true, "senator": true, "sir": true, "lord": true}
	calendarWords = map[string]bool{"monday": true, "tuesday": true, "wednesday": true, "thursday": true,
		"friday": true, "saturday": true, "sunday": true, "january": true, "february": true, "march": true,
		"april": true, "may": true, "june": true, "july": true, "august": true, "september": true,
		"october": true, "november": true, "december": true}
)

// candidateWord reports whether token i can be part of a candidate name.
func (x *extraction) candidateWord(toks []token, i int, lowerWords map[string]bool) bool {
	tk := toks[i]
	if !tk.word || !tk.upper || x.covered[tk.start] {
		return false
	}
	f := strings.TrimSuffix(tk.fold, "'s")
	if titleWords[f] || calendarWords[f] || functionWords[f] || openers[f] || pronouns[f] {
		return false
	}
	if _, ok := x.r.demonyms[f]; ok {
		return false
	}
	// An adjective of a known name mentioned in the text: "Pakistani",
	// "Afghan".
	if len(f) >= 5 {
		for _, n := range x.mentionedNames() {
			if strings.HasPrefix(n, f) || strings.HasPrefix(f, n) {
				return false
			}
		}
	}
	return true
}

// mentionedNames returns the folded names of the entities the text
// mentions, computed once.
func (x *extraction) mentionedNames() []string {
	if x.names == nil {
		seen := map[string]bool{}
		x.names = []string{}
		for _, m := range x.history {
			for _, id := range m.entities {
				if !seen[id] {
					seen[id] = true
					x.names = append(x.names, foldString(x.r.entities[id].Name))
				}
			}
		}
	}
	return x.names
}

// slug makes an entity id of a name: lower-case letters and digits joined
// by hyphens.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range foldString(name) {
		if unicode.IsLetter(r) && r < 0x80 || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}
