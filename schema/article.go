package schema

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/graphql-go/graphql"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed/draft"
)

// Articles: a source's text, the anchors of claims in it, the mentions of
// known entities, and the draft of what the text appears to say, from
// seed/draft's rule-based extractor over the stored entities.

// anchorValue is what the Anchor type resolves: a claim's anchor with its
// quote (the exact text).
type anchorValue struct {
	graph.Anchor
	exact string
}

// articleFields adds the article fields to Source and Claim, and returns
// the query field draft.
func (r *resolver) articleFields(ts *types) graphql.Fields {
	anchor := graphql.NewObject(graphql.ObjectConfig{
		Name: "Anchor",
		Description: "Where a quote stands in its source's text, in the W3C Web Annotation model: a TextQuoteSelector " +
			"(exact, prefix, suffix) and a TextPositionSelector (start, end, in Unicode code points, end exclusive).",
		Fields: graphql.Fields{
			"exact":  &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The quote.", Resolve: get(func(a anchorValue) any { return a.exact })},
			"prefix": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "Up to 32 code points of text before the quote.", Resolve: get(func(a anchorValue) any { return a.Prefix })},
			"suffix": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "Up to 32 code points of text after the quote.", Resolve: get(func(a anchorValue) any { return a.Suffix })},
			"start":  &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "The code point where the quote starts.", Resolve: get(func(a anchorValue) any { return a.Start })},
			"end":    &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "The code point just past the quote.", Resolve: get(func(a anchorValue) any { return a.End })},
			"orphaned": &graphql.Field{Type: graphql.NewNonNull(graphql.Boolean),
				Description: "True when a new version of the source's text no longer carries the quote: start and end are then where it stood in the earlier text.",
				Resolve:     get(func(a anchorValue) any { return a.Orphaned })},
		},
	})
	span := graphql.NewObject(graphql.ObjectConfig{
		Name:        "TextSpan",
		Description: "A stretch of a source's text, in code points, end exclusive.",
		Fields: graphql.Fields{
			"start": &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(func(s draft.Span) any { return s.Start })},
			"end":   &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(func(s draft.Span) any { return s.End })},
		},
	})
	mention := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Mention",
		Description: "A place where the text names or refers to known entities.",
		Fields: graphql.Fields{
			"entities": &graphql.Field{Type: nonNullList(ts.entity), Description: "The entity meant, or several when the words fit more than one.",
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					return r.entitiesThunk(ctx, p.Source.(draft.Mention).Entities), nil
				})},
			"start":    &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(func(m draft.Mention) any { return m.Start })},
			"end":      &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(func(m draft.Mention) any { return m.End })},
			"text":     &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(m draft.Mention) any { return m.Text })},
			"sentence": &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "The sentence, counted from 0.", Resolve: get(func(m draft.Mention) any { return m.Sentence })},
			"how": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "name, alias, surname, description, demonym or reference.",
				Resolve: get(func(m draft.Mention) any { return m.How })},
			"reason": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(m draft.Mention) any { return m.Reason })},
		},
	})
	candidate := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Candidate",
		Description: "A proper name the text uses that no known entity has: an entity the analyst may want to add.",
		Fields: graphql.Fields{
			"id":     &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "A suggested entity id.", Resolve: get(func(c draft.Candidate) any { return c.ID })},
			"name":   &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(c draft.Candidate) any { return c.Name })},
			"spans":  &graphql.Field{Type: nonNullList(span), Resolve: get(func(c draft.Candidate) any { return c.Spans })},
			"reason": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(c draft.Candidate) any { return c.Reason })},
		},
	})
	draftClaim := graphql.NewObject(graphql.ObjectConfig{
		Name:        "DraftClaim",
		Description: "A proposed claim, anchored in the text.",
		Fields: graphql.Fields{
			"claimant": &graphql.Field{Type: ts.entity, Description: "Who the text attributes the words to; null when the source states them.",
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					return r.entityThunk(ctx, p.Source.(draftClaimValue).Claimant, true), nil
				})},
			"stance": &graphql.Field{Type: graphql.NewNonNull(ts.stance), Resolve: get(func(c draftClaimValue) any { return string(c.Stance) })},
			"quote":  &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(c draftClaimValue) any { return c.Quote })},
			"anchor": &graphql.Field{Type: graphql.NewNonNull(anchor), Resolve: get(func(c draftClaimValue) any { return c.anchor })},
			"reason": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(c draftClaimValue) any { return c.Reason })},
		},
	})
	draftStatement := graphql.NewObject(graphql.ObjectConfig{
		Name:        "DraftStatement",
		Description: "A proposed relation with its claims, and why it was proposed.",
		Fields: graphql.Fields{
			"subject": &graphql.Field{Type: graphql.NewNonNull(ts.entity), Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				return r.entityThunk(ctx, p.Source.(draftStatementValue).Subject, false), nil
			})},
			"relation": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The relation type.", Resolve: get(func(s draftStatementValue) any { return s.Relation })},
			"object": &graphql.Field{Type: graphql.NewNonNull(ts.entity), Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				return r.entityThunk(ctx, p.Source.(draftStatementValue).Object, false), nil
			})},
			"attributes": &graphql.Field{Type: nonNullList(ts.attribute), Resolve: get(func(s draftStatementValue) any {
				out := make([]map[string]any, 0, len(s.Attributes))
				for _, k := range slices.Sorted(maps.Keys(s.Attributes)) {
					out = append(out, map[string]any{"key": k, "value": s.Attributes[k]})
				}
				return out
			})},
			"since":  &graphql.Field{Type: graphql.String, Resolve: optional(func(s draftStatementValue) string { return string(s.Since) })},
			"claims": &graphql.Field{Type: nonNullList(draftClaim), Resolve: get(func(s draftStatementValue) any { return s.claims })},
			"reason": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The cue and the mentions the statement rests on.",
				Resolve: get(func(s draftStatementValue) any { return s.Reason })},
		},
	})
	draftType := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Draft",
		Description: "What a source's text appears to say, for an analyst to review: nothing of it is stored.",
		Fields: graphql.Fields{
			"source":     &graphql.Field{Type: graphql.NewNonNull(ts.source), Resolve: get(func(d draftValue) any { return d.Source })},
			"mentions":   &graphql.Field{Type: nonNullList(mention), Resolve: get(func(d draftValue) any { return d.Mentions })},
			"candidates": &graphql.Field{Type: nonNullList(candidate), Resolve: get(func(d draftValue) any { return d.Candidates })},
			"statements": &graphql.Field{Type: nonNullList(draftStatement), Resolve: get(func(d draftValue) any { return d.statements })},
		},
	})

	ts.source.AddFieldConfig("text", &graphql.Field{Type: graphql.String,
		Description: "The document's full text (Unicode NFC, LF line ends), when it is stored; claims are anchored in it.",
		Resolve:     optional(func(s graph.Source) string { return s.Text })})
	ts.source.AddFieldConfig("digest", &graphql.Field{Type: graphql.String, Description: "The SHA-256 of the text, in hex.",
		Resolve: optional(func(s graph.Source) string { return s.Digest })})
	ts.source.AddFieldConfig("mentions", &graphql.Field{Type: nonNullList(mention),
		Description: "The places where the text names or refers to known entities, in text order; empty without text.",
		Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			src := p.Source.(graph.Source)
			if src.Text == "" {
				return []draft.Mention{}, nil
			}
			d, err := r.draft(ctx, src)
			if err != nil {
				return nil, err
			}
			return d.Mentions, nil
		})})
	ts.source.AddFieldConfig("orphanedClaims", &graphql.Field{Type: nonNullList(ts.claim),
		Description: "The claims whose quote a new version of the text no longer carries, ordered by relation id, then claim id.",
		Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			list, err := r.store.ClaimsBySource(ctx, p.Source.(graph.Source).ID)
			if err != nil {
				return nil, err
			}
			out := []claimValue{}
			for _, c := range list {
				if c.Anchor.Orphaned {
					out = append(out, claimValue{Claim: c.Claim, statement: c.Statement})
				}
			}
			return out, nil
		})})
	ts.claim.AddFieldConfig("anchor", &graphql.Field{Type: anchor,
		Description: "Where the quote stands in the source's text; null when the source has no text or the claim no quote.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			c := p.Source.(claimValue)
			if c.Quote == "" || (!c.Anchor.HasPosition() && !c.Anchor.Orphaned) {
				return nil, nil
			}
			return anchorValue{Anchor: c.Anchor, exact: c.Quote}, nil
		}})

	return graphql.Fields{
		"draft": &graphql.Field{Type: draftType,
			Description: "A draft of the claims a source's stored text appears to make (seed/draft's rules over the known entities and the ontology's cues), each suggestion with its reason; null when there is no such source. A source without text is BAD_USER_INPUT.",
			Args:        graphql.FieldConfigArgument{"sourceId": &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.ID)}},
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				src, err := r.store.Source(ctx, strings.TrimPrefix(p.Args["sourceId"].(string), sourcePrefix))
				if graph.ErrorCode(err) == graph.NotFound {
					return nil, nil
				}
				if err != nil {
					return nil, err
				}
				if src.Text == "" {
					return nil, graph.Errorf(graph.Invalid, "source %q has no text to draft from", src.ID)
				}
				d, err := r.draft(ctx, src)
				if err != nil {
					return nil, err
				}
				return newDraftValue(d), nil
			})},
	}
}

