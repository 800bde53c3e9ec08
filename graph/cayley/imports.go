package cayley

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"hash/maphash"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley/boltbulk"
	"github.com/claimgraph/claimgraph/graph/cayley/pgbulk"
)

// Imports: see doc.go, "Bulk imports".
const (
	prefixImport = "cg:imp/"
	iriImports   = quad.IRI("cg:imports") // the registry of imports
	pImport      = quad.IRI("cg:p/import")
	pDigest      = quad.IRI("cg:p/digest")
	pStarted     = quad.IRI("cg:p/started")
	pCommitted   = quad.IRI("cg:p/committed")
	pSuperseded  = quad.IRI("cg:p/superseded")
	pItems       = quad.IRI("cg:p/items")
)

// importBatch is the number of quads written per transaction by Import and
// removed per transaction when an import is dropped.
const importBatch = 25_000

// staleImport is how old an uncommitted import must be before a store that
// other processes may share (PostgreSQL) rolls it back at open. A store
// only one process can open (bolt, memory) rolls back every uncommitted
// import at open: its writer is gone.
const staleImport = time.Hour

func importIRI(id string) quad.IRI { return quad.IRI(prefixImport + id) }

// isImport reports whether v names an import.
func isImport(v quad.Value) bool {
	s, ok := v.(quad.IRI)
	return ok && strings.HasPrefix(string(s), prefixImport)
}

// importState is what the node of an import tells.
type importState struct {
	source     string // the source id
	digest     string
	started    time.Time
	committed  bool
	superseded bool
	items      int // entities, statements and implicit claims
	// recorded is who made the import, and when it was committed.
	recorded graph.Attribution
}

// live reports whether readers see the import's quads.
func (st importState) live() bool { return st.committed && !st.superseded }

// importState reads the node of an import, remembering it for the reader.
func (r reader) importState(ctx context.Context, node quad.Value) (importState, error) {
	if st, ok := r.imports[node]; ok {
		return st, nil
	}
	own, err := r.rawQuads(ctx, quad.Subject, node)
	if err != nil {
		return importState{}, err
	}
	st := decodeImport(own)
	r.imports[node] = st
	return st, nil
}

func decodeImport(own []quad.Quad) importState {
	p := propsOf(own)
	st := importState{
		source:     p.id(pSource, prefixSource),
		digest:     p.text(pDigest),
		committed:  len(p[pCommitted]) > 0,
		superseded: len(p[pSuperseded]) > 0,
	}
	st.started, _ = time.Parse(time.RFC3339Nano, p.text(pStarted))
	st.items, _ = strconv.Atoi(p.text(pItems))
	if by := p.text(pRecordedBy); by != "" {
		st.recorded.By = by
		for _, c := range p[pCommitted] {
			if t, err := time.Parse(time.RFC3339Nano, text(c)); err == nil {
				st.recorded.At = t.UTC()
			}
		}
	}
	return st
}

// liveImport returns the live import of a source, if any.
func (r reader) liveImport(ctx context.Context, source string) (quad.Value, importState, error) {
	in, err := r.rawQuads(ctx, quad.Object, sourceIRI(source))
	if err != nil {
		return nil, importState{}, err
	}
	for _, q := range in {
		if q.Predicate != pSource || !isImport(q.Subject) {
			continue
		}
		st, err := r.importState(ctx, q.Subject)
		if err != nil {
			return nil, importState{}, err
		}
		if st.live() {
			return q.Subject, st, nil
		}
	}
	return nil, importState{}, nil
}

