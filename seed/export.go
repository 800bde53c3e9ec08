package seed

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

// WriteJSON writes everything st holds as one fact file in JSON (YAML's
// subset), with the keys of the fact format: `claimgraph seed` reads it
// back, so it doubles as a backup that a person can read.
func WriteJSON(ctx context.Context, st graph.Store, w io.Writer) error {
	b, err := graph.ReadAll(ctx, st)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(factFile(b))
}

// The fact format as JSON; field names and meanings as in FORMAT.md.
type (
	jsonFile struct {
		Ontology   *jsonOntology   `json:"ontology,omitempty"`
		Sources    []jsonSource    `json:"sources,omitempty"`
		Entities   []jsonEntity    `json:"entities,omitempty"`
		Statements []jsonStatement `json:"statements,omitempty"`
	}
	jsonOntology struct {
		EntityTypes   []jsonEntityType   `json:"entityTypes,omitempty"`
		RelationTypes []jsonRelationType `json:"relationTypes,omitempty"`
	}
	jsonEntityType struct {
		Name        string `json:"name"`
		Description string `json:"description,omitempty"`
	}
	jsonRelationType struct {
		Name        string   `json:"name"`
		Label       string   `json:"label,omitempty"`
		Inverse     string   `json:"inverse,omitempty"`
		Subject     []string `json:"subject,omitempty"`
		Object      []string `json:"object,omitempty"`
		Symmetric   bool     `json:"symmetric,omitempty"`
		Attributes  []string `json:"attributes,omitempty"`
		Description string   `json:"description,omitempty"`
		Cues        []string `json:"cues,omitempty"`
	}
	jsonSource struct {
		ID          string `json:"id"`
		Title       string `json:"title"`
		Publisher   string `json:"publisher,omitempty"`
		URL         string `json:"url,omitempty"`
		Published   string `json:"published,omitempty"`
		Reliability string `json:"reliability,omitempty"`
		Text        string `json:"text,omitempty"`
		Digest      string `json:"digest,omitempty"`
		jsonRecorded
	}
	jsonEntity struct {
		ID          string      `json:"id"`
		Type        string      `json:"type"`
		Name        string      `json:"name"`
		Aliases     []jsonAlias `json:"aliases,omitempty"`
		Description string      `json:"description,omitempty"`
		jsonCreated
		jsonRecorded
	}
	jsonAlias struct {
		Name   string `json:"name"`
		UsedBy string `json:"usedBy,omitempty"`
	}
	jsonStatement struct {
		ID         string            `json:"id"`
		Subject    string            `json:"subject"`
		Relation   string            `json:"relation"`
		Object     string            `json:"object"`
		Since      string            `json:"since,omitempty"`
		Until      string            `json:"until,omitempty"`
		Attributes map[string]string `json:"attributes,omitempty"`
		Claims     []jsonClaim       `json:"claims"`
		jsonCreated
		jsonRecorded
	}
	jsonClaim struct {
		ID          string `json:"id"`
		Source      string `json:"source"`
		By          string `json:"by,omitempty"`
		Stance      string `json:"stance"`
		Quote       string `json:"quote,omitempty"`
		Said        string `json:"said,omitempty"`
		Credibility string `json:"credibility,omitempty"`
		Prefix      string `json:"prefix,omitempty"`
		Suffix      string `json:"suffix,omitempty"`
		Start       *int   `json:"start,omitempty"`
		End         *int   `json:"end,omitempty"`
		Orphaned    bool   `json:"orphaned,omitempty"`
		jsonRecorded
	}
	// Who wrote an item and when: the fact format's createdBy, createdAt,
	// recordedBy and recordedAt, restored by a seed.
	jsonCreated struct {
		CreatedBy string `json:"createdBy,omitempty"`
		CreatedAt string `json:"createdAt,omitempty"`
	}
	jsonRecorded struct {
		RecordedBy string `json:"recordedBy,omitempty"`
		RecordedAt string `json:"recordedAt,omitempty"`
	}
)

func atText(a graph.Attribution) string {
	if a.At.IsZero() {
		return ""
	}
	return a.At.UTC().Format(time.RFC3339Nano)
}

func created(a graph.Attribution) jsonCreated   { return jsonCreated{a.By, atText(a)} }
func recorded(a graph.Attribution) jsonRecorded { return jsonRecorded{a.By, atText(a)} }

func factFile(b graph.Batch) jsonFile {
	var f jsonFile
	if len(b.Ontology.EntityTypes)+len(b.Ontology.RelationTypes) > 0 {
		f.Ontology = &jsonOntology{}
		for _, t := range b.Ontology.EntityTypes {
			f.Ontology.EntityTypes = append(f.Ontology.EntityTypes, jsonEntityType(t))
		}
		for _, t := range b.Ontology.RelationTypes {
			f.Ontology.RelationTypes = append(f.Ontology.RelationTypes, jsonRelationType(t))
		}
	}
	for _, s := range b.Sources {
		f.Sources = append(f.Sources, jsonSource{s.ID, s.Title, s.Publisher, s.URL, string(s.Published), s.Reliability, s.Text, s.Digest, recorded(s.Recorded)})
	}
	for _, e := range b.Entities {
		je := jsonEntity{ID: e.ID, Type: e.Type, Name: e.Name, Description: e.Description,
			jsonCreated: created(e.Created), jsonRecorded: recorded(e.Recorded)}
		for _, a := range e.Aliases {
			je.Aliases = append(je.Aliases, jsonAlias(a))
		}
		f.Entities = append(f.Entities, je)
	}
	for _, s := range b.Statements {
		js := jsonStatement{ID: s.ID, Subject: s.Subject, Relation: s.Type, Object: s.Object,
			Since: string(s.ValidFrom), Until: string(s.ValidUntil), Claims: []jsonClaim{},
			jsonCreated: created(s.Created), jsonRecorded: recorded(s.Recorded)}
		if len(s.Attributes) > 0 {
			js.Attributes = maps.Clone(s.Attributes)
		}
		claims := slices.Clone(s.Claims)
		slices.SortFunc(claims, func(a, b graph.Claim) int { return strings.Compare(a.ID, b.ID) })
		for _, c := range claims {
			jc := jsonClaim{ID: c.ID, Source: c.Source, By: c.Claimant, Stance: string(c.Stance), Quote: c.Quote, Said: string(c.Said),
				Credibility: c.Credibility, Prefix: c.Anchor.Prefix, Suffix: c.Anchor.Suffix, Orphaned: c.Anchor.Orphaned, jsonRecorded: recorded(c.Recorded)}
			if c.Anchor.HasPosition() {
				jc.Start, jc.End = &c.Anchor.Start, &c.Anchor.End
			}
			js.Claims = append(js.Claims, jc)
		}
		f.Statements = append(f.Statements, js)
	}
	return f
}
