package graph

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// Two time axes
//
// A statement has a valid time: when what it says holds (ValidFrom,
// ValidUntil). A claim has a report time: when it was made, which is its
// Said date, or, when it has none, the Published date of its source. Both
// are Dates as precise as the source gives them, and an unknown date stays
// unknown: nothing is filled in.
//
// A partial date is a span: "2023" is every day of 2023, "2023-01" every
// day of January 2023. Asked "as reported by D", a claim counts when its
// report time is known and its span starts on or before the last day of
// D's span: a claim of "2023-01" counts as reported by "2023-01-15", since
// it may have been made on any day of January, and the two spans overlap.
// A claim whose report time is unknown never counts under a reportedBy
// date: it cannot be shown to have been made by then. The status of a
// statement as reported by D is derived from the claims that count alone,
// and a statement with no such claim was not yet reported.

// Precision says how much of a Date is known.
type Precision string

const (
	YearPrecision  Precision = "YEAR"
	MonthPrecision Precision = "MONTH"
	DayPrecision   Precision = "DAY"
)

// Precision returns how precise d is; "" for the unknown date.
func (d Date) Precision() Precision {
	switch len(d) {
	case 4:
		return YearPrecision
	case 7:
		return MonthPrecision
	case 10:
		return DayPrecision
	}
	return ""
}

// Span returns the first and the last day of d, at midnight UTC. ok is
// false for the unknown date and for a string that is no valid Date.
func (d Date) Span() (first, last time.Time, ok bool) {
	if d == "" {
		return time.Time{}, time.Time{}, false
	}
	layout := "2006-01-02"
	if len(d) <= len(layout) {
		layout = layout[:len(d)]
	}
	t, err := time.Parse(layout, string(d))
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	switch d.Precision() {
	case YearPrecision:
		return t, t.AddDate(1, 0, -1), true
	case MonthPrecision:
		return t, t.AddDate(0, 1, -1), true
	}
	return t, t, true
}

// CountsBy reports whether a report time d counts as reported by the date
// by: d is known and its span starts on or before the last day of by's
// span. With by unknown every date counts, the unknown one too.
func (d Date) CountsBy(by Date) bool {
	if by == "" {
		return true
	}
	return d != "" && d.first() <= by.last()
}

// ReportTime returns when c was reported: its Said date, or else the
// published date of its source as published tells it (published may be
// nil, and returns "" for a source it does not know), or else the unknown
// date.
func ReportTime(c Claim, published func(sourceID string) Date) Date {
	if c.Said != "" || published == nil {
		return c.Said
	}
	return published(c.Source)
}

// AsReportedBy returns s with only the claims reported by the date by (see
// CountsBy and ReportTime), and whether any is left. With by unknown it
// returns s as it is. The claims keep their order; s is not modified.
func (s Statement) AsReportedBy(by Date, published func(sourceID string) Date) (Statement, bool) {
	if by == "" {
		return s, true
	}
	kept := make([]Claim, 0, len(s.Claims))
	for _, c := range s.Claims {
		if ReportTime(c, published).CountsBy(by) {
			kept = append(kept, c)
		}
	}
	if len(kept) == len(s.Claims) {
		return s, len(kept) > 0
	}
	s.Claims = kept
	return s, len(kept) > 0
}

// StatusChange is a change of a statement's status as its claims were
// reported.
type StatusChange struct {
	// Status is the status from this change on.
	Status Status
	// Claim is the claim that brought the change.
	Claim Claim
	// Date is the claim's report time; "" when it is unknown (the change
	// is then undated, and listed after the dated ones).
	Date Date
}

// StatusHistory returns the changes of s's status as its claims were
// reported, in report-time order: the claims are taken in the order of the
// first day of their report time, and after each day's claims (claims of
// one first day count together under every reportedBy date) the status is
// derived from the claims so far; each time it differs from the one
// before, that is a change. The claims with an unknown report time come
// last, together, as one undated step. The first change is the status of
// the first claims. A change names, of its step's claims in claim id
// order, the first that alone would have brought the new status, or the
// step's first claim.
func StatusHistory(s Statement, published func(sourceID string) Date) []StatusChange {
	type dated struct {
		c     Claim
		at    Date
		first string
	}
	claims := make([]dated, len(s.Claims))
	for i, c := range s.Claims {
		at := ReportTime(c, published)
		claims[i] = dated{c, at, at.first()}
	}
	slices.SortStableFunc(claims, func(a, b dated) int {
		if (a.at == "") != (b.at == "") {
			if a.at == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.first, b.first), cmp.Compare(a.c.ID, b.c.ID))
	})
	var out []StatusChange
	var sofar []Claim
	var prev Status
	for i := 0; i < len(claims); {
		j := i + 1
		for j < len(claims) && claims[j].first == claims[i].first {
			j++
		}
		step, before := claims[i:j], sofar
		for _, d := range step {
			sofar = append(sofar, d.c)
		}
		if now := DeriveStatus(sofar); now != prev {
			cause := step[0]
			for _, d := range step {
				if DeriveStatus(append(slices.Clone(before), d.c)) == now {
					cause = d
					break
				}
			}
			out = append(out, StatusChange{Status: now, Claim: cause.c, Date: cause.at})
			prev = now
		}
		i = j
	}
	return out
}

