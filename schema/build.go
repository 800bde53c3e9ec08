package schema

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/claimgraph/claimgraph/graph"
)

// resolver holds what the resolvers of one built schema share.
type resolver struct {
	store    graph.Store
	log      *slog.Logger
	ont      graph.Ontology
	importer Importer
	// candidates keeps duplicateCandidates' pairs; it outlives a rebuild
	// of the schema (the Handler's).
	candidates *candidateCache
}

// Build generates the GraphQL schema for ont, resolved against st.
func Build(ont graph.Ontology, st graph.Store, log *slog.Logger) (graphql.Schema, error) {
	return build(ont, st, log, nil, newCandidateCache())
}

// build is Build with the importer of the importFacts mutation and the
// cache of candidate pairs.
func build(ont graph.Ontology, st graph.Store, log *slog.Logger, imp Importer, cands *candidateCache) (graphql.Schema, error) {
	r := &resolver{store: st, log: log, ont: ont, importer: imp, candidates: cands}
	s, err := r.build()
	if err != nil {
		return s, err
	}
	orderSchema(s)
	warmEnums(s)
	return s, nil
}

// types are the fixed types of the schema, shared by the builders.
type types struct {
	status, stance, direction  *graphql.Enum
	node, entity               *graphql.Interface
	relation, claim, source    *graphql.Object
	alias, attribute, pageInfo *graphql.Object
	retraction                 *graphql.Object
	mergedEntity               *graphql.Object // what Entity.mergedFrom lists
	entityConn, relationConn   *graphql.Object
	claimConn, sourceConn      *graphql.Object
	objects                    map[string]*graphql.Object // entity types
	typeName                   graphql.Input              // EntityTypeName
}

