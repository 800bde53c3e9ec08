package graph

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// Known looks up items that a batch refers to but does not contain. It
// returns what validation needs of the item — the entity type of an
// entity (kind KindEntity), the text of a source (kind KindSource; "" when
// it has none) — and whether the item is stored.
type Known func(ctx context.Context, kind, id string) (info string, ok bool, err error)

// NormalizeBatch fills what a batch may leave out: a statement's id
// defaults to DefaultStatementID, a claim's to DefaultClaimID, and the
// digest of a source with text to TextDigest of it.
func NormalizeBatch(b *Batch) {
	for i := range b.Sources {
		if s := &b.Sources[i]; s.Text != "" && s.Digest == "" {
			s.Digest = TextDigest(s.Text)
		}
	}
	for i := range b.Statements {
		st := &b.Statements[i]
		if st.ID == "" {
			st.ID = DefaultStatementID(st.Subject, st.Type, st.Object)
		}
		for j := range st.Claims {
			c := &st.Claims[j]
			if c.ID == "" {
				c.ID = DefaultClaimID(st.ID, c.Source, c.Claimant)
			}
		}
	}
}

// ValidateBatch checks a normalized batch against ont, which must already
// include the batch's own types, and against the stored items known
// reports. It returns nil, or an *Error with code Invalid that lists every
// problem found; an error of known is returned as it is.
//
// A claim with a quote on a source with text (the batch's or the stored
// one) must quote it verbatim, at one place that its anchor's hints single
// out when the quote occurs more than once; ValidateBatch fills in each
// such claim's anchor (b's claims are changed in place). A claim given as
// orphaned (a restored one) keeps its anchor unchecked. A claim without a
// quote has no anchor.
func ValidateBatch(ctx context.Context, ont Ontology, b *Batch, known Known) error {
	v := validator{ont: ont, known: known, entities: map[string]string{}, sources: map[string]bool{}, texts: map[string]*Document{}}
	v.run(ctx, *b)
	if v.err != nil {
		return v.err
	}
	if len(v.problems) == 0 {
		return nil
	}
	noun := "problems"
	if v.found == 1 {
		noun = "problem"
	}
	msg := fmt.Sprintf("%d %s in the input", v.found, noun)
	if v.found > len(v.problems) {
		msg += fmt.Sprintf(" (the first %d listed)", len(v.problems))
	}
	return &Error{Code: Invalid, Message: msg, Problems: v.problems}
}

// ReservedTypeNames are names an entity type may not take: claimgraph's
// own concepts, which its APIs name as types of their own.
var ReservedTypeNames = []string{
	"Alias", "Attribute", "Claim", "Direction", "Entity", "EntityConnection", "EntityEdge",
	"Hop", "HopDirection", "Mutation", "Neighborhood", "NeighborhoodNode", "Node", "PageInfo", "Path",
	"PathMode", "Query", "Relation", "Source", "Stance",
	"Status", "Subscription",
	// The GraphQL API's connections, inputs and payloads.
	"AliasInput", "AttributeInput", "ClaimConnection", "ClaimEdge", "ClaimInput",
	"ImportChange", "ImportSummary", "RelationConnection", "RelationEdge", "Retraction", "SourceConnection", "SourceEdge",
	// Articles: anchors, mentions and drafts.
	"Anchor", "Candidate", "Draft", "DraftClaim", "DraftStatement", "Mention", "TextSpan",
	// The ontology as the GraphQL API describes it.
	"EntityType", "EntityTypeName", "Ontology", "RelationType",
}

type validator struct {
	ont      Ontology
	known    Known
	entities map[string]string // id → type, of the batch
	sources  map[string]bool
	texts    map[string]*Document // source id → its text, when it has one
	problems []Problem
	found    int // problems found, also those not listed
	err      error
}

// MaxProblems is the number of problems ValidateBatch lists; it counts
// the others.
const MaxProblems = 1000

func (v *validator) add(kind string, index, claim int, field, format string, args ...any) {
	v.found++
	if len(v.problems) < MaxProblems {
		v.problems = append(v.problems, Problem{Kind: kind, Index: index, Claim: claim, Field: field, Message: fmt.Sprintf(format, args...)})
	}
}

