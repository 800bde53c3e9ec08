package cayley

import (
	"context"
	"fmt"
	"strings"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"

	"github.com/claimgraph/claimgraph/graph"
)

// Deleting an entity (graph.Deleter).
//
// Every quad that names <cg:e/ID> is found through the subject and object
// lookups of the node: its own quads (type, name, description,
// attribution, alias links) and the edges it is the subject of; the edges
// it is the object of, <cg:p/subject> and <cg:p/object> of its statements,
// <cg:p/claimant> of the claims it makes, <cg:p/usedBy> of aliases and
// <cg:p/mergedInto> of the ids merged into it. The plan removes, in one
// transaction: the entity's own quads and alias nodes; the redirects that
// lead to it (followed back through every earlier merge) with their merge
// records; the judgements on its pairs; and with Cascade the statements it
// is an end of (edge, node, claims), the claims it makes elsewhere (and the
// statements they leave without claims, as a retraction does) and the
// usedBy links of other entities' aliases. Without Cascade any of those
// last three makes it a Conflict, and nothing is written.

// deletePlan collects the quads one deletion removes.
type deletePlan struct {
	r        reader
	id       string
	removed  map[string]quad.Quad
	del      graph.Deletion
	stmts    []string        // statements removed, in the order met
	ends     int             // statements it is an end of
	others   int             // claims it makes on statements it is no end of
	stmtSet  map[string]bool // the same, as a set
	claimSet map[string]bool // claims removed
}

func (p *deletePlan) remove(q quad.Quad) { p.removed[q.NQuad()] = q }

// removeNode removes every quad of the subject v.
func (p *deletePlan) removeNode(ctx context.Context, v quad.Value) error {
	own, err := p.r.rawQuads(ctx, quad.Subject, v)
	if err != nil {
		return err
	}
	for _, q := range own {
		p.remove(q)
	}
	return nil
}

// DeleteEntity implements graph.Deleter.
func (s *Store) DeleteEntity(ctx context.Context, id string, opts graph.DeleteOptions) (del graph.Deletion, err error) {
	defer deferWrap(&err, "delete entity %q", id)
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		return del, err
	}
	defer unlock()
	var p *deletePlan
	err = s.read(func(qs cgraph.QuadStore) error {
		p = &deletePlan{r: newReader(qs), id: id, removed: map[string]quad.Quad{}, del: graph.Deletion{Entity: id},
			stmtSet: map[string]bool{}, claimSet: map[string]bool{}}
		return p.plan(ctx)
	})
	if err != nil {
		return graph.Deletion{}, err
	}
	if p.ends+p.others+p.del.Aliases > 0 && !opts.Cascade {
		return graph.Deletion{}, graph.Errorf(graph.Conflict, "entity %s is still referenced by %s: delete it with cascade to remove them with it, or change them first",
			graph.Quote(id), p.references())
	}
	if opts.DryRun {
		p.del.DryRun = true
		return p.del, nil
	}
	if err := ctx.Err(); err != nil {
		return graph.Deletion{}, err
	}
	if err := s.writable(ctx); err != nil {
		return graph.Deletion{}, err
	}
	tx := cgraph.NewTransaction()
	for _, k := range sortedKeys(p.removed) {
		tx.RemoveQuad(p.removed[k])
	}
	events := []graph.ChangeEvent{{Kind: graph.EventEntityDeleted, Entity: id, Count: p.del.Statements}}
	if err := s.auditWith(ctx, tx, "delete", events); err != nil {
		return graph.Deletion{}, err
	}
	if err := s.write(tx); err != nil {
		return graph.Deletion{}, err
	}
	s.log.Info("entity deleted", "entity", id, "statements", p.del.Statements, "claims", p.del.Claims,
		"aliases", p.del.Aliases, "redirects", p.del.Redirects, "judgements", p.del.Judgements, "quads", len(tx.Deltas))
	return p.del, nil
}

