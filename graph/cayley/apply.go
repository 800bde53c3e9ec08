package cayley

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"

	"github.com/claimgraph/claimgraph/graph"
)

// Apply writes b as one atomic change; see graph.Store. Holding the write
// lock (lockWrites: across processes on PostgreSQL), it checks the
// conditions of opts, validates b against the stored ontology merged with
// b's, computes the exact quads to add and remove item by item
// (re-applying a batch writes nothing), and writes them with one
// ApplyDeltas: one transaction on KV and SQL backends. On bolt, calls
// that wait for each other are committed together, each still atomic
// (see group.go).
func (s *Store) Apply(ctx context.Context, b graph.Batch, opts graph.ApplyOptions) (_ graph.Summary, err error) {
	defer deferWrap(&err, "apply batch")
	b = cloneBatch(b)
	graph.NormalizeBatch(&b)
	if s.groupCommits && !opts.DryRun {
		return s.applyGrouped(ctx, b, opts)
	}
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		return graph.Summary{}, err
	}
	defer unlock()
	p, err := s.planApply(ctx, b, opts, nil)
	if err != nil {
		return graph.Summary{}, err
	}
	if opts.DryRun || len(p.tx.Deltas) == 0 {
		return p.sum, nil
	}
	if err := s.write(p.tx); err != nil {
		return graph.Summary{}, err
	}
	s.log.Debug("batch applied", "added", p.sum.Added, "changed", p.sum.Changed,
		"unchanged", p.sum.Unchanged, "quads", len(p.tx.Deltas))
	return p.sum, nil
}

// planApply plans the write of b (see Apply) over the changes of ov, when
// given (see group.go), and unless it is a dry run or changes nothing adds
// its audit entry and events to the transaction. The caller holds the
// write lock.
func (s *Store) planApply(ctx context.Context, b graph.Batch, opts graph.ApplyOptions, ov *overlay) (*planner, error) {
	var p planner
	err := s.read(func(qs cgraph.QuadStore) error {
		r := newReader(qs)
		r.pending = ov
		p = planner{r: r, tx: cgraph.NewTransaction(), edges: map[string][]quad.Quad{},
			by: graph.Author(ctx), at: time.Now().UTC(), keep: opts.KeepAttribution}
		if ov == nil || !ov.ontology {
			p.ontology = s.plannedOntology
		}
		if err := p.conditions(ctx, &b, opts); err != nil {
			return err
		}
		return p.plan(ctx, b)
	})
	if err != nil {
		return nil, err
	}
	if opts.DryRun || len(p.tx.Deltas) == 0 {
		return &p, nil
	}
	if err := s.writable(ctx); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.auditOver(ctx, ov, p.tx, "apply"); err != nil {
		return nil, err
	}
	return &p, nil
}

// conditions checks the conditions of opts against what is stored (see
// graph.ApplyOptions); with ClaimsOnly it gives b's statements their
// stored ends, attributes and valid time.
func (p *planner) conditions(ctx context.Context, b *graph.Batch, opts graph.ApplyOptions) error {
	var taken []string
	for _, ref := range opts.Create {
		found, err := p.exists(ctx, *b, ref)
		if err != nil {
			return err
		}
		if found {
			taken = append(taken, fmt.Sprintf("%s %q already exists", ref.Kind, ref.ID))
		}
	}
	if len(taken) > 0 {
		return graph.Errorf(graph.Conflict, "%s", strings.Join(taken, "; "))
	}
	for _, want := range opts.IfUnchanged {
		have, ok, err := p.r.entity(ctx, want.ID)
		switch {
		case err != nil:
			return err
		case !ok:
			return graph.Errorf(graph.NotFound, "no entity %q", want.ID)
		case !graph.SameEntity(have, want):
			return graph.Errorf(graph.Conflict, "entity %q was changed by another write since it was read", want.ID)
		}
	}
	if opts.ClaimsOnly {
		for i, st := range b.Statements {
			stored, ok, err := p.r.statement(ctx, st.ID)
			if err != nil {
				return err
			}
			if !ok {
				return graph.Errorf(graph.NotFound, "no statement %q", st.ID)
			}
			stored.Claims = st.Claims
			b.Statements[i] = stored
		}
	}
	return nil
}

