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

// bucket returns the bucket of the root with the given name, creating it
// when missing.
func bucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if b := tx.Bucket(name); b != nil {
		return b, nil
	}
	return tx.CreateBucket(name)
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