// references says what still names an entity, for the Conflict of a
// deletion without cascade.
func (p *deletePlan) references() string {
	var parts []string
	add := func(n int, one, many string) {
		switch {
		case n == 1:
			parts = append(parts, "1 "+one)
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	add(p.ends, "statement (with its claims)", "statements (with their claims)")
	add(p.others, "claim it makes on another statement", "claims it makes on other statements")
	add(p.del.Aliases, "alias of another entity that names it as its user", "aliases of other entities that name it as their user")
	return strings.Join(parts, ", ")
}

// plan finds everything the deletion of p.id removes, and counts it.
func (p *deletePlan) plan(ctx context.Context) error {
	node := entityIRI(p.id)
	own, err := p.r.subject(ctx, node)
	if err != nil {
		return err
	}
	if !hasType(own) {
		if to, moved, err := p.r.redirect(ctx, p.id); err != nil {
			return err
		} else if moved {
			return graph.Errorf(graph.NotFound, "no entity %s: it was merged into %s; delete that one, or undo the merge first",
				graph.Quote(p.id), graph.Quote(to))
		}
		return graph.Errorf(graph.NotFound, "no entity %s", graph.Quote(p.id))
	}
	in, err := p.r.object(ctx, node)
	if err != nil {
		return err
	}
	for _, q := range append(own, in...) {
		if isImport(q.Label) {
			return graph.Errorf(graph.Invalid, "%s is named by a bulk import (%v): only a new version of the import, or the retraction of its source, removes what it brought",
				graph.Quote(p.id), q.Label)
		}
	}
	var claims []string // claims it makes, on any statement
	for _, q := range own {
		switch {
		case isRelation(q.Predicate):
			p.statement(q.Label)
		case q.Predicate == pAlias:
			p.remove(q)
			if err := p.removeNode(ctx, q.Object); err != nil {
				return err
			}
		default:
			p.remove(q)
		}
	}
	var redirects []quad.Value
	for _, q := range in {
		switch {
		case isRelation(q.Predicate):
			p.statement(q.Label)
		case q.Predicate == pSubject || q.Predicate == pObject:
			p.statement(q.Subject)
		case q.Predicate == pClaimant:
			if c, ok := idOf(q.Subject, prefixClaim); ok {
				claims = append(claims, c)
			}
		case q.Predicate == pUsedBy:
			p.remove(q)
			if !strings.HasPrefix(string(asIRI(q.Subject)), string(node)+aliasMarker) {
				p.del.Aliases++
			}
		case q.Predicate == pMergedInto:
			redirects = append(redirects, q.Subject)
		}
	}
	for i := 0; i < len(p.stmts); i++ {
		if err := p.removeStatement(ctx, p.stmts[i]); err != nil {
			return err
		}
	}
	p.ends = len(p.stmts)
	p.del.Statements = len(p.stmts)
	if err := p.claimsElsewhere(ctx, claims); err != nil {
		return err
	}
	if err := p.redirects(ctx, redirects); err != nil {
		return err
	}
	return p.judgements(ctx)
}

func asIRI(v quad.Value) quad.IRI {
	s, _ := v.(quad.IRI)
	return s
}

// statement notes the statement whose node (or edge label) is v.
func (p *deletePlan) statement(v quad.Value) {
	if id, ok := idOf(v, prefixStmt); ok && !p.stmtSet[id] {
		p.stmtSet[id] = true
		p.stmts = append(p.stmts, id)
	}
}

// removeStatement removes a statement: its node, its edge, its claims, and
// the ids of statements a merge joined with it.
func (p *deletePlan) removeStatement(ctx context.Context, id string) error {
	node := statementIRI(id)
	own, err := p.r.rawQuads(ctx, quad.Subject, node)
	if err != nil {
		return err
	}
	st, ok := decodeStatement(id, own)
	if !ok {
		return graph.Errorf(graph.Internal, "statement %q has an edge but no node", id)
	}
	for _, q := range own {
		if isImport(q.Label) {
			return graph.Errorf(graph.Invalid, "statement %s came with a bulk import (%v): only a new version of the import, or the retraction of its source, removes it",
				graph.Quote(id), q.Label)
		}
		p.remove(q)
		if q.Predicate == pClaim {
			if err := p.removeClaim(ctx, q.Object); err != nil {
				return err
			}
		}
	}
	ends, err := p.r.rawQuads(ctx, quad.Subject, entityIRI(st.Subject))
	if err != nil {
		return err
	}
	for _, q := range ends {
		if q.Label == node && isRelation(q.Predicate) {
			p.remove(q)
		}
	}
	in, err := p.r.rawQuads(ctx, quad.Object, node)
	if err != nil {
		return err
	}
	for _, q := range in {
		if q.Predicate == pMergedInto {
			p.remove(q) // a statement joined with this one by a merge
		}
	}
	return nil
}

// removeClaim removes the quads of the claim node v, once.
func (p *deletePlan) removeClaim(ctx context.Context, v quad.Value) error {
	id, _ := idOf(v, prefixClaim)
	if p.claimSet[id] {
		return nil
	}
	p.claimSet[id] = true
	p.del.Claims++
	return p.removeNode(ctx, v)
}

// claimsElsewhere removes the claims the entity makes on statements that
// stay, and each statement they leave without claims.
func (p *deletePlan) claimsElsewhere(ctx context.Context, claims []string) error {
	byStatement := map[string][]quad.Value{}
	var order []string
	for _, c := range claims {
		own, err := p.r.rawQuads(ctx, quad.Subject, claimIRI(c))
		if err != nil {
			return err
		}
		_, st, ok := decodeClaim(c, own)
		if !ok || p.stmtSet[st] {
			continue // gone with its statement
		}
		if _, seen := byStatement[st]; !seen {
			order = append(order, st)
		}
		byStatement[st] = append(byStatement[st], claimIRI(c))
		if err := p.removeClaim(ctx, claimIRI(c)); err != nil {
			return err
		}
		p.others++
	}
	for _, st := range order {
		own, err := p.r.rawQuads(ctx, quad.Subject, statementIRI(st))
		if err != nil {
			return err
		}
		left := 0
		for _, q := range own {
			if q.Predicate != pClaim {
				continue
			}
			if id, _ := idOf(q.Object, prefixClaim); p.claimSet[id] {
				p.remove(q)
			} else {
				left++
			}
		}
		if left == 0 {
			p.statement(statementIRI(st))
			p.del.Statements++
			if err := p.removeStatement(ctx, st); err != nil {
				return err
			}
		}
	}
	return nil
}

// redirects removes the ids merged into the entity, and those merged into
// them before, with the records of those merges.
func (p *deletePlan) redirects(ctx context.Context, queue []quad.Value) error {
	seen := map[quad.Value]bool{}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		if seen[v] {
			continue
		}
		seen[v] = true
		if _, ok := idOf(v, prefixEntity); !ok {
			continue
		}
		own, err := p.r.rawQuads(ctx, quad.Subject, v)
		if err != nil {
			return err
		}
		if hasType(own) {
			continue // not a redirect: an entity of its own again
		}
		p.del.Redirects++
		for _, q := range own {
			p.remove(q)
			if q.Predicate == pMergeRecord {
				if err := p.removeNode(ctx, q.Object); err != nil {
					return err
				}
				p.remove(quad.Make(iriMerges, pMerge, q.Object, nil))
			}
		}
		in, err := p.r.rawQuads(ctx, quad.Object, v)
		if err != nil {
			return err
		}
		for _, q := range in {
			if q.Predicate == pMergedInto {
				queue = append(queue, q.Subject)
			}
		}
	}
	return nil
}

// judgements removes the judgements on pairs with the entity.
func (p *deletePlan) judgements(ctx context.Context) error {
	root, err := p.r.rawQuads(ctx, quad.Subject, iriJudgements)
	if err != nil {
		return err
	}
	for _, q := range root {
		pair, ok := idOf(q.Object, prefixJudgement)
		if q.Predicate != pJudgement || !ok {
			continue
		}
		if a, b, _ := strings.Cut(pair, "~"); a != p.id && b != p.id {
			continue
		}
		p.remove(q)
		if err := p.removeNode(ctx, q.Object); err != nil {
			return err
		}
		p.del.Judgements++
	}
	return nil
}
