package schema

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/xref"
)

// Cross-referencing, judgements and merges: duplicateCandidates,
// judgeCandidate, mergeEntities and unmergeEntities, and the redirects a
// request followed (listed in the response's extensions.redirects).

const cursorCandidate = "candidate"

type redirectsKey struct{}

// redirectLog collects the redirects one request followed.
type redirectLog struct {
	mu   sync.Mutex
	list []map[string]any
}

func withRedirects(ctx context.Context) (context.Context, *redirectLog) {
	l := &redirectLog{}
	return context.WithValue(ctx, redirectsKey{}, l), l
}

// noteRedirect records that id was answered by the entity it was merged
// into.
func noteRedirect(ctx context.Context, from, to string) {
	if l, ok := ctx.Value(redirectsKey{}).(*redirectLog); ok {
		l.mu.Lock()
		l.list = append(l.list, map[string]any{"from": from, "to": to})
		l.mu.Unlock()
	}
}

// resolveID returns the entity id that id names, following a redirect and
// noting it.
func (r *resolver) resolveID(ctx context.Context, id string) (string, error) {
	to, moved, err := graph.Resolve(ctx, r.store, id)
	if err != nil {
		return "", err
	}
	if moved {
		noteRedirect(ctx, id, to)
	}
	return to, nil
}

// principal names who makes the request, for the judgements and merges
// it records: the request's user, or "anonymous".
func principal(ctx context.Context) string {
	if name := PrincipalFrom(ctx).Name; name != "" {
		return name
	}
	return "anonymous"
}

// candidateKey sorts as the candidates do: best score first, then ids.
func candidateKey(c xref.Candidate) string {
	return fmt.Sprintf("%04d|%s|%s", 1000-int(c.Score*1000+0.5), c.A, c.B)
}