// exists reports whether the item ref names is stored. A claim is looked
// up by its own node and, when b gives it to a statement, among that
// statement's claims too (an imported statement's claim is implicit).
func (p *planner) exists(ctx context.Context, b graph.Batch, ref graph.Ref) (bool, error) {
	switch ref.Kind {
	case graph.KindEntity:
		_, ok, err := p.r.entity(ctx, ref.ID)
		return ok, err
	case graph.KindSource:
		_, ok, err := p.r.source(ctx, ref.ID)
		return ok, err
	case graph.KindStatement:
		_, ok, err := p.r.statement(ctx, ref.ID)
		return ok, err
	case graph.KindClaim:
		if _, ok, err := p.r.claim(ctx, ref.ID); err != nil || ok {
			return ok, err
		}
		for _, st := range b.Statements {
			if !slices.ContainsFunc(st.Claims, func(c graph.Claim) bool { return c.ID == ref.ID }) {
				continue
			}
			stored, ok, err := p.r.statement(ctx, st.ID)
			if err != nil {
				return false, err
			}
			if ok && slices.ContainsFunc(stored.Claims, func(c graph.Claim) bool { return c.ID == ref.ID }) {
				return true, nil
			}
		}
		return false, nil
	}
	return false, graph.Errorf(graph.Invalid, "unknown item kind %q to create", ref.Kind)
}

// cloneBatch copies the parts of b that NormalizeBatch writes to, so that
// the caller's batch is left as it was.
func cloneBatch(b graph.Batch) graph.Batch {
	b.Sources = slices.Clone(b.Sources)
	b.Statements = slices.Clone(b.Statements)
	for i := range b.Statements {
		b.Statements[i].Claims = slices.Clone(b.Statements[i].Claims)
	}
	return b
}

// planner computes the delta of one Apply.
type planner struct {
	r     reader
	tx    *cgraph.Transaction
	sum   graph.Summary
	edges map[string][]quad.Quad // entity id → its subject quads, cached
	heads map[string][]quad.Quad // entity id → its type and merge quads, cached
	root  []quad.Quad            // the quads of <cg:ontology>
	// ontology, when set, gives the stored ontology and the quads of
	// <cg:ontology> in place of reading them (see Store.plannedOntology).
	ontology func(context.Context, reader) (graph.Ontology, []quad.Quad, error)

	// by and at are the author and time items added or changed record;
	// with keep, the attribution an item of the batch carries comes first.
	by   string
	at   time.Time
	keep bool
}

// stamp says where an item records who wrote it: its node, whether it
// keeps who created it (entities and statements do), and the attribution
// the batch gives it.
type stamp struct {
	node            quad.Value
	withCreated     bool
	created, record graph.Attribution
}

func (p *planner) plan(ctx context.Context, b graph.Batch) error {
	stored, root, err := p.storedOntology(ctx)
	if err != nil {
		return err
	}
	p.root = root
	// Ids that were merged into others name those others.
	if err := p.redirectBatch(ctx, &b); err != nil {
		return err
	}
	storedSources := map[string]graph.Source{}
	for i := range b.Sources {
		src := &b.Sources[i]
		old, ok, err := p.r.source(ctx, src.ID)
		if err != nil {
			return err
		}
		if ok {
			storedSources[src.ID] = old
		}
		if src.Text == "" && src.Digest == "" && old.Text != "" {
			// A source given without its text keeps the stored one.
			src.Text, src.Digest = old.Text, old.Digest
		}
	}
	if err := graph.ValidateBatch(ctx, stored.Merge(b.Ontology), &b, p.known); err != nil {
		return err // an Invalid *graph.Error is returned unchanged, Problems and all
	}
	before := len(p.tx.Deltas)
	for _, t := range dedupe(b.Ontology.EntityTypes, func(t graph.EntityType) string { return t.Name }) {
		if err := p.ontologyItem(ctx, pEntityType, typeIRI(t.Name), entityTypeQuads(t)); err != nil {
			return err
		}
	}
	for _, t := range dedupe(b.Ontology.RelationTypes, func(t graph.RelationType) string { return t.Name }) {
		if err := p.ontologyItem(ctx, pRelationType, relationIRI(t.Name), relationTypeQuads(t)); err != nil {
			return err
		}
	}
	if len(p.tx.Deltas) > before {
		p.bumpVersion()
	}
	for _, src := range dedupe(b.Sources, func(s graph.Source) string { return s.ID }) {
		stored, err := p.r.subject(ctx, sourceIRI(src.ID))
		if err != nil {
			return err
		}
		if p.item(stored, sourceQuads(src), stamp{node: sourceIRI(src.ID), record: src.Recorded}) {
			old, _ := decodeSource(src.ID, stored)
			p.sum.Diff = append(p.sum.Diff, graph.SourceChanges(old, src)...)
		}
		if old, ok := storedSources[src.ID]; ok && src.Text != "" && old.Digest != src.Digest {
			if err := p.newVersion(ctx, src, b.Statements); err != nil {
				return err
			}
		}
	}
	for _, e := range dedupe(b.Entities, func(e graph.Entity) string { return e.ID }) {
		if err := p.entity(ctx, e); err != nil {
			return err
		}
	}
	return p.statements(ctx, b.Statements)
}

