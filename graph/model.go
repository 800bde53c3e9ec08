package graph

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// EntityType is a kind of entity declared by the ontology: Country, Group, …
// Names are GraphQL type names: a capital letter, then letters and digits.
type EntityType struct {
	Name        string
	Description string
}

// RelationType is a kind of statement declared by the ontology.
type RelationType struct {
	// Name is the stable identifier, lower-case words joined by hyphens:
	// "accused-of-backing".
	Name string
	// Label reads subject → object ("accused of backing"); Inverse reads
	// object → subject ("hosts" for operating-from). Both are optional.
	Label   string
	Inverse string
	// Subject and Object list the entity types allowed at each end; empty
	// means any type.
	Subject []string
	Object  []string
	// Symmetric relations read the same both ways (allied-with).
	Symmetric bool
	// Attributes lists the attribute keys statements of this type may carry
	// (role, count, …).
	Attributes  []string
	Description string
	// Cues are phrases that, in a news text, signal a statement of this
	// type ("backs", "support for"): the draft extractor reads them. A cue
	// starting with "^" names the object first ("^is backed by").
	Cues []string
}

// Allows reports whether subjectType → objectType is allowed.
func (r RelationType) Allows(subjectType, objectType string) bool {
	ok := func(allowed []string, t string) bool { return len(allowed) == 0 || slices.Contains(allowed, t) }
	if ok(r.Subject, subjectType) && ok(r.Object, objectType) {
		return true
	}
	return r.Symmetric && ok(r.Subject, objectType) && ok(r.Object, subjectType)
}

// Ontology declares the entity and relation types of a graph.
type Ontology struct {
	EntityTypes   []EntityType
	RelationTypes []RelationType
}

// EntityType returns the entity type called name.
func (o *Ontology) EntityType(name string) (EntityType, bool) {
	for _, t := range o.EntityTypes {
		if t.Name == name {
			return t, true
		}
	}
	return EntityType{}, false
}

// RelationType returns the relation type called name.
func (o *Ontology) RelationType(name string) (RelationType, bool) {
	for _, t := range o.RelationTypes {
		if t.Name == name {
			return t, true
		}
	}
	return RelationType{}, false
}

// SymmetricTypes returns the names of the symmetric relation types.
func (o *Ontology) SymmetricTypes() map[string]bool {
	sym := map[string]bool{}
	for _, t := range o.RelationTypes {
		if t.Symmetric {
			sym[t.Name] = true
		}
	}
	return sym
}

// Merge returns o extended by the types of add; a type of add replaces the
// type of o with the same name.
func (o Ontology) Merge(add Ontology) Ontology {
	out := Ontology{
		EntityTypes:   slices.Clone(o.EntityTypes),
		RelationTypes: slices.Clone(o.RelationTypes),
	}
	for _, t := range add.EntityTypes {
		if i := slices.IndexFunc(out.EntityTypes, func(x EntityType) bool { return x.Name == t.Name }); i >= 0 {
			out.EntityTypes[i] = t
		} else {
			out.EntityTypes = append(out.EntityTypes, t)
		}
	}
	for _, t := range add.RelationTypes {
		if i := slices.IndexFunc(out.RelationTypes, func(x RelationType) bool { return x.Name == t.Name }); i >= 0 {
			out.RelationTypes[i] = t
		} else {
			out.RelationTypes = append(out.RelationTypes, t)
		}
	}
	out.Sort()
	return out
}

