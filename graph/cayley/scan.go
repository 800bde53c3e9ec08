package cayley

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/refs"
	"github.com/cayleygraph/quad"
	bolt "go.etcd.io/bbolt"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley/boltbulk"
)

// scanBatch is how many quads Scan resolves to values at once.
const scanBatch = 10000

// Scan reads every entity type, statement (with its claims) and cited
// source in one pass over all quads (Cayley's QuadsAllIterator, one read
// lock; on bolt, the file's log read directly, see scanner.bolt), for
// building an in-memory index: on the movie data it replaces one
// Relations call per entity. It decodes exactly what the per-item
// reads decode: explicit statements through their metadata, bulk-import
// edges with their implicit claim, and it drops the quads of imports that
// are not live (uncommitted or superseded), as every read does. It
// implements graph.Scanner.
func (s *Store) Scan(ctx context.Context) (_ graph.Snapshot, err error) {
	defer deferWrap(&err, "scan store")
	qs, err := s.rlock()
	if err != nil {
		return graph.Snapshot{}, err
	}
	defer s.runlock(&err)
	r := newReader(qs)
	var snap graph.Snapshot
	if s.shared {
		tokens, err := generationTokens(ctx, r)
		if err != nil {
			return graph.Snapshot{}, err
		}
		snap.Generation = strings.Join(tokens, ",")
	} else {
		snap.Generation = strconv.FormatUint(s.gen.Load(), 10)
	}
	if snap.Ontology, err = r.ontology(ctx); err != nil {
		return graph.Snapshot{}, err
	}
	sc := &scanner{
		r:          r,
		types:      map[string]string{},
		names:      map[string][]string{},
		edges:      map[string]bool{},
		implicit:   map[edgeEnds]importSources{},
		statements: map[string][]quad.Quad{},
		claims:     map[string][]quad.Quad{},
		sources:    map[string][]quad.Quad{},
	}
	if s.backend == "bolt" && !s.cayleyScan {
		err = sc.bolt(ctx, s.boltDB)
	} else {
		err = sc.all(ctx, qs)
	}
	if err != nil {
		return graph.Snapshot{}, err
	}
	snap.EntityTypes = sc.types
	for id := range sc.names {
		if _, ok := sc.types[id]; !ok {
			delete(sc.names, id)
		}
	}
	snap.Names = sc.names
	snap.Statements, snap.Sources = sc.assemble()
	return snap, nil
}

// edgeEnds is the subject, relation type and object of a statement edge.
type edgeEnds struct{ subject, typ, object string }

// importSources are the sources of the live imports that hold an edge, in
// the order their quads were read: most edges have one, held without a
// slice of its own.
type importSources struct {
	first string
	more  []string
}

// scanner collects what Scan needs from the quads, keeping nothing else.
type scanner struct {
	r     reader
	types map[string]string   // entity id → type
	names map[string][]string // entity id → its name and its aliases' names
	// edges holds the ids of the statements that have a live edge, and
	// implicit maps the ends of each live import edge to the sources of
	// those imports.
	edges    map[string]bool
	implicit map[edgeEnds]importSources
	// the quads of statement, claim and source nodes, by id
	statements, claims, sources map[string][]quad.Quad
}

