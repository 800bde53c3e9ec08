package schema

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/graphql-go/graphql"

	"github.com/claimgraph/claimgraph/graph"
)

// Paging bounds of list fields.
const (
	defaultFirst = 20
	maxFirst     = 100
)

// resolver holds what the resolvers of one built schema share.
type resolver struct {
	store graph.Store
	log   *slog.Logger
	ont   graph.Ontology
}

// Build generates the GraphQL schema for ont, resolved against st.
func Build(ont graph.Ontology, st graph.Store, log *slog.Logger) (graphql.Schema, error) {
	r := &resolver{store: st, log: log, ont: ont}
	s, err := r.build()
	if err != nil {
		return s, err
	}
	warmEnums(s)
	return s, nil
}

func (r *resolver) build() (graphql.Schema, error) {
	for _, t := range r.ont.EntityTypes {
		if slices.Contains(graph.ReservedTypeNames, t.Name) || strings.HasPrefix(t.Name, "__") {
			return graphql.Schema{}, fmt.Errorf("entity type %q clashes with a type of the GraphQL schema", t.Name)
		}
	}

	status := enum("Status", "How well a statement is supported by its claims.", map[string]string{
		string(graph.Reported): "A source states it as fact, and nobody denies it.",
		string(graph.Alleged):  "Only parties assert it, and nobody denies it.",
		string(graph.Disputed): "It is both asserted and denied.",
		string(graph.Denied):   "There are only denials.",
	})
	stance := enum("Stance", "Whether a claim asserts or denies its statement.", map[string]string{
		string(graph.Asserts): "The claimant says the statement is true.",
		string(graph.Denies):  "The claimant says the statement is false.",
	})
	direction := enum("Direction", "Which way relations are followed from an entity.", map[string]string{
		string(graph.Out):  "The entity is the subject.",
		string(graph.In):   "The entity is the object.",
		string(graph.Both): "Either end.",
	})

	node := graphql.NewInterface(graphql.InterfaceConfig{
		Name:        "Node",
		Description: "An object with a global id.",
		Fields:      graphql.Fields{"id": &graphql.Field{Type: graphql.NewNonNull(graphql.ID)}},
	})
	alias := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Alias",
		Description: "Another name of an entity, with who uses it where known.",
		Fields: graphql.Fields{
			"name": &graphql.Field{Type: graphql.NewNonNull(graphql.String)},
		},
	})
	attribute := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Attribute",
		Description: "A key and value the relation type declares (count, role, …).",
		Fields: graphql.Fields{
			"key":   &graphql.Field{Type: graphql.NewNonNull(graphql.String)},
			"value": &graphql.Field{Type: graphql.NewNonNull(graphql.String)},
		},
	})
	source := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Source",
		Description: "A document claims are read from. Only what it tells is recorded.",
		Interfaces:  []*graphql.Interface{node},
		Fields: graphql.Fields{
			"id":          &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) { return sourceID(p.Source.(graph.Source).ID), nil }},
			"title":       &graphql.Field{Type: graphql.NewNonNull(graphql.String)},
			"publisher":   &graphql.Field{Type: graphql.String, Resolve: optional(func(s graph.Source) string { return s.Publisher })},
			"url":         &graphql.Field{Type: graphql.String, Resolve: optional(func(s graph.Source) string { return s.URL })},
			"published":   &graphql.Field{Type: graphql.String, Description: "YYYY, YYYY-MM or YYYY-MM-DD, as precise as known.", Resolve: optional(func(s graph.Source) string { return string(s.Published) })},
			"reliability": &graphql.Field{Type: graphql.String, Description: "A (completely reliable) to F (cannot be judged), when graded.", Resolve: optional(func(s graph.Source) string { return s.Reliability })},
		},
		IsTypeOf: func(p graphql.IsTypeOfParams) bool { _, ok := p.Value.(graph.Source); return ok },
	})

	entity := graphql.NewInterface(graphql.InterfaceConfig{
		Name:        "Entity",
		Description: "A thing the news speaks of: a country, an armed group, a platform, an official, …",
		Fields:      graphql.Fields{},
	})
	relation := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Relation",
		Description: "A statement relating two entities, with the claims that assert or deny it.",
		Interfaces:  []*graphql.Interface{node},
		Fields:      graphql.Fields{},
		IsTypeOf:    func(p graphql.IsTypeOfParams) bool { _, ok := p.Value.(graph.Statement); return ok },
	})
	claim := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Claim",
		Description: "One party's word on a statement, as one source reports it.",
		Interfaces:  []*graphql.Interface{node},
		IsTypeOf:    func(p graphql.IsTypeOfParams) bool { _, ok := p.Value.(claimValue); return ok },
		Fields: graphql.Fields{
			"id":     &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) { return claimNodeID(p.Source.(claimValue)), nil }},
			"stance": &graphql.Field{Type: graphql.NewNonNull(stance), Resolve: func(p graphql.ResolveParams) (any, error) { return string(p.Source.(claimValue).Stance), nil }},
			"claimant": &graphql.Field{Type: entity, Description: "Who makes the claim; null when the source itself states it.",
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					c := p.Source.(claimValue)
					if c.Claimant == "" {
						return nil, nil
					}
					return r.entity(ctx, c.Claimant)
				})},
			"source": &graphql.Field{Type: graphql.NewNonNull(source),
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					return r.source(ctx, p.Source.(claimValue).Source)
				})},
			"quote":       &graphql.Field{Type: graphql.String, Description: "The source's verbatim words.", Resolve: optional(func(c claimValue) string { return c.Quote })},
			"said":        &graphql.Field{Type: graphql.String, Description: "When the claim was made, when known.", Resolve: optional(func(c claimValue) string { return string(c.Said) })},
			"credibility": &graphql.Field{Type: graphql.String, Description: "1 (confirmed) to 6 (cannot be judged), when graded.", Resolve: optional(func(c claimValue) string { return c.Credibility })},
		},
	})
	relation.AddFieldConfig("id", &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) { return relationID(p.Source.(graph.Statement).ID), nil }})
	relation.AddFieldConfig("type", &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The relation type's name in the ontology (allied-with)."})
	relation.AddFieldConfig("label", &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "How the relation reads from subject to object.",
		Resolve: func(p graphql.ResolveParams) (any, error) { return r.label(p.Source.(graph.Statement).Type), nil }})
	relation.AddFieldConfig("from", &graphql.Field{Type: graphql.NewNonNull(entity), Description: "The subject.",
		Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			return r.entity(ctx, p.Source.(graph.Statement).Subject)
		})})
	relation.AddFieldConfig("to", &graphql.Field{Type: graphql.NewNonNull(entity), Description: "The object.",
		Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			return r.entity(ctx, p.Source.(graph.Statement).Object)
		})})
	relation.AddFieldConfig("status", &graphql.Field{Type: graphql.NewNonNull(status), Description: "Derived from the claims.",
		Resolve: func(p graphql.ResolveParams) (any, error) { return string(p.Source.(graph.Statement).Status()), nil }})
	relation.AddFieldConfig("claims", &graphql.Field{Type: nonNullList(claim),
		Args: graphql.FieldConfigArgument{"stance": &graphql.ArgumentConfig{Type: stance, Description: "Only claims with this stance."}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			st := p.Source.(graph.Statement)
			want, filter := p.Args["stance"].(string)
			out := make([]claimValue, 0, len(st.Claims))
			for _, c := range st.Claims {
				if !filter || string(c.Stance) == want {
					out = append(out, claimValue{Claim: c, statement: st.ID})
				}
			}
			return out, nil
		}})
	relation.AddFieldConfig("attributes", &graphql.Field{Type: nonNullList(attribute),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			attrs := p.Source.(graph.Statement).Attributes
			out := make([]map[string]any, 0, len(attrs))
			for _, k := range slices.Sorted(maps.Keys(attrs)) {
				out = append(out, map[string]any{"key": k, "value": attrs[k]})
			}
			return out, nil
		}})
	relation.AddFieldConfig("validFrom", &graphql.Field{Type: graphql.String, Description: "Since when the statement holds, when known.",
		Resolve: optional(func(s graph.Statement) string { return string(s.ValidFrom) })})
	relation.AddFieldConfig("validUntil", &graphql.Field{Type: graphql.String, Description: "Until when the statement held, when known.",
		Resolve: optional(func(s graph.Statement) string { return string(s.ValidUntil) })})

	entityFields := func() graphql.Fields {
		return graphql.Fields{
			"id":          &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Description: "The entity's stable slug."},
			"type":        &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The entity type's name in the ontology."},
			"name":        &graphql.Field{Type: graphql.NewNonNull(graphql.String)},
			"description": &graphql.Field{Type: graphql.String, Resolve: optional(func(e graph.Entity) string { return e.Description })},
			"aliases": &graphql.Field{Type: nonNullList(graphql.String),
				Resolve: func(p graphql.ResolveParams) (any, error) {
					var names []string
					for _, a := range p.Source.(graph.Entity).Aliases {
						names = append(names, a.Name)
					}
					return names, nil
				}},
			"relations": &graphql.Field{Type: nonNullList(relation),
				Description: "The statements with this entity at one end, with their claims.",
				Args: graphql.FieldConfigArgument{
					"types":     &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(graphql.String)), Description: "Only these relation types."},
					"direction": &graphql.ArgumentConfig{Type: direction, DefaultValue: string(graph.Both)},
					"status":    &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(status)), Description: "Only statements with these statuses."},
				},
				Resolve: r.resolve(r.relations),
			},
		}
	}
	aliasUsedBy := &graphql.Field{Type: entity, Description: "Who uses this name, when known.",
		Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			a := p.Source.(graph.Alias)
			if a.UsedBy == "" {
				return nil, nil
			}
			return r.entity(ctx, a.UsedBy)
		})}
	alias.AddFieldConfig("usedBy", aliasUsedBy)
	for name, f := range entityFields() {
		entity.AddFieldConfig(name, f)
	}

	objects := map[string]*graphql.Object{}
	var types []graphql.Type
	for _, t := range r.ont.EntityTypes {
		fields := entityFields()
		fields["aliasDetails"] = &graphql.Field{Type: nonNullList(alias), Description: "The aliases with who uses them.",
			Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(graph.Entity).Aliases, nil }}
		obj := graphql.NewObject(graphql.ObjectConfig{
			Name:        t.Name,
			Description: t.Description,
			Interfaces:  []*graphql.Interface{node, entity},
			Fields:      fields,
		})
		objects[t.Name] = obj
		types = append(types, obj)
	}
	resolveEntityType := func(p graphql.ResolveTypeParams) *graphql.Object {
		if e, ok := p.Value.(graph.Entity); ok {
			return objects[e.Type]
		}
		return nil
	}
	entity.ResolveType = resolveEntityType
	node.ResolveType = func(p graphql.ResolveTypeParams) *graphql.Object {
		switch p.Value.(type) {
		case graph.Entity:
			return resolveEntityType(p)
		case graph.Statement:
			return relation
		case claimValue:
			return claim
		case graph.Source:
			return source
		}
		return nil
	}

	pageInfo := graphql.NewObject(graphql.ObjectConfig{
		Name: "PageInfo",
		Fields: graphql.Fields{
			"hasNextPage": &graphql.Field{Type: graphql.NewNonNull(graphql.Boolean)},
			"endCursor":   &graphql.Field{Type: graphql.String},
		},
	})
	entityEdge := graphql.NewObject(graphql.ObjectConfig{
		Name: "EntityEdge",
		Fields: graphql.Fields{
			"cursor": &graphql.Field{Type: graphql.NewNonNull(graphql.String)},
			"node":   &graphql.Field{Type: graphql.NewNonNull(entity)},
		},
	})
	entityConnection := graphql.NewObject(graphql.ObjectConfig{
		Name:        "EntityConnection",
		Description: "A page of entities, ordered by id.",
		Fields: graphql.Fields{
			"edges":    &graphql.Field{Type: nonNullList(entityEdge)},
			"nodes":    &graphql.Field{Type: nonNullList(entity)},
			"pageInfo": &graphql.Field{Type: graphql.NewNonNull(pageInfo)},
		},
	})

	query := graphql.NewObject(graphql.ObjectConfig{
		Name: "Query",
		Fields: graphql.Fields{
			"node": &graphql.Field{Type: node, Description: "Any object by its global id.",
				Args:    graphql.FieldConfigArgument{"id": &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.ID)}},
				Resolve: r.resolve(r.node)},
			"entity": &graphql.Field{Type: entity, Description: "An entity by its id; null when there is none.",
				Args: graphql.FieldConfigArgument{"id": &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.ID)}},
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					return nullIfNotFound(r.entity(ctx, p.Args["id"].(string)))
				})},
			"entities": &graphql.Field{Type: graphql.NewNonNull(entityConnection), Description: "Entities ordered by id, a page at a time.",
				Args: graphql.FieldConfigArgument{
					"type":   &graphql.ArgumentConfig{Type: graphql.String, Description: "Only entities of this type."},
					"search": &graphql.ArgumentConfig{Type: graphql.String, Description: "Only entities whose name or an alias contains this, ignoring case."},
					"first":  &graphql.ArgumentConfig{Type: graphql.Int, DefaultValue: defaultFirst, Description: fmt.Sprintf("Page size, at most %d.", maxFirst)},
					"after":  &graphql.ArgumentConfig{Type: graphql.String, Description: "The endCursor of the previous page."},
				},
				Resolve: r.resolve(r.entities)},
			"source": &graphql.Field{Type: source, Description: "A source by its id; null when there is none.",
				Args: graphql.FieldConfigArgument{"id": &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.ID)}},
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					return nullIfNotFound(r.source(ctx, strings.TrimPrefix(p.Args["id"].(string), sourcePrefix)))
				})},
			"relation": &graphql.Field{Type: relation, Description: "A relation by its id; null when there is none.",
				Args: graphql.FieldConfigArgument{"id": &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.ID)}},
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					return nullIfNotFound(r.store.Statement(ctx, strings.TrimPrefix(p.Args["id"].(string), relationPrefix)))
				})},
			"entityTypes": &graphql.Field{Type: nonNullList(graphql.String), Description: "The entity types of the ontology.",
				Resolve: func(graphql.ResolveParams) (any, error) {
					var names []string
					for _, t := range r.ont.EntityTypes {
						names = append(names, t.Name)
					}
					return names, nil
				}},
			"relationTypes": &graphql.Field{Type: nonNullList(graphql.String), Description: "The relation types of the ontology.",
				Resolve: func(graphql.ResolveParams) (any, error) {
					var names []string
					for _, t := range r.ont.RelationTypes {
						names = append(names, t.Name)
					}
					return names, nil
				}},
		},
	})
	for name, f := range r.pathFields(entity, relation, status, direction) {
		query.AddFieldConfig(name, f)
	}
	return graphql.NewSchema(graphql.SchemaConfig{Query: query, Types: append(types, relation, claim, source)})
}