// newVersion checks the stored claims on src, whose text has changed,
// against the new text: the claims of statements (the batch's) are
// anchored by validation; every other claim with a quote is re-placed
// when the new text carries its quote (graph.Document.Reanchor), and
// orphaned otherwise, as is one without a quote. Only the anchor quads
// change, and the claim records the write's author as the last to change
// it, as every changed item does.
func (p *planner) newVersion(ctx context.Context, src graph.Source, statements []graph.Statement) error {
	given := map[string]bool{}
	for _, st := range statements {
		for _, c := range st.Claims {
			given[c.ID] = true
		}
	}
	ids, err := p.r.claimsCiting(ctx, src.ID)
	if err != nil {
		return err
	}
	doc := graph.NewDocument(src.Text)
	for _, id := range ids {
		if given[id] {
			continue
		}
		own, err := p.r.subject(ctx, claimIRI(id))
		if err != nil {
			return err
		}
		c, _, ok := decodeClaim(id, own)
		if !ok {
			continue
		}
		var a graph.Anchor
		if c.Quote == "" {
			a = c.Anchor
			a.Orphaned = true
		} else {
			a = doc.Reanchor(src.ID, c.Quote, c.Anchor)
		}
		if a == c.Anchor {
			continue
		}
		node := claimIRI(id)
		var attr []quad.Quad
		for _, q := range own {
			switch {
			case q.Subject != node:
			case isAnchor(q.Predicate):
				p.tx.RemoveQuad(q)
			case isAttribution(q.Predicate):
				attr = append(attr, q)
			}
		}
		for _, q := range anchorQuads(node, a) {
			p.tx.AddQuad(q)
		}
		p.stamp(stamp{node: node}, attr, false)
		p.sum.Changed++
		p.sum.Diff = append(p.sum.Diff, graph.Change{Kind: graph.KindClaim, ID: id, Field: "anchor", Old: c.Anchor.String(), New: a.String()})
		if a.Orphaned && !c.Anchor.Orphaned {
			p.sum.Orphaned = append(p.sum.Orphaned, id)
		}
	}
	return nil
}

// storedOntology returns the stored ontology and the quads of
// <cg:ontology>.
func (p *planner) storedOntology(ctx context.Context) (graph.Ontology, []quad.Quad, error) {
	if p.ontology != nil {
		return p.ontology(ctx, p.r)
	}
	return readOntology(ctx, p.r)
}

func readOntology(ctx context.Context, r reader) (graph.Ontology, []quad.Quad, error) {
	ont, err := r.ontology(ctx)
	if err != nil {
		return graph.Ontology{}, nil, err
	}
	root, err := r.subject(ctx, iriOntology)
	return ont, root, err
}

// ontologyCache keeps, on a store no other process writes, the ontology
// and the quads of <cg:ontology> as of one generation of the store.
type ontologyCache struct {
	mu   sync.Mutex
	gen  uint64
	ok   bool
	ont  graph.Ontology
	root []quad.Quad
}

// plannedOntology returns the stored ontology and the quads of
// <cg:ontology> for a write to plan with. On an embedded store this
// process is the only writer and every write advances the generation
// (before and after it), so what was read at a generation with no write
// running holds as long as the generation stays the same: writes that
// leave the ontology alone then need not read it again. A shared store's
// is read every time. Callers only read what it returns.
func (s *Store) plannedOntology(ctx context.Context, r reader) (graph.Ontology, []quad.Quad, error) {
	if s.shared {
		return readOntology(ctx, r)
	}
	c := &s.ontologies
	gen := s.gen.Load()
	c.mu.Lock()
	if c.ok && c.gen == gen {
		ont, root := c.ont, c.root
		c.mu.Unlock()
		return ont, root, nil
	}
	c.mu.Unlock()
	ont, root, err := readOntology(ctx, r)
	if err != nil {
		return graph.Ontology{}, nil, err
	}
	// An odd generation is a write in progress, whose commit may or may
	// not be seen: keep only what was read with none.
	if gen%2 == 0 && s.gen.Load() == gen {
		c.mu.Lock()
		c.gen, c.ok, c.ont, c.root = gen, true, ont, root
		c.mu.Unlock()
	}
	return ont, root, nil
}