// Import writes a bulk import; see graph.BulkStore.
//
// The quads, each labelled with a new import node that is registered
// (<cg:imports> <cg:p/import> NODE) first, are written in transactions of
// importBatch quads, or on bolt by the bulk writer. Readers ignore them until a
// last, small transaction adds the commit marker, merges the import's
// ontology and source, and marks the source's previous import superseded.
// The superseded import's quads are then dropped in batches. A process
// that dies before the marker leaves an uncommitted import, which the next
// Open drops.
func (s *Store) Import(ctx context.Context, imp graph.BulkImport, opts graph.BulkOptions) (_ graph.Summary, err error) {
	defer deferWrap(&err, "import source %q", imp.Source.ID)
	if !opts.DryRun {
		if err := s.writable(ctx); err != nil {
			return graph.Summary{}, err
		}
	}
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		return graph.Summary{}, err
	}
	defer unlock()

	im, err := s.prepareImport(ctx, imp)
	if err != nil {
		return graph.Summary{}, err
	}
	total := imp.NumEntities + 2*imp.NumStatements
	if im.prevState.digest != "" && im.prevState.digest == imp.Digest {
		// The same content as the live import: nothing to do. The source
		// and ontology may still have been edited.
		sum, tx, err := s.planMeta(ctx, imp)
		if err != nil {
			return graph.Summary{}, err
		}
		sum.Unchanged += total
		if !opts.DryRun && len(tx.Deltas) > 0 {
			if err := s.write(tx); err != nil {
				return graph.Summary{}, err
			}
		}
		return sum, nil
	}
	if !opts.DryRun && !s.pgBulk() {
		// On PostgreSQL the node goes with the quads, in their transaction.
		if err := s.write(im.startTx()); err != nil {
			return graph.Summary{}, err
		}
		im.written = true
	}
	// From here on, a failure leaves an uncommitted import: drop it.
	committed := false
	defer func() {
		if !committed && im.written {
			if derr := s.dropImport(context.WithoutCancel(ctx), im.node); derr != nil {
				s.log.Error("dropping a failed import", "import", im.node, "err", derr)
			}
		}
	}()
	if err := im.run(ctx, imp, opts); err != nil {
		return graph.Summary{}, err
	}
	metaSum, tx, err := s.planMeta(ctx, imp)
	if err != nil {
		return graph.Summary{}, err
	}
	sum := im.sum
	sum.Added += metaSum.Added
	sum.Changed += metaSum.Changed
	sum.Unchanged += metaSum.Unchanged
	if opts.DryRun {
		return sum, nil
	}
	now := quad.String(time.Now().UTC().Format(time.RFC3339Nano))
	tx.AddQuad(quad.Make(im.node, pCommitted, now, nil))
	tx.AddQuad(quad.Make(im.node, pItems, quad.String(strconv.Itoa(total)), nil))
	if by := graph.Author(ctx); by != "" {
		// Who imported is recorded once, on the import: its statements
		// and claims read it from there (no quad more per item).
		tx.AddQuad(quad.Make(im.node, pRecordedBy, quad.String(by), nil))
	}
	if err := s.audit(ctx, tx, "import", graph.AuditChange{ID: "import:" + imp.Source.ID, Change: "added",
		Fields: []string{fmt.Sprintf("%d added, %d changed, %d removed", im.sum.Added, im.sum.Changed, im.sum.Removed)}}); err != nil {
		return graph.Summary{}, err
	}
	if im.prev != nil {
		for _, q := range im.prevOwn {
			if q.Predicate == pCommitted {
				tx.RemoveQuad(q)
			}
		}
		tx.AddQuad(quad.Make(im.prev, pSuperseded, now, nil))
	}
	if err := s.write(tx); err != nil {
		return graph.Summary{}, err
	}
	committed = true
	if err := s.dropJournal(im.node); err != nil {
		// The import is committed; the next Open drops the journal.
		s.log.Warn("dropping the journal of a committed import", "import", im.node, "err", err)
	}
	s.log.Info("import committed", "source", imp.Source.ID, "import", im.node, "added", sum.Added,
		"changed", sum.Changed, "unchanged", sum.Unchanged, "removed", sum.Removed)
	if im.prev != nil {
		if err := s.dropImport(ctx, im.prev); err != nil {
			// The import is committed; the superseded one is invisible and
			// the next Open drops it.
			s.log.Warn("dropping the superseded import", "import", im.prev, "err", err)
		}
	}
	return sum, nil
}

