package draft

import (
	"context"
	"maps"
	"slices"

	"github.com/claimgraph/claimgraph/graph"
)

// Extractor drafts what an article appears to say. The rule-based
// extractor of this package is one; a statistical recogniser of names can
// take its place or add to it (see Join).
type Extractor interface {
	// Extract reads doc and returns its draft. It returns Invalid when doc
	// has no text or its source no id, and the context's error when ctx
	// ends first.
	Extract(ctx context.Context, doc Document) (Draft, error)
}

// Document is an article to draft claims from.
type Document struct {
	// Source is the source the drafted claims cite; its ID is required.
	Source graph.Source
	// Text is the article's text (Unicode NFC, LF line ends). Anchors are
	// offsets in it, counted in code points.
	Text string
}

// Knowledge is what the extractor knows before it reads: the ontology (its
// relation types' cues above all) and the entities whose names and aliases
// it looks for.
type Knowledge struct {
	Ontology graph.Ontology
	Entities []graph.Entity
}

// Span is a stretch of a document's text, [Start, End) in code points.
type Span struct {
	Start, End int
}

// Draft is what an extractor proposes for one document: every suggestion
// carries its reason, so that an analyst can judge it.
type Draft struct {
	Source graph.Source
	// Mentions are the places where a known entity is named or referred to,
	// in text order.
	Mentions []Mention
	// Candidates are proper names the text uses that no known entity has:
	// entities the analyst may want to add.
	Candidates []Candidate
	// Statements are the proposed relations, in the order the text first
	// supports them, each with its claims.
	Statements []Statement
}

// Mention is a place where the text names or refers to known entities.
type Mention struct {
	// Entities holds the id of the entity meant, or several when the words
	// fit more than one equally ("these two countries", "the accounts").
	Entities []string
	Span
	Text     string
	Sentence int // 0-based index of the sentence
	// How says how the mention was recognised: name, alias, surname,
	// description (the words of a descriptive name), demonym or reference
	// (a pronoun or a short phrase such as "the minister").
	How    string
	Reason string
}

// Candidate is a proper name that no known entity has.
type Candidate struct {
	ID     string // a suggested entity id
	Name   string
	Spans  []Span
	Reason string
}

// Statement is a proposed relation with its claims.
type Statement struct {
	Subject    string // entity id
	Relation   string // relation type
	Object     string // entity id
	Attributes map[string]string
	// Since is when the statement starts to hold, when the text says
	// ("since 2019").
	Since  graph.Date
	Claims []Claim
	// Reason tells which cue and which mentions the statement rests on.
	Reason string
}

// Claim is a proposed claim on a statement, anchored in the text.
type Claim struct {
	// Claimant is the entity the text attributes the words to, or "" when
	// the source itself states them.
	Claimant string
	Stance   graph.Stance
	// Quote is the text at Span: the smallest stretch that carries the
	// claim.
	Quote string
	Span
	Reason string
}

// Batch returns the draft's statements as a batch of the graph, their
// claims citing the draft's source; it holds no entities and no source.
func (d Draft) Batch() graph.Batch {
	var b graph.Batch
	for _, s := range d.Statements {
		st := graph.Statement{Subject: s.Subject, Type: s.Relation, Object: s.Object, ValidFrom: s.Since}
		if len(s.Attributes) > 0 {
			st.Attributes = maps.Clone(s.Attributes)
		}
		for _, c := range s.Claims {
			st.Claims = append(st.Claims, graph.Claim{Source: d.Source.ID, Claimant: c.Claimant, Stance: c.Stance, Quote: c.Quote})
		}
		b.Statements = append(b.Statements, st)
	}
	return b
}

// Join returns an extractor that runs each of extractors on a document and
// merges their drafts: mentions and candidates of all, statements
// deduplicated by subject, relation and object, and claims by claimant and
// stance, the first extractor's version winning.
func Join(extractors ...Extractor) Extractor { return joined(extractors) }

type joined []Extractor

func (j joined) Extract(ctx context.Context, doc Document) (Draft, error) {
	var out Draft
	for i, x := range j {
		d, err := x.Extract(ctx, doc)
		if err != nil {
			return Draft{}, err
		}
		if i == 0 {
			out.Source = d.Source
		}
		out.Mentions = append(out.Mentions, d.Mentions...)
		out.Candidates = append(out.Candidates, d.Candidates...)
		for _, s := range d.Statements {
			out.Statements = mergeStatement(out.Statements, s)
		}
	}
	slices.SortStableFunc(out.Mentions, func(a, b Mention) int { return a.Start - b.Start })
	return out, nil
}

// mergeStatement adds s to list, or its new claims to the statement of
// list with the same subject, relation and object.
func mergeStatement(list []Statement, s Statement) []Statement {
	for i := range list {
		t := &list[i]
		if t.Subject != s.Subject || t.Relation != s.Relation || t.Object != s.Object {
			continue
		}
		for _, c := range s.Claims {
			if !slices.ContainsFunc(t.Claims, func(x Claim) bool { return x.Claimant == c.Claimant && x.Stance == c.Stance }) {
				t.Claims = append(t.Claims, c)
			}
		}
		for k, v := range s.Attributes {
			if _, ok := t.Attributes[k]; !ok {
				if t.Attributes == nil {
					t.Attributes = map[string]string{}
				}
				t.Attributes[k] = v
			}
		}
		if t.Since == "" {
			t.Since = s.Since
		}
		return list
	}
	return append(list, s)
}
