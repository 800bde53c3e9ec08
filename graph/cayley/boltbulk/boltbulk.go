// Package boltbulk writes the quads of an import below Cayley's quad
// writer, straight into the bbolt layout of Cayley's KV layer (graph/kv
// at the version in go.mod), written as ApplyDeltas would have written
// them:
//
//	meta          "horizon": the last id given (8 bytes, little endian),
//	              "size": the number of live quads, "indexes": the quad
//	              indexes (JSON), "version"
//	log           big-endian id → a proto Primitive: a value (ID, Value,
//	              Timestamp) or a quad (ID, Subject, Predicate, Object,
//	              Label, Timestamp; Deleted once removed)
//	v H0 H1       for a value whose SHA-1 hash H (of its String form)
//	              starts with bytes H0 H1: H → uvarint id
//	n H0 H1       H → uvarint count of the quads using the value
//	sp, ops, …    one bucket per quad index: the ids of its directions,
//	              8 bytes big endian each → the uvarint ids of its quads,
//	              ascending
//
// Cayley's writer touches the value buckets, 131,072 buckets in hash
// order, in every transaction, and checks every quad for a duplicate.
// An import needs neither: its quads are new (they carry the new import
// node as their label) and distinct. So Write keeps them compact in
// memory (Quads: each value once, each quad four value numbers) and
// writes them in two phases:
//
//  1. The values, in hash order, in transactions of bulkValueChunk: each
//     value is looked up, given an id when new (its log entry and 'v'
//     entry), and its reference count raised by the number of the
//     import's quads that use it. Every bucket is visited once.
//  2. The quads, sorted by the ids of their values, in transactions of
//     bulkQuadChunk: log entries with increasing ids (appended), and the
//     index entries in key order (the first index, subject and
//     predicate, is then filled in order as well).
//
// Until the import commits, the quads are invisible to readers (their
// import is not committed), but the reference counts of phase 1 already
// count the quads phase 2 has not written yet. So phase 1 also keeps a
// journal, a bucket of its own ("claimgraph import " and the import node)
// holding, for each value, what it added to the count, and the horizon
// before the import ("start"). Rollback undoes an uncommitted import
// with it, in resumable steps: it deletes the import's quads (log ids
// after start labelled with the import node) with their index entries,
// then takes the journal's counts back, deleting the values that are no
// longer used. The journal is deleted once the import commits, or by the
// next Open when the process died in between. A committed import that is
// superseded or retracted is dropped by Drop, whose every transaction
// deletes some of its quads together with their values' references.
//
// Cayley's in-memory state stays right: with no_bloom it keeps no
// filters, and its IRI→id cache only holds values that exist, which
// appending cannot change; after a rollback or a drop, which delete values
// behind Cayley's back, the owner replaces its Cayley handle (Stale).
// Reads, later ApplyDeltas writes and deletes, and Cayley's own tools see
// the quads as if Cayley had written them: graph/cayley's
// TestBulkWritesAsCayley compares, value by value and count by count,
// with a store Cayley wrote, and fails if an upgrade of Cayley changes the
// layout.
package boltbulk

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/cayleygraph/cayley/graph/kv"
	cproto "github.com/cayleygraph/cayley/graph/proto"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/pquads"
	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"
)

// kvVersion is the version of Cayley's KV layout described above.
const kvVersion = 2

// Transaction sizes of Write, Rollback and Drop.
const (
	bulkValueChunk = 32_768
	bulkQuadChunk  = 100_000
)

// Names of Cayley's KV buckets and meta keys, and of the journal.
var (
	bucketMeta    = []byte("meta")
	bucketLog     = []byte("log")
	metaHorizon   = []byte("horizon")
	metaSize      = []byte("size")
	metaIndexes   = []byte("indexes")
	metaVersion   = []byte("version")
	journalPrefix = []byte("claimgraph import ")
	journalStart  = []byte("start")
)

