package draft

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/claimgraph/claimgraph/graph"
)

// Rules is the rule-based extractor: it knows the ontology and the
// entities, and reads English news prose with hand-written rules (see the
// package documentation). It is safe for concurrent use.
type Rules struct {
	ont      graph.Ontology
	entities map[string]graph.Entity
	match    *matcher
	patterns [][]namePattern // per matcher pattern: the names it stands for
	// persons holds the entity types whose entities are people.
	persons map[string]bool
	// nouns maps the stem of a common noun to the entity type it can refer
	// to ("minister" → Official, "countries" → Country).
	nouns map[string]string
	// descriptive holds the entities whose names are descriptions ("X
	// accounts operating from India"), by the stem of their head noun.
	descriptive map[string][]*description
	// demonyms maps a folded adjective of place ("ruritanian") to the entity.
	demonyms map[string]string
	cues     []*cue
}

// namePattern is one name of one entity.
type namePattern struct {
	entity string
	how    string // name, alias or surname
	name   string
	// exact is set for acronyms and names of one or two letters, which
	// match only as written ("X", "TTP"), never as ordinary words.
	exact []rune
}

// description is an entity whose name describes it.
type description struct {
	entity  string
	head    string   // stem of the head noun: "account"
	content []string // stems of the name's other content words
	// defines maps a relation type to the entity the name itself relates
	// it to: "X accounts operating from India" is operating-from india, so
	// it is never drafted as operating from another country.
	defines map[string]string
}

// cue is one compiled cue phrase of a relation type.
type cue struct {
	rel      graph.RelationType
	text     string
	words    []string // folded; stemmed unless short
	exact    []bool   // word compared as written (short function words)
	reversed bool     // names the object first
}

// New returns the rule-based extractor for what k holds.
func New(k Knowledge) *Rules {
	r := &Rules{
		ont:         k.Ontology,
		entities:    map[string]graph.Entity{},
		persons:     map[string]bool{},
		nouns:       map[string]string{},
		descriptive: map[string][]*description{},
		demonyms:    map[string]string{},
	}
	for _, t := range k.Ontology.EntityTypes {
		words := splitCamel(t.Name)
		lead := leadPhrase(t.Description)
		if slices.Contains(words, "person") || personRE.MatchString(lead) {
			r.persons[t.Name] = true
			for _, n := range roleNouns {
				r.nouns[stem(n)] = t.Name
			}
		}
		if slices.Contains(words, "country") || slices.Contains(words, "state") || countryRE.MatchString(lead) {
			for _, n := range []string{"country", "nation", "state"} {
				r.nouns[stem(n)] = t.Name
			}
		}
		if len(words) > 0 {
			r.nouns[stem(words[len(words)-1])] = t.Name
		}
	}
	// Names and aliases go into one automaton; a name found in several
	// entities stands for all of them.
	index := map[string]int{}
	var folded [][]rune
	add := func(e graph.Entity, how, name string) {
		name = strings.TrimSpace(name)
		if name == "" {
			return
		}
		p := namePattern{entity: e.ID, how: how, name: name}
		if isAcronym(name) {
			p.exact = []rune(name)
		}
		f := foldString(name)
		i, ok := index[f]
		if !ok {
			i = len(folded)
			index[f] = i
			folded = append(folded, []rune(f))
			r.patterns = append(r.patterns, nil)
		}
		r.patterns[i] = append(r.patterns[i], p)
	}
	ids := make([]string, 0, len(k.Entities))
	for _, e := range k.Entities {
		r.entities[e.ID] = e
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	for _, id := range ids {
		e := r.entities[id]
		add(e, "name", e.Name)
		for _, a := range e.Aliases {
			add(e, "alias", a.Name)
		}
		words := strings.Fields(e.Name)
		if r.persons[e.Type] && len(words) >= 2 {
			if last := words[len(words)-1]; len([]rune(last)) >= 3 && unicode.IsUpper([]rune(last)[0]) {
				add(e, "surname", last)
			}
		}
		if len(words) == 1 && isCapitalised(e.Name) && !isAcronym(e.Name) {
			f := foldString(e.Name)
			for _, suf := range []string{"n", "an", "ian", "i", "ese", "ish"} {
				r.demonyms[f+suf] = e.ID
			}
			if strings.HasSuffix(f, "a") {
				r.demonyms[f+"n"] = e.ID
			}
		}
	}
	r.match = newMatcher(folded)
	for _, rt := range k.Ontology.RelationTypes {
		for _, c := range rt.Cues {
			if cu := compileCue(rt, c); cu != nil {
				r.cues = append(r.cues, cu)
			}
		}
		// The inverse label reads object → subject: "hosts", "warned by".
		if rt.Inverse != "" && !rt.Symmetric {
			if cu := compileCue(rt, "^"+rt.Inverse); cu != nil {
				r.cues = append(r.cues, cu)
			}
		}
	}
	for _, id := range ids {
		if d := r.describe(r.entities[id]); d != nil {
			r.descriptive[d.head] = append(r.descriptive[d.head], d)
			if t := r.entities[id].Type; t != "" {
				r.nouns[d.head] = t
			}
		}
	}
	return r
}

var (
	personRE  = regexp.MustCompile(`\b(person|individual|human being)\b`)
	countryRE = regexp.MustCompile(`\b(country|state|nation)\b`)
)

// leadPhrase returns the first phrase of a type's description, what the
// type is ("A sovereign state", "A person"), before any qualification.
func leadPhrase(desc string) string {
	desc = strings.ToLower(desc)
	for _, sep := range []string{",", ".", ";", " who ", " that ", " where ", " which ", " as ", " such ", " of "} {
		if i := strings.Index(desc, sep); i >= 0 {
			desc = desc[:i]
		}
	}
	return desc
}

// roleNouns are the common nouns that refer to a person by office.
var roleNouns = []string{"minister", "president", "official", "spokesman", "spokeswoman", "spokesperson",
	"leader", "chief", "envoy", "ambassador", "commander", "secretary", "premier", "governor",
	"director", "chairman", "chairwoman", "prosecutor", "senator", "general", "deputy"}

// functionWords are never content words of a name nor candidate names.
var functionWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "in": true, "on": true, "at": true, "by": true,
	"for": true, "from": true, "to": true, "with": true, "and": true, "or": true, "that": true,
	"which": true, "who": true, "as": true, "into": true, "out": true, "is": true, "are": true,
	"was": true, "were": true, "be": true, "been": true, "has": true, "have": true, "had": true,
	"its": true, "his": true, "her": true, "their": true, "it": true, "this": true, "these": true,
	"those": true, "such": true, "but": true, "not": true, "also": true, "over": true, "under": true,
	"about": true, "after": true, "before": true, "since": true, "than": true, "more": true,
}

