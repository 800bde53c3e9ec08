package schema

import (
	"context"
	"fmt"

	"github.com/graphql-go/graphql"

	"github.com/claimgraph/claimgraph/graph"
)

// Time in the schema: the status history of a relation, the timeline of an
// entity, and the reportedBy filter of disputes. The rule that dates a
// claim (its said date, else its source's published date) and the span
// rule of partial dates live in graph (time.go); this file reads the
// sources' dates through the request's loader and shapes the answers.

// timeTypes are the schema's types of time.
type timeTypes struct {
	precision *graphql.Enum
	change    *graphql.Object
	event     *graphql.Object
}

// timeFields adds statusHistory to Relation and returns the Query fields
// of time: timeline.
func (r *resolver) timeFields(ts *types) graphql.Fields {
	var tt timeTypes
	tt.precision = enum("DatePrecision", "How much of a date is known; a partial date stands for every day of its year or month.",
		enumValue{string(graph.YearPrecision), "YYYY: a year."},
		enumValue{string(graph.MonthPrecision), "YYYY-MM: a month."},
		enumValue{string(graph.DayPrecision), "YYYY-MM-DD: a day."})
	tt.change = graphql.NewObject(graphql.ObjectConfig{
		Name:        "StatusChange",
		Description: "A change of a relation's status as its claims were reported.",
		Fields: graphql.Fields{
			"status": &graphql.Field{Type: graphql.NewNonNull(ts.status), Description: "The status from this change on.",
				Resolve: get(func(c changeValue) any { return string(c.Status) })},
			"claim": &graphql.Field{Type: graphql.NewNonNull(ts.claim), Description: "The claim that brought the change.",
				Resolve: get(func(c changeValue) any { return claimValue{Claim: c.Claim, statement: c.statement} })},
			"date": &graphql.Field{Type: graphql.String, Description: "The claim's report time (said, else its source's published date); null when unknown.",
				Resolve: optional(func(c changeValue) string { return string(c.Date) })},
			"precision": &graphql.Field{Type: tt.precision, Description: "The precision of date; null when it is unknown.",
				Resolve: optional(func(c changeValue) string { return string(c.Date.Precision()) })},
			"undated": &graphql.Field{Type: graphql.NewNonNull(graphql.Boolean), Description: "The claims that brought it have no known report time: such changes come last.",
				Resolve: get(func(c changeValue) any { return c.Date == "" })},
		},
	})
	eventKind := enum("TimelineEventKind", "What happened at a timeline event.",
		enumValue{string(graph.StatementStarts), "A relation starts to hold (its validFrom)."},
		enumValue{string(graph.ClaimMade), "A claim was made (its said date, else its source's published date)."},
		enumValue{string(graph.StatementEnds), "A relation stops holding (its validUntil)."})
	tt.event = graphql.NewObject(graphql.ObjectConfig{
		Name:        "TimelineEvent",
		Description: "A dated event of an entity's timeline.",
		Fields: graphql.Fields{
			"kind": &graphql.Field{Type: graphql.NewNonNull(eventKind), Resolve: get(func(e graph.Event) any { return string(e.Kind) })},
			"date": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "YYYY, YYYY-MM or YYYY-MM-DD, as precise as known.",
				Resolve: get(func(e graph.Event) any { return string(e.Date) })},
			"precision": &graphql.Field{Type: graphql.NewNonNull(tt.precision), Resolve: get(func(e graph.Event) any { return string(e.Date.Precision()) })},
			"relation": &graphql.Field{Type: graphql.NewNonNull(ts.relation), Description: "The relation the event is about, with all its claims.",
				Resolve: get(func(e graph.Event) any { return e.Statement })},
			"claim": &graphql.Field{Type: ts.claim, Description: "The claim made, for a CLAIM event; null otherwise.",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					e := p.Source.(graph.Event)
					if e.Kind != graph.ClaimMade {
						return nil, nil
					}
					return claimValue{Claim: e.Claim, statement: e.Statement.ID}, nil
				}},
		},
	})

	ts.relation.AddFieldConfig("statusHistory", &graphql.Field{Type: nonNullList(tt.change),
		Description: "Each change of the status as the claims were reported, in report-time order, with the claim that brought it. " +
			"Claims of one first day count together; claims with no known report time come last, as one undated change.",
		Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			st := p.Source.(graph.Statement)
			published, err := r.publishedDates(ctx, []graph.Statement{st})
			if err != nil {
				return nil, err
			}
			changes := graph.StatusHistory(st, published)
			out := make([]changeValue, len(changes))
			for i, c := range changes {
				out[i] = changeValue{StatusChange: c, statement: st.ID}
			}
			return out, nil
		})})

	return graphql.Fields{
		"timeline": &graphql.Field{Type: nonNullList(tt.event),
			Description: "The dated events of an entity's relations, sorted by date (then the more precise first, starts, claims, ends): " +
				"claims by report time, relations starting and ending by valid time. Events of unknown date are left out.",
			Args: graphql.FieldConfigArgument{
				"entity": &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.ID)},
				"from":   &graphql.ArgumentConfig{Type: graphql.String, Description: "Only events whose date overlaps this date or lies after it (YYYY, YYYY-MM or YYYY-MM-DD)."},
				"to":     &graphql.ArgumentConfig{Type: graphql.String, Description: "Only events whose date overlaps this date or lies before it."},
				"types":  &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(graphql.String)), Description: "Only relations of these types."},
			},
			Resolve: r.resolve(r.timeline)},
	}
}