func (r *resolver) build() (graphql.Schema, error) {
	for _, t := range r.ont.EntityTypes {
		if slices.Contains(graph.ReservedTypeNames, t.Name) || strings.HasPrefix(t.Name, "__") {
			return graphql.Schema{}, fmt.Errorf("entity type %q clashes with a type of the GraphQL schema", t.Name)
		}
	}
	var ts types
	ts.typeName = r.entityTypeNameType()
	ts.status = enum("Status", "How well a statement is supported by its claims.",
		enumValue{string(graph.Reported), "A source states it as fact, and nobody denies it."},
		enumValue{string(graph.Alleged), "Only parties assert it, and nobody denies it."},
		enumValue{string(graph.Disputed), "It is both asserted and denied."},
		enumValue{string(graph.Denied), "There are only denials."})
	ts.stance = enum("Stance", "Whether a claim asserts or denies its statement.",
		enumValue{string(graph.Asserts), "The claimant says the statement is true."},
		enumValue{string(graph.Denies), "The claimant says the statement is false."})
	ts.direction = enum("Direction", "Which way relations are followed from an entity.",
		enumValue{string(graph.Out), "The entity is the subject."},
		enumValue{string(graph.In), "The entity is the object."},
		enumValue{string(graph.Both), "Either end."})
	ts.node = graphql.NewInterface(graphql.InterfaceConfig{
		Name:        "Node",
		Description: "An object with a global id.",
		Fields:      graphql.Fields{"id": &graphql.Field{Type: graphql.NewNonNull(graphql.ID)}},
	})
	ts.pageInfo = graphql.NewObject(graphql.ObjectConfig{
		Name:        "PageInfo",
		Description: "Where a page of a connection lies in the whole list (Relay cursor connections).",
		Fields: graphql.Fields{
			"hasPreviousPage": &graphql.Field{Type: graphql.NewNonNull(graphql.Boolean),
				Description: "With last: whether items precede the page within the cursors. Otherwise, with after: whether items precede after."},
			"hasNextPage": &graphql.Field{Type: graphql.NewNonNull(graphql.Boolean),
				Description: "With first: whether items follow the page within the cursors. Otherwise, with before: whether items follow before."},
			"startCursor": &graphql.Field{Type: graphql.String, Description: "The cursor of the page's first item; null when the page is empty."},
			"endCursor":   &graphql.Field{Type: graphql.String, Description: "The cursor of the page's last item; null when the page is empty."},
		},
	})
	ts.alias = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Alias",
		Description: "Another name of an entity, with who uses it where known.",
		Fields:      graphql.Fields{"name": &graphql.Field{Type: graphql.NewNonNull(graphql.String)}},
	})
	ts.attribute = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Attribute",
		Description: "A key and value the relation type declares (count, role, …).",
		Fields: graphql.Fields{
			"key":   &graphql.Field{Type: graphql.NewNonNull(graphql.String)},
			"value": &graphql.Field{Type: graphql.NewNonNull(graphql.String)},
		},
	})
	ts.retraction = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Retraction",
		Description: "What a retraction removed.",
		Fields: graphql.Fields{
			"removed": &graphql.Field{Type: graphql.NewNonNull(graphql.Int),
				Description: "Items removed: the source, claims, and statements left without claims."},
		},
	})
	ts.source = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Source",
		Description: "A document claims are read from. Only what it tells is recorded.",
		Interfaces:  []*graphql.Interface{ts.node},
		Fields: graphql.Fields{
			"id":          &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) { return sourceID(p.Source.(graph.Source).ID), nil }},
			"title":       &graphql.Field{Type: graphql.NewNonNull(graphql.String)},
			"publisher":   &graphql.Field{Type: graphql.String, Resolve: optional(func(s graph.Source) string { return s.Publisher })},
			"url":         &graphql.Field{Type: graphql.String, Resolve: optional(func(s graph.Source) string { return s.URL })},
			"published":   &graphql.Field{Type: graphql.String, Description: "YYYY, YYYY-MM or YYYY-MM-DD, as precise as known.", Resolve: optional(func(s graph.Source) string { return string(s.Published) })},
			"reliability": &graphql.Field{Type: graphql.String, Description: "A (completely reliable) to F (cannot be judged), when graded.", Resolve: optional(func(s graph.Source) string { return s.Reliability })},
			"recordedBy":  recordedBy(func(s graph.Source) graph.Attribution { return s.Recorded }, "wrote the source last"),
			"recordedAt":  recordedAt(func(s graph.Source) graph.Attribution { return s.Recorded }, "the source was written last"),
		},
		IsTypeOf: func(p graphql.IsTypeOfParams) bool { _, ok := p.Value.(graph.Source); return ok },
	})
	ts.entity = graphql.NewInterface(graphql.InterfaceConfig{
		Name:        "Entity",
		Description: "A thing the news speaks of: a country, an armed group, a platform, an official, …",
		Fields:      graphql.Fields{},
	})
	ts.relation = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Relation",
		Description: "A statement relating two entities, with the claims that assert or deny it.",
		Interfaces:  []*graphql.Interface{ts.node},
		Fields:      graphql.Fields{},
		IsTypeOf:    func(p graphql.IsTypeOfParams) bool { _, ok := p.Value.(graph.Statement); return ok },
	})
	ts.claim = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Claim",
		Description: "One party's word on a statement, as one source reports it.",
		Interfaces:  []*graphql.Interface{ts.node},
		IsTypeOf:    func(p graphql.IsTypeOfParams) bool { _, ok := p.Value.(claimValue); return ok },
		Fields:      graphql.Fields{},
	})
	ts.entityConn = r.connectionType("Entity", "A page of entities, ordered by id.", ts.entity, ts.pageInfo)
	ts.relationConn = r.connectionType("Relation", "A page of relations.", ts.relation, ts.pageInfo)
	ts.claimConn = r.connectionType("Claim", "A page of claims.", ts.claim, ts.pageInfo)
	ts.sourceConn = r.connectionType("Source", "A page of sources, ordered by id.", ts.source, ts.pageInfo)

	r.claimFields(&ts)
	r.relationFields(&ts)
	articleQueries := r.articleFields(&ts)
	timeFields := r.timeFields(&ts)
	ts.source.AddFieldConfig("claims", &graphql.Field{Type: graphql.NewNonNull(ts.claimConn),
		Description: "The claims this source reports, ordered by relation id, then claim id.",
		Args:        pagingArgs(nil),
		Resolve:     r.resolve(r.sourceClaims)})
	ts.alias.AddFieldConfig("usedBy", &graphql.Field{Type: ts.entity, Description: "Who uses this name, when known.",
		Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			return r.entityThunk(ctx, p.Source.(graph.Alias).UsedBy, true), nil
		})})
	ts.mergedEntity = r.mergedEntityType(&ts)
	for name, f := range r.entityFields(&ts) {
		ts.entity.AddFieldConfig(name, f)
	}

	ts.objects = map[string]*graphql.Object{}
	var objects []graphql.Type
	for _, t := range r.ont.EntityTypes {
		fields := r.entityFields(&ts)
		fields["aliasDetails"] = &graphql.Field{Type: nonNullList(ts.alias), Description: "The aliases with who uses them.",
			Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(graph.Entity).Aliases, nil }}
		taken := map[string]bool{}
		for name := range fields {
			taken[name] = true
		}
		typed, clashes := typedFields(r.ont, t.Name, taken)
		for _, name := range clashes {
			r.log.Warn("relation field left out: its name clashes with another field", "type", t.Name, "field", name)
		}
		for _, tf := range typed {
			fields[tf.name] = r.typedRelationField(&ts, tf)
		}
		obj := graphql.NewObject(graphql.ObjectConfig{
			Name:        t.Name,
			Description: t.Description,
			Interfaces:  []*graphql.Interface{ts.node, ts.entity},
			Fields:      fields,
		})
		ts.objects[t.Name] = obj
		objects = append(objects, obj)
	}
	resolveEntityType := func(p graphql.ResolveTypeParams) *graphql.Object {
		if e, ok := p.Value.(graph.Entity); ok {
			return ts.objects[e.Type]
		}
		return nil
	}
	ts.entity.ResolveType = resolveEntityType
	ts.node.ResolveType = func(p graphql.ResolveTypeParams) *graphql.Object {
		switch p.Value.(type) {
		case graph.Entity:
			return resolveEntityType(p)
		case graph.Statement:
			return ts.relation
		case claimValue:
			return ts.claim
		case graph.Source:
			return ts.source
		}
		return nil
	}

	query := r.queryType(&ts)
	for name, f := range r.pathFields(ts.entity, ts.relation, ts.status, ts.direction, ts.typeName) {
		query.AddFieldConfig(name, f)
	}
	for name, f := range r.ontologyFields(ts.typeName) {
		query.AddFieldConfig(name, f)
	}
	for name, f := range articleQueries {
		query.AddFieldConfig(name, f)
	}
	for name, f := range timeFields {
		query.AddFieldConfig(name, f)
	}
	for name, f := range r.feedQueryFields(&ts) {
		query.AddFieldConfig(name, f)
	}
	mutation := r.mutationType(&ts)
	xq, xm := r.xrefFields(&ts)
	for name, f := range xq {
		query.AddFieldConfig(name, f)
	}
	for name, f := range xm {
		mutation.AddFieldConfig(name, f)
	}
	return graphql.NewSchema(graphql.SchemaConfig{
		Query:        query,
		Mutation:     mutation,
		Subscription: r.subscriptionType(&ts),
		Types:        append(objects, ts.relation, ts.claim, ts.source),
	})
}

