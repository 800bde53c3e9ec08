package schema

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// conn is a connection as a test reads it.
type conn struct {
	Edges []struct {
		Cursor string
		Node   struct{ ID string }
	}
	PageInfo struct {
		HasPreviousPage, HasNextPage bool
		StartCursor, EndCursor       *string
	}
	TotalCount int
}

func (c conn) ids() []string {
	var ids []string
	for _, e := range c.Edges {
		ids = append(ids, e.Node.ID)
	}
	return ids
}

// connections are connection fields of the built-in seed with enough items
// to page: read from the store a page at a time (entities, disputes) and
// paged from a whole list (relationsConnection, a typed relation field).
var connections = []struct {
	name  string
	query func(args string) string
	path  []string
}{
	{"entities", func(a string) string { return `{ c: entities` + a + ` { ...C } }` }, nil},
	{"disputes", func(a string) string { return `{ c: disputes` + a + ` { ...C } }` }, nil},
	{"relationsConnection", func(a string) string {
		return `{ entity(id: "pakistan") { c: relationsConnection` + a + ` { ...C } } }`
	}, []string{"entity"}},
	{"typed relation field", func(a string) string {
		return `{ entity(id: "afghanistan") { ... on Country { c: accusedOfBacking` + a + ` { ...C } } } }`
	}, []string{"entity"}},
}

const connFragment = ` fragment C on %s { totalCount edges { cursor node { id } } pageInfo { hasPreviousPage hasNextPage startCursor endCursor } }`

// readConn runs one connection query and returns the connection, or the
// error codes.
func readConn(tb testing.TB, h *Handler, query, nodeType string, path []string) (conn, []string) {
	tb.Helper()
	var raw map[string]json.RawMessage
	codes := do(tb, h, query+fmt.Sprintf(connFragment, nodeType), &raw)
	if len(codes) > 0 {
		return conn{}, codes
	}
	for _, p := range path {
		var next map[string]json.RawMessage
		if err := json.Unmarshal(raw[p], &next); err != nil {
			tb.Fatal(err)
		}
		raw = next
	}
	var c conn
	if err := json.Unmarshal(raw["c"], &c); err != nil {
		tb.Fatal(err)
	}
	return c, nil
}

func nodeTypeOf(name string) string {
	if name == "entities" {
		return "EntityConnection"
	}
	return "RelationConnection"
}

