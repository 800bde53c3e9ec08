package graph_test

import (
	"slices"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

func TestCountsByTreatsAPartialDateAsASpan(t *testing.T) {
	for _, tc := range []struct {
		name   string
		report graph.Date
		by     graph.Date
		want   bool
	}{
		{"a month counts for a day within it", "2023-01", "2023-01-15", true},
		{"a month counts for its first day", "2023-01", "2023-01-01", true},
		{"a month does not count for the day before it", "2023-01", "2022-12-31", false},
		{"a year counts for a month within it", "2023", "2023-06", true},
		{"a day counts for its month", "2023-01-31", "2023-01", true},
		{"a day does not count for the month before it", "2023-02-01", "2023-01", false},
		{"the same day counts", "2023-01-15", "2023-01-15", true},
		{"a later day does not count", "2023-01-16", "2023-01-15", false},
		{"an earlier year counts", "2021", "2023-01-15", true},
		{"an unknown report time never counts", "", "2100", false},
		{"without a date everything counts", "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.report.CountsBy(tc.by); got != tc.want {
				t.Errorf("Date(%q).CountsBy(%q) = %v, want %v", tc.report, tc.by, got, tc.want)
			}
		})
	}
}

func TestSpanAndPrecision(t *testing.T) {
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	for _, tc := range []struct {
		d           graph.Date
		first, last string
		precision   graph.Precision
	}{
		{"2024", "2024-01-01", "2024-12-31", graph.YearPrecision},
		{"2024-02", "2024-02-01", "2024-02-29", graph.MonthPrecision},
		{"2023-02", "2023-02-01", "2023-02-28", graph.MonthPrecision},
		{"2023-02-14", "2023-02-14", "2023-02-14", graph.DayPrecision},
	} {
		t.Run(string(tc.d)+" spans "+tc.first+" to "+tc.last, func(t *testing.T) {
			first, last, ok := tc.d.Span()
			if !ok || !first.Equal(day(tc.first)) || !last.Equal(day(tc.last)) {
				t.Errorf("Span = %v, %v, %v", first, last, ok)
			}
			if p := tc.d.Precision(); p != tc.precision {
				t.Errorf("Precision = %q, want %q", p, tc.precision)
			}
		})
	}
	t.Run("the unknown date has no span", func(t *testing.T) {
		if _, _, ok := graph.Date("").Span(); ok || graph.Date("").Precision() != "" {
			t.Error("the unknown date has a span or a precision")
		}
	})
}

// dated is a statement asserted by a party in January 2023 (said), and
// denied in a source published on 2023-03-10, and asserted again by a
// source of unknown date.
func dated() (graph.Statement, func(string) graph.Date) {
	st := graph.Statement{ID: "s", Subject: "a", Type: "backs", Object: "b", Claims: []graph.Claim{
		{ID: "c1", Source: "src-jan", Claimant: "pakistan", Stance: graph.Asserts, Said: "2023-01"},
		{ID: "c2", Source: "src-mar", Claimant: "india", Stance: graph.Denies},
		{ID: "c3", Source: "src-undated", Stance: graph.Asserts},
	}}
	published := map[string]graph.Date{"src-jan": "2024", "src-mar": "2023-03-10"}
	return st, func(id string) graph.Date { return published[id] }
}

func TestAsReportedBy(t *testing.T) {
	st, published := dated()
	for _, tc := range []struct {
		name   string
		by     graph.Date
		claims []string
		status graph.Status
	}{
		{"before the first claim nothing was reported", "2022-12-31", nil, ""},
		{"the said date wins over the source's", "2023-01-15", []string{"c1"}, graph.Alleged},
		{"the source's published date dates a claim without a said date", "2023-03-10", []string{"c1", "c2"}, graph.Disputed},
		{"a claim of unknown time never counts", "2100", []string{"c1", "c2"}, graph.Disputed},
		{"no date keeps every claim", "", []string{"c1", "c2", "c3"}, graph.Disputed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := st.AsReportedBy(tc.by, published)
			if ok != (len(tc.claims) > 0) {
				t.Fatalf("AsReportedBy(%q) ok = %v", tc.by, ok)
			}
			if !ok {
				return
			}
			var ids []string
			for _, c := range got.Claims {
				ids = append(ids, c.ID)
			}
			if !slices.Equal(ids, tc.claims) || got.Status() != tc.status {
				t.Errorf("AsReportedBy(%q) = %v %s, want %v %s", tc.by, ids, got.Status(), tc.claims, tc.status)
			}
		})
	}
	if len(st.Claims) != 3 {
		t.Error("AsReportedBy modified the statement")
	}
}

