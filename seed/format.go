package seed

import (
	"path/filepath"
	"strings"
)

// Format is the format of a fact file.
type Format string

// Formats of fact files.
const (
	// FormatYAML is the fact file format of FORMAT.md, for hand-written
	// files: ontology, sources, entities and statements with their claims.
	FormatYAML Format = "yaml"
	// FormatCSV is a spreadsheet export: one file per kind of item, told
	// apart by their header.
	FormatCSV Format = "csv"
	// FormatNQuads is RDF N-Quads: foreign data read through an ontology
	// mapping (see Mapping), or claimgraph's own export.
	FormatNQuads Format = "nquads"
	// FormatJSONLD is RDF as JSON-LD, read through an ontology mapping as
	// N-Quads are (contexts inline).
	FormatJSONLD Format = "jsonld"
	// FormatArticle is a news text (.txt, .md, .html): one source with its
	// text, read by ReadArticle.
	FormatArticle Format = "article"
	// FormatAnnotations is claims as W3C Web Annotations in JSON-LD
	// (*.annotations.jsonld), as `claimgraph export --format annotations`
	// writes them.
	FormatAnnotations Format = "annotations"
)

// FormatOf tells the format of a file by its name: .csv is CSV, .nq and
// .nq.gz (and .nt, .nt.gz) are N-Quads, .jsonld and .jsonld.gz JSON-LD,
// .txt, .md, .html and .htm articles, .annotations.jsonld (and
// .annotations.json) W3C Web Annotations, anything else is YAML.
func FormatOf(name string) Format {
	n := strings.ToLower(strings.TrimSuffix(strings.ToLower(name), ".gz"))
	if IsAnnotations(n) {
		return FormatAnnotations
	}
	if IsArticle(n) {
		return FormatArticle
	}
	switch filepath.Ext(n) {
	case ".csv":
		return FormatCSV
	case ".nq", ".nt":
		return FormatNQuads
	case ".jsonld":
		return FormatJSONLD
	}
	return FormatYAML
}
