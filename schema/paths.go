package schema

import (
	"context"
	"fmt"
	"strings"

	"github.com/graphql-go/graphql"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/path"
)

// pathFields returns the Query fields of path exploration: paths,
// shortestPath, mostCrediblePaths and neighborhood. entity, relation,
// status, direction and typeName (EntityTypeName) are the schema's own
// types.
func (r *resolver) pathFields(entity graphql.Output, relation *graphql.Object, status, direction *graphql.Enum, typeName graphql.Input) graphql.Fields {
	hopDirection := enum("HopDirection", "Which way a hop walks its statement.",
		enumValue{"FORWARD", "From the statement's subject to its object."},
		enumValue{"BACKWARD", "From the statement's object to its subject."})
	hop := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Hop",
		Description: "One step of a path: a relation walked from one entity to the next.",
		Fields: graphql.Fields{
			"from": &graphql.Field{Type: graphql.NewNonNull(entity), Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				return r.entityThunk(ctx, p.Source.(hopValue).From, false), nil
			})},
			"relation": &graphql.Field{Type: graphql.NewNonNull(relation), Resolve: func(p graphql.ResolveParams) (any, error) {
				return p.Source.(hopValue).Statement, nil
			}},
			"to": &graphql.Field{Type: graphql.NewNonNull(entity), Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				return r.entityThunk(ctx, p.Source.(hopValue).To, false), nil
			})},
			"direction": &graphql.Field{Type: graphql.NewNonNull(hopDirection), Resolve: func(p graphql.ResolveParams) (any, error) {
				if p.Source.(hopValue).Forward {
					return "FORWARD", nil
				}
				return "BACKWARD", nil
			}},
			"cost": &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: fmt.Sprintf("How weakly the evidence supports this hop, in units of %d (a statement one ungraded source reports).", path.CostUnit),
				Resolve: func(p graphql.ResolveParams) (any, error) { return path.HopCost(p.Source.(hopValue).Hop), nil }},
			"explanation": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "One line: the hop and who reports, alleges and denies it.",
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					h := p.Source.(hopValue)
					return r.explain(ctx, h.Hop, h.dated)
				})},
		},
	})
	pathType := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Path",
		Description: "A chain of relations from one entity to another, each hop with its evidence.",
		Fields: graphql.Fields{
			"length": &graphql.Field{Type: graphql.NewNonNull(graphql.Int)},
			"cost":   &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "The sum of the hops' costs: lower is better supported."},
			"hops": &graphql.Field{Type: nonNullList(hop), Resolve: func(p graphql.ResolveParams) (any, error) {
				pth := p.Source.(path.Path)
				out := make([]hopValue, len(pth.Hops))
				for i, h := range pth.Hops {
					out[i] = hopValue{Hop: h, dated: pth.Dated}
				}
				return out, nil
			}},
		},
	})
	subgraphNode := graphql.NewObject(graphql.ObjectConfig{
		Name: "NeighborhoodNode",
		Fields: graphql.Fields{
			"entity": &graphql.Field{Type: graphql.NewNonNull(entity), Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				return r.entityThunk(ctx, p.Source.(path.SubgraphNode).ID, false), nil
			})},
			"depth": &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "Hops from the centre."},
		},
	})
	subgraph := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Neighborhood",
		Description: "The entities around one entity and the relations between them, ready for a graph view.",
		Fields: graphql.Fields{
			"nodes": &graphql.Field{Type: nonNullList(subgraphNode)},
			"hops": &graphql.Field{Type: nonNullList(hop), Resolve: func(p graphql.ResolveParams) (any, error) {
				hops := p.Source.(path.Subgraph).Hops
				out := make([]hopValue, len(hops))
				for i, h := range hops {
					out[i] = hopValue{Hop: h}
				}
				return out, nil
			}},
		},
	})

	filterArgs := func() graphql.FieldConfigArgument {
		return graphql.FieldConfigArgument{
			"types":       &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(graphql.String)), Description: "Walk only these relation types."},
			"status":      &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(status)), Description: "Walk only statements with these statuses."},
			"direction":   &graphql.ArgumentConfig{Type: direction, DefaultValue: string(graph.Both), Description: "OUT follows statements subject → object, IN against, BOTH either way. Symmetric relations are walked either way."},
			"entityTypes": &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(typeName)), Description: "Pass only through entities of these types."},
			"exclude":     &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(graphql.ID)), Description: "Never pass through these entities."},
			"claimant":    &graphql.ArgumentConfig{Type: graphql.ID, Description: "Walk only statements with a claim by this entity."},
			"source":      &graphql.ArgumentConfig{Type: graphql.ID, Description: "Walk only statements with a claim from this source."},
			"asOf":        &graphql.ArgumentConfig{Type: graphql.String, Description: "Walk only statements valid at this date (YYYY, YYYY-MM or YYYY-MM-DD)."},
			"reportedBy": &graphql.ArgumentConfig{Type: graphql.String, Description: "Walk each statement as reported by this date: only its claims said (else published) on or before it count, " +
				"for its status, cost, claimant and source; statements with none are not walked."},
			"maxDegree":   &graphql.ArgumentConfig{Type: graphql.Int, Description: "Do not pass through entities with more relations than this (hubs)."},
			"maxExpanded": &graphql.ArgumentConfig{Type: graphql.Int, Description: fmt.Sprintf("Work budget: entities the search may expand (default %d, at most %d).", path.DefaultMaxExpanded, path.MaxMaxExpanded)},
		}
	}
	timeFlow := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "TimeFlow",
		Description: "Only paths whose hops follow each other in time: each hop's relation starts (validFrom) no earlier than the previous dated hop's, " +
			"and within maxGap of it. Partial dates are spans, and a hop follows when its dates allow it. Each hop's explanation gives its valid time.",
		Fields: graphql.InputObjectConfigFieldMap{
			"maxGap": &graphql.InputObjectFieldConfig{Type: graphql.String,
				Description: "The longest time between the starts of two dated hops in a row, as an ISO 8601 duration of years, months, weeks and days (P1Y, P6M, P2W); no bound when left out."},
			"allowUndated": &graphql.InputObjectFieldConfig{Type: graphql.Boolean, DefaultValue: false,
				Description: "Walk hops whose relation has no known start too; the next dated hop is then compared with the last dated one."},
		},
	})
	pathArgs := func(withK bool) graphql.FieldConfigArgument {
		args := filterArgs()
		args["timeFlow"] = &graphql.ArgumentConfig{Type: timeFlow}
		args["from"] = &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.ID)}
		args["to"] = &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.ID)}
		args["maxDepth"] = &graphql.ArgumentConfig{Type: graphql.Int, Description: fmt.Sprintf("Longest path, in hops (default %d, at most %d).", path.DefaultMaxDepth, path.MaxMaxDepth)}
		if withK {
			args["k"] = &graphql.ArgumentConfig{Type: graphql.Int, Description: fmt.Sprintf("How many paths (default %d, at most %d).", path.DefaultK, path.MaxK)}
		}
		return args
	}
	pathMode := enum("PathMode", "How paths is to search.",
		enumValue{"SHORTEST", "The k shortest loopless paths, fewest hops first, then the cheapest (lowest cost)."},
		enumValue{"CREDIBLE", "The k best-supported paths, lowest evidence cost first."},
		enumValue{"ALL", "Every simple path up to maxDepth, fewest hops first, then the cheapest (an error when there are more than limit)."})
	allArgs := pathArgs(true)
	allArgs["mode"] = &graphql.ArgumentConfig{Type: pathMode, DefaultValue: "SHORTEST"}
	allArgs["limit"] = &graphql.ArgumentConfig{Type: graphql.Int, Description: fmt.Sprintf("With mode ALL, the most paths to return (default %d, at most %d); more is an error.", path.DefaultPathLimit, path.MaxPathLimit)}
	neighborhoodArgs := filterArgs()
	neighborhoodArgs["id"] = &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.ID)}
	neighborhoodArgs["depth"] = &graphql.ArgumentConfig{Type: graphql.Int, DefaultValue: 1}
	neighborhoodArgs["maxNodes"] = &graphql.ArgumentConfig{Type: graphql.Int, Description: fmt.Sprintf("The most entities to return (default %d, at most %d); more is an error.", path.DefaultMaxNodes, path.MaxMaxNodes)}

	return graphql.Fields{
		"paths": &graphql.Field{Type: nonNullList(pathType), Description: "Paths between two entities, each hop with its evidence.", Args: allArgs,
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				q, err := r.pathQuery(ctx, p.Args)
				if err != nil {
					return nil, err
				}
				n := r.neighbors()
				switch p.Args["mode"] {
				case "CREDIBLE":
					return path.MostCrediblePaths(ctx, n, q)
				case "ALL":
					return path.AllSimplePaths(ctx, n, q)
				}
				return path.ShortestPaths(ctx, n, q)
			})},
		"shortestPath": &graphql.Field{Type: pathType, Description: "A shortest path between two entities; null when there is none.", Args: pathArgs(false),
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				q, err := r.pathQuery(ctx, p.Args)
				if err != nil {
					return nil, err
				}
				paths, err := path.ShortestPaths(ctx, r.neighbors(), q)
				if err != nil || len(paths) == 0 {
					return nil, err
				}
				return paths[0], nil
			})},
		"mostCrediblePaths": &graphql.Field{Type: nonNullList(pathType), Description: "The k best-supported paths, lowest evidence cost first.", Args: pathArgs(true),
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				q, err := r.pathQuery(ctx, p.Args)
				if err != nil {
					return nil, err
				}
				return path.MostCrediblePaths(ctx, r.neighbors(), q)
			})},
		"neighborhood": &graphql.Field{Type: graphql.NewNonNull(subgraph), Description: "The entities within depth hops of one entity, and the relations walked to reach them.", Args: neighborhoodArgs,
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				f, err := r.filter(p.Args)
				if err != nil {
					return nil, err
				}
				id, err := r.resolveID(ctx, p.Args["id"].(string))
				if err != nil {
					return nil, err
				}
				q := path.NeighborhoodQuery{ID: id, Filter: f}
				q.Depth, _ = p.Args["depth"].(int)
				q.MaxNodes, _ = p.Args["maxNodes"].(int)
				return path.Neighborhood(ctx, r.neighbors(), q)
			})},
	}
}