func splitCamel(s string) []string {
	var words []string
	var cur []rune
	for _, r := range s {
		if unicode.IsUpper(r) && len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = nil
		}
		cur = append(cur, r)
	}
	if len(cur) > 0 {
		words = append(words, strings.ToLower(string(cur)))
	}
	return words
}

// isAcronym reports whether name is matched only as written: all its
// letters are capitals, or it has at most two letters.
func isAcronym(name string) bool {
	letters, upper := 0, 0
	for _, r := range name {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	return letters <= 2 || (letters > 0 && letters == upper)
}

func isCapitalised(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}

// describe returns the description of an entity whose name has lower-case
// content words ("major social media platforms"), or nil for a proper name.
// The head is the last word of the name's first noun phrase: the word
// before the first function word, participle or cue ("accounts" in "X
// accounts run from Sylvania"). A cue of the name that a known entity
// follows is a relation the name itself states: "X accounts operating from
// India" is operating-from india, and is never drafted as operating from
// another country.
func (r *Rules) describe(e graph.Entity) *description {
	if !hasLowerWord(e.Name) {
		return nil
	}
	t := newText(e.Name)
	if len(t.sentences) != 1 {
		return nil
	}
	s := t.sentences[0]
	stop := len(s.tokens)
	defines := map[string]string{}
	ms := r.nameMentions(t, &s, e.ID)
	for _, oc := range r.cueOccurrences(&s, ms) {
		if oc.cue.reversed {
			continue
		}
		stop = min(stop, oc.t0)
		for _, m := range ms {
			if m.tok0 >= oc.t1 && m.tok0-oc.t1 <= 1 && len(m.entities) == 1 {
				defines[oc.cue.rel.Name] = m.entities[0]
			}
		}
	}
	lower, words := false, 0
	head := -1
	for i, w := range s.tokens {
		if !w.word {
			continue
		}
		words++
		if !w.upper && !functionWords[w.fold] {
			lower = true
		}
		if i >= stop || (words > 1 && (functionWords[w.fold] || (!w.upper && (strings.HasSuffix(w.fold, "ing") || strings.HasSuffix(w.fold, "ed"))))) {
			stop = min(stop, i)
		}
		if i < stop {
			head = i
		}
	}
	if !lower || words < 2 || head < 0 || s.tokens[head].upper {
		return nil
	}
	d := &description{entity: e.ID, head: s.tokens[head].stem, defines: defines}
	for i, w := range s.tokens {
		if w.word && i != head && !functionWords[w.fold] {
			d.content = append(d.content, w.stem)
		}
	}
	return d
}

// hasLowerWord reports whether name has a lower-case word that is not a
// function word ("Bank of England" has none).
func hasLowerWord(name string) bool {
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !isWordRune(r) }) {
		if r := []rune(w); unicode.IsLower(r[0]) && !functionWords[strings.ToLower(w)] {
			return true
		}
	}
	return false
}

// compileCue compiles a cue phrase; nil when it has no words.
func compileCue(rt graph.RelationType, text string) *cue {
	c := &cue{rel: rt, text: strings.TrimSpace(text)}
	body := c.text
	if strings.HasPrefix(body, "^") {
		c.reversed = true
		body = strings.TrimSpace(body[1:])
		c.text = body
	}
	for _, tk := range tokenize([]rune(body), 0, len([]rune(body))) {
		if !tk.word {
			continue
		}
		short := len(tk.fold) <= 3 || functionWords[tk.fold]
		if short {
			c.words = append(c.words, tk.fold)
		} else {
			c.words = append(c.words, tk.stem)
		}
		c.exact = append(c.exact, short)
	}
	if len(c.words) == 0 {
		return nil
	}
	return c
}

// Extract implements Extractor.
func (r *Rules) Extract(ctx context.Context, doc Document) (Draft, error) {
	if doc.Source.ID == "" {
		return Draft{}, &graph.Error{Code: graph.Invalid, Message: "draft: the document's source has no id"}
	}
	if strings.TrimSpace(doc.Text) == "" {
		return Draft{}, &graph.Error{Code: graph.Invalid, Message: "draft: the document has no text"}
	}
	t := newText(doc.Text)
	x := &extraction{r: r, t: t, draft: Draft{Source: doc.Source}, covered: make([]bool, len(t.runes))}
	for i := range t.sentences {
		if err := ctx.Err(); err != nil {
			return Draft{}, err
		}
		x.sentence(&t.sentences[i])
	}
	x.draft.Candidates = x.candidates()
	return x.draft, nil
}