func (r *resolver) xrefFields(ts *types) (query, mutation graphql.Fields) {
	req := func(t graphql.Input) *graphql.ArgumentConfig {
		return &graphql.ArgumentConfig{Type: graphql.NewNonNull(t)}
	}
	reason := graphql.NewObject(graphql.ObjectConfig{
		Name:        "CandidateReason",
		Description: "One thing that makes a pair a candidate, and its part of the score.",
		Fields: graphql.Fields{
			"kind":   &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "fingerprint, transliteration, acronym, jaro-winkler, tokens, shared-neighbours or shared-second-neighbours.", Resolve: get(func(x xref.Reason) any { return x.Kind })},
			"detail": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(x xref.Reason) any { return x.Detail })},
			"weight": &graphql.Field{Type: graphql.NewNonNull(graphql.Float), Resolve: get(func(x xref.Reason) any { return x.Weight })},
		},
	})
	candidate := graphql.NewObject(graphql.ObjectConfig{
		Name:        "DuplicateCandidate",
		Description: "A pair of entities of one type that may be one, with its score (0–1) and reasons.",
		Fields: graphql.Fields{
			"a": &graphql.Field{Type: graphql.NewNonNull(ts.entity), Resolve: func(p graphql.ResolveParams) (any, error) {
				return r.entityThunk(p.Context, p.Source.(xref.Candidate).A, false), nil
			}},
			"b": &graphql.Field{Type: graphql.NewNonNull(ts.entity), Resolve: func(p graphql.ResolveParams) (any, error) {
				return r.entityThunk(p.Context, p.Source.(xref.Candidate).B, false), nil
			}},
			"type":    &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(c xref.Candidate) any { return c.Type })},
			"score":   &graphql.Field{Type: graphql.NewNonNull(graphql.Float), Resolve: get(func(c xref.Candidate) any { return c.Score })},
			"reasons": &graphql.Field{Type: nonNullList(reason), Resolve: get(func(c xref.Candidate) any { return c.Reasons })},
		},
	})
	conn := r.connectionType("DuplicateCandidate", "Candidate pairs, best first.", candidate, ts.pageInfo)
	verdict := enum("Verdict", "A person's judgement on a candidate pair.",
		enumValue{"SAME", "The two are one entity."},
		enumValue{"DIFFERENT", "The two are distinct."},
		enumValue{"UNSURE", "The judge could not tell."})
	judgement := graphql.NewObject(graphql.ObjectConfig{
		Name: "Judgement",
		Fields: graphql.Fields{
			"a":       &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Resolve: get(func(j graph.Judgement) any { return j.A })},
			"b":       &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Resolve: get(func(j graph.Judgement) any { return j.B })},
			"verdict": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(j graph.Judgement) any { return string(j.Verdict) })},
			"by":      &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(j graph.Judgement) any { return j.By })},
			"at":      &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(j graph.Judgement) any { return j.At.Format(time.RFC3339) })},
		},
	})
	record := graphql.NewObject(graphql.ObjectConfig{
		Name:        "MergeRecord",
		Description: "A merge: the kept entity, the ids merged into it (now redirects), who merged them and when, and what moved.",
		Fields: graphql.Fields{
			"id": &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Resolve: get(func(m graph.MergeRecord) any { return m.ID })},
			"keep": &graphql.Field{Type: graphql.NewNonNull(ts.entity), Resolve: func(p graphql.ResolveParams) (any, error) {
				return r.entityThunk(p.Context, p.Source.(graph.MergeRecord).Keep, false), nil
			}},
			"merged":     &graphql.Field{Type: nonNullList(graphql.ID), Resolve: get(func(m graph.MergeRecord) any { return m.Merged })},
			"by":         &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(m graph.MergeRecord) any { return m.By })},
			"at":         &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(func(m graph.MergeRecord) any { return m.At.Format(time.RFC3339) })},
			"statements": &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "Statements moved to the kept entity.", Resolve: get(func(m graph.MergeRecord) any { return m.Statements })},
			"joined":     &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "Statements joined with an identical one of the kept entity, their claims combined.", Resolve: get(func(m graph.MergeRecord) any { return m.Joined })},
		},
	})
	merger := func() (graph.Merger, error) {
		m, ok := graph.Capability[graph.Merger](r.store)
		if !ok {
			return nil, graph.Errorf(graph.Invalid, "this store cannot merge entities")
		}
		return m, nil
	}
	query = graphql.Fields{
		"duplicateCandidates": &graphql.Field{Type: graphql.NewNonNull(conn),
			Description: "Pairs of entities that may be one, best first, judged pairs left out. The first ask after a write reads the whole store (seconds on 100,000 entities); the pairs are then kept until the next write, so paging through them is quick.",
			Args: pagingArgs(graphql.FieldConfigArgument{
				"type": &graphql.ArgumentConfig{Type: ts.typeName, Description: "Only entities of this type."},
			}),
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				a, err := page(p, cursorCandidate)
				if err != nil {
					return nil, err
				}
				typ, _ := p.Args["type"].(string)
				cands, err := r.candidates.get(ctx, r.store, typ)
				if err != nil {
					return nil, err
				}
				return pageOf(cands, a, cursorCandidate, candidateKey), nil
			})},
	}
	mutation = graphql.Fields{
		"judgeCandidate": &graphql.Field{Type: graphql.NewNonNull(judgement),
			Description: "Records a judgement on a pair, with who and when; a judged pair is no longer offered.",
			Args:        graphql.FieldConfigArgument{"a": req(graphql.ID), "b": req(graphql.ID), "verdict": req(verdict)},
			Resolve: r.write("judgeCandidate", func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				j, ok := graph.Capability[graph.Judge](r.store)
				if !ok {
					return nil, graph.Errorf(graph.Invalid, "this store cannot keep judgements")
				}
				a, b := graph.PairKey(p.Args["a"].(string), p.Args["b"].(string))
				jm := graph.Judgement{A: a, B: b, Verdict: graph.Verdict(lower(p.Args["verdict"].(string))), By: principal(ctx), At: time.Now().UTC()}
				if err := j.Judge(ctx, jm); err != nil {
					return nil, err
				}
				return jm, nil
			})},
		"mergeEntities": &graphql.Field{Type: graphql.NewNonNull(record),
			Description: "Merges entities into the kept one in one step: statements, claims and aliases move, identical statements are joined, the merged ids become redirects.",
			Args:        graphql.FieldConfigArgument{"keep": req(graphql.ID), "merge": req(graphql.NewList(graphql.NewNonNull(graphql.ID)))},
			Resolve: r.write("mergeEntities", func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				m, err := merger()
				if err != nil {
					return nil, err
				}
				return m.Merge(ctx, p.Args["keep"].(string), asList(p.Args["merge"]), principal(ctx))
			})},
		"unmergeEntities": &graphql.Field{Type: graphql.NewNonNull(record),
			Description: "Undoes the merge of a merged id exactly. CONFLICT when a later merge changed what it wrote: undo that first.",
			Args:        graphql.FieldConfigArgument{"id": req(graphql.ID)},
			Resolve: r.write("unmergeEntities", func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				m, err := merger()
				if err != nil {
					return nil, err
				}
				return m.Unmerge(ctx, p.Args["id"].(string))
			})},
	}
	return query, mutation
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Candidates scans st and cross-references it (see graph/xref), leaving
// out the pairs judged already. typ, when set, keeps one entity type.
func Candidates(ctx context.Context, st graph.Store, typ string) ([]xref.Candidate, error) {
	cands, _, err := candidatesOf(ctx, st, typ)
	return cands, err
}