func (r *resolver) claimFields(ts *types) {
	fields := graphql.Fields{
		"id":     &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) { return claimNodeID(p.Source.(claimValue)), nil }},
		"stance": &graphql.Field{Type: graphql.NewNonNull(ts.stance), Resolve: func(p graphql.ResolveParams) (any, error) { return string(p.Source.(claimValue).Stance), nil }},
		"claimant": &graphql.Field{Type: ts.entity, Description: "Who makes the claim; null when the source itself states it.",
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				return r.entityThunk(ctx, p.Source.(claimValue).Claimant, true), nil
			})},
		"source": &graphql.Field{Type: graphql.NewNonNull(ts.source),
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				return loaderFrom(ctx, r.store).source(ctx, p.Source.(claimValue).Source)
			})},
		"relation": &graphql.Field{Type: graphql.NewNonNull(ts.relation), Description: "The statement the claim is about.",
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				return loaderFrom(ctx, r.store).statement(ctx, p.Source.(claimValue).statement)
			})},
		"quote":       &graphql.Field{Type: graphql.String, Description: "The source's verbatim words.", Resolve: optional(func(c claimValue) string { return c.Quote })},
		"said":        &graphql.Field{Type: graphql.String, Description: "When the claim was made, when known.", Resolve: optional(func(c claimValue) string { return string(c.Said) })},
		"credibility": &graphql.Field{Type: graphql.String, Description: "1 (confirmed) to 6 (cannot be judged), when graded.", Resolve: optional(func(c claimValue) string { return c.Credibility })},
		"recordedBy":  recordedBy(func(c claimValue) graph.Attribution { return c.Recorded }, "recorded the claim in the graph (the analyst, not the claimant)"),
		"recordedAt":  recordedAt(func(c claimValue) graph.Attribution { return c.Recorded }, "the claim was recorded"),
	}
	for name, f := range fields {
		ts.claim.AddFieldConfig(name, f)
	}
}

