package seed

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"

	"github.com/claimgraph/claimgraph/graph"
)

// An article is a news text taken in as a source with its full text:
// plain text (.txt), Markdown (.md, kept as written) or a web page (.html,
// .htm), whose main content a readability extractor finds. The text is
// normalised (no byte order mark, LF line ends, Unicode NFC) and stored
// with its SHA-256 digest; claims on the source are anchored in it.
//
// What the article tells of itself gives the source's fields: YAML front
// matter between "---" lines at the top of a text file (id, title,
// publisher, url, published, reliability), or a page's title and meta
// data (og:site_name for the publisher, og:url or the canonical link for
// the url, article:published_time for the date, <meta name="claimgraph:id">
// for the id). What it does not tell stays empty: the title defaults to
// the first line of the text, and the id to "src-" and the first 16 hex
// digits of the text's digest, and nothing else is made up.

// frontMatterKeys are the keys an article's front matter may give.
var frontMatterKeys = []string{"id", "title", "publisher", "url", "published", "reliability"}

// ReadArticle reads an article and returns it as a source with its text
// and digest (see the package's article notes). Content that opens as a
// web page does (a doctype or an html element) is one, and so is any
// content of a name ending in .html or .htm; anything else is text. name
// names the article in errors. It reads at most graph.MaxArticleBytes
// (TooLarge past them); a malformed front matter is Invalid. The source is
// not validated: Store.Apply does that.
func ReadArticle(name string, r io.Reader) (graph.Source, error) {
	data, err := io.ReadAll(io.LimitReader(r, graph.MaxArticleBytes*2+1))
	if err != nil {
		return graph.Source{}, inputReadError(name, err)
	}
	if len(data) > graph.MaxArticleBytes*2 {
		return graph.Source{}, graph.Errorf(graph.TooLarge, "%s: an article may be at most %d bytes", name, graph.MaxArticleBytes*2)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var src graph.Source
	if isHTML(name, data) {
		src, err = readHTML(name, data)
	} else {
		src, err = readText(name, data)
	}
	if err != nil {
		return graph.Source{}, err
	}
	src.Text = NormalizeText(src.Text)
	if strings.TrimSpace(src.Text) == "" {
		return graph.Source{}, graph.Errorf(graph.Invalid, "%s: the article has no text", name)
	}
	if src.Title == "" {
		src.Title = FirstLine(src.Text)
	}
	src.Digest = graph.TextDigest(src.Text)
	if src.ID == "" {
		src.ID = "src-" + src.Digest[:16]
	}
	return src, nil
}

// NormalizeText returns s with LF line ends and in Unicode NFC, the form
// a source's text is stored in.
func NormalizeText(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return norm.NFC.String(s)
}

// FirstLine returns the first line of text that is not blank, trimmed and
// without a Markdown heading's marks.
func FirstLine(text string) string {
	for l := range strings.SplitSeq(text, "\n") {
		l = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "#"))
		if l != "" {
			return l
		}
	}
	return ""
}

// isHTML reports whether an article is a web page: its content opens as
// one does (a doctype or an html element, after any blank space and
// comments), or, for content that does not tell, its name ends in .html
// or .htm.
func isHTML(name string, data []byte) bool {
	head := bytes.ToLower(bytes.TrimSpace(data[:min(len(data), 1024)]))
	for bytes.HasPrefix(head, []byte("<!--")) {
		_, rest, ok := bytes.Cut(head, []byte("-->"))
		if !ok {
			break
		}
		head = bytes.TrimSpace(rest)
	}
	if bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) ||
		bytes.HasPrefix(head, []byte("<?xml")) && bytes.Contains(head, []byte("<html")) {
		return true
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm":
		return true
	}
	return false
}

// readText reads a text file and its front matter, if any.
func readText(name string, data []byte) (graph.Source, error) {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return graph.Source{Text: text}, nil
	}
	end := strings.Index(text[4:], "\n---\n")
	closing := 5
	if end < 0 && strings.HasSuffix(text, "\n---") {
		end, closing = len(text)-8, 4
	}
	if end < 0 {
		return graph.Source{}, graph.Errorf(graph.Invalid, "%s:1:1: the front matter that starts here has no closing \"---\" line", name)
	}
	front := text[4 : 4+end+1]
	body := text[min(len(text), 4+end+closing):]
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(front), &root); err != nil {
		line, msg := splitYAMLError(err)
		return graph.Source{}, graph.Errorf(graph.Invalid, "%s:%d:1: front matter: %s", name, line+1, msg)
	}
	src := graph.Source{Text: body}
	if len(root.Content) == 0 {
		return src, nil
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return graph.Source{}, graph.Errorf(graph.Invalid, "%s:2:1: the front matter must be a mapping with the keys %s", name, strings.Join(frontMatterKeys, ", "))
	}
	var problems []string
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		at := fmt.Sprintf("%s:%d:%d", name, k.Line+1, k.Column)
		if v.Kind != yaml.ScalarNode {
			problems = append(problems, fmt.Sprintf("%s: %s must be a single value", at, k.Value))
			continue
		}
		switch k.Value {
		case "id":
			src.ID = v.Value
		case "title":
			src.Title = v.Value
		case "publisher":
			src.Publisher = v.Value
		case "url":
			src.URL = v.Value
		case "published":
			src.Published = graph.Date(v.Value)
		case "reliability":
			src.Reliability = v.Value
		default:
			problems = append(problems, fmt.Sprintf("%s: unknown key %q in the front matter (expected one of: %s)", at, k.Value, strings.Join(frontMatterKeys, ", ")))
		}
	}
	if len(problems) > 0 {
		return graph.Source{}, graph.Errorf(graph.Invalid, "%s", strings.Join(problems, "\n"))
	}
	return src, nil
}