// DB runs transactions on the bolt file of a Cayley KV store. Its owner
// decides what runs beside them: locks, and guards against a damaged file.
type DB interface {
	View(fn func(*bolt.Tx) error) error
	Update(fn func(*bolt.Tx) error) error
}

// Writer writes, rolls back and drops imports on DB.
type Writer struct {
	DB  DB
	Log *slog.Logger
	// Chunk, when not 0, is the values and quads per transaction of
	// Write, Rollback and Drop.
	Chunk int
	// Step, when set, is called after each transaction of Write, Rollback
	// and Drop; an error from it stops them there.
	Step func(step int) error
	// Stale, when set, is called when a Rollback or a Drop that deleted
	// values behind Cayley's back returns: the owner must then replace
	// its Cayley handle, whose IRI cache may name deleted values.
	Stale func()
}

// IsJournal reports whether a bucket of the root is the journal of an
// import.
func IsJournal(name []byte) bool {
	return len(name) > len(journalPrefix) && bytes.HasPrefix(name, journalPrefix)
}

func journalName(node quad.Value) []byte {
	return append(slices.Clip(journalPrefix), quad.StringOf(node)...)
}

// Quads is an import's quads, kept compact until written: each
// distinct value once, each quad as the numbers of its four values.
type Quads struct {
	index map[quad.Value]int32
	last  [4]int32 // the values of the last quad added, by direction
	vals  []bulkValue
	quads [][4]int32 // -1 for no value
}

// bulkValue is a value of Quads.
type bulkValue struct {
	v    quad.Value
	refs uint64 // the quads using it
	hash [sha1.Size]byte
	id   uint64
}

// NewQuads returns an empty Quads.
func NewQuads() *Quads {
	return &Quads{index: map[quad.Value]int32{}, last: [4]int32{-1, -1, -1, -1}}
}

// Add adds a quad.
func (b *Quads) Add(q quad.Quad) {
	var r [4]int32
	for d, dir := range quad.Directions {
		v := q.Get(dir)
		switch j := b.last[d]; {
		case v == nil:
			r[d] = -1
			continue
		case j >= 0 && b.vals[j].v == v:
			r[d] = j
		default:
			j, ok := b.index[v]
			if !ok {
				j = int32(len(b.vals))
				b.index[v] = j
				b.vals = append(b.vals, bulkValue{v: v})
			}
			r[d] = j
		}
		b.vals[r[d]].refs++
	}
	b.last = r
	b.quads = append(b.quads, r)
}

// sortValues hashes the values as Cayley does (SHA-1 of the String form),
// sorts them by hash, and merges values of different types that share
// their String form, as they share it in Cayley.
func (b *Quads) sortValues() {
	b.index = nil
	parallel(len(b.vals), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			b.vals[j].hash = sha1.Sum([]byte(b.vals[j].v.String()))
		}
	})
	order := make([]int32, len(b.vals))
	for j := range order {
		order[j] = int32(j)
	}
	slices.SortFunc(order, func(x, y int32) int { return bytes.Compare(b.vals[x].hash[:], b.vals[y].hash[:]) })
	sorted := make([]bulkValue, 0, len(b.vals))
	where := make([]int32, len(b.vals))
	for _, j := range order {
		v := b.vals[j]
		if n := len(sorted); n > 0 && sorted[n-1].hash == v.hash {
			sorted[n-1].refs += v.refs
		} else {
			sorted = append(sorted, v)
		}
		where[j] = int32(len(sorted) - 1)
	}
	b.vals = sorted
	for i := range b.quads {
		for d, j := range b.quads[i] {
			if j >= 0 {
				b.quads[i][d] = where[j]
			}
		}
	}
}