func (v *validator) run(ctx context.Context, b Batch) {
	seenET := map[string]int{}
	for i, t := range b.Ontology.EntityTypes {
		if len(t.Name) > MaxNameBytes {
			v.add(KindEntityType, i, -1, "name", "entity type %s is %d bytes long; at most %d are allowed", Quote(t.Name), len(t.Name), MaxNameBytes)
		} else if !typeNameRE.MatchString(t.Name) {
			v.add(KindEntityType, i, -1, "name", "entity type %s must start with a capital letter and use only letters and digits", Quote(t.Name))
		} else if slices.Contains(ReservedTypeNames, t.Name) {
			v.add(KindEntityType, i, -1, "name", "entity type name %s is reserved for claimgraph's own types", Quote(t.Name))
		}
		if j, dup := seenET[t.Name]; dup && !reflect.DeepEqual(b.Ontology.EntityTypes[j], t) {
			v.add(KindEntityType, i, -1, "name", "entity type %s is declared twice with different content", Quote(t.Name))
		}
		seenET[t.Name] = i
		v.checkText(KindEntityType, i, -1, "description", t.Description, MaxTextBytes, Paragraphs)
	}
	seenRT := map[string]int{}
	for i, t := range b.Ontology.RelationTypes {
		if len(t.Name) > MaxNameBytes {
			v.add(KindRelationType, i, -1, "name", "relation type %s is %d bytes long; at most %d are allowed", Quote(t.Name), len(t.Name), MaxNameBytes)
		} else if !relationRE.MatchString(t.Name) {
			v.add(KindRelationType, i, -1, "name", "relation type %s must be lower-case words joined by hyphens", Quote(t.Name))
		}
		if j, dup := seenRT[t.Name]; dup && !reflect.DeepEqual(b.Ontology.RelationTypes[j], t) {
			v.add(KindRelationType, i, -1, "name", "relation type %s is declared twice with different content", Quote(t.Name))
		}
		seenRT[t.Name] = i
		v.checkText(KindRelationType, i, -1, "label", t.Label, MaxNameBytes, Line)
		v.checkText(KindRelationType, i, -1, "inverse", t.Inverse, MaxNameBytes, Line)
		v.checkText(KindRelationType, i, -1, "description", t.Description, MaxTextBytes, Paragraphs)
		for _, f := range []struct {
			field string
			types []string
		}{{"subject", t.Subject}, {"object", t.Object}} {
			for _, et := range f.types {
				if _, ok := v.ont.EntityType(et); !ok {
					v.add(KindRelationType, i, -1, f.field, "unknown entity type %s", Quote(et))
				}
			}
		}
		for _, a := range t.Attributes {
			if !attributeRE.MatchString(a) || len(a) > MaxNameBytes {
				v.add(KindRelationType, i, -1, "attributes", "attribute %s must be a lower-case word (letters and digits)", Quote(a))
			}
		}
	}
	v.relationFields(b)

	seenSrc := map[string]int{}
	for i, s := range b.Sources {
		if err := CheckItemID(s.ID); err != nil {
			v.add(KindSource, i, -1, "id", "%v", err)
		}
		if j, dup := seenSrc[s.ID]; dup && b.Sources[j] != s {
			v.add(KindSource, i, -1, "id", "source %s is given twice with different content", Quote(s.ID))
		}
		seenSrc[s.ID] = i
		v.sources[s.ID] = true
		v.checkText(KindSource, i, -1, "text", s.Text, MaxArticleBytes, Paragraphs)
		switch {
		case s.Text != "":
			v.texts[s.ID] = NewDocument(s.Text)
			if s.Digest != TextDigest(s.Text) {
				v.add(KindSource, i, -1, "digest", "digest %s is not the SHA-256 of the source's text (%s)", Quote(s.Digest), TextDigest(s.Text))
			}
		case s.Digest != "":
			v.add(KindSource, i, -1, "digest", "a digest needs the text it is the digest of")
		}
		if s.Title == "" {
			v.add(KindSource, i, -1, "title", "a source needs a title")
		}
		v.checkText(KindSource, i, -1, "title", s.Title, MaxTitleBytes, Line)
		v.checkText(KindSource, i, -1, "publisher", s.Publisher, MaxNameBytes, Line)
		v.checkText(KindSource, i, -1, "url", s.URL, MaxURLBytes, Line)
		if _, err := ParseDate(string(s.Published)); err != nil {
			v.add(KindSource, i, -1, "published", "%v", err)
		}
		if s.Reliability != "" && !reliabilityRE.MatchString(s.Reliability) {
			v.add(KindSource, i, -1, "reliability", "reliability %s must be a grade from A to F", Quote(s.Reliability))
		}
	}

	seenEnt := map[string]int{}
	for i, e := range b.Entities {
		if err := CheckEntityID(e.ID); err != nil {
			v.add(KindEntity, i, -1, "id", "%v", err)
		}
		if j, dup := seenEnt[e.ID]; dup && !reflect.DeepEqual(b.Entities[j], e) {
			v.add(KindEntity, i, -1, "id", "entity %s is given twice with different content", Quote(e.ID))
		}
		seenEnt[e.ID] = i
		v.entities[e.ID] = e.Type
		if _, ok := v.ont.EntityType(e.Type); !ok {
			v.add(KindEntity, i, -1, "type", "unknown entity type %s", Quote(e.Type))
		}
		if e.Name == "" {
			v.add(KindEntity, i, -1, "name", "an entity needs a name")
		}
		v.checkText(KindEntity, i, -1, "name", e.Name, MaxNameBytes, Line)
		v.checkText(KindEntity, i, -1, "description", e.Description, MaxTextBytes, Paragraphs)
	}
	// Aliases may name any entity, so check them once all are known.
	for i, e := range b.Entities {
		for _, a := range e.Aliases {
			if a.Name == "" {
				v.add(KindEntity, i, -1, "aliases", "an alias needs a name")
			}
			if err := CheckText(a.Name, MaxNameBytes, Line); err != nil {
				v.add(KindEntity, i, -1, "aliases", "alias %s %v", Quote(a.Name), err)
			}
			if a.UsedBy != "" {
				if _, ok := v.entity(ctx, a.UsedBy); !ok {
					v.add(KindEntity, i, -1, "aliases", "alias %s is used by unknown entity %s", Quote(a.Name), Quote(a.UsedBy))
				}
			}
		}
	}

	seenSt := map[string]int{}
	claimOf := map[string]string{} // claim id → statement id
	for i, st := range b.Statements {
		v.statement(ctx, i, st)
		if j, dup := seenSt[st.ID]; dup && !sameStatement(b.Statements[j], st) {
			v.add(KindStatement, i, -1, "id", "statement %s is given twice with different subject, relation, object, attributes or valid time", Quote(st.ID))
		}
		seenSt[st.ID] = i
		for j, c := range st.Claims {
			if other, ok := claimOf[c.ID]; ok && other != st.ID {
				v.add(KindStatement, i, j, "id", "claim %s is also given for statement %s; a claim belongs to one statement", Quote(c.ID), Quote(other))
			}
			claimOf[c.ID] = st.ID
		}
	}
}

