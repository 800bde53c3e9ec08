package seed

import "testing"

// TestSniffTellsTheFormatFromTheFirstBytes gives the starts of inputs of
// every format, and content that tells nothing.
func TestSniffTellsTheFormatFromTheFirstBytes(t *testing.T) {
	tests := []struct {
		name string
		head string
		want Format // "" when the content does not tell
	}{
		{"a fact file", "entities:\n  - {id: x}\n", FormatYAML},
		{"a fact file after comments", "# facts\n\n# more\nsources:\n", FormatYAML},
		{"a mapping file", "mapping:\n  type: type\n", FormatYAML},
		{"YAML documents", "---\nentities: []\n", FormatYAML},
		{"a JSON fact file", "\n  {\"entities\": []}", FormatJSON},
		{"JSON-LD with a context", `{"@context": {}, "@graph": []}`, FormatJSONLD},
		{"JSON-LD as an array of nodes", `[{"@id": "http://example.org/x"}]`, FormatJSONLD},
		{"N-Quads", "<cg:e/india> <cg:p/name> \"India\" .\n", FormatNQuads},
		{"N-Quads after a comment, from a blank node", "# dump\n_:b1 </type> </film/film> .\n", FormatNQuads},
		{"GraphML", "<?xml version=\"1.0\"?>\n<graphml>", FormatGraphML},
		{"GraphML without a declaration", "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">", FormatGraphML},
		{"a CSV header", "id,type,name\nx,Group,X\n", FormatCSV},
		{"a CSV header with a byte order mark and CRLF", "\ufeffsubject,relation,object,source\r\n", FormatCSV},
		{"a CSV header quoted", "\"id\",\"title\"\n", FormatCSV},
		{"a CSV header with an unknown column", "id,type,nmae\n", FormatCSV},
		{"a CSV header of attributes", "attr.count,x\n", FormatCSV},
		{"a header cut off by the end of what is read", "id,type,name,col", FormatCSV},
		{"a web page", "<!DOCTYPE html>\n<html><body><p>Text</p></body></html>", FormatArticle},
		{"a web page without a doctype, after a blank line", "\n<html lang=\"en\">", FormatArticle},
		{"an XHTML page", "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">", FormatArticle},
		{"an article with front matter", "---\ntitle: A report\n---\nThe text.\n", FormatArticle},
		{"an article with front matter that gives its id first", "---\nid: src-report\n---\n", FormatArticle},
		{"W3C Web Annotations", `{"@context": ["http://www.w3.org/ns/anno.jsonld", {}], "type": "AnnotationCollection"}`, FormatAnnotations},
		{"a list of W3C Web Annotations", `[{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation"}]`, FormatAnnotations},
		{"plain text", "Pakistan warns it may block social media platforms\nWhat's the story\n", ""},
		{"empty", "", ""},
		{"blank and comments", "\n# nothing\n", ""},
		{"one word", "hello\n", ""},
		{"words and commas that are no header", "hello, world\n", ""},
		{"a YAML key that is no section", "title: x\n", ""},
		{"a JSON array of other things", "[1, 2]", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := sniff([]byte(tt.head))
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("sniff = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}

// TestSuffixHint gives names of every format, also of the article and
// annotation files that the content of an input may not tell.
func TestSuffixHint(t *testing.T) {
	for _, tt := range []struct {
		name string
		want Format
	}{
		{"report.txt", FormatArticle},
		{"report.md", FormatArticle},
		{"Report.HTML", FormatArticle},
		{"report.htm.gz", FormatArticle},
		{"claims.annotations.jsonld", FormatAnnotations},
		{"claims.annotations.json", FormatAnnotations},
		{"films.jsonld", FormatJSONLD},
		{"backup.json", FormatJSON},
		{"facts.yaml", FormatYAML},
		{"notes", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := suffixHint(tt.name); got != tt.want {
				t.Errorf("suffixHint(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}