func TestStatusHistory(t *testing.T) {
	st, published := dated()
	got := graph.StatusHistory(st, published)
	want := []graph.StatusChange{
		{Status: graph.Alleged, Claim: st.Claims[0], Date: "2023-01"},
		{Status: graph.Disputed, Claim: st.Claims[1], Date: "2023-03-10"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("StatusHistory = %+v\nwant %+v", got, want)
	}
	t.Run("undated claims come last as one step", func(t *testing.T) {
		st := graph.Statement{ID: "s", Claims: []graph.Claim{
			{ID: "a", Source: "x", Claimant: "india", Stance: graph.Denies},
			{ID: "b", Source: "x", Stance: graph.Asserts, Said: "2020"},
		}}
		got := graph.StatusHistory(st, nil)
		want := []graph.StatusChange{
			{Status: graph.Reported, Claim: st.Claims[1], Date: "2020"},
			{Status: graph.Disputed, Claim: st.Claims[0]},
		}
		if !slices.Equal(got, want) {
			t.Errorf("StatusHistory = %+v\nwant %+v", got, want)
		}
	})
	t.Run("claims of one first day count together", func(t *testing.T) {
		st := graph.Statement{ID: "s", Claims: []graph.Claim{
			{ID: "a", Source: "x", Claimant: "india", Stance: graph.Denies, Said: "2020-01"},
			{ID: "b", Source: "x", Claimant: "pakistan", Stance: graph.Asserts, Said: "2020-01-01"},
		}}
		got := graph.StatusHistory(st, nil)
		if len(got) != 1 || got[0].Status != graph.Disputed {
			t.Errorf("StatusHistory = %+v, want one change to DISPUTED", got)
		}
	})
}

func TestTimeline(t *testing.T) {
	st, published := dated()
	st.ValidFrom, st.ValidUntil = "2022", "2023-02"
	other := graph.Statement{ID: "t", ValidFrom: "2022-06-01", Claims: []graph.Claim{{ID: "d", Source: "src-undated", Stance: graph.Asserts}}}
	type ev struct {
		kind graph.EventKind
		date graph.Date
		id   string
	}
	list := func(evs []graph.Event) []ev {
		var out []ev
		for _, e := range evs {
			out = append(out, ev{e.Kind, e.Date, e.Statement.ID + "/" + e.Claim.ID})
		}
		return out
	}
	got := list(graph.Timeline([]graph.Statement{st, other, st}, published, "", ""))
	want := []ev{
		{graph.StatementStarts, "2022", "s/"},
		{graph.StatementStarts, "2022-06-01", "t/"},
		{graph.ClaimMade, "2023-01", "s/c1"},
		{graph.StatementEnds, "2023-02", "s/"},
		{graph.ClaimMade, "2023-03-10", "s/c2"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Timeline = %v\nwant %v", got, want)
	}
	got = list(graph.Timeline([]graph.Statement{st, other}, published, "2023-01-20", "2023-02"))
	want = []ev{{graph.ClaimMade, "2023-01", "s/c1"}, {graph.StatementEnds, "2023-02", "s/"}}
	if !slices.Equal(got, want) {
		t.Errorf("Timeline from 2023-01-20 to 2023-02 = %v\nwant %v", got, want)
	}
}

func TestParseDuration(t *testing.T) {
	start, _ := time.Parse("2006-01-02", "2023-01-31")
	for _, tc := range []struct {
		in    string
		after string
	}{
		{"P1Y", "2024-01-31"},
		{"P6M", "2023-07-31"},
		{"P2W", "2023-02-14"},
		{"P1Y1M1D", "2024-03-03"},
		{"P0D", "2023-01-31"},
	} {
		t.Run(tc.in+" after 2023-01-31 is "+tc.after, func(t *testing.T) {
			d, err := graph.ParseDuration(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.After(start).Format("2006-01-02"); got != tc.after {
				t.Errorf("After = %s", got)
			}
		})
	}
	for _, bad := range []string{"P", "1Y", "PT1H", "P1.5Y", "P-1Y", "p1y", "P1Y ", "P99999Y"} {
		t.Run(bad+" is refused", func(t *testing.T) {
			if _, err := graph.ParseDuration(bad); err == nil {
				t.Errorf("ParseDuration(%q) accepted", bad)
			}
		})
	}
}