// planMeta plans the ontology and source of an import as Apply would, and
// counts them.
func (s *Store) planMeta(ctx context.Context, imp graph.BulkImport) (_ graph.Summary, _ *cgraph.Transaction, err error) {
	qs, err := s.rlock()
	if err != nil {
		return graph.Summary{}, nil, err
	}
	defer s.runlock(&err)
	p := planner{r: newReader(qs), tx: cgraph.NewTransaction(), edges: map[string][]quad.Quad{},
		by: graph.Author(ctx), at: time.Now().UTC()}
	b := graph.Batch{Ontology: imp.Ontology, Sources: []graph.Source{imp.Source}}
	if err := p.plan(ctx, b); err != nil {
		return graph.Summary{}, nil, err
	}
	return p.sum, p.tx, nil
}

// importer writes one import.
type importer struct {
	s         *Store
	node      quad.IRI    // the new import
	source    string      // its source id
	digest    string      // its digest
	prev      quad.Value  // the source's live import, or nil
	prevState importState // and its state
	prevOwn   []quad.Quad // and its node's quads
	ont       graph.Ontology
	owners    map[string]quad.Value // stored entity id → label of its type quad
	types     idTypes               // entity id → type, of this import
	sum       graph.Summary
	batch     []quad.Quad
	done      int
	// written is set once some of the import is stored, so that a
	// failure must drop it.
	written bool
}

// prepareImport reads what an import needs to know of the store: the
// ontology, the source's live import, and who owns each stored entity.
func (s *Store) prepareImport(ctx context.Context, imp graph.BulkImport) (_ *importer, err error) {
	if err := graph.CheckItemID(imp.Source.ID); err != nil {
		return nil, graph.Errorf(graph.Invalid, "source: %v", err)
	}
	qs, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.runlock(&err)
	r := newReader(qs)
	stored, err := r.ontology(ctx)
	if err != nil {
		return nil, err
	}
	var nonce [6]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return nil, err
	}
	im := &importer{
		s:      s,
		node:   importIRI(imp.Source.ID + "." + strconv.FormatInt(time.Now().UnixNano(), 36) + hex.EncodeToString(nonce[:2])),
		source: imp.Source.ID,
		digest: imp.Digest,
		ont:    stored.Merge(imp.Ontology),
		owners: map[string]quad.Value{},
		types:  newIDTypes(),
	}
	if im.prev, im.prevState, err = r.liveImport(ctx, imp.Source.ID); err != nil {
		return nil, err
	}
	if im.prev != nil {
		if im.prevOwn, err = r.rawQuads(ctx, quad.Subject, im.prev); err != nil {
			return nil, err
		}
	}
	for _, t := range im.ont.EntityTypes {
		in, err := r.object(ctx, typeIRI(t.Name))
		if err != nil {
			return nil, err
		}
		for _, q := range in {
			if id, ok := idOf(q.Subject, prefixEntity); ok && q.Predicate == iriRDFType {
				im.owners[id] = q.Label
			}
		}
	}
	return im, nil
}

// startTx registers the import and writes its node, without the commit
// marker.
func (im *importer) startTx() *cgraph.Transaction {
	tx := cgraph.NewTransaction()
	tx.AddQuad(quad.Make(iriImports, pImport, im.node, nil))
	tx.AddQuad(quad.Make(im.node, pSource, sourceIRI(im.source), nil))
	tx.AddQuad(quad.Make(im.node, pStarted, quad.String(time.Now().UTC().Format(time.RFC3339Nano)), nil))
	if im.digest != "" {
		tx.AddQuad(quad.Make(im.node, pDigest, quad.String(im.digest), nil))
	}
	return tx
}