func (r *resolver) relationFields(ts *types) {
	claimsOf := func(p graphql.ResolveParams) []claimValue {
		st := p.Source.(graph.Statement)
		want, filter := p.Args["stance"].(string)
		out := make([]claimValue, 0, len(st.Claims))
		for _, c := range st.Claims {
			if !filter || string(c.Stance) == want {
				out = append(out, claimValue{Claim: c, statement: st.ID})
			}
		}
		return out
	}
	claimants := func(stance graph.Stance) graphql.FieldResolveFn {
		return r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			var ids []string
			for _, c := range p.Source.(graph.Statement).Claims {
				if c.Stance == stance && c.Claimant != "" && !slices.Contains(ids, c.Claimant) {
					ids = append(ids, c.Claimant)
				}
			}
			return r.entitiesThunk(ctx, ids), nil
		})
	}
	stanceArg := graphql.FieldConfigArgument{"stance": &graphql.ArgumentConfig{Type: ts.stance, Description: "Only claims with this stance."}}
	fields := graphql.Fields{
		"id": &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) { return relationID(p.Source.(graph.Statement).ID), nil }},
		"type": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The relation type's name in the ontology (allied-with).",
			Resolve: get(func(s graph.Statement) any { return s.Type })},
		"label": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "How the relation reads from subject to object.",
			Resolve: func(p graphql.ResolveParams) (any, error) { return r.label(p.Source.(graph.Statement).Type), nil }},
		"from": &graphql.Field{Type: graphql.NewNonNull(ts.entity), Description: "The subject.",
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				return r.entityThunk(ctx, p.Source.(graph.Statement).Subject, false), nil
			})},
		"to": &graphql.Field{Type: graphql.NewNonNull(ts.entity), Description: "The object.",
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				return r.entityThunk(ctx, p.Source.(graph.Statement).Object, false), nil
			})},
		"status": &graphql.Field{Type: graphql.NewNonNull(ts.status), Description: "Derived from the claims.",
			Resolve: func(p graphql.ResolveParams) (any, error) { return string(p.Source.(graph.Statement).Status()), nil }},
		"claims": &graphql.Field{Type: nonNullList(ts.claim), Args: stanceArg,
			Description: "The claims, ordered by claim id.",
			Resolve:     func(p graphql.ResolveParams) (any, error) { return claimsOf(p), nil }},
		"claimsConnection": &graphql.Field{Type: graphql.NewNonNull(ts.claimConn), Args: pagingArgs(stanceArg),
			Description: "The claims a page at a time, ordered by claim id.",
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				a, err := page(p, cursorClaim)
				if err != nil {
					return nil, err
				}
				return pageOf(claimsOf(p), a, cursorClaim, func(c claimValue) string { return c.ID }), nil
			})},
		"assertedBy": &graphql.Field{Type: nonNullList(ts.entity),
			Description: "The claimants asserting the statement, in claim order (a source stating it itself has no claimant).",
			Resolve:     claimants(graph.Asserts)},
		"deniedBy": &graphql.Field{Type: nonNullList(ts.entity),
			Description: "The claimants denying the statement, in claim order.",
			Resolve:     claimants(graph.Denies)},
		"attributes": &graphql.Field{Type: nonNullList(ts.attribute),
			Resolve: func(p graphql.ResolveParams) (any, error) {
				attrs := p.Source.(graph.Statement).Attributes
				out := make([]map[string]any, 0, len(attrs))
				for _, k := range slices.Sorted(maps.Keys(attrs)) {
					out = append(out, map[string]any{"key": k, "value": attrs[k]})
				}
				return out, nil
			}},
		"validFrom": &graphql.Field{Type: graphql.String, Description: "Since when the statement holds, when known.",
			Resolve: optional(func(s graph.Statement) string { return string(s.ValidFrom) })},
		"validUntil": &graphql.Field{Type: graphql.String, Description: "Until when the statement held, when known.",
			Resolve: optional(func(s graph.Statement) string { return string(s.ValidUntil) })},
		"createdBy":  recordedBy(func(s graph.Statement) graph.Attribution { return s.Created }, "added the statement"),
		"createdAt":  recordedAt(func(s graph.Statement) graph.Attribution { return s.Created }, "the statement was added"),
		"recordedBy": recordedBy(func(s graph.Statement) graph.Attribution { return s.Recorded }, "last changed the statement (its ends, attributes or valid time; claims record their own)"),
		"recordedAt": recordedAt(func(s graph.Statement) graph.Attribution { return s.Recorded }, "the statement was last changed"),
	}
	for name, f := range fields {
		ts.relation.AddFieldConfig(name, f)
	}
}