// TestConnectionsPageBothWays pages every kind of connection forwards with
// first and after and backwards with last and before, and compares both
// with the whole list; totalCount and the page info must be right on
// every page.
func TestConnectionsPageBothWays(t *testing.T) {
	st := seeded(t)
	// A third accusation, so that the typed field has a list to page.
	_, err := st.Apply(t.Context(), graph.Batch{Statements: []graph.Statement{{Subject: "afghanistan", Type: "accused-of-backing", Object: "afghan-taliban",
		Claims: []graph.Claim{{Source: seedSource, Stance: graph.Asserts}}}}}, graph.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := handlerOn(t, st, Options{})
	for _, c := range connections {
		t.Run(c.name, func(t *testing.T) {
			typ := nodeTypeOf(c.name)
			whole, _ := readConn(t, h, c.query(`(first: 100)`), typ, c.path)
			all := whole.ids()
			if len(all) < 3 {
				t.Fatalf("only %d items: too few to page", len(all))
			}
			if whole.TotalCount != len(all) || whole.PageInfo.HasNextPage || whole.PageInfo.HasPreviousPage {
				t.Errorf("whole list: totalCount %d of %d items, pageInfo %+v", whole.TotalCount, len(all), whole.PageInfo)
			}
			for _, size := range []int{1, 2, len(all) - 1} {
				t.Run(fmt.Sprintf("forwards by %d", size), func(t *testing.T) {
					var got []string
					args := fmt.Sprintf("(first: %d)", size)
					for page := 0; ; page++ {
						p, codes := readConn(t, h, c.query(args), typ, c.path)
						if codes != nil {
							t.Fatalf("codes %v", codes)
						}
						checkPageInfo(t, p, len(all))
						if p.PageInfo.HasPreviousPage != (page > 0) {
							t.Errorf("page %d: hasPreviousPage = %v", page, p.PageInfo.HasPreviousPage)
						}
						got = append(got, p.ids()...)
						if !p.PageInfo.HasNextPage {
							break
						}
						args = fmt.Sprintf("(first: %d, after: %q)", size, *p.PageInfo.EndCursor)
					}
					if !slices.Equal(got, all) {
						t.Errorf("paged forwards: %v\nwhole list:     %v", got, all)
					}
				})
				t.Run(fmt.Sprintf("backwards by %d", size), func(t *testing.T) {
					var got []string
					args := fmt.Sprintf("(last: %d)", size)
					for page := 0; ; page++ {
						p, codes := readConn(t, h, c.query(args), typ, c.path)
						if codes != nil {
							t.Fatalf("codes %v", codes)
						}
						checkPageInfo(t, p, len(all))
						if p.PageInfo.HasNextPage != (page > 0) {
							t.Errorf("page %d: hasNextPage = %v", page, p.PageInfo.HasNextPage)
						}
						got = append(p.ids(), got...)
						if !p.PageInfo.HasPreviousPage {
							break
						}
						args = fmt.Sprintf("(last: %d, before: %q)", size, *p.PageInfo.StartCursor)
					}
					if !slices.Equal(got, all) {
						t.Errorf("paged backwards: %v\nwhole list:      %v", got, all)
					}
				})
			}
			t.Run("first and last together take the last of the first", func(t *testing.T) {
				p, _ := readConn(t, h, c.query(`(first: 3, last: 2)`), typ, c.path)
				if want := all[1:3]; !slices.Equal(p.ids(), want) || !p.PageInfo.HasPreviousPage || p.PageInfo.HasNextPage != (len(all) > 3) {
					t.Errorf("got %v %+v, want %v with a previous page, and a next one if there are more than 3", p.ids(), p.PageInfo, want)
				}
			})
			t.Run("before alone takes the first page before the cursor", func(t *testing.T) {
				third := whole.Edges[2].Cursor
				p, _ := readConn(t, h, c.query(fmt.Sprintf(`(before: %q)`, third)), typ, c.path)
				if want := all[:2]; !slices.Equal(p.ids(), want) || p.PageInfo.HasPreviousPage || !p.PageInfo.HasNextPage {
					t.Errorf("got %v %+v, want %v with a next page only", p.ids(), p.PageInfo, want)
				}
			})
			t.Run("an empty page has no cursors", func(t *testing.T) {
				p, _ := readConn(t, h, c.query(`(first: 0)`), typ, c.path)
				if len(p.Edges) != 0 || p.PageInfo.StartCursor != nil || p.PageInfo.EndCursor != nil || !p.PageInfo.HasNextPage || p.TotalCount != len(all) {
					t.Errorf("got %+v", p)
				}
			})
		})
	}
}

// checkPageInfo checks what every page must hold: the cursors of its ends
// and the total count.
func checkPageInfo(tb testing.TB, p conn, total int) {
	tb.Helper()
	if p.TotalCount != total {
		tb.Errorf("totalCount = %d, want %d", p.TotalCount, total)
	}
	if len(p.Edges) == 0 {
		tb.Fatalf("an empty page: %+v", p)
	}
	if *p.PageInfo.StartCursor != p.Edges[0].Cursor || *p.PageInfo.EndCursor != p.Edges[len(p.Edges)-1].Cursor {
		tb.Errorf("cursors %v…%v, edges %v…%v", *p.PageInfo.StartCursor, *p.PageInfo.EndCursor, p.Edges[0].Cursor, p.Edges[len(p.Edges)-1].Cursor)
	}
}

func TestPagingErrors(t *testing.T) {
	h := newHandler(t)
	entityCursor := func() string {
		p, _ := readConn(t, h, `{ c: entities(first: 1) { ...C } }`, "EntityConnection", nil)
		return p.Edges[0].Cursor
	}()
	tests := []struct{ name, args string }{
		{"negative first", `(first: -1)`},
		{"negative last", `(last: -1)`},
		{"last over the cap", `(last: 101)`},
		{"first over the cap", `(first: 101)`},
		{"a cursor of another connection", fmt.Sprintf(`(before: %q)`, entityCursor)},
		{"a malformed cursor", `(after: "%%%")`},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is BAD_USER_INPUT", func(t *testing.T) {
			_, codes := readConn(t, h, `{ c: disputes`+tt.args+` { ...C } }`, "RelationConnection", nil)
			if !slices.Equal(codes, []string{CodeBadUserInput}) {
				t.Errorf("codes = %v", codes)
			}
		})
	}
}

func TestPageInfoHasTheFourFields(t *testing.T) {
	h := newHandler(t)
	var d struct {
		Type struct{ Fields []struct{ Name string } } `json:"__type"`
	}
	mustDo(t, h, `{ __type(name: "PageInfo") { fields { name } } }`, &d)
	var names []string
	for _, f := range d.Type.Fields {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, " "); got != "endCursor hasNextPage hasPreviousPage startCursor" {
		t.Errorf("PageInfo fields: %s", got)
	}
}
