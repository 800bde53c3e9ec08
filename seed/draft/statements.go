package draft

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/claimgraph/claimgraph/graph"
)

// occurrence is a cue found in a sentence, at tokens [t0, t1).
type occurrence struct {
	cue     *cue
	t0, t1  int
	negated bool
}

// maxGap is how many words may stand between two words of a cue ("warning
// was issued by", "violence lately, mostly by").
const maxGap = 2

// cueOccurrences finds the cues of every relation type in s. The words of
// a cue match in order, inflected ("backs" matches "backing"), with up to
// maxGap other words between them but no name. Of two occurrences of one
// relation type, one inside the other, the longer is kept.
func (r *Rules) cueOccurrences(s *sentence, ms []*mention) []occurrence {
	cov := make([]bool, len(s.tokens))
	for _, m := range ms {
		for i := m.tok0; i < m.tok1 && i < len(cov); i++ {
			cov[i] = true
		}
	}
	var out []occurrence
	for _, c := range r.cues {
		for i := range s.tokens {
			if cov[i] || !c.matches(s.tokens[i], 0) {
				continue
			}
			end, ok := i+1, true
			for k := 1; k < len(c.words) && ok; k++ {
				ok = false
				gap := 0
				for j := end; j < len(s.tokens) && !cov[j]; j++ {
					tk := s.tokens[j]
					if !tk.word {
						if strings.ContainsAny(tk.fold, ";:\"“”()") {
							break
						}
						continue
					}
					if c.matches(tk, k) {
						end, ok = j+1, true
						break
					}
					if gap++; gap > maxGap {
						break
					}
				}
			}
			if ok {
				out = append(out, occurrence{cue: c, t0: i, t1: end, negated: negatedBefore(s, i, cov)})
			}
		}
	}
	// Keep the longest of nested occurrences of one relation type.
	var kept []occurrence
	for i, a := range out {
		inner := false
		for j, b := range out {
			if i != j && a.cue.rel.Name == b.cue.rel.Name && b.t0 <= a.t0 && a.t1 <= b.t1 &&
				(b.t1-b.t0 > a.t1-a.t0 || (b.t1-b.t0 == a.t1-a.t0 && j < i)) {
				inner = true
				break
			}
		}
		if !inner {
			kept = append(kept, a)
		}
	}
	slices.SortStableFunc(kept, func(a, b occurrence) int { return a.t0 - b.t0 })
	return kept
}

func (c *cue) matches(tk token, k int) bool {
	if !tk.word {
		return false
	}
	if c.exact[k] {
		return tk.fold == c.words[k]
	}
	return stemMatches(tk.stem, c.words[k])
}

// negatedBefore reports whether a negation stands in the three tokens
// before token i ("were not linked to").
func negatedBefore(s *sentence, i int, cov []bool) bool {
	for j := i - 1; j >= 0 && j >= i-3 && !cov[j]; j-- {
		f := s.tokens[j].fold
		if f == "not" || f == "never" || f == "no" || f == "nor" || strings.HasSuffix(f, "n't") {
			return true
		}
	}
	return false
}

var (
	sayVerbs = set("said", "says", "say", "saying", "claimed", "claims", "claiming", "added", "adds", "stated",
		"told", "tells", "alleged", "alleges", "alleging", "insisted", "insists", "stressed", "stresses",
		"argued", "argues", "noted", "asserted", "asserts", "maintained", "maintains", "announced",
		"announces", "explained", "explains", "wrote", "writes", "confirmed", "confirms", "acknowledged",
		"acknowledges", "reported", "declared", "declares", "charged", "suggested")
	accuseVerbs = set("accuses", "accused", "accuse", "accusing", "blames", "blamed", "blame", "blaming")
	denyVerbs   = set("deny", "denies", "denied", "denying", "denial", "denials", "reject", "rejects", "rejected",
		"rejecting", "dismiss", "dismisses", "dismissed", "refute", "refutes", "refuted", "rebuffed", "rebuts",
		"rebutted", "disputes", "disputed", "contests", "contested")
	claimNouns = set("allegation", "allegations", "accusation", "accusations", "claim", "claims", "charge",
		"charges", "report", "reports", "suggestion", "suggestions")
	passiveAux = set("is", "are", "was", "were", "been", "being", "be")
)