// relationFilterArgs are the filters every relation list takes besides
// its types and direction.
func relationFilterArgs(ts *types) graphql.FieldConfigArgument {
	return graphql.FieldConfigArgument{
		"status":   &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(ts.status)), Description: "Only statements with these statuses."},
		"claimant": &graphql.ArgumentConfig{Type: graphql.ID, Description: "Only statements with a claim by this entity."},
		"source":   &graphql.ArgumentConfig{Type: graphql.ID, Description: "Only statements with a claim from this source."},
		"asOf":     &graphql.ArgumentConfig{Type: graphql.String, Description: "Only statements whose valid time includes this date (YYYY, YYYY-MM or YYYY-MM-DD)."},
		"reportedBy": &graphql.ArgumentConfig{Type: graphql.String, Description: "Each statement as reported by this date: only its claims said (else published) on or before it, " +
			"the status derived from those; statements with none are left out. A claim of no known date never counts."},
	}
}

func (r *resolver) entityFields(ts *types) graphql.Fields {
	listArgs := relationFilterArgs(ts)
	listArgs["types"] = &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(graphql.String)), Description: "Only these relation types."}
	listArgs["direction"] = &graphql.ArgumentConfig{Type: ts.direction, DefaultValue: string(graph.Both)}
	return graphql.Fields{
		"id":          &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Description: "The entity's stable slug.", Resolve: get(func(e graph.Entity) any { return e.ID })},
		"type":        &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The entity type's name in the ontology.", Resolve: get(func(e graph.Entity) any { return e.Type })},
		"name":        &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(e graph.Entity) any { return e.Name })},
		"description": &graphql.Field{Type: graphql.String, Resolve: optional(func(e graph.Entity) string { return e.Description })},
		"createdBy":   recordedBy(func(e graph.Entity) graph.Attribution { return e.Created }, "added the entity"),
		"createdAt":   recordedAt(func(e graph.Entity) graph.Attribution { return e.Created }, "the entity was added"),
		"recordedBy":  recordedBy(func(e graph.Entity) graph.Attribution { return e.Recorded }, "last changed the entity"),
		"recordedAt":  recordedAt(func(e graph.Entity) graph.Attribution { return e.Recorded }, "the entity was last changed"),
		"aliases": &graphql.Field{Type: nonNullList(graphql.String),
			Resolve: func(p graphql.ResolveParams) (any, error) {
				names := []string{}
				for _, a := range p.Source.(graph.Entity).Aliases {
					names = append(names, a.Name)
				}
				return names, nil
			}},
		"relations": &graphql.Field{Type: nonNullList(ts.relation),
			Description: "The statements with this entity at one end, with their claims, ordered by type, subject, object and id.",
			Args:        listArgs,
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				q, err := r.relationQuery(p)
				if err != nil {
					return nil, err
				}
				list := loaderFrom(ctx, r.store).relations(ctx, p.Source.(graph.Entity).ID, q)
				return func() (any, error) {
					rels, err := list()
					if err != nil {
						// As in entityThunk: graphql-go keeps the code of
						// an error a thunk panics with, not of one it returns.
						panic(toClient(ctx, r.log, err))
					}
					return rels, nil
				}, nil
			}),
		},
		"relationsConnection": &graphql.Field{Type: graphql.NewNonNull(ts.relationConn),
			Description: "The relations a page at a time, in the order of relations.",
			Args:        pagingArgs(listArgs),
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				return r.relationPage(ctx, p)
			}),
		},
		"mergedFrom": r.mergedFromField(ts),
	}
}

// typedRelationField is the field of one relation type in one direction.
func (r *resolver) typedRelationField(ts *types, tf typedField) *graphql.Field {
	desc := fmt.Sprintf("Relations %s (%s) with this entity as the subject.", tf.relation.Name, r.label(tf.relation.Name))
	switch tf.direction {
	case graph.In:
		inverse := tf.relation.Inverse
		if inverse == "" {
			inverse = "inverse of " + r.label(tf.relation.Name)
		}
		desc = fmt.Sprintf("Relations %s with this entity as the object (%s).", tf.relation.Name, inverse)
	case graph.Both:
		desc = fmt.Sprintf("Relations %s (%s, symmetric) at either end.", tf.relation.Name, r.label(tf.relation.Name))
	}
	name, dir := tf.relation.Name, tf.direction
	return &graphql.Field{Type: graphql.NewNonNull(ts.relationConn), Description: desc,
		Args: pagingArgs(relationFilterArgs(ts)),
		Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			args := maps.Clone(p.Args)
			args["types"] = []any{name}
			args["direction"] = string(dir)
			p.Args = args
			return r.relationPage(ctx, p)
		})}
}

