package cayley

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/nquads"

	"github.com/claimgraph/claimgraph/graph"
)

// Merges, redirects and judgements (graph.Merger, graph.Redirector,
// graph.Judge).
//
// A merge of OLD into KEEP rewrites, in one transaction, every quad that
// names <cg:e/OLD>: its statements' edges and <cg:p/subject>/<cg:p/object>
// move to <cg:e/KEEP>, claims it makes get KEEP as claimant, aliases it
// uses get KEEP as user; its name and aliases become new alias nodes of
// KEEP; its own quads go. A moved statement that becomes identical to one
// of KEEP's (same ends, type, attributes and valid time) is joined with
// it: its claim links move to that statement and its node keeps only
// <cg:s/ID> <cg:p/mergedInto> <cg:s/OTHER>, so that a later file naming it
// lands there. <cg:e/OLD> keeps <cg:p/mergedInto> <cg:e/KEEP> (the
// redirect) and <cg:p/mergeRecord> <cg:m/ID>, the record of the merge,
// listed under <cg:merges>: keep, merged ids, by, at, counts, and the
// quads the merge removed and added, as N-Quads literals. Unmerge removes
// what was added and adds back what was removed, so the store is exactly
// as before.
//
// A judgement is <cg:j/A~B> under <cg:judgements>, with the verdict, who
// and when as literals (the ids are in the node, so that a judgement
// names no entity node and a merge moves none).

const (
	prefixMerge     = "cg:m/"
	prefixJudgement = "cg:j/"
)

var (
	iriMerges     = quad.IRI("cg:merges")
	iriJudgements = quad.IRI("cg:judgements")

	pMergedInto  = quad.IRI("cg:p/mergedInto")
	pMergeRecord = quad.IRI("cg:p/mergeRecord")
	pMerge       = quad.IRI("cg:p/merge")
	pKeep        = quad.IRI("cg:p/keep")
	pMerged      = quad.IRI("cg:p/merged")
	pBy          = quad.IRI("cg:p/by")
	pAt          = quad.IRI("cg:p/at")
	pCounts      = quad.IRI("cg:p/counts")
	pRemoved     = quad.IRI("cg:p/removed")
	pAdded       = quad.IRI("cg:p/added")
	pJudgement   = quad.IRI("cg:p/judgement")
	pVerdict     = quad.IRI("cg:p/verdict")
)

// redirect returns where id was merged into, following later merges, and
// whether id is a redirect at all. An id that names an entity is none.
func (r reader) redirect(ctx context.Context, id string) (string, bool, error) {
	return graph.FollowRedirects(id, func(cur string) (string, bool, error) {
		own, err := r.subject(ctx, entityIRI(cur))
		if err != nil || hasType(own) {
			return "", false, err
		}
		to := propsOf(own).id(pMergedInto, prefixEntity)
		return to, to != "", nil
	})
}

// Redirect implements graph.Redirector.
func (s *Store) Redirect(ctx context.Context, id string) (to string, ok bool, err error) {
	defer deferWrap(&err, "follow the redirect of %q", id)
	err = s.read(func(qs cgraph.QuadStore) error {
		to, ok, err = newReader(qs).redirect(ctx, id)
		return err
	})
	return to, ok, err
}

// statementRedirect returns the statement a joined statement id was
// joined with, following later joins.
func (r reader) statementRedirect(ctx context.Context, id string) (string, bool, error) {
	return graph.FollowRedirects(id, func(cur string) (string, bool, error) {
		own, err := r.subject(ctx, statementIRI(cur))
		if err != nil {
			return "", false, err
		}
		to := propsOf(own).id(pMergedInto, prefixStmt)
		return to, to != "", nil
	})
}

