package seed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"strings"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

// Claims as W3C Web Annotations (https://www.w3.org/TR/annotation-model/),
// in JSON-LD: one annotation per claim, whose target is the claim's source
// with two selectors placing the quote in its text (a TextQuoteSelector:
// exact, prefix, suffix; a TextPositionSelector: start, end, in code
// points), and whose body is the claim and its statement in claimgraph's
// terms (subject, relation, object, claimant, stance, …). Annotation tools
// read the target and selectors; `claimgraph seed` reads the whole back,
// so the file round-trips: seeding it into a store that holds the
// ontology, the entities and the sources gives the same statements and
// claims. Import tells a file of annotations by the W3C context it names
// (or, where the content does not tell, by a name ending in
// .annotations.jsonld or .annotations.json).

// Namespaces of the annotations file.
const (
	annoContext = "http://www.w3.org/ns/anno.jsonld"
	cgNamespace = "urn:claimgraph:"
	sourceIRI   = cgNamespace + "source:"
	claimIRI    = cgNamespace + "claim:"
)

// annoTerms are claimgraph's terms in the body of an annotation.
var annoTerms = map[string]any{
	"cg":          cgNamespace,
	"Claim":       "cg:Claim",
	"statement":   "cg:statement",
	"subject":     "cg:subject",
	"relation":    "cg:relation",
	"object":      "cg:object",
	"attributes":  map[string]any{"@id": "cg:attributes", "@type": "@json"},
	"validFrom":   "cg:validFrom",
	"validUntil":  "cg:validUntil",
	"claimant":    "cg:claimant",
	"stance":      "cg:stance",
	"said":        "cg:said",
	"credibility": "cg:credibility",
	"orphaned":    "cg:orphaned",
}

type (
	annoCollection struct {
		Context any      `json:"@context"`
		ID      string   `json:"id"`
		Type    string   `json:"type"`
		Total   int      `json:"total"`
		First   annoPage `json:"first"`
	}
	annoPage struct {
		Type  string       `json:"type"`
		Items []annotation `json:"items"`
	}
	annotation struct {
		ID         string     `json:"id"`
		Type       string     `json:"type"`
		Motivation string     `json:"motivation"`
		Creator    string     `json:"creator,omitempty"`
		Created    string     `json:"created,omitempty"`
		Body       annoBody   `json:"body"`
		Target     annoTarget `json:"target"`
	}
	annoBody struct {
		Type        string            `json:"type"`
		Statement   string            `json:"statement"`
		Subject     string            `json:"subject"`
		Relation    string            `json:"relation"`
		Object      string            `json:"object"`
		Attributes  map[string]string `json:"attributes,omitempty"`
		ValidFrom   string            `json:"validFrom,omitempty"`
		ValidUntil  string            `json:"validUntil,omitempty"`
		Claimant    string            `json:"claimant,omitempty"`
		Stance      string            `json:"stance"`
		Said        string            `json:"said,omitempty"`
		Credibility string            `json:"credibility,omitempty"`
		Orphaned    bool              `json:"orphaned,omitempty"`
	}
	annoTarget struct {
		Source   string         `json:"source"`
		Selector []annoSelector `json:"selector,omitempty"`
	}
	annoSelector struct {
		Type   string `json:"type"`
		Exact  string `json:"exact,omitempty"`
		Prefix string `json:"prefix,omitempty"`
		Suffix string `json:"suffix,omitempty"`
		Start  *int   `json:"start,omitempty"`
		End    *int   `json:"end,omitempty"`
	}
)

// WriteAnnotations writes every claim st holds as a W3C Web Annotation, in
// one JSON-LD AnnotationCollection ordered by statement id, then claim id.
func WriteAnnotations(ctx context.Context, st graph.Store, w io.Writer) error {
	b, err := graph.ReadAll(ctx, st)
	if err != nil {
		return err
	}
	coll := annoCollection{
		Context: []any{annoContext, annoTerms},
		ID:      cgNamespace + "annotations",
		Type:    "AnnotationCollection",
		First:   annoPage{Type: "AnnotationPage", Items: []annotation{}},
	}
	for _, s := range b.Statements {
		for _, c := range s.Claims {
			coll.First.Items = append(coll.First.Items, annotationOf(s, c))
		}
	}
	coll.Total = len(coll.First.Items)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(coll)
}

func annotationOf(s graph.Statement, c graph.Claim) annotation {
	a := annotation{
		ID:         claimIRI + c.ID,
		Type:       "Annotation",
		Motivation: "describing",
		Creator:    c.Recorded.By,
		Created:    atText(c.Recorded),
		Body: annoBody{Type: "Claim", Statement: s.ID, Subject: s.Subject, Relation: s.Type, Object: s.Object,
			ValidFrom: string(s.ValidFrom), ValidUntil: string(s.ValidUntil),
			Claimant: c.Claimant, Stance: string(c.Stance), Said: string(c.Said), Credibility: c.Credibility, Orphaned: c.Anchor.Orphaned},
		Target: annoTarget{Source: sourceIRI + c.Source},
	}
	if len(s.Attributes) > 0 {
		a.Body.Attributes = maps.Clone(s.Attributes)
	}
	if c.Quote != "" {
		a.Target.Selector = append(a.Target.Selector, annoSelector{Type: "TextQuoteSelector", Exact: c.Quote, Prefix: c.Anchor.Prefix, Suffix: c.Anchor.Suffix})
	}
	if c.Anchor.HasPosition() {
		start, end := c.Anchor.Start, c.Anchor.End
		a.Target.Selector = append(a.Target.Selector, annoSelector{Type: "TextPositionSelector", Start: &start, End: &end})
	}
	return a
}