// relationQuery reads the relation filters of a field.
func (r *resolver) relationQuery(p graphql.ResolveParams) (graph.RelationQuery, error) {
	var q graph.RelationQuery
	if d, ok := p.Args["direction"].(string); ok {
		q.Direction = graph.Direction(d)
	}
	q.Types = asList(p.Args["types"])
	for _, t := range q.Types {
		if _, ok := r.ont.RelationType(t); !ok {
			return q, badInput(fmt.Sprintf("unknown relation type %q", t))
		}
	}
	for _, s := range asList(p.Args["status"]) {
		q.Status = append(q.Status, graph.Status(s))
	}
	q.Claimant, _ = p.Args["claimant"].(string)
	if src, ok := p.Args["source"].(string); ok {
		q.Source = strings.TrimPrefix(src, sourcePrefix)
	}
	if d, ok := p.Args["asOf"].(string); ok {
		date, err := graph.ParseDate(d)
		if err != nil || date == "" {
			return q, badInput(fmt.Sprintf("asOf %q is not a date YYYY, YYYY-MM or YYYY-MM-DD", d))
		}
		q.AsOf = date
	}
	if d, ok := p.Args["reportedBy"].(string); ok {
		date, err := graph.ParseDate(d)
		if err != nil || date == "" {
			return q, badInput(fmt.Sprintf("reportedBy %q is not a date YYYY, YYYY-MM or YYYY-MM-DD", d))
		}
		q.ReportedBy = date
	}
	return q, nil
}

// relationKey is a relation's sort key in Store.Relations order.
func relationKey(st graph.Statement) string {
	return strings.Join([]string{st.Type, st.Subject, st.Object, st.ID}, "\x00")
}

func (r *resolver) relationPage(ctx context.Context, p graphql.ResolveParams) (any, error) {
	a, err := page(p, cursorRelation)
	if err != nil {
		return nil, err
	}
	q, err := r.relationQuery(p)
	if err != nil {
		return nil, err
	}
	list, err := r.store.Relations(ctx, p.Source.(graph.Entity).ID, q)
	if err != nil {
		return nil, err
	}
	return pageOf(list, a, cursorRelation, relationKey), nil
}

func (r *resolver) sourceClaims(ctx context.Context, p graphql.ResolveParams) (any, error) {
	a, err := page(p, cursorClaim)
	if err != nil {
		return nil, err
	}
	list, err := r.store.ClaimsBySource(ctx, p.Source.(graph.Source).ID)
	if err != nil {
		return nil, err
	}
	claims := make([]claimValue, len(list))
	for i, c := range list {
		claims[i] = claimValue{Claim: c.Claim, statement: c.Statement}
	}
	return pageOf(claims, a, cursorClaim, func(c claimValue) string { return c.statement + "\x00" + c.ID }), nil
}