// resolve wraps a resolver so that its errors reach the client mapped by
// toClient and its context is the request's.
func (r *resolver) resolve(fn func(ctx context.Context, p graphql.ResolveParams) (any, error)) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		ctx := p.Context
		if err := ctx.Err(); err != nil {
			return nil, toClient(ctx, r.log, err)
		}
		v, err := fn(ctx, p)
		if err != nil {
			return nil, toClient(ctx, r.log, err)
		}
		return v, nil
	}
}

func (r *resolver) label(relType string) string {
	if rt, ok := r.ont.RelationType(relType); ok && rt.Label != "" {
		return rt.Label
	}
	return strings.ReplaceAll(relType, "-", " ")
}

func (r *resolver) relations(ctx context.Context, p graphql.ResolveParams) (any, error) {
	e := p.Source.(graph.Entity)
	q := graph.RelationQuery{Direction: graph.Direction(p.Args["direction"].(string))}
	for _, t := range asList(p.Args["types"]) {
		q.Types = append(q.Types, t)
	}
	for _, s := range asList(p.Args["status"]) {
		q.Status = append(q.Status, graph.Status(s))
	}
	for _, t := range q.Types {
		if _, ok := r.ont.RelationType(t); !ok {
			return nil, badInput(fmt.Sprintf("unknown relation type %q", t))
		}
	}
	return r.store.Relations(ctx, e.ID, q)
}

