package schema

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/graphql-go/graphql"
)

// Paging bounds of connections.
const (
	defaultFirst = 20
	maxFirst     = 100
)

// Cursor kinds: a cursor of one connection is refused by another.
const (
	cursorEntity   = "entity"
	cursorRelation = "relation"
	cursorClaim    = "claim"
	cursorSource   = "source"
	cursorDispute  = "dispute"
)

// pagingArgs are the arguments of every connection field: Relay's first
// and after to page forwards, last and before to page backwards.
func pagingArgs(extra graphql.FieldConfigArgument) graphql.FieldConfigArgument {
	args := graphql.FieldConfigArgument{
		"first":  &graphql.ArgumentConfig{Type: graphql.Int, Description: fmt.Sprintf("Return the first n items (after after), at most %d; %d when neither first nor last is given.", maxFirst, defaultFirst)},
		"after":  &graphql.ArgumentConfig{Type: graphql.String, Description: "Only items after this cursor (the endCursor of the previous page)."},
		"last":   &graphql.ArgumentConfig{Type: graphql.Int, Description: fmt.Sprintf("Return the last n items (before before), at most %d.", maxFirst)},
		"before": &graphql.ArgumentConfig{Type: graphql.String, Description: "Only items before this cursor (the startCursor of the next page)."},
	}
	for k, v := range extra {
		args[k] = v
	}
	return args
}

// pageArgs are the paging arguments of one connection field, cursors
// decoded to their sort keys. first and last are -1 when not given.
type pageArgs struct {
	first, last         int
	firstGiven          bool
	after, before       string
	hasAfter, hasBefore bool
}

// forward reports whether the page is read forwards from after alone: no
// last and no before.
func (a pageArgs) forward() bool { return a.last < 0 && !a.hasBefore }

// page reads the paging arguments. With neither first nor last, first is
// defaultFirst; both may be given, as the Relay specification allows
// (first applies, then last).
func page(p graphql.ResolveParams, kind string) (pageArgs, error) {
	a := pageArgs{first: -1, last: -1}
	for _, n := range []struct {
		name string
		to   *int
	}{{"first", &a.first}, {"last", &a.last}} {
		v, ok := p.Args[n.name].(int)
		if !ok {
			continue
		}
		if v < 0 || v > maxFirst {
			return a, badInput(fmt.Sprintf("%s must be between 0 and %d, not %d", n.name, maxFirst, v))
		}
		*n.to = v
	}
	a.firstGiven = a.first >= 0
	if a.first < 0 && a.last < 0 {
		a.first = defaultFirst
	}
	var err error
	if c, ok := p.Args["after"].(string); ok {
		if a.after, err = decodeCursor(kind, c); err != nil {
			return a, err
		}
		a.hasAfter = true
	}
	if c, ok := p.Args["before"].(string); ok {
		if a.before, err = decodeCursor(kind, c); err != nil {
			return a, err
		}
		a.hasBefore = true
	}
	return a, nil
}

// encodeCursor makes an opaque cursor from an item's sort key.
func encodeCursor(kind, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + key))
}

// decodeCursor returns the sort key in a cursor of the given kind.
func decodeCursor(kind, c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	key, ok := strings.CutPrefix(string(b), kind+":")
	if err != nil || !ok {
		return "", badInput(fmt.Sprintf("invalid cursor %q", c))
	}
	return key, nil
}

// connection is the value of a Relay connection: its edges, its nodes (a
// shortcut for edges { node }), its page info and its total count, which
// count resolves when asked for.
func connection[T any](items []T, hasPrevious, hasNext bool, kind string, key func(T) string, count func() (int, error)) map[string]any {
	edges := make([]map[string]any, len(items))
	var start, end any
	for i, it := range items {
		c := encodeCursor(kind, key(it))
		edges[i] = map[string]any{"cursor": c, "node": it}
		if i == 0 {
			start = c
		}
		end = c
	}
	return map[string]any{
		"edges": edges,
		"nodes": items,
		"pageInfo": map[string]any{"hasPreviousPage": hasPrevious, "hasNextPage": hasNext,
			"startCursor": start, "endCursor": end},
		"totalCount": count,
	}
}