func (r *resolver) queryType(ts *types) *graphql.Object {
	idArg := graphql.FieldConfigArgument{"id": &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.ID)}}
	return graphql.NewObject(graphql.ObjectConfig{
		Name: "Query",
		Fields: graphql.Fields{
			"node": &graphql.Field{Type: ts.node, Description: "Any object by its global id.", Args: idArg, Resolve: r.resolve(r.node)},
			"entity": &graphql.Field{Type: ts.entity, Description: "An entity by its id; null when there is none.", Args: idArg,
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					return r.entityByID(ctx, p.Args["id"].(string))
				})},
			"entities": &graphql.Field{Type: graphql.NewNonNull(ts.entityConn), Description: "Entities ordered by id, a page at a time.",
				Args: pagingArgs(graphql.FieldConfigArgument{
					"type":   &graphql.ArgumentConfig{Type: ts.typeName, Description: "Only entities of this type."},
					"search": &graphql.ArgumentConfig{Type: graphql.String, Description: "Only entities whose name or an alias contains this, ignoring case and diacritics."},
				}),
				Resolve: r.resolve(r.entities)},
			"source": &graphql.Field{Type: ts.source, Description: "A source by its id (source:ID or ID); null when there is none.", Args: idArg,
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					return nullIfNotFound(r.store.Source(ctx, strings.TrimPrefix(p.Args["id"].(string), sourcePrefix)))
				})},
			"sources": &graphql.Field{Type: graphql.NewNonNull(ts.sourceConn), Description: "Sources ordered by id, a page at a time.",
				Args: pagingArgs(nil),
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					a, err := page(p, cursorSource)
					if err != nil {
						return nil, err
					}
					return storePage(a, cursorSource, func(s graph.Source) string { return s.ID }, func(after string, limit int) ([]graph.Source, error) {
						return r.store.Sources(ctx, graph.Page{After: after, Limit: limit})
					})
				})},
			"relation": &graphql.Field{Type: ts.relation, Description: "A relation by its id (relation:ID or ID); null when there is none.", Args: idArg,
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					return nullIfNotFound(r.store.Statement(ctx, strings.TrimPrefix(p.Args["id"].(string), relationPrefix)))
				})},
			"auditLog": r.auditLogField(ts),
			"disputes": &graphql.Field{Type: graphql.NewNonNull(ts.relationConn),
				Description: "Relations that are both asserted and denied, ordered by id; assertedBy and deniedBy tell who is on each side.",
				Args: pagingArgs(graphql.FieldConfigArgument{
					"asOf": &graphql.ArgumentConfig{Type: graphql.String, Description: "Only relations whose valid time includes this date (YYYY, YYYY-MM or YYYY-MM-DD)."},
					"reportedBy": &graphql.ArgumentConfig{Type: graphql.String,
						Description: "Only relations disputed by the claims reported by this date, each with only those claims (see relations)."},
				}),
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					a, err := page(p, cursorDispute)
					if err != nil {
						return nil, err
					}
					asOf, err := dateArg(p.Args, "asOf")
					if err != nil {
						return nil, err
					}
					reportedBy, err := dateArg(p.Args, "reportedBy")
					if err != nil {
						return nil, err
					}
					if asOf != "" || reportedBy != "" {
						list, err := r.disputesAsOf(ctx, asOf, reportedBy)
						if err != nil {
							return nil, err
						}
						return pageOf(list, a, cursorDispute, func(s graph.Statement) string { return s.ID }), nil
					}
					return storePage(a, cursorDispute, func(s graph.Statement) string { return s.ID }, func(after string, limit int) ([]graph.Statement, error) {
						return r.store.Disputes(ctx, graph.Page{After: after, Limit: limit})
					})
				})},
		},
	})
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

// entityThunk registers id with the request's loader and returns a thunk
// that resolves it in a batch (see loader). An empty id, and with nullable
// an unknown one, resolve to null.
//
// graphql-go drops the extensions of an error a thunk returns, so a thunk
// panics with the client error instead: graphql-go recovers it as a field
// error and keeps its code.
func (r *resolver) entityThunk(ctx context.Context, id string, nullable bool) any {
	if id == "" {
		return nil
	}
	l := loaderFrom(ctx, r.store)
	l.want(id)
	return func() (any, error) {
		e, err := l.entityValue(ctx, id)
		if err != nil {
			panic(toClient(ctx, r.log, err))
		}
		if e == nil {
			if nullable {
				return nil, nil
			}
			panic(toClient(ctx, r.log, graph.Errorf(graph.Internal, "entity %q is referenced but not stored", id)))
		}
		return e, nil
	}
}

// entitiesThunk resolves a list of entity ids in a batch, leaving out ids
// with no entity.
func (r *resolver) entitiesThunk(ctx context.Context, ids []string) any {
	l := loaderFrom(ctx, r.store)
	for _, id := range ids {
		l.want(id)
	}
	return func() (any, error) {
		out := make([]graph.Entity, 0, len(ids))
		for _, id := range ids {
			e, ok, err := l.entity(ctx, id)
			if err != nil {
				panic(toClient(ctx, r.log, err))
			}
			if ok {
				out = append(out, e)
			}
		}
		return out, nil
	}
}

func (r *resolver) label(relType string) string {
	if rt, ok := r.ont.RelationType(relType); ok && rt.Label != "" {
		return rt.Label
	}
	return strings.ReplaceAll(relType, "-", " ")
}

func (r *resolver) entities(ctx context.Context, p graphql.ResolveParams) (any, error) {
	a, err := page(p, cursorEntity)
	if err != nil {
		return nil, err
	}
	var q graph.EntityQuery
	if t, ok := p.Args["type"].(string); ok {
		if _, known := r.ont.EntityType(t); !known {
			return nil, badInput(fmt.Sprintf("unknown entity type %q", t))
		}
		q.Type = t
	}
	q.Search, _ = p.Args["search"].(string)
	return storePage(a, cursorEntity, func(e graph.Entity) string { return e.ID }, func(after string, limit int) ([]graph.Entity, error) {
		q := q
		q.After, q.Limit = after, limit
		return r.store.Entities(ctx, q)
	})
}