func (r *resolver) entities(ctx context.Context, p graphql.ResolveParams) (any, error) {
	first, _ := p.Args["first"].(int)
	if first < 0 || first > maxFirst {
		return nil, badInput(fmt.Sprintf("first must be between 0 and %d", maxFirst))
	}
	q := graph.EntityQuery{Limit: first + 1}
	if t, ok := p.Args["type"].(string); ok {
		if _, known := r.ont.EntityType(t); !known {
			return nil, badInput(fmt.Sprintf("unknown entity type %q", t))
		}
		q.Type = t
	}
	q.Search, _ = p.Args["search"].(string)
	if after, ok := p.Args["after"].(string); ok {
		id, err := decodeCursor(after)
		if err != nil {
			return nil, err
		}
		q.After = id
	}
	list, err := r.store.Entities(ctx, q)
	if err != nil {
		return nil, err
	}
	more := len(list) > first
	if more {
		list = list[:first]
	}
	edges := make([]map[string]any, len(list))
	var end any
	for i, e := range list {
		c := encodeCursor(e.ID)
		edges[i] = map[string]any{"cursor": c, "node": e}
		end = c
	}
	return map[string]any{
		"edges":    edges,
		"nodes":    list,
		"pageInfo": map[string]any{"hasNextPage": more, "endCursor": end},
	}, nil
}

