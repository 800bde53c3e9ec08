package schema

import (
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

// pagingArgs are the arguments of every connection field.
func pagingArgs(extra graphql.FieldConfigArgument) graphql.FieldConfigArgument {
	args := graphql.FieldConfigArgument{
		"first": &graphql.ArgumentConfig{Type: graphql.Int, DefaultValue: defaultFirst, Description: fmt.Sprintf("Page size, at most %d.", maxFirst)},
		"after": &graphql.ArgumentConfig{Type: graphql.String, Description: "The endCursor of the previous page."},
	}
	for k, v := range extra {
		args[k] = v
	}
	return args
}

// page reads first and after; after is returned decoded to its key.
func page(p graphql.ResolveParams, kind string) (first int, after string, err error) {
	first, _ = p.Args["first"].(int)
	if first < 0 || first > maxFirst {
		return 0, "", badInput(fmt.Sprintf("first must be between 0 and %d", maxFirst))
	}
	if c, ok := p.Args["after"].(string); ok {
		if after, err = decodeCursor(kind, c); err != nil {
			return 0, "", err
		}
	}
	return first, after, nil
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
// shortcut for edges { node }) and its page info.
func connection[T any](items []T, more bool, kind string, key func(T) string) map[string]any {
	edges := make([]map[string]any, len(items))
	var end any
	for i, it := range items {
		c := encodeCursor(kind, key(it))
		edges[i] = map[string]any{"cursor": c, "node": it}
		end = c
	}
	return map[string]any{
		"edges":    edges,
		"nodes":    items,
		"pageInfo": map[string]any{"hasNextPage": more, "endCursor": end},
	}
}

// pageOf pages a list already sorted by key: the first items whose keys
// sort after after.
func pageOf[T any](items []T, first int, after string, kind string, key func(T) string) map[string]any {
	start := 0
	if after != "" {
		for start < len(items) && key(items[start]) <= after {
			start++
		}
	}
	items = items[start:]
	more := len(items) > first
	if more {
		items = items[:first]
	}
	return connection(items, more, kind, key)
}

// connectionType returns the NameConnection and NameEdge types of a node
// type.
func connectionType(name, desc string, node graphql.Output, pageInfo *graphql.Object) *graphql.Object {
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
		},
	})
}