func sameStatement(a, b Statement) bool {
	return a.Subject == b.Subject && a.Type == b.Type && a.Object == b.Object &&
		maps.Equal(a.Attributes, b.Attributes) && a.ValidFrom == b.ValidFrom && a.ValidUntil == b.ValidUntil
}

// entity returns the type of entity id, from the batch or the store.
func (v *validator) entity(ctx context.Context, id string) (string, bool) {
	if t, ok := v.entities[id]; ok {
		return t, true
	}
	if v.err != nil {
		return "", false
	}
	t, ok, err := v.known(ctx, KindEntity, id)
	if err != nil {
		v.err = err
		return "", false
	}
	if ok {
		v.entities[id] = t
	}
	return t, ok
}

func (v *validator) source(ctx context.Context, id string) bool {
	if ok, seen := v.sources[id]; seen {
		return ok
	}
	if v.err != nil {
		return false
	}
	text, ok, err := v.known(ctx, KindSource, id)
	if err != nil {
		v.err = err
		return false
	}
	v.sources[id] = ok
	if text != "" {
		v.texts[id] = NewDocument(text)
	}
	return ok
}

func (v *validator) statement(ctx context.Context, i int, st Statement) {
	if err := CheckItemID(st.ID); err != nil {
		v.add(KindStatement, i, -1, "id", "%v", err)
	}
	rt, rtOK := v.ont.RelationType(st.Type)
	if !rtOK {
		v.add(KindStatement, i, -1, "type", "unknown relation type %s", Quote(st.Type))
	}
	subjType, subjOK := v.entity(ctx, st.Subject)
	if !subjOK {
		v.add(KindStatement, i, -1, "subject", "unknown entity %s", Quote(st.Subject))
	}
	objType, objOK := v.entity(ctx, st.Object)
	if !objOK {
		v.add(KindStatement, i, -1, "object", "unknown entity %s", Quote(st.Object))
	}
	if st.Subject == st.Object && subjOK {
		v.add(KindStatement, i, -1, "object", "a statement cannot relate %s to itself", Quote(st.Subject))
	}
	// An entity of an unknown type has its problem reported once, where it
	// is declared, not again at every statement that uses it.
	if rtOK && subjOK && objOK && v.knownType(subjType) && v.knownType(objType) && !rt.Allows(subjType, objType) {
		v.add(KindStatement, i, -1, "type", "%s cannot connect %s (%s) to %s (%s); allowed: %s → %s",
			st.Type, article(subjType), st.Subject, article(objType), st.Object, anyOf(rt.Subject), anyOf(rt.Object))
	}
	if rtOK {
		for _, k := range slices.Sorted(maps.Keys(st.Attributes)) {
			if err := CheckText(st.Attributes[k], MaxTextBytes, Paragraphs); err != nil {
				v.add(KindStatement, i, -1, "attributes", "attribute %s %v", Quote(k), err)
			}
			switch {
			case len(rt.Attributes) == 0:
				v.add(KindStatement, i, -1, "attributes", "relation %s takes no attributes, not %s", st.Type, Quote(k))
			case !slices.Contains(rt.Attributes, k):
				v.add(KindStatement, i, -1, "attributes", "relation %s has no attribute %s (declared: %s)", st.Type, Quote(k), anyOf(rt.Attributes))
			}
		}
	}
	from, errFrom := ParseDate(string(st.ValidFrom))
	if errFrom != nil {
		v.add(KindStatement, i, -1, "since", "%v", errFrom)
	}
	until, errUntil := ParseDate(string(st.ValidUntil))
	if errUntil != nil {
		v.add(KindStatement, i, -1, "until", "%v", errUntil)
	}
	if errFrom == nil && errUntil == nil && from != "" && until != "" && from.Compare(until) > 0 {
		v.add(KindStatement, i, -1, "until", "valid time ends (%s) before it starts (%s)", until, from)
	}
	if len(st.Claims) == 0 {
		v.add(KindStatement, i, -1, "claims", "a statement needs at least one claim: who says it, in which source")
	}
	seen := map[string]bool{}
	for j, c := range st.Claims {
		if err := CheckItemID(c.ID); err != nil {
			v.add(KindStatement, i, j, "id", "%v", err)
		}
		if seen[c.ID] {
			v.add(KindStatement, i, j, "id", "claim %s is given twice in this statement; give the claims distinct ids", Quote(c.ID))
		}
		seen[c.ID] = true
		if c.Source == "" {
			v.add(KindStatement, i, j, "source", "a claim needs a source")
		} else if !v.source(ctx, c.Source) {
			v.add(KindStatement, i, j, "source", "unknown source %s", Quote(c.Source))
		} else {
			v.anchor(i, j, &st.Claims[j])
		}
		if c.Claimant != "" {
			if _, ok := v.entity(ctx, c.Claimant); !ok {
				v.add(KindStatement, i, j, "claimant", "unknown entity %s", Quote(c.Claimant))
			}
		}
		if !c.Stance.Valid() {
			v.add(KindStatement, i, j, "stance", "stance %s must be ASSERTS or DENIES", Quote(string(c.Stance)))
		}
		if _, err := ParseDate(string(c.Said)); err != nil {
			v.add(KindStatement, i, j, "said", "%v", err)
		}
		v.checkText(KindStatement, i, j, "quote", c.Quote, MaxTextBytes, Paragraphs)
		if c.Credibility != "" && !credibilityRE.MatchString(c.Credibility) {
			v.add(KindStatement, i, j, "credibility", "credibility %s must be a grade from 1 to 6", Quote(c.Credibility))
		}
	}
}