// Sort orders the types by name.
func (o *Ontology) Sort() {
	slices.SortFunc(o.EntityTypes, func(a, b EntityType) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(o.RelationTypes, func(a, b RelationType) int { return strings.Compare(a.Name, b.Name) })
}

// Alias is another name of an entity, with who uses it where known
// ("Fitna al-Khawarij", used by pakistan).
type Alias struct {
	Name   string
	UsedBy string // entity id, optional
}

// Entity is a thing the news speaks of.
type Entity struct {
	ID          string
	Type        string
	Name        string
	Aliases     []Alias
	Description string
	// Created and Recorded say who added the entity and who last changed
	// it, and when (see Attribution); the store sets them.
	Created  Attribution
	Recorded Attribution
}

// Source is a document claims are read from. Only what the document itself
// tells is recorded: no invented publisher, URL or date.
type Source struct {
	ID        string
	Title     string
	Publisher string
	URL       string
	Published Date
	// Reliability grades the source on the A–F scale of intelligence
	// analysis (A completely reliable … E unreliable, F cannot be judged);
	// empty when not graded.
	Reliability string
	// Text is the document's full text (Unicode NFC, LF line ends), when
	// it is stored; claims on a source with text are anchored in it.
	// Digest is the text's SHA-256 digest in hex (TextDigest); a write
	// fills it in from the text.
	Text   string
	Digest string
	// Recorded says who last wrote the source, and when.
	Recorded Attribution
}

// Stance is whether a claim asserts or denies its statement.
type Stance string

const (
	Asserts Stance = "ASSERTS"
	Denies  Stance = "DENIES"
)

// Valid reports whether s is one of the stances.
func (s Stance) Valid() bool { return s == Asserts || s == Denies }

// Claim is one party's word on a statement, as one source reports it.
type Claim struct {
	ID string
	// Source is the id of the source that reports the claim.
	Source string
	// Claimant is the id of the entity that makes the claim, or "" when the
	// source itself states it.
	Claimant string
	Stance   Stance
	// Quote is the source's verbatim words, when there are any.
	Quote string
	// Anchor places the quote in the source's text, when the source has
	// one; see Anchor.
	Anchor Anchor
	// Said is when the claim was made, when the source tells.
	Said Date
	// Credibility grades the claim on the 1–6 scale (1 confirmed … 5
	// improbable, 6 cannot be judged); empty when not graded.
	Credibility string
	// Recorded says who recorded the claim in the graph, and when: the
	// analyst, not the claimant. A claim of a bulk import has its import's.
	Recorded Attribution
}

// Statement is a relation between two entities together with the claims
// that support or deny it.
type Statement struct {
	ID      string
	Subject string // entity id
	Type    string // relation type name
	Object  string // entity id
	// Attributes holds the values of attribute keys the relation type
	// declares (count: "19").
	Attributes map[string]string
	// ValidFrom and ValidUntil bound when the statement holds, when known.
	ValidFrom  Date
	ValidUntil Date
	Claims     []Claim
	// Created and Recorded say who added the statement and who last
	// changed it (its ends, attributes or valid time; a claim is an item of
	// its own), and when.
	Created  Attribution
	Recorded Attribution
}

// HoldsAt reports whether the statement's valid time includes d: the span
// of d (a whole year for "2021") overlaps the span from ValidFrom's first
// day to ValidUntil's last day, an unknown end being open.
func (s Statement) HoldsAt(d Date) bool {
	if s.ValidFrom != "" && s.ValidFrom.first() > d.last() {
		return false
	}
	return s.ValidUntil == "" || s.ValidUntil.last() >= d.first()
}

// Status is derived from its claims; see DeriveStatus.
func (s Statement) Status() Status { return DeriveStatus(s.Claims) }

// DefaultStatementID is the id a statement gets when its file names none.
func DefaultStatementID(subject, relation, object string) string {
	return subject + "." + relation + "." + object
}

// DefaultClaimID is the id a claim gets when its file names none: one
// claimant says one thing about a statement in one source.
func DefaultClaimID(statement, source, claimant string) string {
	if claimant == "" {
		claimant = "source"
	}
	return statement + "~" + source + "~" + claimant
}

// Status is how well a statement is supported by its claims.
type Status string

const (
	// Reported: a source states it as fact, and nobody denies it.
	Reported Status = "REPORTED"
	// Alleged: only parties assert it, and nobody denies it.
	Alleged Status = "ALLEGED"
	// Disputed: it is both asserted and denied.
	Disputed Status = "DISPUTED"
	// Denied: there are only denials.
	Denied Status = "DENIED"
)

// Statuses lists every status, from best to worst supported.
var Statuses = []Status{Reported, Alleged, Disputed, Denied}

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// DeriveStatus derives a statement's status from its claims. A statement
// with no claims has no support and counts as Denied.
func DeriveStatus(claims []Claim) Status {
	var asserted, denied, reported bool
	for _, c := range claims {
		switch c.Stance {
		case Asserts:
			asserted = true
			if c.Claimant == "" {
				reported = true
			}
		case Denies:
			denied = true
		}
	}
	switch {
	case asserted && denied:
		return Disputed
	case reported:
		return Reported
	case asserted:
		return Alleged
	default:
		return Denied
	}
}

// Date is a calendar date as precise as the source gives it: "2021",
// "2021-08" or "2021-08-15". The zero value means unknown.
type Date string

var dateRE = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

// ParseDate checks s and returns it as a Date. The empty string is the
// unknown date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return "", nil
	}
	if !dateRE.MatchString(s) {
		return "", fmt.Errorf("date %q is not YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	layout := "2006-01-02"[:len(s)]
	if _, err := time.Parse(layout, s); err != nil {
		return "", fmt.Errorf("date %q does not exist", s)
	}
	return Date(s), nil
}

// Compare orders dates by their first day; it returns -1, 0 or +1.
func (d Date) Compare(e Date) int {
	return strings.Compare(d.first(), e.first())
}

// first pads a partial date to its first day.
func (d Date) first() string {
	switch len(d) {
	case 4:
		return string(d) + "-01-01"
	case 7:
		return string(d) + "-01"
	}
	return string(d)
}

// last pads a partial date to its last day. Days past the end of a month
// ("2021-02-31") sort correctly against real dates, which is all it is for.
func (d Date) last() string {
	switch len(d) {
	case 4:
		return string(d) + "-12-31"
	case 7:
		return string(d) + "-31"
	}
	return string(d)
}

var (
	entityIDRE    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	itemIDRE      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.~:-]*$`)
	typeNameRE    = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	relationRE    = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	attributeRE   = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)
	reliabilityRE = regexp.MustCompile(`^[A-F]$`)
	credibilityRE = regexp.MustCompile(`^[1-6]$`)
)

// CheckEntityID reports whether id is a valid entity id: lower-case letters
// and digits in words joined by single hyphens ("afghan-taliban").
func CheckEntityID(id string) error {
	if len(id) > MaxIDBytes {
		return fmt.Errorf("entity id %s is %d bytes long; at most %d are allowed", Quote(id), len(id), MaxIDBytes)
	}
	if !entityIDRE.MatchString(id) {
		return fmt.Errorf("entity id %s must be lower-case letters and digits joined by hyphens", Quote(id))
	}
	return nil
}

// CheckItemID reports whether id is a valid id for a source, statement or
// claim: letters, digits and _ . ~ : - , starting with a letter or digit.
func CheckItemID(id string) error {
	if len(id) > MaxIDBytes {
		return fmt.Errorf("id %s is %d bytes long; at most %d are allowed", Quote(id), len(id), MaxIDBytes)
	}
	if !itemIDRE.MatchString(id) {
		return fmt.Errorf("id %s must start with a letter or digit and use only letters, digits and _ . ~ : -", Quote(id))
	}
	return nil
}