func (r *resolver) node(ctx context.Context, p graphql.ResolveParams) (any, error) {
	id := p.Args["id"].(string)
	switch {
	case strings.HasPrefix(id, relationPrefix):
		return nullIfNotFound(r.store.Statement(ctx, strings.TrimPrefix(id, relationPrefix)))
	case strings.HasPrefix(id, sourcePrefix):
		return nullIfNotFound(r.store.Source(ctx, strings.TrimPrefix(id, sourcePrefix)))
	case strings.HasPrefix(id, claimPrefix):
		return nullIfNotFound(r.claim(ctx, strings.TrimPrefix(id, claimPrefix)))
	}
	return r.entityByID(ctx, id)
}

// entityByID reads an entity, or null; a merged id answers with the entity
// it was merged into, and the redirect is noted for the response.
func (r *resolver) entityByID(ctx context.Context, id string) (any, error) {
	e, err := r.store.Entity(ctx, id)
	if err == nil && e.ID != id {
		noteRedirect(ctx, id, e.ID)
	}
	return nullIfNotFound(e, err)
}

// claim finds a claim by its global id without the prefix, which names its
// statement too (see claimNodeID).
func (r *resolver) claim(ctx context.Context, id string) (claimValue, error) {
	stID, cID, ok := strings.Cut(id, "#")
	if !ok {
		return claimValue{}, graph.Errorf(graph.NotFound, "no claim %q", id)
	}
	st, err := r.store.Statement(ctx, stID)
	if err != nil {
		return claimValue{}, err
	}
	cID = claimIDIn(stID, cID)
	for _, c := range st.Claims {
		if c.ID == cID {
			return claimValue{Claim: c, statement: stID}, nil
		}
	}
	return claimValue{}, graph.Errorf(graph.NotFound, "no claim %q", id)
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
// ids cannot hold "#", so the two parts split unambiguously. A claim id
// that starts with its statement's id and "~" (graph.DefaultClaimID's, as
// stored) is written without that repetition, "claim:STATEMENT#~REST";
// item ids never start with "~", so claimIDIn reads both forms back.
func claimNodeID(c claimValue) string {
	if rest, ok := strings.CutPrefix(c.ID, c.statement+"~"); ok {
		return claimPrefix + c.statement + "#~" + rest
	}
	return claimPrefix + c.statement + "#" + c.ID
}

// claimIDIn returns the claim id that the part after "#" of a global claim
// id names, in statement stID.
func claimIDIn(stID, cID string) string {
	if strings.HasPrefix(cID, "~") {
		return stID + cID
	}
	return cID
}

// claimValue is a claim as the schema resolves it: with its statement.
type claimValue struct {
	graph.Claim
	statement string
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

// recordedBy is a field of T naming the user who did what; null when
// unknown.
func recordedBy[T any](a func(T) graph.Attribution, what string) *graphql.Field {
	return &graphql.Field{Type: graphql.String, Description: "The name of the user who " + what + "; null when unknown.",
		Resolve: optional(func(v T) string { return a(v).By })}
}

// recordedAt is a field of T telling when, in RFC 3339 (UTC); null when
// unknown.
func recordedAt[T any](a func(T) graph.Attribution, what string) *graphql.Field {
	return &graphql.Field{Type: graphql.String, Description: "When " + what + ", in RFC 3339 (UTC); null when unknown.",
		Resolve: optional(func(v T) string {
			if t := a(v).At; !t.IsZero() {
				return t.UTC().Format(time.RFC3339Nano)
			}
			return ""
		})}
}

// get resolves a field of a T directly, where graphql-go's default
// resolver would find it by reflection on every object.
func get[T any](f func(T) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) { return f(p.Source.(T)), nil }
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

// enumValue is a value of an enum type and its description.
type enumValue struct{ name, desc string }

// enum makes an enum type whose values keep the order given: graphql-go
// keeps them in the order of a Go map, which it gets them in, so they are
// sorted back in place.
func enum(name, desc string, values ...enumValue) *graphql.Enum {
	cfg := graphql.EnumValueConfigMap{}
	for _, v := range values {
		cfg[v.name] = &graphql.EnumValueConfig{Value: v.name, Description: v.desc}
	}
	e := graphql.NewEnum(graphql.EnumConfig{Name: name, Description: desc, Values: cfg})
	index := func(d *graphql.EnumValueDefinition) int {
		return slices.IndexFunc(values, func(v enumValue) bool { return v.name == d.Name })
	}
	slices.SortFunc(e.Values(), func(a, b *graphql.EnumValueDefinition) int { return cmp.Compare(index(a), index(b)) })
	return e
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
