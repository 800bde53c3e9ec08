package schema

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cache"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// The seed's article and the relation Chaudhry alleges: accounts on X
// operating from India.
const (
	seedArticle   = "src-86013d487e35f14f"
	accountsIndia = "x-accounts-india.operating-from.india"
)

// seededWithDenial opens a store at url holding the built-in seed, whose
// article the test dates May 2025 (the built-in article carries no date,
// and a claim of no known date counts under no reportedBy), and India's
// denial of the accounts, said on 2025-06-10 in a later source.
func seededWithDenial(tb testing.TB, url string) graph.Store {
	tb.Helper()
	ctx := tb.Context()
	st, err := cayley.Open(ctx, url, cayley.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		tb.Fatal(err)
	}
	article, err := st.Source(ctx, seedArticle)
	if err != nil {
		tb.Fatal(err)
	}
	article.Published = "2025-05"
	denial := graph.Source{ID: "src-denial", Title: "India rejects Pakistan's claims about X accounts", Published: "2025-06-11"}
	b := graph.Batch{Sources: []graph.Source{article, denial}, Statements: []graph.Statement{{
		ID: accountsIndia, Subject: "x-accounts-india", Type: "operating-from", Object: "india",
		Claims: []graph.Claim{{ID: "india-denies-accounts", Source: denial.ID, Claimant: "india", Stance: graph.Denies,
			Quote: "India rejects the claims.", Said: "2025-06-10"}},
	}}}
	if _, err := st.Apply(ctx, b, graph.ApplyOptions{ClaimsOnly: true}); err != nil {
		tb.Fatal(err)
	}
	return st
}

// timeStores are the stores the time tests run on: memory and bolt, read
// directly and through the read cache that serve uses.
func timeStores(t *testing.T) map[string]func(testing.TB) graph.Store {
	return map[string]func(testing.TB) graph.Store{
		"memory": func(tb testing.TB) graph.Store { return seededWithDenial(tb, "memory:") },
		"bolt": func(tb testing.TB) graph.Store {
			return seededWithDenial(tb, "bolt:"+filepath.Join(tb.TempDir(), "time.db"))
		},
		"bolt cached": func(tb testing.TB) graph.Store {
			st := seededWithDenial(tb, "bolt:"+filepath.Join(tb.TempDir(), "time.db"))
			return cache.New(st.(*cayley.Store), 0)
		},
	}
}

