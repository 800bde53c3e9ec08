package seed

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
)

// Format is the format of an input.
type Format string

// Formats of inputs.
const (
	// FormatYAML is the fact file format of FORMAT.md, for hand-written
	// files: ontology, sources, entities and statements with their claims.
	FormatYAML Format = "yaml"
	// FormatJSON is a fact file written as JSON, as claimgraph's JSON
	// export is; JSON is YAML, and the YAML reader reads it.
	FormatJSON Format = "json"
	// FormatCSV is a spreadsheet export: one file per kind of item, told
	// apart by their header.
	FormatCSV Format = "csv"
	// FormatNQuads is RDF N-Quads: foreign data read through an ontology
	// mapping (see Mapping), or claimgraph's own export.
	FormatNQuads Format = "nquads"
	// FormatJSONLD is RDF as JSON-LD, read through an ontology mapping as
	// N-Quads are (contexts inline).
	FormatJSONLD Format = "jsonld"
	// FormatGraphML is claimgraph's GraphML export, for Gephi and yEd. It
	// is an export format only: it is recognised to be refused with a
	// message that names the formats seed reads.
	FormatGraphML Format = "graphml"
	// FormatArticle is a news text: plain text, Markdown or a web page,
	// read as one source with its text (see ReadArticle).
	FormatArticle Format = "article"
	// FormatAnnotations is claims as W3C Web Annotations in JSON-LD, as
	// `claimgraph export --format annotations` writes them (see
	// WriteAnnotations).
	FormatAnnotations Format = "annotations"
)

// formatsRead names the formats Import reads, for messages.
const formatsRead = "seed reads yaml, json, csv, nquads (claimgraph's export, or RDF with a mapping), jsonld (with a mapping), article (.txt, .md, .html) and annotations (W3C Web Annotations)"

// known reports whether f is a format Import knows, "" included.
func (f Format) known() bool {
	switch f {
	case "", FormatYAML, FormatJSON, FormatCSV, FormatNQuads, FormatJSONLD, FormatGraphML, FormatArticle, FormatAnnotations:
		return true
	}
	return false
}

// facts reports whether f is read into a batch of items, as fact files
// are: YAML, JSON, CSV, articles and annotations.
func (f Format) facts() bool {
	switch f {
	case FormatYAML, FormatJSON, FormatCSV, FormatArticle, FormatAnnotations:
		return true
	}
	return false
}

// sniffBytes is how much of an input is looked at to tell its format.
const sniffBytes = 64 << 10

var (
	// factKeyRE matches a line that opens a section of a fact file or a
	// mapping file.
	factKeyRE = regexp.MustCompile(`(?m)^(ontology|sources|entities|statements|mapping)[ \t]*:`)
	// csvCellRE matches a header cell: a column name.
	csvCellRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`)
	// frontMatterRE matches the first line of an article's front matter:
	// a key that a fact file never has at its top level.
	frontMatterRE = regexp.MustCompile(`^(id|title|publisher|url|published|reliability)[ \t]*:`)
)

// sniff tells the format of an input from head, the first bytes of its
// (decompressed) content; ok is false when the content does not tell
// (an empty input, text of no known shape).
func sniff(head []byte) (f Format, ok bool) {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	// The first line that is neither blank nor a comment: YAML and
	// N-Quads both have # comments.
	first, second := "", ""
	for rest := head; len(rest) > 0 && second == ""; {
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		rest = next
		if t := strings.TrimSpace(string(line)); t != "" && t[0] != '#' {
			if first == "" {
				first = t
			} else {
				second = t
			}
		}
	}
	lower := strings.ToLower(first)
	switch {
	case first == "":
		return "", false
	case strings.HasPrefix(lower, "<!doctype html") || strings.HasPrefix(lower, "<html"):
		return FormatArticle, true
	case strings.HasPrefix(first, "<?xml") && !bytes.Contains(head, []byte("<graphml")) && bytes.Contains(bytes.ToLower(head), []byte("<html")):
		return FormatArticle, true // XHTML
	case strings.HasPrefix(first, "<?xml") || strings.HasPrefix(first, "<graphml"):
		return FormatGraphML, true
	case (first[0] == '{' || first[0] == '[') && bytes.Contains(head, []byte("www.w3.org/ns/anno.jsonld")):
		return FormatAnnotations, true
	case first[0] == '{' || first[0] == '[':
		for _, key := range []string{`"@context"`, `"@graph"`, `"@id"`, `"@type"`} {
			if bytes.Contains(head, []byte(key)) {
				return FormatJSONLD, true
			}
		}
		if first[0] == '{' {
			return FormatJSON, true
		}
		return "", false
	case first[0] == '<' || strings.HasPrefix(first, "_:"):
		return FormatNQuads, true
	case first == "---" && frontMatterRE.MatchString(second):
		return FormatArticle, true // a text that opens with its front matter
	case first == "---" || strings.HasPrefix(first, "--- ") || strings.HasPrefix(first, "%YAML"):
		return FormatYAML, true
	case factKeyRE.Match(head):
		return FormatYAML, true
	case csvHeader(head):
		return FormatCSV, true
	}
	return "", false
}

// csvHeader reports whether the first line of head is a CSV header of
// claimgraph's: column names separated by commas, one at least a column
// of a sources, entities or statements file. A line cut off by the end of
// head is judged by its complete cells.
func csvHeader(head []byte) bool {
	line, _, complete := bytes.Cut(head, []byte("\n"))
	cells := strings.Split(strings.TrimRight(string(line), "\r"), ",")
	if !complete {
		cells = cells[:len(cells)-1]
	}
	if len(cells) < 2 && complete {
		return false
	}
	known := false
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if len(c) >= 2 && c[0] == '"' && c[len(c)-1] == '"' {
			c = c[1 : len(c)-1] // quoted, as some spreadsheets write every cell
		}
		if !csvCellRE.MatchString(c) {
			return false
		}
		known = known || strings.HasPrefix(c, csvAttrPrefix) || csvColumn(c)
	}
	return known
}

// csvColumn reports whether name is a column of some kind of CSV file.
func csvColumn(name string) bool {
	for _, k := range []csvKind{csvSources, csvEntities, csvStatements} {
		for _, list := range [][]string{k.required, k.optional} {
			for _, c := range list {
				if c == name {
					return true
				}
			}
		}
	}
	return false
}

// suffixHint is the format an input's name suggests, for content that
// does not tell its own: .csv, .nq (.nt, .nquads), .jsonld, .json,
// .graphml, .yaml and .yml, .txt, .md, .html and .htm (articles), and
// .annotations.jsonld and .annotations.json, with or without .gz; "" for
// other names.
func suffixHint(name string) Format {
	n := strings.TrimSuffix(strings.ToLower(name), ".gz")
	if strings.HasSuffix(n, ".annotations.jsonld") || strings.HasSuffix(n, ".annotations.json") {
		return FormatAnnotations
	}
	switch filepath.Ext(n) {
	case ".txt", ".md", ".html", ".htm":
		return FormatArticle
	case ".csv":
		return FormatCSV
	case ".nq", ".nt", ".nquads":
		return FormatNQuads
	case ".jsonld":
		return FormatJSONLD
	case ".json":
		return FormatJSON
	case ".graphml":
		return FormatGraphML
	case ".yaml", ".yml":
		return FormatYAML
	}
	return ""
}