// redirectBatch makes b name the entities and statements its ids were
// merged into. An entity item whose id was merged is left out (and
// counted unchanged): the kept entity already stands for it.
func (p *planner) redirectBatch(ctx context.Context, b *graph.Batch) error {
	seen := map[string]string{}
	resolve := func(id *string) error {
		if *id == "" {
			return nil
		}
		to, ok := seen[*id]
		if !ok {
			own, err := p.entityHead(ctx, *id)
			if err != nil {
				return err
			}
			to = *id
			if !hasType(own) && len(propsOf(own)[pMergedInto]) > 0 {
				if to, _, err = p.r.redirect(ctx, *id); err != nil {
					return err
				}
			}
			seen[*id] = to
		}
		*id = to
		return nil
	}
	kept := b.Entities[:0:0]
	for _, e := range b.Entities {
		id := e.ID
		if err := resolve(&id); err != nil {
			return err
		}
		if id != e.ID {
			p.sum.Unchanged++
			continue
		}
		e.Aliases = slices.Clone(e.Aliases)
		for i := range e.Aliases {
			if err := resolve(&e.Aliases[i].UsedBy); err != nil {
				return err
			}
		}
		kept = append(kept, e)
	}
	b.Entities = kept
	for i := range b.Statements {
		st := &b.Statements[i]
		defaultID := st.ID == graph.DefaultStatementID(st.Subject, st.Type, st.Object)
		oldID := st.ID
		claimants := make([]string, len(st.Claims))
		for j := range st.Claims {
			claimants[j] = st.Claims[j].Claimant
			if err := resolve(&st.Claims[j].Claimant); err != nil {
				return err
			}
		}
		subject, object := st.Subject, st.Object
		for _, id := range []*string{&st.Subject, &st.Object} {
			if err := resolve(id); err != nil {
				return err
			}
		}
		to, ok, err := p.r.statementRedirect(ctx, st.ID)
		if err != nil {
			return err
		}
		if ok {
			st.ID = to // joined with another by a merge
			continue
		}
		if !defaultID || (subject == st.Subject && object == st.Object) {
			continue
		}
		// A new statement named after a merged id is named after the kept
		// one, unless the merge moved a stored statement of that id.
		own, err := p.r.subject(ctx, statementIRI(oldID))
		if err != nil {
			return err
		}
		if _, stored := decodeStatement(oldID, own); stored {
			continue
		}
		st.ID = graph.DefaultStatementID(st.Subject, st.Type, st.Object)
		for j := range st.Claims {
			c := &st.Claims[j]
			if c.ID == graph.DefaultClaimID(oldID, c.Source, claimants[j]) {
				c.ID = graph.DefaultClaimID(st.ID, c.Source, c.Claimant)
			}
		}
	}
	return nil
}

// delta collects the quads a merge removes and adds, each once; a quad
// both removed and added cancels out.
type delta struct {
	removed, added map[string]quad.Quad
}

func (d *delta) remove(q quad.Quad) {
	k := q.NQuad()
	if _, ok := d.added[k]; ok {
		delete(d.added, k)
		return
	}
	d.removed[k] = q
}

func (d *delta) add(q quad.Quad) {
	k := q.NQuad()
	if _, ok := d.removed[k]; ok {
		delete(d.removed, k)
		return
	}
	d.added[k] = q
}

// Merge implements graph.Merger.
func (s *Store) Merge(ctx context.Context, keep string, merged []string, by string) (rec graph.MergeRecord, err error) {
	defer deferWrap(&err, "merge %v into %q", merged, keep)
	if strings.TrimSpace(by) == "" {
		return rec, graph.Errorf(graph.Invalid, "a merge needs the name of who merges")
	}
	if len(merged) == 0 {
		return rec, graph.Errorf(graph.Invalid, "name at least one entity to merge into %s", graph.Quote(keep))
	}
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		return rec, err
	}
	defer unlock()
	var tx *cgraph.Transaction
	err = s.read(func(qs cgraph.QuadStore) error {
		tx, rec, err = planMerge(ctx, newReader(qs), keep, merged, by, time.Now().UTC())
		return err
	})
	if err != nil {
		return graph.MergeRecord{}, err
	}
	if err := s.writable(ctx); err != nil {
		return graph.MergeRecord{}, err
	}
	if err := ctx.Err(); err != nil {
		return graph.MergeRecord{}, err
	}
	// The feed tells each merged id's move after the commit, before the
	// changes of the statements it joined.
	events := make([]graph.ChangeEvent, len(rec.Merged))
	for i, id := range rec.Merged {
		events[i] = graph.ChangeEvent{Kind: graph.EventEntityMerged, Entity: id, Into: rec.Keep}
	}
	if err := s.auditWith(ctx, tx, "merge", events); err != nil {
		return graph.MergeRecord{}, err
	}
	if err := s.write(tx); err != nil {
		return graph.MergeRecord{}, err
	}
	s.log.Info("entities merged", "keep", rec.Keep, "merged", rec.Merged, "by", rec.By, "statements", rec.Statements, "joined", rec.Joined)
	return rec, nil
}