// candidatesOf is Candidates, also returning the generation of the store
// the snapshot was read under.
func candidatesOf(ctx context.Context, st graph.Store, typ string) ([]xref.Candidate, string, error) {
	sc, ok := graph.Capability[graph.Scanner](st)
	if !ok {
		return nil, "", graph.Errorf(graph.Invalid, "this store cannot be scanned for candidates")
	}
	judged := map[[2]string]bool{}
	if j, ok := graph.Capability[graph.Judge](st); ok {
		list, err := j.Judgements(ctx)
		if err != nil {
			return nil, "", err
		}
		for _, x := range list {
			judged[[2]string{x.A, x.B}] = true
		}
	}
	snap, err := sc.Scan(ctx)
	if err != nil {
		return nil, "", err
	}
	cands, _, err := xref.Candidates(ctx, &snap, xref.Options{Type: typ, Judged: func(a, b string) bool { return judged[[2]string{a, b}] }})
	return cands, snap.Generation, err
}

// candidateTimeout bounds one computation of the candidates, which goes on
// when the request that started it ends (another may wait for it).
const candidateTimeout = 5 * time.Minute

// candidateCache keeps the candidates of each entity type ("" for all)
// computed under one generation of the store (see graph.Versioned), so that
// paging through duplicateCandidates scans the store once per write, not
// once per request. A list is kept only when the store's generation was the
// same before the judgements were read, during the scan and after the
// computation: nothing written meanwhile can hide in it. Requests that
// ask for one type under one generation at the same time share one
// computation, which runs apart from the request that started it (bounded
// by candidateTimeout), so that a client that gives up does not waste it.
type candidateCache struct {
	mu      sync.Mutex
	gen     string
	lists   map[string][]xref.Candidate // by type, under gen
	flights map[[2]string]*candidateFlight
	// computed counts the computations started, for tests.
	computed int
}

// candidateFlight is one computation of the candidates, which requests
// wait for.
type candidateFlight struct {
	done  chan struct{}
	cands []xref.Candidate
	err   error
}

func newCandidateCache() *candidateCache {
	return &candidateCache{lists: map[string][]xref.Candidate{}, flights: map[[2]string]*candidateFlight{}}
}