func TestReportedByAndStatusHistory(t *testing.T) {
	for name, open := range timeStores(t) {
		t.Run(name, func(t *testing.T) {
			h := handlerOn(t, open(t), Options{})
			statusAt := func(t *testing.T, date string) []string {
				t.Helper()
				var d struct {
					Entity struct {
						Relations []struct {
							ID, Status string
							Claims     []struct{ Stance string }
						}
						OperatingFrom       struct{ Nodes []struct{ Status string } }
						RelationsConnection struct{ Nodes []struct{ Status string } }
					}
				}
				mustDo(t, h, `{ entity(id: "x-accounts-india") {
					relations(types: ["operating-from"], reportedBy: "`+date+`") { id status claims { stance } }
					... on AccountCluster { operatingFrom(reportedBy: "`+date+`") { nodes { status } } }
					relationsConnection(types: ["operating-from"], reportedBy: "`+date+`") { nodes { status } } } }`, &d)
				var got []string
				for _, r := range d.Entity.Relations {
					got = append(got, r.Status)
					if r.Status == "ALLEGED" && len(r.Claims) != 1 {
						t.Errorf("as reported by %s the relation has %d claims, want the allegation alone", date, len(r.Claims))
					}
				}
				for _, lists := range [][]struct{ Status string }{d.Entity.OperatingFrom.Nodes, d.Entity.RelationsConnection.Nodes} {
					var also []string
					for _, n := range lists {
						also = append(also, n.Status)
					}
					if !slices.Equal(also, got) {
						t.Errorf("as reported by %s the connections say %v, relations %v", date, also, got)
					}
				}
				return got
			}
			for _, tc := range []struct {
				name, date string
				want       []string
			}{
				{"before the article nothing was reported", "2025-04-30", nil},
				{"a day within the article's month sees the allegation", "2025-05-15", []string{"ALLEGED"}},
				{"the day before the denial it is alleged", "2025-06-09", []string{"ALLEGED"}},
				{"from the denial on it is disputed", "2025-06-10", []string{"DISPUTED"}},
				{"a month date counts the denial within it", "2025-06", []string{"DISPUTED"}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					if got := statusAt(t, tc.date); !slices.Equal(got, tc.want) {
						t.Errorf("status as reported by %s = %v, want %v", tc.date, got, tc.want)
					}
				})
			}

			t.Run("the status history lists the change with the denial", func(t *testing.T) {
				var d struct {
					Relation struct {
						Status        string
						StatusHistory []struct {
							Status, Precision string
							Date              *string
							Undated           bool
							Claim             struct {
								Stance   string
								Claimant struct{ ID string }
							}
						}
					}
				}
				mustDo(t, h, `{ relation(id: "`+accountsIndia+`") { status
					statusHistory { status date precision undated claim { stance claimant { id } } } } }`, &d)
				type change struct{ status, date, precision, stance, claimant string }
				var got []change
				for _, c := range d.Relation.StatusHistory {
					if c.Date == nil || c.Undated {
						t.Errorf("change %+v is undated", c)
						continue
					}
					got = append(got, change{c.Status, *c.Date, c.Precision, c.Claim.Stance, c.Claim.Claimant.ID})
				}
				want := []change{
					{"ALLEGED", "2025-05", "MONTH", "ASSERTS", "talal-chaudhry"},
					{"DISPUTED", "2025-06-10", "DAY", "DENIES", "india"},
				}
				if d.Relation.Status != "DISPUTED" || !slices.Equal(got, want) {
					t.Errorf("status %s, history %+v\nwant DISPUTED, %+v", d.Relation.Status, got, want)
				}
			})

			t.Run("disputes honour reportedBy and asOf", func(t *testing.T) {
				var d struct {
					Before, After, Today, Past struct{ Nodes []struct{ ID string } }
				}
				mustDo(t, h, `{ before: disputes(reportedBy: "2025-06-09") { nodes { id } }
					after: disputes(reportedBy: "2025-06-10", first: 100) { nodes { id } }
					today: disputes(first: 100) { nodes { id } }
					past: disputes(asOf: "2020") { nodes { id } } }`, &d)
				has := func(nodes []struct{ ID string }) bool {
					return slices.ContainsFunc(nodes, func(n struct{ ID string }) bool { return n.ID == "relation:"+accountsIndia })
				}
				if has(d.Before.Nodes) || !has(d.After.Nodes) || !has(d.Today.Nodes) {
					t.Errorf("disputes before %v after %v today %v: want the accounts disputed only from the denial on", d.Before.Nodes, d.After.Nodes, d.Today.Nodes)
				}
				// The four accusations of the article are disputed in its
				// month; the accounts only from the denial on.
				if len(d.Before.Nodes) != 4 || len(d.After.Nodes) != 5 || len(d.Past.Nodes) != 5 {
					t.Errorf("disputes before %d, after %d, as of 2020 %d; want 4, 5, 5", len(d.Before.Nodes), len(d.After.Nodes), len(d.Past.Nodes))
				}
			})

			t.Run("paths walk the relation as it was reported", func(t *testing.T) {
				var d struct{ Before, After []pathData }
				mustDo(t, h, `{ before: paths(from: "x-accounts-india", to: "india", status: [ALLEGED], reportedBy: "2025-06-09") `+pathSelection+`
					after: paths(from: "x-accounts-india", to: "india", status: [ALLEGED], reportedBy: "2025-06-10") `+pathSelection+` }`, &d)
				if len(d.Before) != 1 || len(d.After) != 0 {
					t.Fatalf("paths before the denial %d, after %d; want 1 and 0", len(d.Before), len(d.After))
				}
				if hop := d.Before[0].Hops[0]; hop.Relation.Status != "ALLEGED" || len(hop.Relation.Claims) != 1 {
					t.Errorf("hop before the denial = %+v, want the allegation alone", hop.Relation)
				}
			})
		})
	}
}