// run validates and writes the items of imp, and counts them against the
// previous import of the source.
func (im *importer) run(ctx context.Context, imp graph.BulkImport, opts graph.BulkOptions) error {
	total := imp.NumEntities + 2*imp.NumStatements
	prev, err := im.readPrevious(ctx)
	if err != nil {
		return err
	}
	var problems, conflicts []graph.Problem
	problem := func(kind string, i int, field, format string, args ...any) {
		if len(problems) < 1000 {
			problems = append(problems, graph.Problem{Kind: kind, Index: i, Claim: -1, Field: field, Message: fmt.Sprintf(format, args...)})
		}
	}
	// On bolt the quads are spilled in sorted runs to temporary files
	// beside the store and written at the end by the bulk writer;
	// elsewhere they go in transactions of importBatch quads.
	// On PostgreSQL they are copied, with the import's node, into one
	// transaction that commits at the end (package pgbulk).
	var bulk *boltbulk.Quads
	if im.s.backend == "bolt" && !im.s.noBulk && !opts.DryRun {
		bulk = boltbulk.NewQuads(filepath.Dir(im.s.file), im.s.bulkChunk)
		defer func() { bulk.Close() }()
	}
	var pg *pgbulk.Tx
	if im.s.pgBulk() && !opts.DryRun {
		tx, end, err := im.s.beginPgBulk(ctx)
		if err != nil {
			return err
		}
		defer end()
		pg = tx
		for _, d := range im.startTx().Deltas {
			if err := pgAdd(ctx, pg, d.Quad); err != nil {
				return err
			}
		}
	}
	flush := func() error {
		if opts.DryRun || len(problems)+len(conflicts) > 0 {
			im.batch = im.batch[:0]
			return ctx.Err()
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if bulk != nil {
			return im.s.bulk().Write(ctx, im.node, bulk, func(written, all int) {
				if opts.Progress != nil {
					opts.Progress(int(int64(im.done)*int64(written)/int64(all)), total)
				}
			})
		}
		if pg != nil {
			if err := im.s.commitPgBulk(ctx, pg); err != nil {
				return err
			}
			im.written = true
			return nil
		}
		if len(im.batch) == 0 {
			return nil
		}
		tx := cgraph.NewTransaction()
		for _, q := range im.batch {
			tx.AddQuad(q)
		}
		if err := im.s.write(tx); err != nil {
			return err
		}
		im.batch = im.batch[:0]
		if opts.Progress != nil {
			opts.Progress(im.done, total)
		}
		return nil
	}
	add := func(q quad.Quad) error {
		if bulk != nil {
			if len(problems)+len(conflicts) == 0 {
				return bulk.Add(q)
			}
			return nil
		}
		if pg != nil {
			if len(problems)+len(conflicts) > 0 {
				return nil
			}
			if err := pgAdd(ctx, pg, q); err != nil {
				return err
			}
			if pg.Quads()%importBatch == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if opts.Progress != nil {
					opts.Progress(im.done, total)
				}
			}
			return nil
		}
		im.batch = append(im.batch, q)
		if len(im.batch) >= importBatch {
			return flush()
		}
		return nil
	}

	i := 0
	for e := range imp.Entities {
		if err := graph.CheckEntityID(e.ID); err != nil {
			problem(graph.KindEntity, i, "id", "%v", err)
		} else if _, ok := im.ont.EntityType(e.Type); !ok {
			problem(graph.KindEntity, i, "type", "unknown entity type %s", graph.Quote(e.Type))
		} else if err := graph.CheckText(e.Name, graph.MaxNameBytes, graph.Line); err != nil {
			problem(graph.KindEntity, i, "name", "name %v", err)
		} else if _, dup := im.types.get(e.ID); dup {
			problem(graph.KindEntity, i, "id", "entity %q is given twice", e.ID)
		} else if owner, ok := im.owners[e.ID]; ok && (owner == nil || owner != im.prev) {
			conflicts = append(conflicts, graph.Problem{Kind: graph.KindEntity, Index: i, Claim: -1, Field: "id",
				Message: fmt.Sprintf("entity %q is already stored, and not by an import of source %q", e.ID, im.source)})
		}
		im.types.set(e.ID, e.Type)
		if e.Name == "" {
			e.Name = e.ID
		}
		im.count(prev.entities, e.ID, e.Type+"\x00"+e.Name)
		im.done++
		node := entityIRI(e.ID)
		if err := add(quad.Make(node, iriRDFType, typeIRI(e.Type), im.node)); err != nil {
			return err
		}
		if err := add(quad.Make(node, pName, quad.String(e.Name), im.node)); err != nil {
			return err
		}
		i++
	}
	i = 0
	seen := map[idKey]struct{}{} // statement ids: each (subject, type, object) once
	for st := range imp.Statements {
		rt, ok := im.ont.RelationType(st.Type)
		subjType, subjOK := im.types.get(st.Subject)
		objType, objOK := im.types.get(st.Object)
		switch {
		case !ok:
			problem(graph.KindStatement, i, "type", "unknown relation type %s", graph.Quote(st.Type))
		case !subjOK:
			problem(graph.KindStatement, i, "subject", "unknown entity %s", graph.Quote(st.Subject))
		case !objOK:
			problem(graph.KindStatement, i, "object", "unknown entity %s", graph.Quote(st.Object))
		case st.Subject == st.Object:
			problem(graph.KindStatement, i, "object", "a statement cannot relate %q to itself", st.Subject)
		case !rt.Allows(subjType, objType):
			problem(graph.KindStatement, i, "type", "%s cannot connect a %s (%s) to a %s (%s)", st.Type, subjType, st.Subject, objType, st.Object)
		}
		for k, v := range st.Attributes {
			if ok && !slices.Contains(rt.Attributes, k) {
				problem(graph.KindStatement, i, "attributes", "relation %s has no attribute %s", st.Type, graph.Quote(k))
			} else if err := graph.CheckText(v, graph.MaxTextBytes, graph.Paragraphs); err != nil {
				problem(graph.KindStatement, i, "attributes", "attribute %s %v", graph.Quote(k), err)
			}
		}
		id := graph.DefaultStatementID(st.Subject, st.Type, st.Object)
		if _, dup := seen[im.types.key(id)]; dup {
			problem(graph.KindStatement, i, "object", "statement %s is given twice", id)
		}
		seen[im.types.key(id)] = struct{}{}
		im.count(prev.statements, id, attrKey(st.Attributes))
		im.count(prev.claims, id, "")
		im.done += 2
		if err := add(quad.Make(entityIRI(st.Subject), relationIRI(st.Type), entityIRI(st.Object), im.node)); err != nil {
			return err
		}
		for _, k := range sortedMapKeys(st.Attributes) {
			if err := add(quad.Make(statementIRI(id), attrIRI(k), quad.String(st.Attributes[k]), im.node)); err != nil {
				return err
			}
		}
		i++
	}
	if imp.Err != nil {
		if err := imp.Err(); err != nil {
			return err
		}
	}
	im.sum.Removed += prev.left()
	if len(problems) == 0 && len(conflicts) > 0 {
		return &graph.Error{Code: graph.Conflict, Message: fmt.Sprintf("%d entities of the import are stored already", len(conflicts)), Problems: conflicts}
	}
	problems = append(problems, conflicts...)
	if len(problems) > 0 {
		return &graph.Error{Code: graph.Invalid, Message: fmt.Sprintf("%d problems in the import", len(problems)), Problems: problems}
	}
	return flush()
}

