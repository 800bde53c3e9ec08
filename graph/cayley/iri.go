package cayley

import (
	"strconv"
	"strings"

	"github.com/cayleygraph/quad"
)

// IRI prefixes of the quad layout; see doc.go.
const (
	prefixEntity   = "cg:e/"
	prefixType     = "cg:type/"
	prefixRelation = "cg:rel/"
	prefixStmt     = "cg:s/"
	prefixClaim    = "cg:c/"
	prefixSource   = "cg:src/"
	prefixAttr     = "cg:p/attr/"
	aliasMarker    = "#alias/"
)

// Fixed nodes and predicates.
const (
	iriOntology    = quad.IRI("cg:ontology")
	iriSourceClass = quad.IRI("cg:class/Source")
	iriRDFType     = quad.IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

	pEntityType   = quad.IRI("cg:p/entityType")
	pRelationType = quad.IRI("cg:p/relationType")
	pName         = quad.IRI("cg:p/name")
	pDescription  = quad.IRI("cg:p/description")
	pLabel        = quad.IRI("cg:p/label")
	pInverse      = quad.IRI("cg:p/inverse")
	pSubjectType  = quad.IRI("cg:p/subjectType")
	pObjectType   = quad.IRI("cg:p/objectType")
	pSymmetric    = quad.IRI("cg:p/symmetric")
	pAttribute    = quad.IRI("cg:p/attribute")
	pCue          = quad.IRI("cg:p/cue")
	pAlias        = quad.IRI("cg:p/alias")
	pUsedBy       = quad.IRI("cg:p/usedBy")
	pSubject      = quad.IRI("cg:p/subject")
	pRelation     = quad.IRI("cg:p/relation")
	pObject       = quad.IRI("cg:p/object")
	pValidFrom    = quad.IRI("cg:p/validFrom")
	pValidUntil   = quad.IRI("cg:p/validUntil")
	pClaim        = quad.IRI("cg:p/claim")
	pStatement    = quad.IRI("cg:p/statement")
	pSource       = quad.IRI("cg:p/source")
	pClaimant     = quad.IRI("cg:p/claimant")
	pStance       = quad.IRI("cg:p/stance")
	pQuote        = quad.IRI("cg:p/quote")
	pSaid         = quad.IRI("cg:p/said")
	pCredibility  = quad.IRI("cg:p/credibility")
	pTitle        = quad.IRI("cg:p/title")
	pPublisher    = quad.IRI("cg:p/publisher")
	pURL          = quad.IRI("cg:p/url")
	pPublished    = quad.IRI("cg:p/published")
	pReliability  = quad.IRI("cg:p/reliability")
	pText         = quad.IRI("cg:p/text")
	pPrefix       = quad.IRI("cg:p/prefix")
	pSuffix       = quad.IRI("cg:p/suffix")
	pStart        = quad.IRI("cg:p/start")
	pEnd          = quad.IRI("cg:p/end")
	pOrphaned     = quad.IRI("cg:p/orphaned")
	pVersion      = quad.IRI("cg:p/version")
	pCreatedBy    = quad.IRI("cg:p/createdBy")
	pCreatedAt    = quad.IRI("cg:p/createdAt")
	pRecordedBy   = quad.IRI("cg:p/recordedBy")
	pRecordedAt   = quad.IRI("cg:p/recordedAt")
)

func entityIRI(id string) quad.IRI     { return quad.IRI(prefixEntity + id) }
func typeIRI(name string) quad.IRI     { return quad.IRI(prefixType + name) }
func relationIRI(name string) quad.IRI { return quad.IRI(prefixRelation + name) }
func statementIRI(id string) quad.IRI  { return quad.IRI(prefixStmt + id) }
func claimIRI(id string) quad.IRI      { return quad.IRI(prefixClaim + id) }
func sourceIRI(id string) quad.IRI     { return quad.IRI(prefixSource + id) }
func attrIRI(key string) quad.IRI      { return quad.IRI(prefixAttr + key) }

// aliasIRI names the node of the n-th alias of an entity. Entity ids never
// contain '#', so alias nodes cannot collide with entities.
func aliasIRI(entityID string, n int) quad.IRI {
	return quad.IRI(prefixEntity + entityID + aliasMarker + strconv.Itoa(n))
}

// aliasIndex returns n of an alias node IRI made by aliasIRI.
func aliasIndex(v quad.Value) (int, bool) {
	s, ok := v.(quad.IRI)
	if !ok {
		return 0, false
	}
	i := strings.LastIndex(string(s), aliasMarker)
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(string(s)[i+len(aliasMarker):])
	return n, err == nil
}

// idOf returns the id in an IRI with the given prefix.
func idOf(v quad.Value, prefix string) (string, bool) {
	s, ok := v.(quad.IRI)
	if !ok {
		return "", false
	}
	return strings.CutPrefix(string(s), prefix)
}

// text returns the string in a literal, or "" for anything else.
func text(v quad.Value) string {
	switch v := v.(type) {
	case quad.String:
		return string(v)
	case quad.TypedString:
		return string(v.Value)
	case quad.LangString:
		return string(v.Value)
	}
	return ""
}

// isTrue reports whether v is the boolean true, however the backend typed it.
func isTrue(v quad.Value) bool {
	switch v := v.(type) {
	case quad.Bool:
		return bool(v)
	case quad.TypedString:
		return v.Value == "true"
	}
	return false
}

// isRelation reports whether a predicate is a statement edge.
func isRelation(p quad.Value) bool {
	_, ok := idOf(p, prefixRelation)
	return ok
}