// keepThrough returns the function to call once the write of tx, started
// at generation gen, has ended and advanced the generation (by two, see
// bumpLocalGeneration): when tx leaves the ontology alone, the ontology
// kept for gen holds for the new generation too. A write leaves the
// ontology alone when it changes no quad of <cg:ontology> or of a type,
// and none of an import (whose state decides which imported quads count).
func (c *ontologyCache) keepThrough(gen uint64, tx *cgraph.Transaction) func() {
	if touchesOntology(tx.Deltas) {
		return func() {}
	}
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.ok && c.gen == gen {
			c.gen = gen + 2
		}
	}
}

// bumpVersion replaces the ontology's version token (see
// Store.OntologyVersion) with a new one, unique across processes: the time
// and random bytes, so that two processes writing one PostgreSQL store
// never write the same token for different ontologies.
func (p *planner) bumpVersion() {
	for _, q := range p.root {
		if q.Predicate == pVersion {
			p.tx.RemoveQuad(q)
		}
	}
	var nonce [8]byte
	rand.Read(nonce[:])
	token := fmt.Sprintf("%d-%x", time.Now().UnixNano(), nonce)
	p.tx.AddQuad(quad.Make(iriOntology, pVersion, quad.String(token), nil))
}

// known reports stored entities and sources to graph.ValidateBatch.
func (p *planner) known(ctx context.Context, kind, id string) (string, bool, error) {
	switch kind {
	case graph.KindEntity:
		head, err := p.entityHead(ctx, id)
		if err != nil {
			return "", false, err
		}
		typ := propsOf(head).id(iriRDFType, prefixType)
		return typ, typ != "", nil
	case graph.KindSource:
		src, ok, err := p.r.source(ctx, id)
		return src.Text, ok, err
	}
	return "", false, fmt.Errorf("unknown item kind %q", kind)
}

// item counts one item and adds to the transaction what turns its stored
// quads into the desired ones; it reports whether a stored item changes.
// Attribution quads (on st.node) are not content: they change only when
// the content does, to the write's author and time (or what the batch
// gives, with keep). Items with no node in st (ontology types) record
// none.
func (p *planner) item(stored []quad.Quad, desired quads, st stamp) bool {
	var attr []quad.Quad
	content := stored[:0:0]
	for _, q := range stored {
		if st.node != nil && q.Subject == st.node && isAttribution(q.Predicate) {
			attr = append(attr, q)
		} else {
			content = append(content, q)
		}
	}
	have := keyed(content)
	want := keyed(desired)
	changed := false
	for _, k := range sortedKeys(want) {
		if _, ok := have[k]; !ok {
			p.tx.AddQuad(want[k])
			changed = true
		}
	}
	for _, k := range sortedKeys(have) {
		if _, ok := want[k]; !ok {
			p.tx.RemoveQuad(have[k])
			changed = true
		}
	}
	added := len(content) == 0
	if st.node != nil && (added || changed) {
		p.stamp(st, attr, added)
	}
	switch {
	case added:
		p.sum.Added++
		return false
	case changed:
		p.sum.Changed++
		return true
	default:
		p.sum.Unchanged++
		return false
	}
}

// stamp rewrites the attribution of an item that is added or changed:
// who recorded it last, and for an added one who created it.
func (p *planner) stamp(st stamp, stored []quad.Quad, added bool) {
	pick := func(given graph.Attribution) graph.Attribution {
		if p.keep && !given.IsZero() {
			return given
		}
		if p.by == "" {
			return graph.Attribution{}
		}
		return graph.Attribution{By: p.by, At: p.at}
	}
	var want quads
	want = append(want, attributionQuads(st.node, pRecordedBy, pRecordedAt, pick(st.record))...)
	if st.withCreated && added {
		want = append(want, attributionQuads(st.node, pCreatedBy, pCreatedAt, pick(st.created))...)
	}
	wantKeys := keyed(want)
	for _, q := range stored {
		keepCreated := !added && (q.Predicate == pCreatedBy || q.Predicate == pCreatedAt)
		if _, ok := wantKeys[q.NQuad()]; !ok && !keepCreated {
			p.tx.RemoveQuad(q)
		}
	}
	have := keyed(stored)
	for _, k := range sortedKeys(wantKeys) {
		if _, ok := have[k]; !ok {
			p.tx.AddQuad(wantKeys[k])
		}
	}
}