func (r *resolver) node(ctx context.Context, p graphql.ResolveParams) (any, error) {
	id := p.Args["id"].(string)
	switch {
	case strings.HasPrefix(id, relationPrefix):
		return nullIfNotFound(r.store.Statement(ctx, strings.TrimPrefix(id, relationPrefix)))
	case strings.HasPrefix(id, sourcePrefix):
		return nullIfNotFound(r.source(ctx, strings.TrimPrefix(id, sourcePrefix)))
	case strings.HasPrefix(id, claimPrefix):
		return nullIfNotFound(r.claim(ctx, strings.TrimPrefix(id, claimPrefix)))
	}
	return nullIfNotFound(r.entity(ctx, id))
}

// claim finds a claim by its global id, which names its statement too
// (see claimNodeID).
func (r *resolver) claim(ctx context.Context, id string) (any, error) {
	stID, cID, ok := strings.Cut(id, "#")
	if !ok {
		return nil, graph.Errorf(graph.NotFound, "no claim %q", id)
	}
	st, err := r.store.Statement(ctx, stID)
	if err != nil {
		return nil, err
	}
	for _, c := range st.Claims {
		if c.ID == cID {
			return claimValue{Claim: c, statement: stID}, nil
		}
	}
	return nil, graph.Errorf(graph.NotFound, "no claim %q", id)
}

