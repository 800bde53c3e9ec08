package path

import (
	"fmt"
	"slices"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
)

// Explain returns a one-line account of h with its evidence, for example
//
//	India —accused of backing→ TTP  [DISPUTED: alleged by Pakistan; denied by India]
//	TTP ←accused of backing— India  [DISPUTED: alleged by Pakistan; denied by India]
//	TTP —allied with— Afghan Taliban  [REPORTED: reported by Dawn]
//
// The arrow points from subject to object whichever way the hop walks; a
// symmetric relation has none. name gives an entity's name and label a
// relation type's label; either may be nil, or return "", for the id or type
// name itself. The evidence lists, after the status, who reports the
// statement (claims with no claimant: their source's title in quotes, or id
// when the title is unknown), who alleges it (asserting claimants) and who denies it
// (denying claimants, or the source when a denial has none), each list
// sorted and without repeats.
func (h Hop) Explain(name func(id string) string, label func(relType string) string) string {
	from, to := orID(name, h.From), orID(name, h.To)
	rel := orID(label, h.Statement.Type)
	var line string
	switch {
	case h.Symmetric:
		line = fmt.Sprintf("%s —%s— %s", from, rel, to)
	case h.Forward:
		line = fmt.Sprintf("%s —%s→ %s", from, rel, to)
	default:
		line = fmt.Sprintf("%s ←%s— %s", from, rel, to)
	}
	return fmt.Sprintf("%s  [%s: %s]", line, h.Statement.Status(), h.evidence(name))
}

// evidence lists who reports, alleges and denies h's statement.
func (h Hop) evidence(name func(id string) string) string {
	var reported, alleged, denied []string
	for _, c := range h.Statement.Claims {
		who := orID(name, c.Claimant)
		if c.Claimant == "" {
			who = c.Source
			if s, ok := h.Sources[c.Source]; ok && s.Title != "" {
				who = "“" + s.Title + "”"
			}
		}
		switch {
		case c.Stance == graph.Denies:
			denied = append(denied, who)
		case c.Claimant == "":
			reported = append(reported, who)
		default:
			alleged = append(alleged, who)
		}
	}
	var parts []string
	for _, p := range []struct {
		verb  string
		names []string
	}{{"reported by", reported}, {"alleged by", alleged}, {"denied by", denied}} {
		if len(p.names) > 0 {
			slices.Sort(p.names)
			parts = append(parts, p.verb+" "+strings.Join(slices.Compact(p.names), ", "))
		}
	}
	if len(parts) == 0 {
		return "no claims"
	}
	return strings.Join(parts, "; ")
}

// orID returns f(id), or id when f is nil or returns "".
func orID(f func(string) string, id string) string {
	if f != nil {
		if s := f(id); s != "" {
			return s
		}
	}
	return id
}
