package draft

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// RenderOptions tune Render.
type RenderOptions struct {
	// Article is what the header calls the article, such as its file name.
	Article string
	// DeclareSource writes the draft's source (id and title) into the file.
	// Leave it false when the source is stored already: a source given
	// again replaces the stored one.
	DeclareSource bool
}

// Render writes d as a fact file (seed/FORMAT.md) to review, edit and load
// with "claimgraph seed": the statements with their claims, every reason
// and anchor as a comment, the mentions counted in the header, and the
// candidate entities as commented-out entries. It names only entities the
// draft's knowledge holds, so it loads as it is into a store that has
// them.
func Render(d Draft, opts RenderOptions) []byte {
	var b bytes.Buffer
	article := opts.Article
	if article == "" {
		article = d.Source.Title
	}
	comment(&b, "", fmt.Sprintf("Draft of the claims in %s, for review.", article))
	comment(&b, "", "Every suggestion says in a comment why it was made. Check each against the text, "+
		"edit or delete it, then load the file with claimgraph seed. Anchors are code-point offsets "+
		"[start, end) in the article's text.")
	if counts := mentionCounts(d); counts != "" {
		b.WriteString("#\n")
		comment(&b, "", "Known entities mentioned: "+counts+".")
	}
	if len(d.Candidates) > 0 {
		b.WriteString("#\n")
		comment(&b, "", "Candidate entities: names the article uses that no known entity has. "+
			"To add one, give it a type and move it into an entities section.")
		for _, c := range d.Candidates {
			name := scalar(c.Name)
			if strings.ContainsAny(name, ",{}[]") && !strings.HasPrefix(name, `"`) {
				name = strconv.Quote(c.Name)
			}
			fmt.Fprintf(&b, "#   - {id: %s, type: ?, name: %s}   # %d mention(s), first at %d–%d\n",
				c.ID, name, len(c.Spans), c.Spans[0].Start, c.Spans[0].End)
		}
	}
	b.WriteString("\n")
	if opts.DeclareSource {
		b.WriteString("sources:\n")
		fmt.Fprintf(&b, "  - id: %s\n    title: %s\n\n", scalar(d.Source.ID), scalar(d.Source.Title))
	} else {
		comment(&b, "", fmt.Sprintf("The claims cite the stored source %s.", d.Source.ID))
		b.WriteString("\n")
	}
	if len(d.Statements) == 0 {
		b.WriteString("statements: []   # nothing found\n")
		return b.Bytes()
	}
	b.WriteString("statements:\n")
	for i, s := range d.Statements {
		if i > 0 {
			b.WriteString("\n")
		}
		comment(&b, "  ", s.Reason)
		fmt.Fprintf(&b, "  - subject: %s\n    relation: %s\n    object: %s\n", scalar(s.Subject), scalar(s.Relation), scalar(s.Object))
		if s.Since != "" {
			fmt.Fprintf(&b, "    since: %s\n", scalar(string(s.Since)))
		}
		if len(s.Attributes) > 0 {
			b.WriteString("    attributes:\n")
			keys := make([]string, 0, len(s.Attributes))
			for k := range s.Attributes {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				fmt.Fprintf(&b, "      %s: %s\n", k, scalar(s.Attributes[k]))
			}
		}
		b.WriteString("    claims:\n")
		for _, c := range s.Claims {
			comment(&b, "      ", fmt.Sprintf("%s; anchor %d–%d", c.Reason, c.Start, c.End))
			fmt.Fprintf(&b, "      - source: %s\n", scalar(d.Source.ID))
			if c.Claimant != "" {
				fmt.Fprintf(&b, "        by: %s\n", scalar(c.Claimant))
			}
			fmt.Fprintf(&b, "        stance: %s\n", c.Stance)
			fmt.Fprintf(&b, "        quote: %s\n", scalar(c.Quote))
		}
	}
	return b.Bytes()
}

// comment writes text as YAML comment lines at indent, wrapped near 100
// columns.
func comment(b *bytes.Buffer, indent, text string) {
	text = strings.Join(strings.Fields(text), " ")
	line := indent + "#"
	for _, w := range strings.Fields(text) {
		if len(line) > len(indent)+2 && len(line)+1+len(w) > 100 {
			b.WriteString(line + "\n")
			line = indent + "#"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
}

// mentionCounts lists the known entities mentioned, most mentioned first.
func mentionCounts(d Draft) string {
	count := map[string]int{}
	var order []string
	for _, m := range d.Mentions {
		for _, id := range m.Entities {
			if count[id] == 0 {
				order = append(order, id)
			}
			count[id]++
		}
	}
	slices.SortStableFunc(order, func(a, b string) int { return count[b] - count[a] })
	parts := make([]string, len(order))
	for i, id := range order {
		parts[i] = fmt.Sprintf("%s ×%d", id, count[id])
	}
	return strings.Join(parts, ", ")
}

// plainScalar matches text that YAML reads back as the same string when
// written without quotes.
var plainScalar = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N} .,'()/-]*[\p{L}\p{N}.)]$|^[\p{L}\p{N}]$`)

// scalar writes s as a YAML scalar: plain when that reads back the same,
// else double-quoted (Go's escapes are YAML's).
func scalar(s string) string {
	lower := strings.ToLower(s)
	special := lower == "true" || lower == "false" || lower == "yes" || lower == "no" || lower == "null" ||
		lower == "on" || lower == "off" || lower == "y" || lower == "n"
	if plainScalar.MatchString(s) && !special {
		return s
	}
	return strconv.Quote(s)
}