// draft runs the rule-based extractor on a source's text, with the stored
// ontology and entities as what it knows.
func (r *resolver) draft(ctx context.Context, src graph.Source) (draft.Draft, error) {
	ont, err := r.store.Ontology(ctx)
	if err != nil {
		return draft.Draft{}, err
	}
	entities, err := r.store.Entities(ctx, graph.EntityQuery{})
	if err != nil {
		return draft.Draft{}, err
	}
	return draft.New(draft.Knowledge{Ontology: ont, Entities: entities}).Extract(ctx, draft.Document{Source: src, Text: src.Text})
}

type (
	draftValue struct {
		draft.Draft
		statements []draftStatementValue
	}
	draftStatementValue struct {
		draft.Statement
		claims []draftClaimValue
	}
	draftClaimValue struct {
		draft.Claim
		anchor anchorValue
	}
)

// newDraftValue gives each drafted claim its anchor: the prefix and
// suffix around its span, as a stored claim's would be.
func newDraftValue(d draft.Draft) draftValue {
	doc := graph.NewDocument(d.Source.Text)
	v := draftValue{Draft: d, statements: []draftStatementValue{}}
	for _, s := range d.Statements {
		sv := draftStatementValue{Statement: s, claims: []draftClaimValue{}}
		for _, c := range s.Claims {
			a := graph.Anchor{Start: c.Start, End: c.End,
				Prefix: doc.Slice(c.Start-graph.AnchorContext, c.Start), Suffix: doc.Slice(c.End, c.End+graph.AnchorContext)}
			sv.claims = append(sv.claims, draftClaimValue{Claim: c, anchor: anchorValue{Anchor: a, exact: c.Quote}})
		}
		v.statements = append(v.statements, sv)
	}
	if v.Mentions == nil {
		v.Mentions = []draft.Mention{}
	}
	if v.Candidates == nil {
		v.Candidates = []draft.Candidate{}
	}
	return v
}