func set(words ...string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words {
		m[w] = true
	}
	return m
}

// speech is an attribution ("X said", "according to X", "X accuses") or a
// denial ("X denies") found in a sentence.
type speech struct {
	who     []string
	m       *mention
	verb    int // token index of the verb
	text    string
	accuses bool
}

// attributions finds who the sentence attributes words to: the name just
// before a verb of saying or accusing ("Chaudhry said", "he added",
// "Pakistan frequently accuses"), just after one ("said the minister"),
// after "according to", or the agent of a passive accusation ("accused by
// X").
func (x *extraction) attributions(s *sentence, ms []*mention) []speech {
	var out []speech
	for i, tk := range s.tokens {
		say, accuse := sayVerbs[tk.fold], accuseVerbs[tk.fold]
		if tk.fold == "according" && i+1 < len(s.tokens) && s.tokens[i+1].fold == "to" {
			if m := mentionAfter(s, ms, i+2, 2); m != nil {
				out = append(out, speech{who: x.groupIDs(m, anyType), m: m, verb: i, text: "according to"})
			}
			continue
		}
		if !say && !accuse {
			continue
		}
		passive := i > 0 && passiveAux[s.tokens[i-1].fold]
		var m *mention
		if !passive {
			m = mentionBefore(s, ms, i, 2)
			if m != nil && m.possessive {
				m = nil
			}
		}
		if m == nil && say && !passive {
			m = mentionAfter(s, ms, i+1, 1)
		}
		if m == nil && accuse && i+1 < len(s.tokens) && s.tokens[i+1].fold == "by" {
			m = mentionAfter(s, ms, i+2, 1)
		}
		if m != nil {
			out = append(out, speech{who: x.groupIDs(m, anyType), m: m, verb: i, text: tk.text, accuses: accuse})
		}
	}
	return out
}

// denials finds who the sentence says denies something: the name just
// before a verb of denial ("allegations both countries deny", "which
// Freedonia rejects", "Sylvania denied") or after "denied by".
func (x *extraction) denials(s *sentence, ms []*mention) []speech {
	var out []speech
	for i, tk := range s.tokens {
		if !denyVerbs[tk.fold] {
			continue
		}
		m := mentionBefore(s, ms, i, 2)
		if m == nil && i+1 < len(s.tokens) && s.tokens[i+1].fold == "by" {
			m = mentionAfter(s, ms, i+2, 1)
		}
		if m != nil {
			out = append(out, speech{who: x.groupIDs(m, anyType), m: m, verb: i, text: tk.text})
		}
	}
	return out
}

func anyType(string) bool { return true }

// mentionBefore returns the mention ending at most maxWords words before
// token i.
func mentionBefore(s *sentence, ms []*mention, i, maxWords int) *mention {
	for k := len(ms) - 1; k >= 0; k-- {
		m := ms[k]
		if m.tok1 > i {
			continue
		}
		words := 0
		for j := m.tok1; j < i; j++ {
			if s.tokens[j].word {
				words++
			}
		}
		if words <= maxWords {
			return m
		}
		return nil
	}
	return nil
}

// mentionAfter returns the mention starting at most maxWords words after
// token i (inclusive).
func mentionAfter(s *sentence, ms []*mention, i, maxWords int) *mention {
	for _, m := range ms {
		if m.tok0 < i {
			continue
		}
		words := 0
		for j := i; j < m.tok0; j++ {
			if s.tokens[j].word {
				words++
			}
		}
		if words <= maxWords {
			return m
		}
		return nil
	}
	return nil
}

// sentence drafts the statements of one sentence.
func (x *extraction) sentence(s *sentence) {
	ms := x.mentions(s)
	for _, m := range ms {
		ids := slices.Clone(m.entities)
		x.draft.Mentions = append(x.draft.Mentions, Mention{Entities: ids, Span: Span{m.start, m.end},
			Text: x.t.slice(m.start, m.end), Sentence: s.index, How: m.how, Reason: m.why})
		if m.how != "reference" {
			for p := m.start; p < m.end; p++ {
				x.markCovered(p)
			}
		}
	}
	if s.heading {
		// Titles and headings summarise the body, which carries the claims.
		return
	}
	x.subjectOf = map[*mention]*mention{}
	says := x.attributions(s, ms)
	denies := x.denials(s, ms)
	var made []stmtRef
	for _, oc := range x.r.cueOccurrences(s, ms) {
		made = append(made, x.fromCue(s, ms, oc, says, denies)...)
	}
	if len(made) == 0 {
		// "Both countries deny this." denies what the sentence before said.
		for _, d := range denies {
			x.denyAll(s, x.prevStmts, d)
		}
	}
	x.history = append(x.history, ms...)
	x.prev, x.prevMents, x.prevStmts = s, ms, made
}