// changeValue is a status change as the schema resolves it: with its
// statement.
type changeValue struct {
	graph.StatusChange
	statement string
}

func (r *resolver) timeline(ctx context.Context, p graphql.ResolveParams) (any, error) {
	from, err := dateArg(p.Args, "from")
	if err != nil {
		return nil, err
	}
	to, err := dateArg(p.Args, "to")
	if err != nil {
		return nil, err
	}
	q := graph.RelationQuery{Types: asList(p.Args["types"])}
	for _, t := range q.Types {
		if _, ok := r.ont.RelationType(t); !ok {
			return nil, badInput(fmt.Sprintf("unknown relation type %q", t))
		}
	}
	id := p.Args["entity"].(string)
	if _, err := r.store.Entity(ctx, id); err != nil {
		return nil, err
	}
	sts, err := loaderFrom(ctx, r.store).relations(ctx, id, q)()
	if err != nil {
		return nil, err
	}
	published, err := r.publishedDates(ctx, sts)
	if err != nil {
		return nil, err
	}
	return graph.Timeline(sts, published, from, to), nil
}

// dateArg reads an optional date argument; given, it must be a date.
func dateArg(args map[string]any, name string) (graph.Date, error) {
	s, ok := args[name].(string)
	if !ok {
		return "", nil
	}
	d, err := graph.ParseDate(s)
	if err != nil || d == "" {
		return "", badInput(fmt.Sprintf("%s %q is not a date YYYY, YYYY-MM or YYYY-MM-DD", name, s))
	}
	return d, nil
}

// publishedDates reads, through the request's loader, the published dates
// of the sources cited by the claims of sts that have no said date, and
// returns the lookup graph's time rules take. A source that is not stored
// has no date.
func (r *resolver) publishedDates(ctx context.Context, sts []graph.Statement) (func(string) graph.Date, error) {
	dates := map[string]graph.Date{}
	l := loaderFrom(ctx, r.store)
	for _, st := range sts {
		for _, c := range st.Claims {
			if _, ok := dates[c.Source]; ok || c.Said != "" {
				continue
			}
			src, err := l.source(ctx, c.Source)
			if err != nil && graph.ErrorCode(err) != graph.NotFound {
				return nil, err
			}
			dates[c.Source] = src.Published
		}
	}
	return func(id string) graph.Date { return dates[id] }, nil
}

// disputesAsOf returns the disputes that hold at asOf and are disputed by
// the claims reported by reportedBy, each with only those claims, ordered
// by id.
func (r *resolver) disputesAsOf(ctx context.Context, asOf, reportedBy graph.Date) ([]graph.Statement, error) {
	all, err := r.store.Disputes(ctx, graph.Page{})
	if err != nil {
		return nil, err
	}
	published, err := r.publishedDates(ctx, all)
	if err != nil {
		return nil, err
	}
	out := make([]graph.Statement, 0, len(all))
	for _, st := range all {
		if asOf != "" && !st.HoldsAt(asOf) {
			continue
		}
		if st, ok := st.AsReportedBy(reportedBy, published); ok && st.Status() == graph.Disputed {
			out = append(out, st)
		}
	}
	return out, nil
}