func keyed(qs []quad.Quad) map[string]quad.Quad {
	m := make(map[string]quad.Quad, len(qs))
	for _, q := range qs {
		m[q.NQuad()] = q
	}
	return m
}

func sortedKeys(m map[string]quad.Quad) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ontologyItem diffs a type: its link from <cg:ontology> and its own quads.
func (p *planner) ontologyItem(ctx context.Context, link quad.IRI, node quad.IRI, desired quads) error {
	stored, err := p.r.subject(ctx, node)
	if err != nil {
		return err
	}
	for _, q := range p.root {
		if q.Predicate == link && q.Object == node {
			stored = append(stored, q)
		}
	}
	p.item(stored, desired, stamp{})
	return nil
}

// entity diffs an entity: its own quads except statement edges, and its
// alias nodes.
func (p *planner) entity(ctx context.Context, e graph.Entity) error {
	own, err := p.entityQuads(ctx, e.ID)
	if err != nil {
		return err
	}
	var stored []quad.Quad
	for _, q := range own {
		if isRelation(q.Predicate) {
			continue
		}
		stored = append(stored, q)
		if q.Predicate == pAlias {
			alias, err := p.r.subject(ctx, q.Object)
			if err != nil {
				return err
			}
			stored = append(stored, alias...)
		}
	}
	if p.item(stored, entityQuads(e), stamp{node: entityIRI(e.ID), withCreated: true, created: e.Created, record: e.Recorded}) {
		old, _, err := p.r.entityFrom(ctx, e.ID, own)
		if err != nil {
			return err
		}
		p.sum.Diff = append(p.sum.Diff, graph.EntityChanges(old, e)...)
	}
	return nil
}

// entityQuads returns the subject quads of an entity, cached for the plan:
// statements find their edges there.
func (p *planner) entityQuads(ctx context.Context, id string) ([]quad.Quad, error) {
	if qs, ok := p.edges[id]; ok {
		return qs, nil
	}
	qs, err := p.r.subject(ctx, entityIRI(id))
	if err != nil {
		return nil, err
	}
	p.edges[id] = qs
	return qs, nil
}

// entityHead returns the quads that tell whether an entity exists and
// where it was merged into, its type and merge links, cached for the
// plan. They are read through the (subject, predicate) index: an entity's
// statement edges, which grow with its statements, are not read.
func (p *planner) entityHead(ctx context.Context, id string) ([]quad.Quad, error) {
	if qs, ok := p.heads[id]; ok {
		return qs, nil
	}
	var head []quad.Quad
	for _, pred := range []quad.IRI{iriRDFType, pMergedInto} {
		qs, err := p.r.subjectPredicate(ctx, entityIRI(id), pred)
		if err != nil {
			return nil, err
		}
		head = append(head, qs...)
	}
	if p.heads == nil {
		p.heads = map[string][]quad.Quad{}
	}
	p.heads[id] = head
	return head, nil
}