// hopValue is a hop as the schema resolves it; dated when a time-flow
// search found its path.
type hopValue struct {
	path.Hop
	dated bool
}

// pathQuery reads the arguments of a path field.
func (r *resolver) pathQuery(ctx context.Context, args map[string]any) (path.PathQuery, error) {
	f, err := r.filter(args)
	if err != nil {
		return path.PathQuery{}, err
	}
	q := path.PathQuery{From: args["from"].(string), To: args["to"].(string), Filter: f}
	for _, id := range []*string{&q.From, &q.To} {
		if *id, err = r.resolveID(ctx, *id); err != nil {
			return path.PathQuery{}, err
		}
	}
	q.MaxDepth, _ = args["maxDepth"].(int)
	q.K, _ = args["k"].(int)
	q.Limit, _ = args["limit"].(int)
	if tf, ok := args["timeFlow"].(map[string]any); ok {
		q.TimeFlow = &path.TimeFlow{}
		q.TimeFlow.AllowUndated, _ = tf["allowUndated"].(bool)
		if s, ok := tf["maxGap"].(string); ok {
			gap, err := graph.ParseDuration(s)
			if err != nil || gap == "" {
				return q, badInput(fmt.Sprintf("timeFlow.maxGap %q is not an ISO 8601 duration of years, months, weeks and days such as P1Y", s))
			}
			q.TimeFlow.MaxGap = gap
		}
	}
	return q, nil
}