// statementKey identifies what makes two statements the same: ends, type,
// attributes and valid time (the ends of a symmetric one in order).
func statementKey(st graph.Statement, symmetric bool) string {
	a, b := st.Subject, st.Object
	if symmetric && b < a {
		a, b = b, a
	}
	var attrs strings.Builder
	for _, k := range slices.Sorted(maps.Keys(st.Attributes)) {
		fmt.Fprintf(&attrs, "%q=%q;", k, st.Attributes[k])
	}
	return strings.Join([]string{a, st.Type, b, attrs.String(), string(st.ValidFrom), string(st.ValidUntil)}, "\x00")
}

// planMerge computes the transaction of a merge.
func planMerge(ctx context.Context, r reader, keep string, merged []string, by string, at time.Time) (*cgraph.Transaction, graph.MergeRecord, error) {
	rec := graph.MergeRecord{Keep: keep, By: by, At: at, Names: map[string]string{}}
	keepEnt, ok, err := r.entity(ctx, keep)
	if err != nil {
		return nil, rec, err
	}
	if !ok {
		to, moved, err := r.redirect(ctx, keep)
		if err != nil {
			return nil, rec, err
		}
		if !moved {
			return nil, rec, graph.Errorf(graph.NotFound, "no entity %s", graph.Quote(keep))
		}
		if keepEnt, _, err = r.entity(ctx, to); err != nil {
			return nil, rec, err
		}
		keep, rec.Keep = to, to
	}
	isMerged := map[string]bool{}
	var olds []graph.Entity
	for _, id := range merged {
		if id == keep {
			return nil, rec, graph.Errorf(graph.Invalid, "%s cannot be merged into itself", graph.Quote(id))
		}
		if isMerged[id] {
			continue
		}
		e, ok, err := r.entity(ctx, id)
		if err != nil {
			return nil, rec, err
		}
		if !ok {
			if to, moved, err := r.redirect(ctx, id); err != nil {
				return nil, rec, err
			} else if moved {
				return nil, rec, graph.Errorf(graph.Invalid, "%s was merged into %s already", graph.Quote(id), graph.Quote(to))
			}
			return nil, rec, graph.Errorf(graph.NotFound, "no entity %s", graph.Quote(id))
		}
		if e.Type != keepEnt.Type {
			return nil, rec, graph.Errorf(graph.Invalid, "%s is a %s and %s a %s: only entities of one type can be merged",
				graph.Quote(id), e.Type, graph.Quote(keep), keepEnt.Type)
		}
		isMerged[id] = true
		rec.Names[id] = e.Name
		olds = append(olds, e)
		rec.Merged = append(rec.Merged, id)
	}
	d := &delta{removed: map[string]quad.Quad{}, added: map[string]quad.Quad{}}
	swap := func(v quad.Value) quad.Value {
		if id, ok := idOf(v, prefixEntity); ok && isMerged[id] {
			return entityIRI(keep)
		}
		return v
	}
	imported := func(q quad.Quad) error {
		if isImport(q.Label) {
			id, _ := idOf(q.Subject, prefixEntity)
			return graph.Errorf(graph.Invalid, "%s came with a bulk import (%v): imported entities and statements cannot be merged; a new version of the import replaces them",
				graph.Quote(id), q.Label)
		}
		return nil
	}

	// The kept entity's own statements, by what makes them the same.
	ont, err := r.ontology(ctx)
	if err != nil {
		return nil, rec, err
	}
	sym := ont.SymmetricTypes()
	keepOut, err := r.rawQuads(ctx, quad.Subject, entityIRI(keep))
	if err != nil {
		return nil, rec, err
	}
	keepIn, err := r.rawQuads(ctx, quad.Object, entityIRI(keep))
	if err != nil {
		return nil, rec, err
	}
	target := map[string]string{} // statement key → id of the statement to join
	moving := map[string]bool{}
	aliasCount := 0
	for _, q := range keepOut {
		if q.Predicate == pAlias {
			if n, ok := aliasIndex(q.Object); ok && n+1 > aliasCount {
				aliasCount = n + 1
			}
		}
	}
	for _, q := range append(slices.Clone(keepOut), keepIn...) {
		if !isRelation(q.Predicate) {
			continue
		}
		if id, ok := idOf(q.Label, prefixStmt); ok {
			st, ok, err := r.statement(ctx, id)
			if err != nil {
				return nil, rec, err
			}
			if ok && !isMerged[st.Subject] && !isMerged[st.Object] {
				target[statementKey(st, sym[st.Type])] = id
			}
		}
	}

	// Every quad that names a merged entity.
	var stmtIDs []string
	names := []graph.Alias{}
	for _, old := range olds {
		node := entityIRI(old.ID)
		own, err := r.rawQuads(ctx, quad.Subject, node)
		if err != nil {
			return nil, rec, err
		}
		in, err := r.rawQuads(ctx, quad.Object, node)
		if err != nil {
			return nil, rec, err
		}
		for _, q := range append(own, in...) {
			if err := imported(q); err != nil {
				return nil, rec, err
			}
			switch {
			case isRelation(q.Predicate):
				id, _ := idOf(q.Label, prefixStmt)
				if !moving[id] {
					moving[id] = true
					stmtIDs = append(stmtIDs, id)
				}
			case q.Subject == node:
				d.remove(q)
				if q.Predicate == pAlias {
					aq, err := r.rawQuads(ctx, quad.Subject, q.Object)
					if err != nil {
						return nil, rec, err
					}
					for _, a := range aq {
						d.remove(a)
					}
				}
			case q.Predicate == pMergedInto:
				// An earlier merge into this one: the chain is followed.
			case q.Predicate == pSubject || q.Predicate == pObject:
				// Moved with the statement.
			default:
				// A claim it makes, an alias it uses, …: now the kept one's.
				d.remove(q)
				d.add(quad.Quad{Subject: q.Subject, Predicate: q.Predicate, Object: swap(q.Object), Label: q.Label})
				if q.Predicate == pClaimant {
					rec.Claims++
				}
			}
		}
		names = append(names, graph.Alias{Name: old.Name})
		for _, a := range old.Aliases {
			if isMerged[a.UsedBy] {
				a.UsedBy = keep
			}
			names = append(names, a)
		}
		d.add(quad.Make(node, pMergedInto, entityIRI(keep), nil))
	}

	// The names of the merged entities become aliases of the kept one.
	have := map[graph.Alias]bool{{Name: keepEnt.Name}: true}
	for _, a := range keepEnt.Aliases {
		have[a] = true
	}
	for _, a := range names {
		if a.Name == "" || have[a] || have[graph.Alias{Name: a.Name}] && a.UsedBy == "" {
			continue
		}
		have[a] = true
		alias := aliasIRI(keep, aliasCount)
		aliasCount++
		d.add(quad.Make(entityIRI(keep), pAlias, alias, nil))
		d.add(quad.Make(alias, pName, quad.String(a.Name), nil))
		if a.UsedBy != "" {
			d.add(quad.Make(alias, pUsedBy, entityIRI(a.UsedBy), nil))
		}
		rec.Aliases++
	}

	// The statements: moved, or joined with one that is the same.
	slices.Sort(stmtIDs)
	for _, id := range stmtIDs {
		own, err := r.rawQuads(ctx, quad.Subject, statementIRI(id))
		if err != nil {
			return nil, rec, err
		}
		st, ok := decodeStatement(id, own)
		if !ok {
			return nil, rec, graph.Errorf(graph.Internal, "statement %q has an edge but no node", id)
		}
		var edge []quad.Quad
		for _, end := range []string{st.Subject, st.Object} {
			qs, err := r.rawQuads(ctx, quad.Subject, entityIRI(end))
			if err != nil {
				return nil, rec, err
			}
			for _, q := range qs {
				if q.Label == statementIRI(id) && isRelation(q.Predicate) && !slices.Contains(edge, q) {
					edge = append(edge, q)
				}
			}
		}
		for _, q := range own {
			if err := imported(q); err != nil {
				return nil, rec, err
			}
		}
		moved := st
		moved.Subject, moved.Object = idOr(swap(entityIRI(st.Subject)), st.Subject), idOr(swap(entityIRI(st.Object)), st.Object)
		key := statementKey(moved, sym[st.Type])
		if other, ok := target[key]; ok {
			// Joined: the claims go to the other statement, this one
			// becomes a redirect to it.
			for _, q := range edge {
				d.remove(q)
			}
			for _, q := range own {
				d.remove(q)
				if q.Predicate == pClaim {
					d.add(quad.Make(statementIRI(other), pClaim, q.Object, nil))
					d.remove(quad.Make(q.Object, pStatement, statementIRI(id), nil))
					d.add(quad.Make(q.Object, pStatement, statementIRI(other), nil))
				}
			}
			d.add(quad.Make(statementIRI(id), pMergedInto, statementIRI(other), nil))
			rec.Joined++
			continue
		}
		target[key] = id
		for _, q := range edge {
			d.remove(q)
			d.add(quad.Quad{Subject: swap(q.Subject), Predicate: q.Predicate, Object: swap(q.Object), Label: q.Label})
		}
		for _, q := range own {
			if q.Predicate == pSubject || q.Predicate == pObject {
				d.remove(q)
				d.add(quad.Quad{Subject: q.Subject, Predicate: q.Predicate, Object: swap(q.Object), Label: q.Label})
			}
		}
		rec.Statements++
	}

	// The record.
	rec.ID = keep + "~" + strconv.FormatInt(at.UnixNano(), 36)
	node := quad.IRI(prefixMerge + rec.ID)
	for _, id := range rec.Merged {
		d.add(quad.Make(entityIRI(id), pMergeRecord, node, nil))
	}
	removed, err := encodeQuads(d.removed)
	if err != nil {
		return nil, rec, err
	}
	added, err := encodeQuads(d.added)
	if err != nil {
		return nil, rec, err
	}
	tx := cgraph.NewTransaction()
	for _, k := range sortedKeys(d.removed) {
		tx.RemoveQuad(d.removed[k])
	}
	for _, k := range sortedKeys(d.added) {
		tx.AddQuad(d.added[k])
	}
	for _, q := range recordQuads(node, rec, removed, added) {
		tx.AddQuad(q)
	}
	return tx, rec, nil
}