// pageOf pages a whole list sorted by key as the Relay cursor connections
// specification says: the items between after and before (by key, so a
// cursor stays valid when its item is gone), then the first first of
// them, then the last last. hasPreviousPage tells whether items precede
// the page (before it within the cursors with last; before after
// otherwise), hasNextPage likewise after it. first taken by default (when
// neither first nor last is given) cuts the page as a given one does, but
// when it does not, items after before still make a next page.
func pageOf[T any](items []T, a pageArgs, kind string, key func(T) string) map[string]any {
	lo, hi := 0, len(items)
	if a.hasAfter {
		for lo < hi && key(items[lo]) <= a.after {
			lo++
		}
	}
	if a.hasBefore {
		for hi > lo && key(items[hi-1]) >= a.before {
			hi--
		}
	}
	within := items[lo:hi]
	var hasPrevious, hasNext bool
	switch {
	case a.last >= 0:
		hasPrevious = len(within) > a.last
	case a.hasAfter:
		hasPrevious = lo > 0
	}
	switch {
	case a.first >= 0 && (a.firstGiven || len(within) > a.first):
		hasNext = len(within) > a.first
	case a.hasBefore:
		hasNext = hi < len(items)
	}
	if a.first >= 0 && len(within) > a.first {
		within = within[:a.first]
	}
	if a.last >= 0 && len(within) > a.last {
		within = within[len(within)-a.last:]
	}
	n := len(items)
	return connection(within, hasPrevious, hasNext, kind, key, func() (int, error) { return n, nil })
}

// storePage pages a list the store reads a page at a time, ordered by key:
// read(after, limit) returns the items after after (all with limit 0).
// Paging forwards reads one item more than the page (to tell whether there
// is a next page) and, after a cursor, the list's first item (to tell
// whether there is a previous one); paging backwards, and the total count,
// read the whole list.
func storePage[T any](a pageArgs, kind string, key func(T) string, read func(after string, limit int) ([]T, error)) (map[string]any, error) {
	count := func() (int, error) {
		all, err := read("", 0)
		return len(all), err
	}
	if !a.forward() {
		all, err := read("", 0)
		if err != nil {
			return nil, err
		}
		return pageOf(all, a, kind, key), nil
	}
	list, err := read(a.after, a.first+1)
	if err != nil {
		return nil, err
	}
	hasNext := len(list) > a.first
	if hasNext {
		list = list[:a.first]
	}
	hasPrevious := false
	if a.hasAfter {
		head, err := read("", 1)
		if err != nil {
			return nil, err
		}
		hasPrevious = len(head) > 0 && key(head[0]) <= a.after
	}
	return connection(list, hasPrevious, hasNext, kind, key, count), nil
}

// connectionType returns the NameConnection and NameEdge types of a node
// type.
func (r *resolver) connectionType(name, desc string, node graphql.Output, pageInfo *graphql.Object) *graphql.Object {
	edge := graphql.NewObject(graphql.ObjectConfig{
		Name: name + "Edge",
		Fields: graphql.Fields{
			"cursor": &graphql.Field{Type: graphql.NewNonNull(graphql.String)},
			"node":   &graphql.Field{Type: graphql.NewNonNull(node)},
		},
	})
	return graphql.NewObject(graphql.ObjectConfig{
		Name:        name + "Connection",
		Description: desc,
		Fields: graphql.Fields{
			"edges":    &graphql.Field{Type: nonNullList(edge)},
			"nodes":    &graphql.Field{Type: nonNullList(node)},
			"pageInfo": &graphql.Field{Type: graphql.NewNonNull(pageInfo)},
			"totalCount": &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "How many items the whole list has, whatever the page.",
				Resolve: r.resolve(func(_ context.Context, p graphql.ResolveParams) (any, error) {
					count, _ := p.Source.(map[string]any)["totalCount"].(func() (int, error))
					if count == nil {
						return 0, nil
					}
					return count()
				})},
		},
	})
}