// entity reads an entity through the request's cache.
func (r *resolver) entity(ctx context.Context, id string) (graph.Entity, error) {
	c := cacheFrom(ctx)
	if c == nil {
		return r.store.Entity(ctx, id)
	}
	return c.entity(ctx, r.store, id)
}

// source reads a source through the request's cache.
func (r *resolver) source(ctx context.Context, id string) (graph.Source, error) {
	c := cacheFrom(ctx)
	if c == nil {
		return r.store.Source(ctx, id)
	}
	return c.source(ctx, r.store, id)
}

// Global id prefixes of the node types other than entities.
const (
	relationPrefix = "relation:"
	claimPrefix    = "claim:"
	sourcePrefix   = "source:"
)

func relationID(id string) string { return relationPrefix + id }
func sourceID(id string) string   { return sourcePrefix + id }

// claimNodeID is the global id of a claim: "claim:STATEMENT#CLAIM". Item
// ids cannot hold "#", so the two parts split unambiguously.
func claimNodeID(c claimValue) string { return claimPrefix + c.statement + "#" + c.ID }

// claimValue is a claim as the schema resolves it: with its statement.
type claimValue struct {
	graph.Claim
	statement string
}

func encodeCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("entity:" + id))
}

func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	id, ok := strings.CutPrefix(string(b), "entity:")
	if err != nil || !ok {
		return "", badInput(fmt.Sprintf("invalid cursor %q", c))
	}
	return id, nil
}

// nullIfNotFound turns a NotFound error into a null result.
func nullIfNotFound[T any](v T, err error) (any, error) {
	if graph.ErrorCode(err) == graph.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// optional resolves a string field of T that is null when empty.
func optional[T any](get func(T) string) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		if s := get(p.Source.(T)); s != "" {
			return s, nil
		}
		return nil, nil
	}
}

func enum(name, desc string, values map[string]string) *graphql.Enum {
	cfg := graphql.EnumValueConfigMap{}
	for v, d := range values {
		cfg[v] = &graphql.EnumValueConfig{Value: v, Description: d}
	}
	return graphql.NewEnum(graphql.EnumConfig{Name: name, Description: desc, Values: cfg})
}

func nonNullList(t graphql.Type) graphql.Output {
	return graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(t)))
}

func asList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// requestCache memoises entity and source reads for one request, so that a
// list of relations does not read the same entity once per hop.
type requestCache struct {
	mu       sync.Mutex
	entities map[string]graph.Entity
	sources  map[string]graph.Source
}

type cacheKey struct{}

func withCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, cacheKey{}, &requestCache{entities: map[string]graph.Entity{}, sources: map[string]graph.Source{}})
}

func cacheFrom(ctx context.Context) *requestCache {
	c, _ := ctx.Value(cacheKey{}).(*requestCache)
	return c
}

func (c *requestCache) entity(ctx context.Context, st graph.Store, id string) (graph.Entity, error) {
	c.mu.Lock()
	e, ok := c.entities[id]
	c.mu.Unlock()
	if ok {
		return e, nil
	}
	e, err := st.Entity(ctx, id)
	if err != nil {
		return e, err
	}
	c.mu.Lock()
	c.entities[id] = e
	c.mu.Unlock()
	return e, nil
}

func (c *requestCache) source(ctx context.Context, st graph.Store, id string) (graph.Source, error) {
	c.mu.Lock()
	s, ok := c.sources[id]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	s, err := st.Source(ctx, id)
	if err != nil {
		return s, err
	}
	c.mu.Lock()
	c.sources[id] = s
	c.mu.Unlock()
	return s, nil
}