// idOr returns the entity id in v, or def.
func idOr(v quad.Value, def string) string {
	if id, ok := idOf(v, prefixEntity); ok {
		return id
	}
	return def
}

func recordQuads(node quad.IRI, rec graph.MergeRecord, removed, added string) quads {
	qs := quads{quad.Make(iriMerges, pMerge, node, nil)}
	qs.text(node, pKeep, rec.Keep)
	for _, id := range rec.Merged {
		qs.text(node, pMerged, id)
	}
	qs.text(node, pBy, rec.By)
	qs.text(node, pAt, rec.At.Format(time.RFC3339Nano))
	qs.text(node, pCounts, fmt.Sprintf("%d %d %d %d", rec.Statements, rec.Joined, rec.Claims, rec.Aliases))
	qs.text(node, pRemoved, removed)
	qs.text(node, pAdded, added)
	return qs
}

func decodeRecord(id string, own []quad.Quad) (graph.MergeRecord, string, string, bool) {
	p := propsOf(own)
	rec := graph.MergeRecord{ID: id, Keep: p.text(pKeep), Merged: p.sortedTexts(pMerged), By: p.text(pBy)}
	if rec.Keep == "" {
		return rec, "", "", false
	}
	rec.At, _ = time.Parse(time.RFC3339Nano, p.text(pAt))
	fmt.Sscan(p.text(pCounts), &rec.Statements, &rec.Joined, &rec.Claims, &rec.Aliases)
	return rec, p.text(pRemoved), p.text(pAdded), true
}