func (x *extraction) markCovered(p int) { x.covered[p] = true }

// fromCue drafts the statements one cue occurrence carries: the nearest
// fitting mention on the cue's left and the first on its right (within
// maxGap words), expanded to their coordination groups.
func (x *extraction) fromCue(s *sentence, ms []*mention, oc occurrence, says, denies []speech) []stmtRef {
	rel := oc.cue.rel
	leftTypes, rightTypes := rel.Subject, rel.Object
	if oc.cue.reversed {
		leftTypes, rightTypes = rightTypes, leftTypes
	}
	okLeft, okRight := typeIn(leftTypes), typeIn(rightTypes)
	if rel.Symmetric {
		okLeft = func(t string) bool { return typeIn(leftTypes)(t) || typeIn(rightTypes)(t) }
		okRight = okLeft
	}
	var left *mention
	for k := len(ms) - 1; k >= 0; k-- {
		if ms[k].tok1 <= oc.t0 && len(x.ofTypes(ms[k].entities, okLeft)) > 0 {
			left = ms[k]
			break
		}
	}
	if left != nil && !oc.cue.reversed {
		// "X is based in Y and is allied with Z": predicates joined by "and"
		// share their subject.
		if prior, ok := x.subjectOf[left]; ok && firstWord(s, left.tok1, oc.t0) == "and" && len(x.ofTypes(prior.entities, okLeft)) > 0 {
			left = prior
		}
	}
	right := x.firstRight(s, ms, oc.t1, okRight)
	leftWhy, rightWhy := "", ""
	if right == nil && left != nil && left.possessive && oc.t0-left.tok1 <= maxGap {
		// "Viktor Ostrov, Sylvania's foreign minister": the name before the
		// possessive is the other end.
		for k := len(ms) - 1; k >= 0; k-- {
			if ms[k].tok1 <= left.tok0 && len(x.ofTypes(ms[k].entities, okRight)) > 0 {
				right = ms[k]
				rightWhy = ", before the possessive"
				break
			}
		}
	}
	fromPrev := false
	if left == nil && right != nil {
		// "The warning was issued by …": the other end is the topic of the
		// sentence before, its first fitting mention.
		for _, m := range x.prevMents {
			if len(x.ofTypes(m.entities, okLeft)) > 0 {
				left, fromPrev = m, true
				leftWhy = ", from the sentence before"
				break
			}
		}
	}
	if left == nil || right == nil {
		return nil
	}
	if !oc.cue.reversed && left.sent == s.index {
		x.subjectOf[right] = left
	}
	lefts, rights := x.groupIDs(left, okLeft), x.groupIDs(right, okRight)
	subjects, objects := lefts, rights
	subjM, objM := left, right
	subjWhy, objWhy := leftWhy, rightWhy
	if oc.cue.reversed {
		subjects, objects, subjM, objM, subjWhy, objWhy = rights, lefts, right, left, rightWhy, leftWhy
	}

	// The tokens the statement rests on, in this sentence.
	lo, hi := oc.t0, oc.t1
	for _, m := range []*mention{left, right} {
		if m.sent != s.index {
			continue
		}
		g := x.groupSpan(m)
		lo, hi = min(lo, g[0]), max(hi, g[1])
	}
	attrs := map[string]string{}
	if slices.Contains(rel.Attributes, "count") && subjM.sent == s.index {
		if q0, q := quantity(s, ms, subjM.tok0); q != "" {
			attrs["count"] = q
			lo = min(lo, q0)
		}
	}
	if slices.Contains(rel.Attributes, "role") {
		if r0, role := x.role(s, ms, oc); role != "" {
			attrs["role"] = role
			lo = min(lo, r0)
		}
	}
	since := sinceDate(s, oc.t0)

	// Who says it, and whether it is said or denied.
	var by *speech
	for i := range says {
		sp := &says[i]
		if sp.m.tok0 >= lo && sp.m.tok1 <= hi {
			continue // the speaker is part of the statement
		}
		if sp.verb < lo || sp.m.tok0 >= hi {
			if by == nil || abs(sp.verb-oc.t0) < abs(by.verb-oc.t0) {
				by = sp
			}
		}
	}
	qlo := lo
	if by != nil && by.m.tok0 < lo {
		qlo = by.m.tok0
	}
	var preDenial *speech
	for i := range denies {
		d := &denies[i]
		if d.verb < oc.t0 && (fromPrev || d.verb >= left.tok1) {
			preDenial = d
		}
	}
	if preDenial != nil && preDenial.m.tok0 < qlo {
		qlo = preDenial.m.tok0
	}
	if qlo > 0 && (s.tokens[qlo-1].fold == "the") {
		qlo--
	}
	quoteSpan := Span{s.tokens[qlo].start, s.tokens[hi-1].end}

	var refs []stmtRef
	for _, subj := range subjects {
		for _, obj := range objects {
			if subj == obj || !rel.Allows(x.r.entities[subj].Type, x.r.entities[obj].Type) || x.contradictsName(subj, rel.Name, obj) {
				continue
			}
			st := Statement{Subject: subj, Relation: rel.Name, Object: obj, Since: since}
			if len(attrs) > 0 {
				st.Attributes = maps.Clone(attrs)
			}
			st.Reason = fmt.Sprintf("%s: cue %q (%q) in sentence %d; subject %s; object %s", rel.Name,
				x.t.slice(s.tokens[oc.t0].start, s.tokens[oc.t1-1].end), cueText(oc.cue), s.index+1,
				x.describeMention(subjM, subj, subjWhy), x.describeMention(objM, obj, objWhy))
			c := Claim{Stance: graph.Asserts, Span: quoteSpan, Quote: x.t.slice(quoteSpan.Start, quoteSpan.End)}
			switch {
			case preDenial != nil:
				c.Stance = graph.Denies
				c.Claimant = pick(preDenial.who, subj, obj)
				c.Reason = fmt.Sprintf("denied by %s: %q before the cue", x.name(c.Claimant), preDenial.text)
			case by != nil:
				c.Claimant = pick(by.who, subj, obj)
				verb := "attribution"
				if by.accuses {
					verb = "accusation"
				}
				c.Reason = fmt.Sprintf("%s by %s: %s %q", stanceWord(graph.Asserts), x.name(c.Claimant), verb,
					x.t.slice(s.tokens[min(by.m.tok0, by.verb)].start, s.tokens[max(by.m.tok1-1, by.verb)].end))
			default:
				c.Reason = "stated by the source: no attribution in the sentence"
			}
			if oc.negated && preDenial == nil {
				c.Stance = graph.Denies
				c.Reason = strings.Replace(c.Reason, "asserted", "denied", 1) + "; negated before the cue"
				if c.Claimant == "" {
					c.Reason = "denied by the source: negated before the cue"
				}
			}
			st.Claims = []Claim{c}
			idx := x.addStatement(st)
			ref := stmtRef{index: idx, subj: subj, obj: obj, cueTok: oc.t0}
			refs = append(refs, ref)
		}
	}
	// Denials after the cue: "…, allegations both countries deny".
	for i := range denies {
		d := &denies[i]
		if d.verb >= oc.t1 {
			x.denyAll(s, refs, *d)
		}
	}
	return refs
}