// get returns the candidates of type typ in st: those kept under the
// store's present generation, or a new computation's. A store that tells
// no generation is scanned every time.
func (c *candidateCache) get(ctx context.Context, st graph.Store, typ string) ([]xref.Candidate, error) {
	v, ok := st.(graph.Versioned)
	if !ok {
		return Candidates(ctx, st, typ)
	}
	g, err := v.Generation(ctx)
	if err != nil {
		return nil, err
	}
	key := [2]string{g, typ}
	c.mu.Lock()
	if list, ok := c.lists[typ]; ok && c.gen == g {
		c.mu.Unlock()
		return list, nil
	}
	f, running := c.flights[key]
	if !running {
		f = &candidateFlight{done: make(chan struct{})}
		c.flights[key] = f
		c.computed++
		go c.compute(context.WithoutCancel(ctx), v, st, g, typ, f)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.cands, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// compute runs one flight and keeps its list when the store stayed at
// generation g throughout.
func (c *candidateCache) compute(ctx context.Context, v graph.Versioned, st graph.Store, g, typ string, f *candidateFlight) {
	ctx, cancel := context.WithTimeout(ctx, candidateTimeout)
	defer cancel()
	cands, scanned, err := candidatesOf(ctx, st, typ)
	after, gerr := v.Generation(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.flights, [2]string{g, typ})
	f.cands, f.err = cands, err
	close(f.done)
	if err != nil || gerr != nil || scanned != g || after != g {
		return
	}
	if c.gen != g {
		c.gen, c.lists = g, map[string][]xref.Candidate{}
	}
	c.lists[typ] = cands
}

// mergedEntity is one entity merged into another, as Entity.mergedFrom
// lists it.
type mergedEntity struct {
	id, name, into string
	rec            graph.MergeRecord
}

// mergedEntityType is the type of the items of Entity.mergedFrom.
func (r *resolver) mergedEntityType(ts *types) *graphql.Object {
	return graphql.NewObject(graphql.ObjectConfig{
		Name:        "MergedEntity",
		Description: "An entity that was merged into another: its id, now a redirect, and the name it had.",
		Fields: graphql.Fields{
			"id":   &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Description: "The merged id; it answers with the entity it was merged into.", Resolve: get(func(m mergedEntity) any { return m.id })},
			"name": &graphql.Field{Type: graphql.String, Description: "The name it had (now an alias of the kept entity); null when the merge record does not tell it.", Resolve: optional(func(m mergedEntity) string { return m.name })},
			"into": &graphql.Field{Type: graphql.NewNonNull(ts.entity), Description: "The entity it was merged into, as it is now: this one, or one merged into this one later.",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					return r.entityThunk(p.Context, p.Source.(mergedEntity).into, false), nil
				}},
			"intoId":  &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Description: "The id it was merged into, as the merge recorded it.", Resolve: get(func(m mergedEntity) any { return m.into })},
			"by":      &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "Who merged it.", Resolve: get(func(m mergedEntity) any { return m.rec.By })},
			"at":      &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "When, RFC 3339 (UTC).", Resolve: get(func(m mergedEntity) any { return m.rec.At.UTC().Format(time.RFC3339) })},
			"mergeId": &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Description: "The id of the merge (MergeRecord.id).", Resolve: get(func(m mergedEntity) any { return m.rec.ID })},
		},
	})
}

// mergedFromField is Entity.mergedFrom: the ids merged into the entity,
// and those merged into them before, oldest merge first.
func (r *resolver) mergedFromField(ts *types) *graphql.Field {
	return &graphql.Field{Type: nonNullList(ts.mergedEntity),
		Description: "The entities merged into this one (and those merged into them before), oldest merge first; each id now answers with this entity. Undo one with unmergeEntities.",
		Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			m, ok := graph.Capability[graph.Merger](r.store)
			if !ok {
				return []mergedEntity{}, nil
			}
			return mergedInto(ctx, m, p.Source.(graph.Entity).ID)
		})}
}

// mergedInto lists the entities merged into id, following each merged id
// back to those merged into it, at most graph.MaxRedirects merges deep.
func mergedInto(ctx context.Context, m graph.Merger, id string) ([]mergedEntity, error) {
	out := []mergedEntity{}
	queue, seen := []string{id}, map[string]bool{id: true}
	for depth := 0; len(queue) > 0 && depth <= graph.MaxRedirects; depth++ {
		var next []string
		for _, keep := range queue {
			recs, err := m.Merges(ctx, keep)
			if err != nil {
				return nil, err
			}
			for _, rec := range recs {
				for _, merged := range rec.Merged {
					if seen[merged] {
						continue
					}
					seen[merged] = true
					out = append(out, mergedEntity{id: merged, name: rec.Names[merged], into: rec.Keep, rec: rec})
					next = append(next, merged)
				}
			}
		}
		queue = next
	}
	slices.SortStableFunc(out, func(a, b mergedEntity) int {
		if c := a.rec.At.Compare(b.rec.At); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	return out, nil
}