func encodeQuads(m map[string]quad.Quad) (string, error) {
	var buf bytes.Buffer
	w := nquads.NewWriter(&buf)
	for _, k := range sortedKeys(m) {
		if err := w.WriteQuad(m[k]); err != nil {
			return "", err
		}
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return buf.String(), nil
}

func decodeQuads(s string) ([]quad.Quad, error) {
	rd := nquads.NewReader(strings.NewReader(s), false)
	var out []quad.Quad
	for {
		q, err := rd.ReadQuad()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, graph.Errorf(graph.Internal, "a merge record is unreadable: %v", err)
		}
		out = append(out, q)
	}
}

// Unmerge implements graph.Merger.
func (s *Store) Unmerge(ctx context.Context, id string) (rec graph.MergeRecord, err error) {
	defer deferWrap(&err, "unmerge %q", id)
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		return rec, err
	}
	defer unlock()
	tx := cgraph.NewTransaction()
	err = s.read(func(qs cgraph.QuadStore) error {
		r := newReader(qs)
		own, err := r.subject(ctx, entityIRI(id))
		if err != nil {
			return err
		}
		node := propsOf(own)[pMergeRecord]
		if hasType(own) || len(node) == 0 {
			return graph.Errorf(graph.NotFound, "%s was not merged into another entity", graph.Quote(id))
		}
		recQuads, err := r.subject(ctx, node[0])
		if err != nil {
			return err
		}
		recID, _ := idOf(node[0], prefixMerge)
		var removedText, addedText string
		var ok bool
		rec, removedText, addedText, ok = decodeRecord(recID, recQuads)
		if !ok {
			return graph.Errorf(graph.Internal, "the record of the merge of %s is missing", graph.Quote(id))
		}
		added, err := decodeQuads(addedText)
		if err != nil {
			return err
		}
		removed, err := decodeQuads(removedText)
		if err != nil {
			return err
		}
		for _, q := range added {
			there, err := r.has(ctx, q)
			if err != nil {
				return err
			}
			if !there {
				return graph.Errorf(graph.Conflict, "what the merge into %s wrote has changed since (%s); undo the later change first",
					graph.Quote(rec.Keep), strings.TrimSpace(q.NQuad()))
			}
			tx.RemoveQuad(q)
		}
		for _, q := range removed {
			tx.AddQuad(q)
		}
		for _, q := range recQuads {
			tx.RemoveQuad(q)
		}
		tx.RemoveQuad(quad.Make(iriMerges, pMerge, node[0], nil))
		return nil
	})
	if err != nil {
		return graph.MergeRecord{}, err
	}
	if err := s.writable(ctx); err != nil {
		return graph.MergeRecord{}, err
	}
	if err := s.audit(ctx, tx, "unmerge"); err != nil {
		return graph.MergeRecord{}, err
	}
	if err := s.write(tx); err != nil {
		return graph.MergeRecord{}, err
	}
	s.log.Info("merge undone", "keep", rec.Keep, "merged", rec.Merged)
	return rec, nil
}