// denyAll adds the denials of d to the statements refs: each denier denies
// the statements it is a party to; deniers party to none deny them all.
func (x *extraction) denyAll(s *sentence, refs []stmtRef, d speech) {
	party := false
	for _, ref := range refs {
		for _, w := range d.who {
			if w == ref.subj || w == ref.obj {
				party = true
			}
		}
	}
	q0 := d.m.tok0
	if d.verb < q0 {
		q0 = d.verb
	}
	if q0 > 0 && claimNouns[s.tokens[q0-1].fold] {
		q0--
	}
	q1 := max(d.m.tok1-1, d.verb)
	span := Span{s.tokens[q0].start, s.tokens[q1].end}
	for _, ref := range refs {
		for _, w := range d.who {
			if party && w != ref.subj && w != ref.obj {
				continue
			}
			st := &x.draft.Statements[ref.index]
			if slices.ContainsFunc(st.Claims, func(c Claim) bool { return c.Claimant == w && c.Stance == graph.Denies }) {
				continue
			}
			st.Claims = append(st.Claims, Claim{Claimant: w, Stance: graph.Denies, Span: span,
				Quote: x.t.slice(span.Start, span.End),
				Reason: fmt.Sprintf("denied by %s: %q (%s) in sentence %d", x.name(w), d.text,
					x.t.slice(d.m.start, d.m.end), s.index+1)})
		}
	}
}