// Write writes the quads of an import, all labelled with its node,
// which must already be stored. progress is told the quads written so
// far. See the package documentation.
func (w Writer) Write(ctx context.Context, node quad.Value, b *Quads, progress func(written, total int)) error {
	w.Log.Info("writing import", "import", node, "values", len(b.vals), "quads", len(b.quads))
	b.sortValues()
	journal := journalName(node)
	valueChunk, quadChunk := bulkValueChunk, bulkQuadChunk
	if w.Chunk > 0 {
		valueChunk, quadChunk = w.Chunk, w.Chunk
	}
	step := 0
	next := func() error {
		step++
		if w.Step != nil {
			if err := w.Step(step); err != nil {
				return err
			}
		}
		return ctx.Err()
	}
	for lo := 0; lo < len(b.vals); lo += valueChunk {
		chunk := b.vals[lo:min(lo+valueChunk, len(b.vals))]
		if err := w.DB.Update(func(tx *bolt.Tx) error { return writeValues(tx, journal, chunk) }); err != nil {
			return err
		}
		if err := next(); err != nil {
			return err
		}
	}
	// In subject order, the first index (subject, predicate) is written
	// in key order too, as the log is.
	id := func(j int32) uint64 {
		if j < 0 {
			return 0
		}
		return b.vals[j].id
	}
	slices.SortFunc(b.quads, func(x, y [4]int32) int {
		for d := range x {
			if c := cmp.Compare(id(x[d]), id(y[d])); c != 0 {
				return c
			}
		}
		return 0
	})
	for lo := 0; lo < len(b.quads); lo += quadChunk {
		hi := min(lo+quadChunk, len(b.quads))
		if err := w.DB.Update(func(tx *bolt.Tx) error { return writeLinks(tx, b.vals, b.quads[lo:hi]) }); err != nil {
			return err
		}
		if progress != nil {
			progress(hi, len(b.quads))
		}
		if err := next(); err != nil {
			return err
		}
	}
	return nil
}

// parallel runs fn over [0,n) in as many parts as there are processors.
func parallel(n int, fn func(lo, hi int)) {
	parts := min(runtime.GOMAXPROCS(0), max(1, n/1024))
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { fn(n*p/parts, n*(p+1)/parts) })
	}
	wg.Wait()
}

// kvTx is a write transaction on Cayley's layout.
type kvTx struct {
	tx      *bolt.Tx
	meta    *bolt.Bucket
	log     *bolt.Bucket
	horizon int64
	now     int64
	arena   []byte // what Put is given must live until the commit
}

func openKV(tx *bolt.Tx) (*kvTx, error) {
	w := &kvTx{tx: tx, meta: tx.Bucket(bucketMeta), log: tx.Bucket(bucketLog), now: time.Now().UnixNano()}
	if w.meta == nil || w.log == nil {
		return nil, errors.New("not a Cayley KV store: no meta or log bucket")
	}
	if v, err := metaInt(w.meta, metaVersion); err != nil {
		return nil, err
	} else if v != kvVersion {
		return nil, fmt.Errorf("the store has version %d of Cayley's KV layout; bulk writes know version %d only", v, kvVersion)
	}
	var err error
	w.horizon, err = metaInt(w.meta, metaHorizon)
	return w, err
}

// bytes returns n bytes that stay valid until the commit.
func (w *kvTx) bytes(n int) []byte {
	if len(w.arena) < n {
		w.arena = make([]byte, max(n, 1<<20))
	}
	b := w.arena[:n:n]
	w.arena = w.arena[n:]
	return b
}

func (w *kvTx) copy(k []byte) []byte {
	b := w.bytes(len(k))
	copy(b, k)
	return b
}

func (w *kvTx) uvarint(x uint64) []byte {
	var buf [binary.MaxVarintLen64]byte
	return w.copy(buf[:binary.PutUvarint(buf[:], x)])
}

func (w *kvTx) int64(x int64) []byte {
	b := w.bytes(8)
	binary.LittleEndian.PutUint64(b, uint64(x))
	return b
}

func (w *kvTx) idKey(x uint64) []byte {
	b := w.bytes(8)
	binary.BigEndian.PutUint64(b, x)
	return b
}