// readHTML finds a web page's main content with the readability
// extractor and renders it as text: the title first, then one line per
// block (heading, paragraph, list item, …), whitespace within a block
// collapsed.
func readHTML(name string, data []byte) (graph.Source, error) {
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return graph.Source{}, graph.Errorf(graph.Invalid, "%s: not readable as HTML: %v", name, err)
	}
	meta := pageMeta(doc)
	parser := readability.NewParser()
	article, err := parser.ParseDocument(doc, nil)
	if err != nil || article.Node == nil {
		return graph.Source{}, graph.Errorf(graph.Invalid, "%s: no article text found in the page", name)
	}
	src := graph.Source{
		ID:        meta["claimgraph:id"],
		Title:     strings.Join(strings.Fields(article.Title()), " "),
		Publisher: article.SiteName(),
		URL:       cmpOr(meta["og:url"], meta["canonical"]),
	}
	if t, err := article.PublishedTime(); err == nil {
		src.Published = graph.Date(t.UTC().Format("2006-01-02"))
	}
	var lines []string
	blockLines(article.Node, &lines)
	if src.Title != "" && (len(lines) == 0 || lines[0] != src.Title) {
		lines = append([]string{src.Title}, lines...)
	}
	src.Text = strings.Join(lines, "\n")
	return src, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// pageMeta collects the meta data of a page that readability does not
// give: <meta name|property=… content=…> and the canonical link.
func pageMeta(doc *html.Node) map[string]string {
	out := map[string]string{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := func(k string) string {
				for _, a := range n.Attr {
					if strings.EqualFold(a.Key, k) {
						return strings.TrimSpace(a.Val)
					}
				}
				return ""
			}
			switch n.DataAtom {
			case atom.Meta:
				key := strings.ToLower(cmpOr(attr("property"), attr("name")))
				if key != "" && out[key] == "" {
					out[key] = attr("content")
				}
			case atom.Link:
				if strings.EqualFold(attr("rel"), "canonical") && out["canonical"] == "" {
					out["canonical"] = attr("href")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// blocks are the elements that start a line of their own.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Li: true, atom.Blockquote: true, atom.Pre: true, atom.Div: true, atom.Section: true, atom.Article: true,
	atom.Header: true, atom.Footer: true, atom.Figcaption: true, atom.Tr: true, atom.Dt: true, atom.Dd: true,
	atom.Table: true, atom.Ul: true, atom.Ol: true, atom.Figure: true, atom.Main: true, atom.Aside: true,
}

// blockLines renders the text of n, one line per innermost block.
func blockLines(n *html.Node, lines *[]string) {
	var cur strings.Builder
	flush := func() {
		if s := strings.Join(strings.FieldsFunc(cur.String(), unicode.IsSpace), " "); s != "" {
			*lines = append(*lines, s)
		}
		cur.Reset()
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template:
				return
			case atom.Br:
				flush()
				return
			}
		}
		block := n.Type == html.ElementNode && blocks[n.DataAtom]
		if block {
			flush()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			flush()
		}
	}
	walk(n)
	flush()
}

// article reads an article input of Parse as one source.
func (p *Parsed) article(name string, data []byte, index int, diags *[]diagnostic) {
	src, err := ReadArticle(name, bytes.NewReader(data))
	if err != nil {
		msg := graph.ErrorMessage(err)
		if strings.HasPrefix(msg, name+":") {
			// The message places itself (FILE:LINE:COL: …, or FILE: …).
			addDiag(diags, diagnostic{fileIndex: index, msg: msg})
			return
		}
		addDiag(diags, diagnostic{pos: Position{File: name, Line: 1, Column: 1}, fileIndex: index, msg: msg})
		return
	}
	p.Batch.Sources = append(p.Batch.Sources, src)
	p.items[graph.KindSource] = append(p.items[graph.KindSource], &item{pos: Position{File: name, Line: 1, Column: 1}, fileIndex: index, fields: map[string]*field{}})
}