// pick returns the one of who the claim is by: the only one, else the one
// that is party to the statement, else the first.
func pick(who []string, subj, obj string) string {
	if len(who) == 1 {
		return who[0]
	}
	for _, w := range who {
		if w == subj || w == obj {
			return w
		}
	}
	if len(who) > 0 {
		return who[0]
	}
	return ""
}

func stanceWord(s graph.Stance) string {
	if s == graph.Denies {
		return "denied"
	}
	return "asserted"
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func cueText(c *cue) string {
	if c.reversed {
		return "^" + c.text
	}
	return c.text
}

func typeIn(types []string) func(string) bool {
	return func(t string) bool { return len(types) == 0 || slices.Contains(types, t) }
}

// firstWord returns the first word among tokens [i, j), or "".
func firstWord(s *sentence, i, j int) string {
	for k := i; k < j; k++ {
		if s.tokens[k].word {
			return s.tokens[k].fold
		}
	}
	return ""
}

// firstRight returns the first mention after token i, when at most maxGap
// words stand between (determiners and capitalised words, such as titles,
// not counted) and its entities fit ok.
func (x *extraction) firstRight(s *sentence, ms []*mention, i int, ok func(string) bool) *mention {
	for _, m := range ms {
		if m.tok0 < i {
			continue
		}
		words := 0
		for j := i; j < m.tok0; j++ {
			tk := s.tokens[j]
			if !tk.word {
				if strings.ContainsAny(tk.fold, ";:") {
					return nil
				}
				continue
			}
			if tk.upper || tk.fold == "the" || tk.fold == "a" || tk.fold == "an" || tk.fold == "its" || tk.fold == "their" {
				continue
			}
			words++
		}
		if words > maxGap || len(x.ofTypes(m.entities, ok)) == 0 {
			return nil
		}
		return m
	}
	return nil
}

// groupSpan returns the token range of m's coordination group in m's
// sentence.
func (x *extraction) groupSpan(m *mention) [2]int {
	lo, hi := m.tok0, m.tok1
	if m.group >= 0 && m.group < len(x.groups) {
		for _, g := range x.groups[m.group] {
			lo, hi = min(lo, g.tok0), max(hi, g.tok1)
		}
	}
	return [2]int{lo, hi}
}

// contradictsName reports whether subj rel obj goes against what the
// descriptive name of subj or obj states ("X accounts operating from
// India" operating from Afghanistan).
func (x *extraction) contradictsName(subj, rel, obj string) bool {
	for _, ds := range x.r.descriptive {
		for _, d := range ds {
			if want, ok := d.defines[rel]; ok {
				if d.entity == subj && want != obj || d.entity == obj && want != subj {
					return true
				}
			}
		}
	}
	return false
}

// addStatement adds st to the draft, or its claims and attributes to the
// drafted statement with the same ends (either way round for symmetric
// types), and returns its index.
func (x *extraction) addStatement(st Statement) int {
	rt, _ := x.r.ont.RelationType(st.Relation)
	for i := range x.draft.Statements {
		t := &x.draft.Statements[i]
		if t.Relation == st.Relation && rt.Symmetric && t.Subject == st.Object && t.Object == st.Subject {
			st.Subject, st.Object = st.Object, st.Subject
		}
		if t.Subject == st.Subject && t.Relation == st.Relation && t.Object == st.Object {
			x.draft.Statements = mergeStatement(x.draft.Statements, st)
			return i
		}
	}
	x.draft.Statements = append(x.draft.Statements, st)
	return len(x.draft.Statements) - 1
}

func (x *extraction) name(id string) string {
	if e, ok := x.r.entities[id]; ok {
		return e.Name
	}
	return id
}

// describeMention tells how the mention m stands for the entity id.
func (x *extraction) describeMention(m *mention, id, extra string) string {
	if !slices.Contains(m.entities, id) && m.group >= 0 && m.group < len(x.groups) {
		for _, g := range x.groups[m.group] {
			if slices.Contains(g.entities, id) {
				m = g
				break
			}
		}
	}
	return fmt.Sprintf("%s (%q, %s%s)", x.name(id), x.t.slice(m.start, m.end), m.why, extra)
}

// quantity reads a number phrase just before token i ("at least 19 X
// accounts", "over two dozen such accounts"): it returns the phrase's
// first token and its text, or "" when there is none.
func quantity(s *sentence, ms []*mention, i int) (int, string) {
	k := i - 1
	skipped := 0
	for k >= 0 && skipped < 2 {
		tk := s.tokens[k]
		inMention := slices.ContainsFunc(ms, func(m *mention) bool { return k >= m.tok0 && k < m.tok1 })
		if !(inMention || tk.upper || tk.fold == "such" || tk.fold == "of" || tk.fold == "the") || numberWord(tk) {
			break
		}
		k--
		skipped++
	}
	end := k
	for k >= 0 && numberWord(s.tokens[k]) {
		k--
	}
	if k == end {
		return 0, ""
	}
	start := k + 1
	if k >= 0 && qualifiers[s.tokens[k].fold] {
		start = k
	}
	if k >= 1 && qualifiers[s.tokens[k-1].fold+" "+s.tokens[k].fold] {
		start = k - 1
	}
	text := strings.Join(func() []string {
		var w []string
		for j := start; j <= end; j++ {
			w = append(w, s.tokens[j].text)
		}
		return w
	}(), " ")
	if qualifiers[s.tokens[start].fold] || qualifiers[s.tokens[start].fold+" "+s.tokens[min(start+1, end)].fold] {
		r := []rune(text)
		r[0] = unicode.ToLower(r[0])
		text = string(r)
	}
	return start, text
}

var (
	qualifiers = set("at least", "at most", "more than", "fewer than", "less than", "up to", "over", "under",
		"nearly", "almost", "about", "around", "some", "roughly", "approximately", "several")
	numberWords = set("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
		"twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "hundreds", "thousand", "thousands",
		"million", "millions", "dozen", "dozens", "a")
)

func numberWord(tk token) bool {
	if !tk.word {
		return false
	}
	if numberWords[tk.fold] && tk.fold != "a" {
		return true
	}
	for _, r := range tk.fold {
		if !unicode.IsDigit(r) && r != ',' && r != '.' {
			return false
		}
	}
	return true
}

// role reads the office a title cue names: the words of the title up to
// the cue ("Deputy Interior Minister", "foreign minister").
func (x *extraction) role(s *sentence, ms []*mention, oc occurrence) (int, string) {
	end := oc.t0
	for j := oc.t1 - 1; j >= oc.t0; j-- {
		if s.tokens[j].word && !functionWords[s.tokens[j].fold] {
			end = j
			break
		}
	}
	k := end
	for k-1 >= 0 && end-k < 3 {
		tk := s.tokens[k-1]
		inMention := slices.ContainsFunc(ms, func(m *mention) bool { return k-1 >= m.tok0 && k-1 < m.tok1 })
		if !tk.word || inMention || functionWords[tk.fold] || openers[tk.fold] || abbreviations[tk.fold] {
			break
		}
		k--
	}
	return k, x.t.slice(s.tokens[k].start, s.tokens[end].end)
}

var months = map[string]string{"january": "01", "february": "02", "march": "03", "april": "04", "may": "05",
	"june": "06", "july": "07", "august": "08", "september": "09", "october": "10", "november": "11", "december": "12"}

// sinceDate reads "since 2019" or "since August 2021" after token i.
func sinceDate(s *sentence, i int) graph.Date {
	for j := i; j+1 < len(s.tokens); j++ {
		if s.tokens[j].fold != "since" {
			continue
		}
		a := s.tokens[j+1].fold
		if isYear(a) {
			return graph.Date(a)
		}
		if mm, ok := months[a]; ok && j+2 < len(s.tokens) && isYear(s.tokens[j+2].fold) {
			return graph.Date(s.tokens[j+2].fold + "-" + mm)
		}
	}
	return ""
}

func isYear(s string) bool {
	if len(s) != 4 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s >= "1800" && s <= "2199"
}
