package graphml

import (
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
)

// keys declares the GraphML attributes, in output order.
var keys = []struct{ id, domain, name string }{
	{"n_type", "node", "type"},
	{"n_name", "node", "label"},
	{"n_aliases", "node", "aliases"},
	{"n_description", "node", "description"},
	{"e_relation", "edge", "relation"},
	{"e_label", "edge", "label"},
	{"e_status", "edge", "status"},
	{"e_asserted_by", "edge", "asserted_by"},
	{"e_denied_by", "edge", "denied_by"},
	{"e_sources", "edge", "sources"},
	{"e_claims", "edge", "claims"},
	{"e_since", "edge", "since"},
	{"e_until", "edge", "until"},
	{"e_attributes", "edge", "attributes"},
}

// Write writes b as one GraphML document.
func Write(w io.Writer, b graph.Batch) error {
	doc := document{XMLNS: "http://graphml.graphdrawing.org/xmlns"}
	for _, k := range keys {
		doc.Keys = append(doc.Keys, key{ID: k.id, For: k.domain, Name: k.name, Type: "string"})
	}
	doc.Graph.EdgeDefault = "directed"
	for _, e := range b.Entities {
		var aliases []string
		for _, a := range e.Aliases {
			aliases = append(aliases, a.Name)
		}
		doc.Graph.Nodes = append(doc.Graph.Nodes, node{ID: e.ID, Data: data(
			"n_type", e.Type, "n_name", e.Name, "n_aliases", strings.Join(aliases, "; "), "n_description", e.Description)})
	}
	titles := map[string]string{}
	for _, s := range b.Sources {
		titles[s.ID] = s.Title
	}
	for _, st := range b.Statements {
		rt, _ := b.Ontology.RelationType(st.Type)
		label := rt.Label
		if label == "" {
			label = st.Type
		}
		var asserted, denied, sources, claims []string
		for _, c := range st.Claims {
			who := c.Claimant
			if who == "" {
				who = "(source)"
			}
			if c.Stance == graph.Denies {
				denied = append(denied, who)
			} else {
				asserted = append(asserted, who)
			}
			sources = append(sources, c.Source)
			claim := fmt.Sprintf("%s %s in %q", who, strings.ToLower(string(c.Stance)), orID(titles[c.Source], c.Source))
			if c.Quote != "" {
				claim += fmt.Sprintf(": %q", c.Quote)
			}
			claims = append(claims, claim)
		}
		var attrs []string
		for _, k := range slices.Sorted(maps.Keys(st.Attributes)) {
			attrs = append(attrs, k+"="+st.Attributes[k])
		}
		e := edge{ID: st.ID, Source: st.Subject, Target: st.Object, Data: data(
			"e_relation", st.Type, "e_label", label, "e_status", string(st.Status()),
			"e_asserted_by", joinSet(asserted), "e_denied_by", joinSet(denied), "e_sources", joinSet(sources),
			"e_claims", strings.Join(claims, "\n"), "e_since", string(st.ValidFrom), "e_until", string(st.ValidUntil),
			"e_attributes", strings.Join(attrs, "; "))}
		if rt.Symmetric {
			e.Directed = "false"
		}
		doc.Graph.Edges = append(doc.Graph.Edges, e)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

type document struct {
	XMLName xml.Name `xml:"graphml"`
	XMLNS   string   `xml:"xmlns,attr"`
	Keys    []key    `xml:"key"`
	Graph   struct {
		ID          string `xml:"id,attr,omitempty"`
		EdgeDefault string `xml:"edgedefault,attr"`
		Nodes       []node `xml:"node"`
		Edges       []edge `xml:"edge"`
	} `xml:"graph"`
}

type key struct {
	ID   string `xml:"id,attr"`
	For  string `xml:"for,attr"`
	Name string `xml:"attr.name,attr"`
	Type string `xml:"attr.type,attr"`
}

type node struct {
	ID   string  `xml:"id,attr"`
	Data []datum `xml:"data"`
}

type edge struct {
	ID       string  `xml:"id,attr"`
	Source   string  `xml:"source,attr"`
	Target   string  `xml:"target,attr"`
	Directed string  `xml:"directed,attr,omitempty"`
	Data     []datum `xml:"data"`
}

type datum struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

// data pairs keys with values, leaving out empty values.
func data(kv ...string) []datum {
	var out []datum
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			out = append(out, datum{kv[i], kv[i+1]})
		}
	}
	return out
}

func joinSet(list []string) string {
	slices.Sort(list)
	return strings.Join(slices.Compact(list), "; ")
}

func orID(title, id string) string {
	if title != "" {
		return title
	}
	return id
}