// writeValues is a transaction of phase 1 of Write: the values of
// chunk, which are in hash order; it sets their ids.
func writeValues(tx *bolt.Tx, journal []byte, vals []bulkValue) error {
	w, err := openKV(tx)
	if err != nil {
		return err
	}
	jb, err := tx.CreateBucketIfNotExists(journal)
	if err != nil {
		return err
	}
	jb.FillPercent = 1 // filled in key order
	if jb.Get(journalStart) == nil {
		if err := jb.Put(journalStart, w.int64(w.horizon)); err != nil {
			return err
		}
	}
	var fresh []int32
	var vb, nb *bolt.Bucket
	var vname, nname [3]byte
	for j := range vals {
		v := &vals[j]
		if vb == nil || vname != [3]byte{'v', v.hash[0], v.hash[1]} {
			vname = [3]byte{'v', v.hash[0], v.hash[1]}
			if vb, err = bucket(tx, vname[:]); err != nil {
				return err
			}
		}
		if got := vb.Get(v.hash[:]); got != nil {
			v.id, _ = binary.Uvarint(got)
		}
		if v.id == 0 {
			w.horizon++
			v.id = uint64(w.horizon)
			if err := vb.Put(w.copy(v.hash[:]), w.uvarint(v.id)); err != nil {
				return err
			}
			fresh = append(fresh, int32(j))
		}
		if nb == nil || nname != [3]byte{'n', v.hash[0], v.hash[1]} {
			nname = [3]byte{'n', v.hash[0], v.hash[1]}
			if nb, err = bucket(tx, nname[:]); err != nil {
				return err
			}
		}
		n := v.refs
		if got := nb.Get(v.hash[:]); got != nil {
			old, _ := binary.Uvarint(got)
			n += old
		}
		if err := nb.Put(w.copy(v.hash[:]), w.uvarint(n)); err != nil {
			return err
		}
		if err := jb.Put(w.copy(v.hash[:]), w.uvarint(v.refs)); err != nil {
			return err
		}
	}
	// The log entries of the new values, in id order.
	enc := make([][]byte, len(fresh))
	var errs error
	var once sync.Once
	parallel(len(fresh), func(lo, hi int) {
		for k := lo; k < hi; k++ {
			v := &vals[fresh[k]]
			data, err := pquads.MarshalValue(v.v)
			if err == nil {
				data, err = proto.Marshal(&cproto.Primitive{ID: v.id, Value: data, Timestamp: w.now})
			}
			if err != nil {
				once.Do(func() { errs = err })
				return
			}
			enc[k] = data
		}
	})
	if errs != nil {
		return errs
	}
	w.log.FillPercent = 1 // appended to
	for k, j := range fresh {
		if err := w.log.Put(w.idKey(vals[j].id), enc[k]); err != nil {
			return err
		}
	}
	return w.meta.Put(metaHorizon, w.int64(w.horizon))
}

// bucket returns the bucket of the root with the given name, creating it
// when missing.
func bucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if b := tx.Bucket(name); b != nil {
		return b, nil
	}
	return tx.CreateBucket(name)
}

