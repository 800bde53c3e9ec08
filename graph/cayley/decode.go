package cayley

import (
	"slices"
	"time"

	"github.com/cayleygraph/quad"

	"github.com/claimgraph/claimgraph/graph"
)

// Decoding is the mirror of encode.go: the domain items read back from
// the quads of their nodes.

// props indexes a subject's quads by predicate.
type props map[quad.Value][]quad.Value

func propsOf(qs []quad.Quad) props {
	p := props{}
	for _, q := range qs {
		p[q.Predicate] = append(p[q.Predicate], q.Object)
	}
	return p
}

// text returns the single literal of predicate pred, or "".
func (p props) text(pred quad.IRI) string {
	if vs := p[pred]; len(vs) > 0 {
		return text(vs[0])
	}
	return ""
}

// id returns the id in the first IRI of predicate pred that has prefix.
func (p props) id(pred quad.IRI, prefix string) string {
	for _, v := range p[pred] {
		if id, ok := idOf(v, prefix); ok {
			return id
		}
	}
	return ""
}

// sortedIDs returns the ids in the IRIs of predicate pred that have prefix,
// sorted.
func (p props) sortedIDs(pred quad.IRI, prefix string) []string {
	var out []string
	for _, v := range p[pred] {
		if id, ok := idOf(v, prefix); ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// sortedTexts returns the literals of predicate pred, sorted.
func (p props) sortedTexts(pred quad.IRI) []string {
	var out []string
	for _, v := range p[pred] {
		out = append(out, text(v))
	}
	slices.Sort(out)
	return out
}

func decodeEntityType(name string, p props) graph.EntityType {
	return graph.EntityType{Name: name, Description: p.text(pDescription)}
}

func decodeRelationType(name string, p props) graph.RelationType {
	return graph.RelationType{
		Name:        name,
		Label:       p.text(pLabel),
		Inverse:     p.text(pInverse),
		Subject:     p.sortedIDs(pSubjectType, prefixType),
		Object:      p.sortedIDs(pObjectType, prefixType),
		Symmetric:   len(p[pSymmetric]) > 0 && isTrue(p[pSymmetric][0]),
		Attributes:  p.sortedTexts(pAttribute),
		Description: p.text(pDescription),
		Cues:        p.sortedTexts(pCue),
	}
}

// decodeSource decodes a source from the quads of its node.
func decodeSource(id string, own []quad.Quad) (graph.Source, bool) {
	p := propsOf(own)
	if len(p[pTitle]) == 0 {
		return graph.Source{}, false
	}
	return graph.Source{
		ID:          id,
		Title:       p.text(pTitle),
		Publisher:   p.text(pPublisher),
		URL:         p.text(pURL),
		Published:   graph.Date(p.text(pPublished)),
		Reliability: p.text(pReliability),
		Text:        p.text(pText),
		Digest:      p.text(pDigest),
		Recorded:    decodeAttribution(p, pRecordedBy, pRecordedAt),
	}, true
}

// decodeAttributes returns the attributes among a statement's quads.
func decodeAttributes(own []quad.Quad) map[string]string {
	var attrs map[string]string
	for _, q := range own {
		if key, ok := idOf(q.Predicate, prefixAttr); ok {
			if attrs == nil {
				attrs = map[string]string{}
			}
			attrs[key] = text(q.Object)
		}
	}
	return attrs
}

// decodeStatement decodes a statement, without its claims, from its
// metadata quads.
func decodeStatement(id string, own []quad.Quad) (graph.Statement, bool) {
	p := propsOf(own)
	st := graph.Statement{
		ID:         id,
		Subject:    p.id(pSubject, prefixEntity),
		Type:       p.id(pRelation, prefixRelation),
		Object:     p.id(pObject, prefixEntity),
		ValidFrom:  graph.Date(p.text(pValidFrom)),
		ValidUntil: graph.Date(p.text(pValidUntil)),
		Created:    decodeAttribution(p, pCreatedBy, pCreatedAt),
		Recorded:   decodeAttribution(p, pRecordedBy, pRecordedAt),
	}
	if st.Subject == "" || st.Type == "" || st.Object == "" {
		return graph.Statement{}, false
	}
	st.Attributes = decodeAttributes(own)
	return st, true
}

// decodeClaim decodes a claim and the id of its statement.
func decodeClaim(id string, own []quad.Quad) (graph.Claim, string, bool) {
	p := propsOf(own)
	c := graph.Claim{
		ID:          id,
		Source:      p.id(pSource, prefixSource),
		Claimant:    p.id(pClaimant, prefixEntity),
		Stance:      graph.Stance(p.text(pStance)),
		Quote:       p.text(pQuote),
		Said:        graph.Date(p.text(pSaid)),
		Credibility: p.text(pCredibility),
		Anchor:      decodeAnchor(p),
		Recorded:    decodeAttribution(p, pRecordedBy, pRecordedAt),
	}
	if c.Stance == "" {
		return graph.Claim{}, "", false
	}
	return c, p.id(pStatement, prefixStmt), true
}

// decodeAttribution reads the attribution of the predicates by and at.
func decodeAttribution(p props, by, at quad.IRI) graph.Attribution {
	a := graph.Attribution{By: p.text(by)}
	if s := p.text(at); s != "" {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			a.At = t.UTC()
		}
	}
	return a
}