// countArgs are the path arguments that count something (paths, hops,
// entities): given, they must be at least 1. Left out, they take their
// defaults; an explicit 0 is a mistake, not a request for the default.
var countArgs = []string{"k", "maxDepth", "limit", "maxExpanded", "maxNodes"}

// filter reads the filter arguments shared by the path fields.
func (r *resolver) filter(args map[string]any) (path.Filter, error) {
	for _, name := range countArgs {
		if n, ok := args[name].(int); ok && n < 1 {
			return path.Filter{}, badInput(fmt.Sprintf("%s must be at least 1, not %d", name, n))
		}
	}
	f := path.Filter{
		Types:       asList(args["types"]),
		EntityTypes: asList(args["entityTypes"]),
		Exclude:     asList(args["exclude"]),
	}
	f.Direction = graph.Direction(args["direction"].(string))
	for _, s := range asList(args["status"]) {
		f.Status = append(f.Status, graph.Status(s))
	}
	for _, t := range f.Types {
		if _, ok := r.ont.RelationType(t); !ok {
			return f, badInput(fmt.Sprintf("unknown relation type %q", t))
		}
	}
	for _, t := range f.EntityTypes {
		if _, ok := r.ont.EntityType(t); !ok {
			return f, badInput(fmt.Sprintf("unknown entity type %q", t))
		}
	}
	f.Claimant, _ = args["claimant"].(string)
	if s, ok := args["source"].(string); ok {
		f.Source = strings.TrimPrefix(s, sourcePrefix)
	}
	if s, ok := args["asOf"].(string); ok {
		d, err := graph.ParseDate(s)
		if err != nil {
			return f, badInput("asOf: " + err.Error())
		}
		f.AsOf = d
	}
	if s, ok := args["reportedBy"].(string); ok {
		d, err := graph.ParseDate(s)
		if err != nil || d == "" {
			return f, badInput(fmt.Sprintf("reportedBy %q is not a date YYYY, YYYY-MM or YYYY-MM-DD", s))
		}
		f.ReportedBy = d
	}
	f.MaxDegree, _ = args["maxDegree"].(int)
	f.MaxExpanded, _ = args["maxExpanded"].(int)
	return f, nil
}

// explain writes a hop's one-line explanation with entity names, and with
// dated its valid time.
func (r *resolver) explain(ctx context.Context, h path.Hop, dated bool) (string, error) {
	names := map[string]string{}
	ids := []string{h.From, h.To}
	for _, c := range h.Statement.Claims {
		if c.Claimant != "" {
			ids = append(ids, c.Claimant)
		}
	}
	l := loaderFrom(ctx, r.store)
	for _, id := range ids {
		l.want(id)
	}
	for _, id := range ids {
		e, _, err := l.entity(ctx, id)
		if err != nil {
			return "", err
		}
		names[id] = e.Name
	}
	name := func(id string) string { return names[id] }
	if dated {
		return h.ExplainDated(name, r.label), nil
	}
	return h.Explain(name, r.label), nil
}

// neighbors returns the Neighbors of one path query: the store's own when
// it is a path.NeighborsProvider, else path.StoreNeighbors.
func (r *resolver) neighbors() path.Neighbors {
	if p, ok := r.store.(path.NeighborsProvider); ok {
		return p.Neighbors(r.ont)
	}
	return path.StoreNeighbors(r.store, r.ont)
}