// readAnnotations reads an annotations file (as WriteAnnotations writes
// it; a single annotation, a list of them, an AnnotationPage or an
// AnnotationCollection) into statements with one claim each. Problems are
// placed at the annotation's id in the file.
func (p *Parsed) readAnnotations(name string, data []byte, index int, diags *[]diagnostic) {
	at := func(needle string) Position {
		pos := Position{File: name, Line: 1, Column: 1}
		if needle == "" {
			return pos
		}
		i := bytes.Index(data, []byte(needle))
		if i < 0 {
			return pos
		}
		pos.Line = 1 + bytes.Count(data[:i], []byte("\n"))
		pos.Column = 1 + len([]rune(string(data[bytes.LastIndexByte(data[:i], '\n')+1:i])))
		return pos
	}
	add := func(pos Position, format string, args ...any) {
		addDiag(diags, diagnostic{pos: pos, fileIndex: index, msg: fmt.Sprintf(format, args...)})
	}
	items, err := annotationItems(data)
	if err != nil {
		add(at(""), "not W3C Web Annotations in JSON-LD: %v", err)
		return
	}
	for _, a := range items {
		idJSON, _ := json.Marshal(a.ID)
		pos := at(string(idJSON))
		if a.Type != "Annotation" {
			add(pos, "%s is not an Annotation (type %q)", graph.Quote(a.ID), a.Type)
			continue
		}
		src, ok := strings.CutPrefix(a.Target.Source, sourceIRI)
		if !ok {
			add(pos, "the target of %s must be a source <%sID>, not %s", graph.Quote(a.ID), sourceIRI, graph.Quote(a.Target.Source))
			continue
		}
		c := graph.Claim{ID: strings.TrimPrefix(a.ID, claimIRI), Source: src, Claimant: a.Body.Claimant, Stance: graph.Stance(a.Body.Stance),
			Said: graph.Date(a.Body.Said), Credibility: a.Body.Credibility}
		c.Anchor.Orphaned = a.Body.Orphaned
		for _, sel := range a.Target.Selector {
			switch sel.Type {
			case "TextQuoteSelector":
				c.Quote, c.Anchor.Prefix, c.Anchor.Suffix = sel.Exact, sel.Prefix, sel.Suffix
			case "TextPositionSelector":
				if sel.Start == nil || sel.End == nil || *sel.Start < 0 || *sel.End <= *sel.Start {
					add(pos, "the TextPositionSelector of %s needs a start and an end past it", graph.Quote(a.ID))
					continue
				}
				c.Anchor.Start, c.Anchor.End = *sel.Start, *sel.End
			default:
				add(pos, "selector %s of %s is not one claimgraph reads (TextQuoteSelector, TextPositionSelector)", graph.Quote(sel.Type), graph.Quote(a.ID))
			}
		}
		if a.Created != "" || a.Creator != "" {
			c.Recorded = graph.Attribution{By: a.Creator}
			if a.Created != "" {
				if t, err := time.Parse(time.RFC3339Nano, a.Created); err == nil {
					c.Recorded.At = t.UTC()
				} else {
					add(pos, "created %s of %s is not an RFC 3339 time", graph.Quote(a.Created), graph.Quote(a.ID))
				}
			}
		}
		st := graph.Statement{ID: a.Body.Statement, Subject: a.Body.Subject, Type: a.Body.Relation, Object: a.Body.Object,
			Attributes: a.Body.Attributes, ValidFrom: graph.Date(a.Body.ValidFrom), ValidUntil: graph.Date(a.Body.ValidUntil),
			Claims: []graph.Claim{c}}
		p.Batch.Statements = append(p.Batch.Statements, st)
		fields := map[string]*field{}
		claimFields := map[string]*field{}
		for _, k := range []string{"id", "subject", "relation", "object", "attributes", "since", "until"} {
			fields[k] = &field{value: pos}
		}
		for _, k := range []string{"id", "source", "by", "stance", "quote", "prefix", "suffix", "start", "said", "credibility"} {
			claimFields[k] = &field{value: pos}
		}
		p.items[graph.KindStatement] = append(p.items[graph.KindStatement], &item{pos: pos, fileIndex: index, fields: fields,
			claims: []*item{{pos: pos, fileIndex: index, fields: claimFields}}})
	}
}

// annotationItems finds the annotations of a file: an AnnotationCollection
// (its first page), an AnnotationPage, a list of annotations or one.
func annotationItems(data []byte) ([]annotation, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var list []annotation
		err := json.Unmarshal(trimmed, &list)
		return list, err
	}
	var head struct {
		Type  string          `json:"type"`
		First json.RawMessage `json:"first"`
		Items json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(trimmed, &head); err != nil {
		return nil, err
	}
	switch head.Type {
	case "AnnotationCollection":
		if len(head.First) == 0 || head.First[0] != '{' {
			return nil, fmt.Errorf("the collection gives no first page inline")
		}
		var page annoPage
		err := json.Unmarshal(head.First, &page)
		return page.Items, err
	case "AnnotationPage":
		var page annoPage
		err := json.Unmarshal(trimmed, &page)
		return page.Items, err
	case "Annotation":
		var a annotation
		err := json.Unmarshal(trimmed, &a)
		return []annotation{a}, err
	}
	return nil, fmt.Errorf("the file holds a %q, not an AnnotationCollection, AnnotationPage or Annotation", head.Type)
}
