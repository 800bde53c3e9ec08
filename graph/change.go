package graph

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Change is one field of a stored item that a write replaces: an item id,
// the field, its old and its new value ("" when absent). Kind is one of
// the Kind* names (KindClaim for a claim, whose ID is the claim's own).
type Change struct {
	Kind  string
	ID    string
	Field string
	Old   string
	New   string
	// RemovesEvidence is true when the change drops evidence: a claim
	// loses its quote, claimant, date or grade, or a source its
	// publisher, URL, date or reliability.
	RemovesEvidence bool
}

func (c Change) String() string {
	s := fmt.Sprintf("%s %s: %s %s → %s", c.Kind, c.ID, c.Field, shown(c.Old), shown(c.New))
	if c.RemovesEvidence {
		s += " (evidence removed)"
	}
	return s
}

func shown(v string) string {
	if v == "" {
		return "(none)"
	}
	return fmt.Sprintf("%q", v)
}

// fieldChanges lists the fields whose values differ, in the given order;
// evidence marks the fields whose removal drops evidence.
func fieldChanges(kind, id string, fields [][3]string, evidence ...string) []Change {
	var out []Change
	for _, f := range fields {
		if f[1] == f[2] {
			continue
		}
		out = append(out, Change{Kind: kind, ID: id, Field: f[0], Old: f[1], New: f[2],
			RemovesEvidence: f[1] != "" && f[2] == "" && slices.Contains(evidence, f[0])})
	}
	return out
}

// EntityChanges lists what replacing old by e changes.
func EntityChanges(old, e Entity) []Change {
	return fieldChanges(KindEntity, e.ID, [][3]string{
		{"type", old.Type, e.Type},
		{"name", old.Name, e.Name},
		{"aliases", aliasText(old.Aliases), aliasText(e.Aliases)},
		{"description", old.Description, e.Description},
	})
}

func aliasText(as []Alias) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.Name
		if a.UsedBy != "" {
			parts[i] += " (used by " + a.UsedBy + ")"
		}
	}
	return strings.Join(parts, "; ")
}

// SourceChanges lists what replacing old by s changes.
func SourceChanges(old, s Source) []Change {
	return fieldChanges(KindSource, s.ID, [][3]string{
		{"title", old.Title, s.Title},
		{"publisher", old.Publisher, s.Publisher},
		{"url", old.URL, s.URL},
		{"published", string(old.Published), string(s.Published)},
		{"reliability", old.Reliability, s.Reliability},
		{"digest", old.Digest, s.Digest},
	}, "publisher", "url", "published", "reliability")
}

// StatementChanges lists what replacing old's own fields by st's changes
// (its claims are compared one by one with ClaimChanges).
func StatementChanges(old, st Statement) []Change {
	fields := [][3]string{
		{"since", string(old.ValidFrom), string(st.ValidFrom)},
		{"until", string(old.ValidUntil), string(st.ValidUntil)},
	}
	keys := map[string]bool{}
	for k := range old.Attributes {
		keys[k] = true
	}
	for k := range st.Attributes {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		fields = append(fields, [3]string{"attributes." + k, old.Attributes[k], st.Attributes[k]})
	}
	return fieldChanges(KindStatement, st.ID, fields)
}

// ClaimChanges lists what replacing old by c changes.
func ClaimChanges(old, c Claim) []Change {
	return fieldChanges(KindClaim, c.ID, [][3]string{
		{"source", old.Source, c.Source},
		{"by", old.Claimant, c.Claimant},
		{"stance", string(old.Stance), string(c.Stance)},
		{"quote", old.Quote, c.Quote},
		{"said", string(old.Said), string(c.Said)},
		{"credibility", old.Credibility, c.Credibility},
		{"anchor", old.Anchor.String(), c.Anchor.String()},
	}, "by", "quote", "said", "credibility")
}