// writeLinks is a transaction of phase 2 of Write: quads whose values
// phase 1 wrote.
func writeLinks(tx *bolt.Tx, vals []bulkValue, quads [][4]int32) error {
	w, err := openKV(tx)
	if err != nil {
		return err
	}
	indexes, err := quadIndexes(w.meta)
	if err != nil {
		return err
	}
	size, err := metaInt(w.meta, metaSize)
	if err != nil {
		return err
	}
	prims := make([]cproto.Primitive, len(quads))
	for i, r := range quads {
		p := &prims[i]
		w.horizon++
		p.ID, p.Timestamp = uint64(w.horizon), w.now
		for d, dir := range quad.Directions {
			if r[d] >= 0 {
				p.SetDirection(dir, vals[r[d]].id)
			}
		}
	}
	enc := make([][]byte, len(prims))
	var errs error
	var once sync.Once
	parallel(len(prims), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			data, err := proto.Marshal(&prims[i])
			if err != nil {
				once.Do(func() { errs = err })
				return
			}
			enc[i] = data
		}
	})
	if errs != nil {
		return errs
	}
	w.log.FillPercent = 1 // appended to
	for i := range prims {
		if err := w.log.Put(w.idKey(prims[i].ID), enc[i]); err != nil {
			return err
		}
	}
	enc = nil
	ptrs := make([]*cproto.Primitive, len(prims))
	for i := range prims {
		ptrs[i] = &prims[i]
	}
	for _, ind := range indexes {
		if err := w.index(ind, ptrs); err != nil {
			return err
		}
	}
	if err := w.meta.Put(metaHorizon, w.int64(w.horizon)); err != nil {
		return err
	}
	return w.meta.Put(metaSize, w.int64(size+int64(len(quads))))
}

// quadIndexes reads the quad indexes of the store.
func quadIndexes(meta *bolt.Bucket) ([]kv.QuadIndex, error) {
	var indexes []kv.QuadIndex
	if err := json.Unmarshal(meta.Get(metaIndexes), &indexes); err != nil || len(indexes) == 0 {
		return nil, fmt.Errorf("reading the quad indexes: %v", err)
	}
	return indexes, nil
}

func indexBucket(tx *bolt.Tx, ind kv.QuadIndex) (*bolt.Bucket, error) {
	name := make([]byte, len(ind.Dirs))
	for i, d := range ind.Dirs {
		name[i] = d.Prefix()
	}
	return bucket(tx, name)
}

// indexEntry is a quad in one index: the key and the quad id.
type indexEntry struct {
	key [4]uint64
	id  uint64
}

func indexEntries(ind kv.QuadIndex, prims []*cproto.Primitive) []indexEntry {
	entries := make([]indexEntry, len(prims))
	for i := range prims {
		e := &entries[i]
		for k, d := range ind.Dirs {
			e.key[k] = prims[i].GetDirection(d)
		}
		e.id = prims[i].ID
	}
	slices.SortFunc(entries, func(a, b indexEntry) int {
		for k := range a.key {
			if c := cmp.Compare(a.key[k], b.key[k]); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.id, b.id)
	})
	return entries
}

// index adds quads to one index, in key order, appending each key's ids
// to what it holds (the new ids are larger than any stored).
func (w *kvTx) index(ind kv.QuadIndex, prims []*cproto.Primitive) error {
	b, err := indexBucket(w.tx, ind)
	if err != nil {
		return err
	}
	var buf [binary.MaxVarintLen64]byte
	return eachKey(ind, prims, func(key []byte, group []indexEntry) error {
		old := b.Get(key)
		n := len(old)
		for _, e := range group {
			n += binary.PutUvarint(buf[:], e.id)
		}
		val := w.bytes(n)
		off := copy(val, old)
		for _, e := range group {
			off += binary.PutUvarint(val[off:], e.id)
		}
		return b.Put(w.copy(key), val)
	})
}