// all walks every quad of qs.
func (sc *scanner) all(ctx context.Context, qs cgraph.QuadStore) error {
	it := qs.QuadsAllIterator().Iterate()
	defer it.Close()
	links := make([]cgraph.Ref, 0, scanBatch)
	for it.Next(ctx) {
		links = append(links, it.Result())
		if len(links) == scanBatch {
			if err := sc.batch(ctx, qs, links); err != nil {
				return err
			}
			links = links[:0]
		}
	}
	if err := it.Err(); err != nil {
		return fmt.Errorf("iterate quads: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return sc.batch(ctx, qs, links)
}

// bolt walks every quad of the bolt file db below Cayley, reading its log
// in one pass (boltbulk.ReadLog) instead of looking each quad's values up
// through Cayley: the same quads in the same order as all. The import
// states are read through Cayley after the bolt transaction has ended: a
// read transaction opened while another is open in the same goroutine can
// deadlock against a writer that grows the file.
func (sc *scanner) bolt(ctx context.Context, db *bolt.DB) error {
	var log *boltbulk.Log
	if err := db.View(func(tx *bolt.Tx) (err error) {
		log, err = boltbulk.ReadLog(tx)
		return err
	}); err != nil {
		return fmt.Errorf("read the log: %w", err)
	}
	sc.presize(log)
	for i, l := range log.Links {
		if i%scanBatch == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if q, ok := log.Quad(l); ok {
			if err := sc.quad(ctx, q); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// presize makes room in the scanner's maps for what log holds: as many
// edges as quads of relation predicates, as many types and names as
// quads that give them. Grown one insertion at a time instead, the maps
// of a large store spend much of the scan rehashing.
func (sc *scanner) presize(log *boltbulk.Log) {
	// Quads come in runs of one predicate: count the runs.
	preds := map[uint64]int{}
	var last uint64
	run := 0
	for _, l := range log.Links {
		if l[1] != last {
			preds[last] += run
			last, run = l[1], 0
		}
		run++
	}
	preds[last] += run
	var edges, types, names int
	for id, n := range preds {
		switch p := log.Value(id); {
		case p == iriRDFType:
			types += n
		case p == pName:
			names += n
		default:
			if _, ok := idOf(p, prefixRelation); ok {
				edges += n
			}
		}
	}
	sc.types, sc.names = make(map[string]string, types), make(map[string][]string, names)
	sc.edges, sc.implicit = make(map[string]bool, edges), make(map[edgeEnds]importSources, edges)
}

// batch resolves links to quads and keeps what Scan needs.
func (sc *scanner) batch(ctx context.Context, qs cgraph.QuadStore, links []cgraph.Ref) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var quads []quad.Quad
	if bn, ok := qs.(refs.BatchNamer); ok {
		var err error
		if quads, err = batchQuads(ctx, qs, bn, links); err != nil {
			return err
		}
	} else {
		for _, l := range links {
			q, err := qs.Quad(l)
			if err != nil {
				return fmt.Errorf("read quad: %w", err)
			}
			if q.IsValid() {
				quads = append(quads, q)
			}
		}
	}
	for _, q := range quads {
		if err := sc.quad(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// quad keeps q if Scan needs it and it is live.
func (sc *scanner) quad(ctx context.Context, q quad.Quad) error {
	var source string // the source of q's import, if q has one
	if isImport(q.Label) {
		st, err := sc.r.importState(ctx, q.Label)
		if err != nil {
			return err
		}
		if !st.live() {
			return nil
		}
		source = st.source
	}
	if typ, ok := idOf(q.Predicate, prefixRelation); ok {
		subj, ok1 := idOf(q.Subject, prefixEntity)
		obj, ok2 := idOf(q.Object, prefixEntity)
		if !ok1 || !ok2 {
			return nil
		}
		ends := edgeEnds{subj, typ, obj}
		if id, ok := idOf(q.Label, prefixStmt); ok {
			sc.edges[id] = true
		} else if source != "" {
			sc.edges[graph.DefaultStatementID(subj, typ, obj)] = true
			srcs := sc.implicit[ends]
			if srcs.first == "" {
				srcs.first = source
			} else {
				srcs.more = append(srcs.more, source)
			}
			sc.implicit[ends] = srcs
		}
		return nil
	}
	if q.Predicate == iriRDFType {
		if id, ok := idOf(q.Subject, prefixEntity); ok {
			if typ, ok := idOf(q.Object, prefixType); ok && !strings.Contains(id, aliasMarker) {
				sc.types[id] = typ
			}
		}
		return nil
	}
	if q.Predicate == pName {
		if id, ok := idOf(q.Subject, prefixEntity); ok {
			if i := strings.LastIndex(id, aliasMarker); i >= 0 {
				id = id[:i]
			}
			sc.names[id] = append(sc.names[id], text(q.Object))
		}
		return nil
	}
	if id, ok := idOf(q.Subject, prefixStmt); ok {
		sc.statements[id] = append(sc.statements[id], q)
	} else if id, ok := idOf(q.Subject, prefixClaim); ok {
		sc.claims[id] = append(sc.claims[id], q)
	} else if id, ok := idOf(q.Subject, prefixSource); ok {
		sc.sources[id] = append(sc.sources[id], q)
	}
	return nil
}

// assemble decodes the statements that have an edge, as reader.statementWith
// does, and the sources their claims cite.
func (sc *scanner) assemble() ([]graph.Statement, map[string]graph.Source) {
	// Sorting the ids rather than the statements moves 16 bytes a swap
	// instead of a whole Statement.
	ids := make([]string, 0, len(sc.edges))
	for id := range sc.edges {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]graph.Statement, 0, len(ids))
	cited := map[string]graph.Source{}
	for _, id := range ids {
		var own []quad.Quad
		if len(sc.statements) > 0 {
			own = sc.statements[id]
		}
		st, explicit := decodeStatement(id, own)
		if !explicit {
			subj, typ, obj, ok := splitDefaultID(id)
			if !ok {
				continue
			}
			st = graph.Statement{ID: id, Subject: subj, Type: typ, Object: obj, Attributes: decodeAttributes(own)}
		}
		for _, cid := range propsOf(own).sortedIDs(pClaim, prefixClaim) {
			if c, _, ok := decodeClaim(cid, sc.claims[cid]); ok {
				st.Claims = append(st.Claims, c)
			}
		}
		if isDefaultID(id, st.Subject, st.Type, st.Object) {
			if srcs := sc.implicit[edgeEnds{st.Subject, st.Type, st.Object}]; srcs.first != "" {
				st.Claims = append(st.Claims, graph.ImplicitClaim(id, srcs.first))
				for _, src := range srcs.more {
					st.Claims = append(st.Claims, graph.ImplicitClaim(id, src))
				}
			}
			slices.SortFunc(st.Claims, func(a, b graph.Claim) int { return cmp.Compare(a.ID, b.ID) })
			st.Claims = slices.CompactFunc(st.Claims, func(a, b graph.Claim) bool { return a.ID == b.ID })
		}
		if !explicit && len(st.Claims) == 0 {
			continue
		}
		for _, c := range st.Claims {
			if _, ok := cited[c.Source]; ok {
				continue
			}
			if src, ok := decodeSource(c.Source, sc.sources[c.Source]); ok {
				cited[c.Source] = src
			}
		}
		out = append(out, st)
	}
	return out, cited
}

// isDefaultID reports whether id is graph.DefaultStatementID(subject, typ,
// object), without building that.
func isDefaultID(id, subject, typ, object string) bool {
	return len(id) == len(subject)+len(typ)+len(object)+2 &&
		id[:len(subject)] == subject && id[len(subject)] == '.' &&
		id[len(subject)+1:len(subject)+1+len(typ)] == typ && id[len(subject)+1+len(typ)] == '.' &&
		id[len(subject)+2+len(typ):] == object
}