// anchor checks a claim's quote against its source's text and fills in
// its anchor; a claim on a source without text may not give one.
func (v *validator) anchor(i, j int, c *Claim) {
	doc := v.texts[c.Source]
	switch {
	case doc == nil:
		if !c.Anchor.IsZero() {
			v.add(KindStatement, i, j, "anchor", "source %s has no text to anchor the quote in", Quote(c.Source))
		}
	case c.Anchor.Orphaned:
		if c.Anchor.Start < 0 || c.Anchor.End < c.Anchor.Start {
			v.add(KindStatement, i, j, "anchor", "anchor %d–%d is not a stretch of text", c.Anchor.Start, c.Anchor.End)
		}
	case c.Quote == "":
		if !c.Anchor.IsZero() {
			v.add(KindStatement, i, j, "anchor", "an anchor needs the quote it places")
		}
	default:
		a, err := doc.Anchor(c.Source, c.Quote, c.Anchor)
		if err != nil {
			v.add(KindStatement, i, j, "quote", "%v", err)
			return
		}
		c.Anchor = a
	}
}

// knownType reports whether the ontology has the entity type t.
func (v *validator) knownType(t string) bool {
	_, ok := v.ont.EntityType(t)
	return ok
}

// article puts "a" or "an" before word, by its first letter.
func article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}

func anyOf(list []string) string {
	if len(list) == 0 {
		return "any"
	}
	return fmt.Sprint(list)
}