func TestTimeline(t *testing.T) {
	h := handlerOn(t, seededWithDenial(t, "memory:"), Options{})
	type event struct{ kind, date, precision, relation, claimant string }
	events := func(t *testing.T, args string) []event {
		t.Helper()
		var d struct {
			Timeline []struct {
				Kind, Date, Precision string
				Relation              struct{ ID string }
				Claim                 *struct{ Claimant *struct{ ID string } }
			}
		}
		mustDo(t, h, `{ timeline(`+args+`) { kind date precision relation { id } claim { claimant { id } } } }`, &d)
		var out []event
		for _, e := range d.Timeline {
			who := ""
			if e.Claim != nil && e.Claim.Claimant != nil {
				who = e.Claim.Claimant.ID
			} else if e.Claim != nil {
				who = "(source)"
			}
			out = append(out, event{e.Kind, e.Date, e.Precision, e.Relation.ID, who})
		}
		return out
	}
	for _, tc := range []struct {
		name, args string
		want       []event
	}{
		{"claims by report time, with precision", `entity: "x-accounts-india", types: ["operating-from"]`, []event{
			{"CLAIM", "2025-05", "MONTH", "relation:" + accountsIndia, "talal-chaudhry"},
			{"CLAIM", "2025-06-10", "DAY", "relation:" + accountsIndia, "india"},
		}},
		{"from leaves out what came before", `entity: "x-accounts-india", types: ["operating-from"], from: "2025-06"`, []event{
			{"CLAIM", "2025-06-10", "DAY", "relation:" + accountsIndia, "india"},
		}},
		{"to keeps a month that overlaps it", `entity: "x-accounts-india", types: ["operating-from"], to: "2025-05-02"`, []event{
			{"CLAIM", "2025-05", "MONTH", "relation:" + accountsIndia, "talal-chaudhry"},
		}},
		{"a statement starts by valid time", `entity: "afghanistan", types: ["governs"]`, []event{
			{"STARTS", "2021-08", "MONTH", "relation:afghan-taliban.governs.afghanistan", ""},
			{"CLAIM", "2025-05", "MONTH", "relation:afghan-taliban.governs.afghanistan", "(source)"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := events(t, tc.args); !slices.Equal(got, tc.want) {
				t.Errorf("timeline = %+v\nwant %+v", got, tc.want)
			}
		})
	}
	for _, tc := range []struct{ name, query, code string }{
		{"an unknown entity is not found", `{ timeline(entity: "atlantis") { date } }`, "NOT_FOUND"},
		{"a bad date is bad input", `{ timeline(entity: "india", from: "May 2025") { date } }`, "BAD_USER_INPUT"},
		{"an unknown type is bad input", `{ timeline(entity: "india", types: ["nope"]) { date } }`, "BAD_USER_INPUT"},
		{"a bad reportedBy is bad input", `{ entity(id: "india") { relations(reportedBy: "2025-13") { id } } }`, "BAD_USER_INPUT"},
		{"a bad maxGap is bad input", `{ paths(from: "india", to: "ttp", timeFlow: {maxGap: "1 year"}) { length } }`, "BAD_USER_INPUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if codes := do(t, h, tc.query, nil); !slices.Equal(codes, []string{tc.code}) {
				t.Errorf("codes = %v, want [%s]", codes, tc.code)
			}
		})
	}
}

func TestTimeFlowPathsExplainTheDates(t *testing.T) {
	h := newHandler(t)
	var d struct{ Strict, Lax []pathData }
	mustDo(t, h, `{ strict: paths(from: "ttp", to: "afghanistan", timeFlow: {maxGap: "P1Y"}) `+pathSelection+`
		lax: paths(from: "ttp", to: "afghanistan", k: 3, timeFlow: {allowUndated: true}) `+pathSelection+` }`, &d)
	if len(d.Strict) != 0 {
		t.Errorf("strict time flow found %d paths over undated hops", len(d.Strict))
	}
	// Two direct hops, then the way through the Afghan Taliban.
	if len(d.Lax) != 3 || d.Lax[2].Length != 2 {
		t.Fatalf("lax time flow found %+v, want 3 paths, the third of 2 hops", d.Lax)
	}
	got := []string{d.Lax[2].Hops[0].Explanation, d.Lax[2].Hops[1].Explanation}
	want := []string{
		"Tehrik-e-Taliban Pakistan —allied with— Afghan Taliban  [REPORTED: reported by “Pakistan warns it may block social media platforms for non-compliance”]  (valid time unknown)",
		"Afghan Taliban —governs→ Afghanistan  [REPORTED: reported by “Pakistan warns it may block social media platforms for non-compliance”]  (valid from 2021-08)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("explanations = %q\nwant %q", got, want)
	}
}