// pgAdd sends one quad of an import to its PostgreSQL bulk transaction.
func pgAdd(ctx context.Context, tx *pgbulk.Tx, q quad.Quad) error {
	if err := tx.Add(q); err != nil {
		// A cancelled context ends the transaction under the copy.
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		return err
	}
	return nil
}

// count counts one item against what the previous import held.
func (im *importer) count(prev map[string]string, key, content string) {
	old, ok := prev[key]
	switch {
	case !ok:
		im.sum.Added++
	case old == content:
		im.sum.Unchanged++
	default:
		im.sum.Changed++
	}
	if ok {
		delete(prev, key)
	}
}

// previous is what the source's previous import held, by key: entity id →
// type and name, statement id → attributes; claims by statement id.
type previous struct {
	entities, statements, claims map[string]string
}

// left counts the items of the previous import that the new one did not
// give again.
func (p previous) left() int { return len(p.entities) + len(p.statements) + len(p.claims) }

// readPrevious reads the items of the source's previous import: one
// subject lookup per entity and per statement with attributes. Only an
// import that replaces an earlier one with other content pays for this.
func (im *importer) readPrevious(ctx context.Context) (_ previous, err error) {
	p := previous{entities: map[string]string{}, statements: map[string]string{}, claims: map[string]string{}}
	if im.prev == nil {
		return p, nil
	}
	qs, err := im.s.rlock()
	if err != nil {
		return p, err
	}
	defer im.s.runlock(&err)
	r := newReader(qs)
	for id, label := range im.owners {
		if label != im.prev {
			continue
		}
		own, err := r.rawQuads(ctx, quad.Subject, entityIRI(id))
		if err != nil {
			return p, err
		}
		var typ, name string
		for _, q := range own {
			if q.Label != im.prev {
				continue
			}
			switch {
			case q.Predicate == iriRDFType:
				typ, _ = idOf(q.Object, prefixType)
			case q.Predicate == pName:
				name = text(q.Object)
			case isRelation(q.Predicate):
				rel, _ := idOf(q.Predicate, prefixRelation)
				obj, _ := idOf(q.Object, prefixEntity)
				stID := graph.DefaultStatementID(id, rel, obj)
				sq, err := r.rawQuads(ctx, quad.Subject, statementIRI(stID))
				if err != nil {
					return p, err
				}
				attrs := map[string]string{}
				for _, a := range sq {
					if k, ok := idOf(a.Predicate, prefixAttr); ok && a.Label == im.prev {
						attrs[k] = text(a.Object)
					}
				}
				p.statements[stID] = attrKey(attrs)
				p.claims[stID] = ""
			}
		}
		p.entities[id] = typ + "\x00" + name
	}
	return p, nil
}

