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