// statements diffs statements and their claims. A statement keeps the
// stored claims the batch does not name; claims are upserted by id.
func (p *planner) statements(ctx context.Context, list []graph.Statement) error {
	merged, index := mergeStatements(list)
	var conflicts []graph.Problem
	owner := map[string]string{} // claim id → statement id, within the batch
	for i, st := range merged {
		own, err := p.r.subject(ctx, statementIRI(st.ID))
		if err != nil {
			return err
		}
		prev, explicit := decodeStatement(st.ID, own)
		if explicit && (prev.Subject != st.Subject || prev.Type != st.Type || prev.Object != st.Object) {
			conflicts = append(conflicts, graph.Problem{Kind: graph.KindStatement, Index: index[i], Claim: -1, Field: "id",
				Message: fmt.Sprintf("statement %q is stored as %s %s %s; it cannot become %s %s %s",
					st.ID, prev.Subject, prev.Type, prev.Object, st.Subject, st.Type, st.Object)})
			continue
		}
		// A statement's edge is stored with its node's ends (every write
		// keeps the two together), labelled with the statement: a
		// statement not stored yet has none, a stored one's is among the
		// quads of its ends, one entry of the (object, predicate, subject)
		// index; the other edges of its subject are not read.
		var ends []quad.Quad
		if explicit {
			ends, err = p.r.matching(ctx, map[quad.Direction]quad.Value{
				quad.Subject: entityIRI(prev.Subject), quad.Predicate: relationIRI(prev.Type), quad.Object: entityIRI(prev.Object)})
			if err != nil {
				return err
			}
		}
		var stored []quad.Quad
		var links []quad.Quad
		for _, q := range own {
			if q.Predicate == pClaim {
				links = append(links, q)
			} else {
				stored = append(stored, q)
			}
		}
		for _, q := range ends {
			if q.Label == statementIRI(st.ID) {
				stored = append(stored, q)
			}
		}
		if p.item(stored, statementQuads(st), stamp{node: statementIRI(st.ID), withCreated: true, created: st.Created, record: st.Recorded}) {
			old, _ := decodeStatement(st.ID, own)
			p.sum.Diff = append(p.sum.Diff, graph.StatementChanges(old, st)...)
		}
		for j, c := range st.Claims {
			problem, err := p.claim(ctx, st.ID, c, links, owner)
			if err != nil {
				return err
			}
			if problem != "" {
				conflicts = append(conflicts, graph.Problem{Kind: graph.KindStatement, Index: index[i], Claim: j, Field: "id", Message: problem})
			}
		}
	}
	if len(conflicts) > 0 {
		msgs := make([]string, len(conflicts))
		for i, c := range conflicts {
			msgs[i] = c.Message
		}
		return &graph.Error{Code: graph.Conflict, Message: strings.Join(msgs, "; "), Problems: conflicts}
	}
	return nil
}

// claim diffs one claim of statement stID; links are the statement's stored
// claim links. It returns a conflict message when the claim id belongs to
// another statement.
func (p *planner) claim(ctx context.Context, stID string, c graph.Claim, links []quad.Quad, owner map[string]string) (string, error) {
	if other, ok := owner[c.ID]; ok && other != stID {
		return fmt.Sprintf("claim %q is given for statements %q and %q; a claim belongs to one statement", c.ID, other, stID), nil
	}
	owner[c.ID] = stID
	stored, err := p.r.subject(ctx, claimIRI(c.ID))
	if err != nil {
		return "", err
	}
	old, storedSt, ok := decodeClaim(c.ID, stored)
	if ok && storedSt != stID {
		return fmt.Sprintf("claim %q belongs to statement %q, not %q", c.ID, storedSt, stID), nil
	}
	for _, q := range links {
		if q.Object == claimIRI(c.ID) {
			stored = append(stored, q)
		}
	}
	if p.item(stored, claimQuads(stID, c), stamp{node: claimIRI(c.ID), record: c.Recorded}) && ok {
		p.sum.Diff = append(p.sum.Diff, graph.ClaimChanges(old, c)...)
	}
	return "", nil
}

// mergeStatements folds statements given more than once (validation has
// checked they agree) into one each, upserting their claims by id in
// order. It returns the statements and the batch index of each.
func mergeStatements(list []graph.Statement) ([]graph.Statement, []int) {
	var out []graph.Statement
	var index []int
	at := map[string]int{}
	for i, st := range list {
		claims := st.Claims
		j, seen := at[st.ID]
		if !seen {
			j = len(out)
			at[st.ID] = j
			st.Claims = nil
			out = append(out, st)
			index = append(index, i)
		}
		for _, c := range claims {
			k := slices.IndexFunc(out[j].Claims, func(x graph.Claim) bool { return x.ID == c.ID })
			if k >= 0 {
				out[j].Claims[k] = c
			} else {
				out[j].Claims = append(out[j].Claims, c)
			}
		}
	}
	return out, index
}

// dedupe keeps the last of the items with the same key, in the order of
// their first appearance. Validation has checked duplicates agree.
func dedupe[T any](items []T, key func(T) string) []T {
	at := map[string]int{}
	var out []T
	for _, it := range items {
		if i, ok := at[key(it)]; ok {
			out[i] = it
			continue
		}
		at[key(it)] = len(out)
		out = append(out, it)
	}
	return out
}