// attrKey encodes attributes for comparison.
func attrKey(attrs map[string]string) string {
	var b strings.Builder
	for _, k := range sortedMapKeys(attrs) {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(attrs[k])
		b.WriteByte(0)
	}
	return b.String()
}

func sortedMapKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// idKey stands for an id in the sets and maps of an import: 128 bits of
// two seeded hashes, so that millions of entries take 16 bytes each and
// not their strings.
type idKey [2]uint64

// idTypes maps the entity ids of an import to their types.
type idTypes struct {
	seeds [2]maphash.Seed
	types map[idKey]uint16 // an index in names
	names []string
	index map[string]uint16 // name → index, for the first maxTypes names
}

// maxTypes bounds the type names an import's idTypes tells apart: an
// import naming more types than that is refused anyway, each unknown type
// a problem of its own.
const maxTypes = 1 << 12

func newIDTypes() idTypes {
	return idTypes{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, types: map[idKey]uint16{},
		names: []string{"(too many types)"}, index: map[string]uint16{}}
}

func (t *idTypes) key(id string) idKey {
	return idKey{maphash.String(t.seeds[0], id), maphash.String(t.seeds[1], id)}
}

func (t *idTypes) get(id string) (string, bool) {
	i, ok := t.types[t.key(id)]
	if !ok {
		return "", false
	}
	return t.names[i], true
}

func (t *idTypes) set(id, typ string) {
	i, ok := t.index[typ]
	if !ok && len(t.names) < maxTypes {
		i = uint16(len(t.names))
		t.names = append(t.names, typ)
		t.index[typ] = i
	}
	t.types[t.key(id)] = i
}