// has reports whether q is stored.
func (r reader) has(ctx context.Context, q quad.Quad) (bool, error) {
	own, err := r.rawQuads(ctx, quad.Subject, q.Subject)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(own, func(x quad.Quad) bool { return x.NQuad() == q.NQuad() }), nil
}

// Merges implements graph.Merger: the records of the entities redirected
// to keep.
func (s *Store) Merges(ctx context.Context, keep string) (out []graph.MergeRecord, err error) {
	defer deferWrap(&err, "list the merges into %q", keep)
	err = s.read(func(qs cgraph.QuadStore) error {
		r := newReader(qs)
		in, err := r.object(ctx, entityIRI(keep))
		if err != nil {
			return err
		}
		seen := map[quad.Value]bool{}
		for _, q := range in {
			if q.Predicate != pMergedInto {
				continue
			}
			own, err := r.subject(ctx, q.Subject)
			if err != nil {
				return err
			}
			for _, node := range propsOf(own)[pMergeRecord] {
				if seen[node] {
					continue
				}
				seen[node] = true
				rq, err := r.subject(ctx, node)
				if err != nil {
					return err
				}
				id, _ := idOf(node, prefixMerge)
				rec, removed, _, ok := decodeRecord(id, rq)
				if !ok {
					continue
				}
				// The merged entities' names are among the quads the
				// merge removed.
				qs, err := decodeQuads(removed)
				if err != nil {
					return err
				}
				rec.Names = map[string]string{}
				for _, q := range qs {
					if m, ok := idOf(q.Subject, prefixEntity); ok && q.Predicate == pName && slices.Contains(rec.Merged, m) {
						rec.Names[m] = text(q.Object)
					}
				}
				out = append(out, rec)
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b graph.MergeRecord) int { return a.At.Compare(b.At) })
	return out, err
}

func judgementIRI(a, b string) quad.IRI { return quad.IRI(prefixJudgement + a + "~" + b) }

// Judge implements graph.Judge.
func (s *Store) Judge(ctx context.Context, j graph.Judgement) (err error) {
	defer deferWrap(&err, "judge %q and %q", j.A, j.B)
	j.A, j.B = graph.PairKey(j.A, j.B)
	switch {
	case !j.Verdict.Valid():
		return graph.Errorf(graph.Invalid, "verdict %s is not one of same, different, unsure", graph.Quote(string(j.Verdict)))
	case strings.TrimSpace(j.By) == "":
		return graph.Errorf(graph.Invalid, "a judgement needs the name of who judges")
	case j.A == j.B:
		return graph.Errorf(graph.Invalid, "a pair needs two entities")
	}
	if j.At.IsZero() {
		j.At = time.Now().UTC()
	}
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	tx := cgraph.NewTransaction()
	node := judgementIRI(j.A, j.B)
	err = s.read(func(qs cgraph.QuadStore) error {
		r := newReader(qs)
		for _, id := range []string{j.A, j.B} {
			if _, ok, err := r.entity(ctx, id); err != nil {
				return err
			} else if !ok {
				return graph.Errorf(graph.NotFound, "no entity %s", graph.Quote(id))
			}
		}
		own, err := r.subject(ctx, node)
		if err != nil {
			return err
		}
		var want quads
		want.add(iriJudgements, pJudgement, node)
		want.text(node, pVerdict, string(j.Verdict))
		want.text(node, pBy, j.By)
		want.text(node, pAt, j.At.Format(time.RFC3339Nano))
		have := keyed(own)
		if len(own) > 0 {
			have[quad.Make(iriJudgements, pJudgement, node, nil).NQuad()] = quad.Make(iriJudgements, pJudgement, node, nil)
		}
		wantK := keyed(want)
		for k, q := range have {
			if _, ok := wantK[k]; !ok {
				tx.RemoveQuad(q)
			}
		}
		for k, q := range wantK {
			if _, ok := have[k]; !ok {
				tx.AddQuad(q)
			}
		}
		return nil
	})
	if err != nil || len(tx.Deltas) == 0 {
		return err
	}
	if err := s.writable(ctx); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, "judge"); err != nil {
		return err
	}
	return s.write(tx)
}

// Judgements implements graph.Judge.
func (s *Store) Judgements(ctx context.Context) (out []graph.Judgement, err error) {
	defer deferWrap(&err, "list judgements")
	err = s.read(func(qs cgraph.QuadStore) error {
		r := newReader(qs)
		root, err := r.subject(ctx, iriJudgements)
		if err != nil {
			return err
		}
		for _, q := range root {
			pair, ok := idOf(q.Object, prefixJudgement)
			if q.Predicate != pJudgement || !ok {
				continue
			}
			a, b, _ := strings.Cut(pair, "~")
			own, err := r.subject(ctx, q.Object)
			if err != nil {
				return err
			}
			p := propsOf(own)
			at, _ := time.Parse(time.RFC3339Nano, p.text(pAt))
			out = append(out, graph.Judgement{A: a, B: b, Verdict: graph.Verdict(p.text(pVerdict)), By: p.text(pBy), At: at})
		}
		return nil
	})
	slices.SortFunc(out, func(x, y graph.Judgement) int {
		if c := strings.Compare(x.A, y.A); c != 0 {
			return c
		}
		return strings.Compare(x.B, y.B)
	})
	return out, err
}
