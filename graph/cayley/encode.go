package cayley

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/cayleygraph/quad"

	"github.com/claimgraph/claimgraph/graph"
)

// quads collects the quads of one item. Empty literals are left out: an
// absent quad is how the layout says "unknown".
type quads []quad.Quad

func (qs *quads) add(s, p, o quad.Value) { *qs = append(*qs, quad.Make(s, p, o, nil)) }

func (qs *quads) text(s quad.Value, p quad.IRI, v string) {
	if v != "" {
		qs.add(s, p, quad.String(v))
	}
}

func entityTypeQuads(t graph.EntityType) quads {
	var qs quads
	node := typeIRI(t.Name)
	qs.add(iriOntology, pEntityType, node)
	qs.text(node, pDescription, t.Description)
	return qs
}

func relationTypeQuads(t graph.RelationType) quads {
	var qs quads
	node := relationIRI(t.Name)
	qs.add(iriOntology, pRelationType, node)
	qs.text(node, pLabel, t.Label)
	qs.text(node, pInverse, t.Inverse)
	for _, name := range t.Subject {
		qs.add(node, pSubjectType, typeIRI(name))
	}
	for _, name := range t.Object {
		qs.add(node, pObjectType, typeIRI(name))
	}
	if t.Symmetric {
		qs.add(node, pSymmetric, quad.Bool(true))
	}
	for _, a := range t.Attributes {
		qs.add(node, pAttribute, quad.String(a))
	}
	qs.text(node, pDescription, t.Description)
	for _, c := range t.Cues {
		qs.add(node, pCue, quad.String(c))
	}
	return qs
}

func sourceQuads(s graph.Source) quads {
	var qs quads
	node := sourceIRI(s.ID)
	qs.add(node, iriRDFType, iriSourceClass)
	qs.text(node, pTitle, s.Title)
	qs.text(node, pPublisher, s.Publisher)
	qs.text(node, pURL, s.URL)
	qs.text(node, pPublished, string(s.Published))
	qs.text(node, pReliability, s.Reliability)
	qs.text(node, pText, s.Text)
	qs.text(node, pDigest, s.Digest)
	return qs
}

// entityQuads encodes an entity. Each alias is a node of its own,
// <cg:e/ID#alias/N> with N its position, holding the alias name and the
// entity that uses it.
func entityQuads(e graph.Entity) quads {
	var qs quads
	node := entityIRI(e.ID)
	qs.add(node, iriRDFType, typeIRI(e.Type))
	qs.text(node, pName, e.Name)
	qs.text(node, pDescription, e.Description)
	for i, a := range e.Aliases {
		alias := aliasIRI(e.ID, i)
		qs.add(node, pAlias, alias)
		qs.text(alias, pName, a.Name)
		if a.UsedBy != "" {
			qs.add(alias, pUsedBy, entityIRI(a.UsedBy))
		}
	}
	return qs
}

// statementQuads encodes a statement without its claims: the edge between
// its entities, labelled with the statement, and its metadata.
func statementQuads(st graph.Statement) quads {
	node := statementIRI(st.ID)
	qs := quads{quad.Make(entityIRI(st.Subject), relationIRI(st.Type), entityIRI(st.Object), node)}
	qs.add(node, pSubject, entityIRI(st.Subject))
	qs.add(node, pRelation, relationIRI(st.Type))
	qs.add(node, pObject, entityIRI(st.Object))
	for _, k := range slices.Sorted(maps.Keys(st.Attributes)) {
		qs.add(node, attrIRI(k), quad.String(st.Attributes[k]))
	}
	qs.text(node, pValidFrom, string(st.ValidFrom))
	qs.text(node, pValidUntil, string(st.ValidUntil))
	return qs
}

// claimQuads encodes a claim of statement stID, including the statement's
// link to it.
func claimQuads(stID string, c graph.Claim) quads {
	node := claimIRI(c.ID)
	st := statementIRI(stID)
	var qs quads
	qs.add(st, pClaim, node)
	qs.add(node, pStatement, st)
	qs.add(node, pSource, sourceIRI(c.Source))
	if c.Claimant != "" {
		qs.add(node, pClaimant, entityIRI(c.Claimant))
	}
	qs.text(node, pStance, string(c.Stance))
	qs.text(node, pQuote, c.Quote)
	qs.text(node, pSaid, string(c.Said))
	qs.text(node, pCredibility, c.Credibility)
	qs = append(qs, anchorQuads(node, c.Anchor)...)
	return qs
}

// anchorQuads encodes a claim's anchor as literals on its node: the
// prefix and suffix (when not empty), the start and end as decimal
// strings (when the anchor has a position), and the orphaned flag (when
// set). The exact text is the claim's quote.
func anchorQuads(node quad.Value, a graph.Anchor) quads {
	var qs quads
	qs.text(node, pPrefix, a.Prefix)
	qs.text(node, pSuffix, a.Suffix)
	if a.HasPosition() {
		qs.add(node, pStart, quad.String(strconv.Itoa(a.Start)))
		qs.add(node, pEnd, quad.String(strconv.Itoa(a.End)))
	}
	if a.Orphaned {
		qs.add(node, pOrphaned, quad.Bool(true))
	}
	return qs
}

// isAnchor reports whether pred is one of the anchor predicates.
func isAnchor(pred quad.Value) bool {
	return pred == pPrefix || pred == pSuffix || pred == pStart || pred == pEnd || pred == pOrphaned
}

// decodeAnchor reads the anchor of a claim's properties.
func decodeAnchor(p props) graph.Anchor {
	a := graph.Anchor{Prefix: p.text(pPrefix), Suffix: p.text(pSuffix)}
	start, errS := strconv.Atoi(p.text(pStart))
	end, errE := strconv.Atoi(p.text(pEnd))
	if errS == nil && errE == nil && end > start && start >= 0 {
		a.Start, a.End = start, end
	}
	a.Orphaned = len(p[pOrphaned]) > 0 && isTrue(p[pOrphaned][0])
	return a
}

// isAttribution reports whether pred is one of the attribution predicates:
// who created an item and who last changed it, and when. They are not the
// item's content: an Apply compares items without them.
func isAttribution(pred quad.Value) bool {
	return pred == pCreatedBy || pred == pCreatedAt || pred == pRecordedBy || pred == pRecordedAt
}

// attributionQuads encodes a on node with the predicates by and at.
func attributionQuads(node quad.Value, by, at quad.IRI, a graph.Attribution) quads {
	var qs quads
	qs.text(node, by, a.By)
	if !a.At.IsZero() {
		qs.add(node, at, quad.String(a.At.UTC().Format(time.RFC3339Nano)))
	}
	return qs
}