// Duration is a length of calendar time written as in ISO 8601, with
// years, months, weeks and days only: "P1Y", "P6M", "P2W", "P1Y6M", "P30D".
// The zero value means no duration is given.
type Duration string

var durationRE = regexp.MustCompile(`^P(?:(\d{1,4})Y)?(?:(\d{1,5})M)?(?:(\d{1,5})W)?(?:(\d{1,6})D)?$`)

// ParseDuration checks s and returns it as a Duration. The empty string is
// no duration.
func ParseDuration(s string) (Duration, error) {
	if s == "" {
		return "", nil
	}
	if m := durationRE.FindStringSubmatch(s); m == nil || s == "P" {
		return "", fmt.Errorf("duration %q is not an ISO 8601 duration of years, months, weeks and days such as P1Y, P6M, P2W or P1Y6M", s)
	}
	return Duration(s), nil
}

// After returns t moved forward by d (calendar years, months and days, as
// time.AddDate adds them); t itself for no duration.
func (d Duration) After(t time.Time) time.Time {
	m := durationRE.FindStringSubmatch(string(d))
	if m == nil {
		return t
	}
	n := func(s string) int { v, _ := strconv.Atoi(s); return v }
	return t.AddDate(n(m[1]), n(m[2]), 7*n(m[3])+n(m[4]))
}

// EventKind is what happened at a timeline event.
type EventKind string

const (
	// ClaimMade: a claim was made, at its report time.
	ClaimMade EventKind = "CLAIM"
	// StatementStarts: a statement starts to hold, at its ValidFrom.
	StatementStarts EventKind = "STARTS"
	// StatementEnds: a statement stops holding, at its ValidUntil.
	StatementEnds EventKind = "ENDS"
)

// Event is a dated event of a timeline.
type Event struct {
	Kind EventKind
	// Date is when it happened, as precise as known.
	Date Date
	// Statement is the statement the event is about, with all its claims.
	Statement Statement
	// Claim is the claim made, for a ClaimMade event.
	Claim Claim
}

// Timeline returns the dated events of sts: each claim at its report time
// (see ReportTime), each statement's start and end of valid time. Events
// of unknown date are left out, and so are events whose span does not
// overlap the span from the first day of from to the last day of to (an
// unknown from or to leaves that side open). A statement listed twice
// counts once. The events are ordered by the first day of their date, then
// the last (the more precise first), then kind (starts, claims, ends),
// statement id and claim id.
func Timeline(sts []Statement, published func(sourceID string) Date, from, to Date) []Event {
	var out []Event
	seen := map[string]bool{}
	in := func(d Date) bool {
		return d != "" && (from == "" || d.last() >= from.first()) && (to == "" || d.first() <= to.last())
	}
	for _, st := range sts {
		if seen[st.ID] {
			continue
		}
		seen[st.ID] = true
		if in(st.ValidFrom) {
			out = append(out, Event{Kind: StatementStarts, Date: st.ValidFrom, Statement: st})
		}
		for _, c := range st.Claims {
			if at := ReportTime(c, published); in(at) {
				out = append(out, Event{Kind: ClaimMade, Date: at, Statement: st, Claim: c})
			}
		}
		if in(st.ValidUntil) {
			out = append(out, Event{Kind: StatementEnds, Date: st.ValidUntil, Statement: st})
		}
	}
	rank := map[EventKind]int{StatementStarts: 0, ClaimMade: 1, StatementEnds: 2}
	slices.SortFunc(out, func(a, b Event) int {
		return cmp.Or(cmp.Compare(a.Date.first(), b.Date.first()), cmp.Compare(a.Date.last(), b.Date.last()),
			cmp.Compare(rank[a.Kind], rank[b.Kind]), cmp.Compare(a.Statement.ID, b.Statement.ID), cmp.Compare(a.Claim.ID, b.Claim.ID))
	})
	return out
}

// AsOf returns the part of b that holds at asOf (valid time, see
// Statement.HoldsAt) as reported by reportedBy (report time, see
// Statement.AsReportedBy, dating claims by b's sources): the statements
// that pass, each with only the claims reported by then, and the sources
// those claims cite. The ontology and the entities stay whole. An unknown
// date does not filter on its axis.
func (b Batch) AsOf(asOf, reportedBy Date) Batch {
	published := map[string]Date{}
	for _, s := range b.Sources {
		published[s.ID] = s.Published
	}
	out := Batch{Ontology: b.Ontology, Entities: b.Entities}
	cited := map[string]bool{}
	for _, st := range b.Statements {
		if asOf != "" && !st.HoldsAt(asOf) {
			continue
		}
		st, ok := st.AsReportedBy(reportedBy, func(id string) Date { return published[id] })
		if !ok {
			continue
		}
		out.Statements = append(out.Statements, st)
		for _, c := range st.Claims {
			cited[c.Source] = true
		}
	}
	for _, s := range b.Sources {
		if cited[s.ID] {
			out.Sources = append(out.Sources, s)
		}
	}
	return out
}