// eachKey calls f with every distinct key prims have in ind, in key order,
// and the entries under it. The key's bytes are reused between calls.
func eachKey(ind kv.QuadIndex, prims []*cproto.Primitive, f func(key []byte, group []indexEntry) error) error {
	entries := indexEntries(ind, prims)
	key := make([]byte, 8*len(ind.Dirs))
	for i := 0; i < len(entries); {
		j := i + 1
		for j < len(entries) && entries[j].key == entries[i].key {
			j++
		}
		for k := range ind.Dirs {
			binary.BigEndian.PutUint64(key[8*k:], entries[i].key[k])
		}
		if err := f(key, entries[i:j]); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// metaInt reads a counter of the meta bucket; absent is 0.
func metaInt(meta *bolt.Bucket, key []byte) (int64, error) {
	v := meta.Get(key)
	switch len(v) {
	case 0:
		return 0, nil
	case 8:
		return int64(binary.LittleEndian.Uint64(v)), nil
	}
	return 0, fmt.Errorf("meta %s: %d bytes, want 8", key, len(v))
}

// HasJournal reports whether the import has a journal, that is, whether
// Write wrote it and it has not been committed or rolled back yet.
func (w Writer) HasJournal(node quad.Value) (bool, error) {
	found := false
	err := w.DB.View(func(tx *bolt.Tx) error {
		found = tx.Bucket(journalName(node)) != nil
		return nil
	})
	return found, err
}

// Journals lists the import nodes that have a journal.
func (w Writer) Journals() ([]quad.Value, error) {
	var nodes []quad.Value
	err := w.DB.View(func(tx *bolt.Tx) error {
		c := tx.Cursor()
		for k, _ := c.Seek(journalPrefix); k != nil && bytes.HasPrefix(k, journalPrefix); k, _ = c.Next() {
			nodes = append(nodes, quad.IRI(k[len(journalPrefix):]))
		}
		return nil
	})
	return nodes, err
}

// DropJournal deletes the journal of a committed import.
func (w Writer) DropJournal(node quad.Value) error {
	return w.DB.Update(func(tx *bolt.Tx) error {
		err := tx.DeleteBucket(journalName(node))
		if errors.Is(err, bolt.ErrBucketNotFound) {
			return nil
		}
		return err
	})
}

// Rollback undoes what Write wrote of an import that did not commit, with
// its journal (see the package documentation), and reports whether there
// was a journal. Each step is a transaction that leaves the rest to do in
// the store, so a rollback cut short goes on where it stopped when called
// again. The import node's own quads are left to the caller. Afterwards
// Stale is called, since values were deleted behind Cayley's back.
func (w Writer) Rollback(ctx context.Context, node quad.Value) (bool, error) {
	if found, err := w.HasJournal(node); err != nil || !found {
		return false, err
	}
	journal := journalName(node)
	hash := sha1.Sum([]byte(quad.StringOf(node)))
	var start, label uint64
	err := w.DB.View(func(tx *bolt.Tx) error {
		jb := tx.Bucket(journal)
		if jb == nil {
			return errors.New("journal vanished")
		}
		v, err := metaIntOf(jb.Get(journalStart))
		start = uint64(v)
		if vb := tx.Bucket([]byte{'v', hash[0], hash[1]}); vb != nil {
			label, _ = binary.Uvarint(vb.Get(hash[:]))
		}
		return err
	})
	if err != nil {
		return true, err
	}
	if w.Stale != nil {
		defer w.Stale()
	}
	chunk := bulkQuadChunk
	if w.Chunk > 0 {
		chunk = w.Chunk
	}
	step := func(fn func(tx *bolt.Tx) error) error {
		if err := w.DB.Update(fn); err != nil {
			return err
		}
		if w.Step != nil {
			if err := w.Step(0); err != nil {
				return err
			}
		}
		return ctx.Err()
	}
	// The quads, by log id from start on.
	from := start + 1
	for done := false; !done && label != 0; {
		err := step(func(tx *bolt.Tx) error {
			kw, err := openKV(tx)
			if err != nil {
				return err
			}
			_, from, done, err = kw.unlinkQuads(label, from, chunk)
			return err
		})
		if err != nil {
			return true, err
		}
	}
	// The reference counts, and the values no longer used.
	for done := false; !done; {
		err := step(func(tx *bolt.Tx) error {
			var err error
			done, err = releaseValues(tx, journal, chunk)
			return err
		})
		if err != nil {
			return true, err
		}
	}
	return true, step(func(tx *bolt.Tx) error { return tx.DeleteBucket(journal) })
}

func metaIntOf(v []byte) (int64, error) {
	if len(v) != 8 {
		return 0, fmt.Errorf("journal start: %d bytes, want 8", len(v))
	}
	return int64(binary.LittleEndian.Uint64(v)), nil
}

// unlinkQuads deletes the quads labelled label among chunk log entries
// from id from on, with their index entries, and returns them and where to
// go on. Their values' reference counts are left to the caller.
func (w *kvTx) unlinkQuads(label, from uint64, chunk int) (prims []*cproto.Primitive, next uint64, done bool, err error) {
	var keys [][]byte
	c := w.log.Cursor()
	var k, v []byte
	seen := 0
	next = from
	for k, v = c.Seek(w.idKey(from)); k != nil && seen < chunk; k, v = c.Next() {
		seen++
		p := new(cproto.Primitive)
		if err := proto.Unmarshal(v, p); err != nil {
			return nil, from, false, err
		}
		next = p.ID + 1
		if p.IsNode() || p.Deleted || p.Label != label {
			continue
		}
		prims = append(prims, p)
		keys = append(keys, w.copy(k))
	}
	done = k == nil
	if len(prims) == 0 {
		return nil, next, done, nil
	}
	for _, k := range keys {
		if err := w.log.Delete(k); err != nil {
			return nil, from, false, err
		}
	}
	indexes, err := quadIndexes(w.meta)
	if err != nil {
		return nil, from, false, err
	}
	for _, ind := range indexes {
		if err := w.unindex(ind, prims); err != nil {
			return nil, from, false, err
		}
	}
	size, err := metaInt(w.meta, metaSize)
	if err != nil {
		return nil, from, false, err
	}
	return prims, next, done, w.meta.Put(metaSize, w.int64(size-int64(len(prims))))
}

// release takes one reference per quad direction away from the values of
// prims, deleting the values left unused, as Cayley does when it deletes
// quads.
func (w *kvTx) release(prims []*cproto.Primitive) error {
	refs := map[uint64]uint64{}
	for _, p := range prims {
		for _, dir := range quad.Directions {
			if id := p.GetDirection(dir); id != 0 {
				refs[id]++
			}
		}
	}
	type value struct {
		hash [sha1.Size]byte
		id   uint64
		refs uint64
	}
	vals := make([]value, 0, len(refs))
	for id, n := range refs {
		var p cproto.Primitive
		if err := proto.Unmarshal(w.log.Get(w.idKey(id)), &p); err != nil {
			return err
		}
		v, err := pquads.UnmarshalValue(p.Value)
		if err != nil {
			return err
		}
		if v == nil {
			continue // no such value: nothing to count
		}
		vals = append(vals, value{sha1.Sum([]byte(v.String())), id, n})
	}
	slices.SortFunc(vals, func(a, b value) int { return bytes.Compare(a.hash[:], b.hash[:]) })
	for _, v := range vals {
		nb := w.tx.Bucket([]byte{'n', v.hash[0], v.hash[1]})
		vb := w.tx.Bucket([]byte{'v', v.hash[0], v.hash[1]})
		if nb == nil || vb == nil {
			continue
		}
		n, _ := binary.Uvarint(nb.Get(v.hash[:]))
		if n > v.refs {
			if err := nb.Put(w.copy(v.hash[:]), w.uvarint(n-v.refs)); err != nil {
				return err
			}
			continue
		}
		if err := nb.Delete(v.hash[:]); err != nil {
			return err
		}
		if err := vb.Delete(v.hash[:]); err != nil {
			return err
		}
		if err := w.log.Delete(w.idKey(v.id)); err != nil {
			return err
		}
	}
	return nil
}

// Drop removes, below Cayley, the quads labelled with an import node
// that is not live and whose quads are all written and counted (not one
// that Rollback must undo): it reads the log from the node's own id on
// (the import's quads were written after it) and deletes, a chunk of log
// entries per transaction, the quads, their index entries and their
// values' references, each transaction whole, as Cayley would have. The
// caller lets no write go through its Cayley handle until Stale has
// replaced it (its IRI cache may name deleted values).
func (w Writer) Drop(ctx context.Context, node quad.Value) error {
	hash := sha1.Sum([]byte(quad.StringOf(node)))
	var label uint64
	err := w.DB.View(func(tx *bolt.Tx) error {
		if vb := tx.Bucket([]byte{'v', hash[0], hash[1]}); vb != nil {
			label, _ = binary.Uvarint(vb.Get(hash[:]))
		}
		return nil
	})
	if err != nil || label == 0 {
		return err
	}
	if w.Stale != nil {
		defer w.Stale()
	}
	chunk := bulkValueChunk
	if w.Chunk > 0 {
		chunk = w.Chunk
	}
	from := label + 1
	for done := false; !done; {
		err := w.DB.Update(func(tx *bolt.Tx) error {
			kw, err := openKV(tx)
			if err != nil {
				return err
			}
			var prims []*cproto.Primitive
			if prims, from, done, err = kw.unlinkQuads(label, from, chunk); err != nil {
				return err
			}
			return kw.release(prims)
		})
		if err != nil {
			return err
		}
		if w.Step != nil {
			if err := w.Step(0); err != nil {
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// unindex removes quads from one index.
func (w *kvTx) unindex(ind kv.QuadIndex, prims []*cproto.Primitive) error {
	b, err := indexBucket(w.tx, ind)
	if err != nil {
		return err
	}
	return eachKey(ind, prims, func(key []byte, group []indexEntry) error {
		drop := map[uint64]bool{}
		for _, e := range group {
			drop[e.id] = true
		}
		old := b.Get(key)
		val := w.bytes(len(old))[:0]
		for len(old) > 0 {
			id, n := binary.Uvarint(old)
			if n <= 0 {
				return fmt.Errorf("index %s: bad entry", ind.Dirs)
			}
			if !drop[id] {
				val = binary.AppendUvarint(val, id)
			}
			old = old[n:]
		}
		if len(val) == 0 {
			return b.Delete(key)
		}
		return b.Put(w.copy(key), val)
	})
}

// releaseValues takes back up to chunk reference counts of the
// journal, deleting the values left unused, and deletes those journal
// entries; done when none are left.
func releaseValues(tx *bolt.Tx, journal []byte, chunk int) (done bool, err error) {
	w, err := openKV(tx)
	if err != nil {
		return false, err
	}
	jb := tx.Bucket(journal)
	if jb == nil {
		return true, nil
	}
	type entry struct {
		hash []byte
		refs uint64
	}
	var entries []entry
	c := jb.Cursor()
	for k, v := c.First(); k != nil && len(entries) < chunk; k, v = c.Next() {
		if len(k) != sha1.Size {
			continue
		}
		refs, _ := binary.Uvarint(v)
		entries = append(entries, entry{w.copy(k), refs})
	}
	var vb, nb *bolt.Bucket
	var name [2]byte
	for i, e := range entries {
		h := e.hash
		if i == 0 || name != [2]byte{h[0], h[1]} {
			name = [2]byte{h[0], h[1]}
			if vb, err = bucket(tx, []byte{'v', h[0], h[1]}); err != nil {
				return false, err
			}
			if nb, err = bucket(tx, []byte{'n', h[0], h[1]}); err != nil {
				return false, err
			}
		}
		var n uint64
		if got := nb.Get(h); got != nil {
			n, _ = binary.Uvarint(got)
		}
		if n > e.refs {
			if err := nb.Put(h, w.uvarint(n-e.refs)); err != nil {
				return false, err
			}
		} else {
			if err := nb.Delete(h); err != nil {
				return false, err
			}
			if got := vb.Get(h); got != nil {
				id, _ := binary.Uvarint(got)
				if err := w.log.Delete(w.idKey(id)); err != nil {
					return false, err
				}
				if err := vb.Delete(h); err != nil {
					return false, err
				}
			}
		}
		if err := jb.Delete(h); err != nil {
			return false, err
		}
	}
	return len(entries) < chunk, nil
}
