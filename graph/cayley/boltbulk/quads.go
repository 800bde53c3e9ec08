package boltbulk

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/cayleygraph/cayley/graph/kv"
	cproto "github.com/cayleygraph/cayley/graph/proto"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/pquads"
	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"
)

// defaultRun is the number of quads, value occurrences or index entries
// a run holds in memory before it is sorted and spilled.
const defaultRun = 1 << 18

// Quads is an import's quads on their way to the store. They are taken
// in runs of quads: each run's values, with the quads and directions
// that use them (their occurrences), are sorted by hash and spilled to a
// temporary file, so that what is held in memory does not grow with the
// import. Write merges the runs.
type Quads struct {
	dir   string
	run   int
	n     uint64 // quads added; a quad's sequence number is its rank
	index map[quad.Value]int32
	vals  []runValue
	last  [4]int32 // the values of the last quad added, by direction
	spill *spill
	err   error
}

// runValue is a value of the current run: its occurrences, each a
// sequence number shifted left by 2 with the direction's index.
type runValue struct {
	v    quad.Value
	hash [sha1.Size]byte
	occ  []uint64
}

// NewQuads returns an empty Quads whose runs spill into temporary files
// in dir (the system's temporary directory when empty), run quads each
// (defaultRun when 0).
func NewQuads(dir string, run int) *Quads {
	if run <= 0 {
		run = defaultRun
	}
	return &Quads{dir: dir, run: run, index: map[quad.Value]int32{}, last: [4]int32{-1, -1, -1, -1}}
}

// Len returns the number of quads added.
func (b *Quads) Len() int { return int(b.n) }

// Add adds a quad.
func (b *Quads) Add(q quad.Quad) error {
	if b.err != nil {
		return b.err
	}
	seq := b.n
	b.n++
	for d, dir := range quad.Directions {
		v := q.Get(dir)
		if v == nil {
			continue
		}
		j := b.last[d]
		if j < 0 || b.vals[j].v != v {
			var ok bool
			if j, ok = b.index[v]; !ok {
				j = int32(len(b.vals))
				b.index[v] = j
				b.vals = append(b.vals, runValue{v: v})
			}
		}
		b.vals[j].occ = append(b.vals[j].occ, seq<<2|uint64(d))
		b.last[d] = j
	}
	if b.n%uint64(b.run) == 0 {
		b.err = b.flush()
	}
	return b.err
}

// flush sorts the current run's values by hash (SHA-1 of the String
// form, as Cayley keys them) and spills them, each as its hash, its
// pquads encoding, and its occurrences, delta-encoded.
func (b *Quads) flush() error {
	if len(b.vals) == 0 {
		return nil
	}
	if b.spill == nil {
		var err error
		if b.spill, err = newSpill(b.dir); err != nil {
			return err
		}
	}
	parallel(len(b.vals), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			b.vals[j].hash = sha1.Sum([]byte(b.vals[j].v.String()))
		}
	})
	slices.SortFunc(b.vals, func(x, y runValue) int { return bytes.Compare(x.hash[:], y.hash[:]) })
	sp := b.spill
	for _, v := range b.vals {
		data, err := pquads.MarshalValue(v.v)
		if err != nil {
			return err
		}
		if err := sp.write(v.hash[:]); err != nil {
			return err
		}
		if err := sp.uvarint(uint64(len(data))); err != nil {
			return err
		}
		if err := sp.write(data); err != nil {
			return err
		}
		if err := sp.uvarint(uint64(len(v.occ))); err != nil {
			return err
		}
		prev := uint64(0)
		for _, o := range v.occ {
			if err := sp.uvarint(o - prev); err != nil {
				return err
			}
			prev = o
		}
	}
	sp.endRun()
	b.vals = nil
	clear(b.index)
	b.last = [4]int32{-1, -1, -1, -1}
	return nil
}

// Close removes the temporary files; Write closes b itself.
func (b *Quads) Close() {
	b.spill.close()
	b.vals, b.index = nil, nil
	if b.err == nil {
		b.err = errors.New("boltbulk: quads closed")
	}
}

// Write writes the quads of an import, all labelled with its node,
// which must already be stored, and closes b. progress is told the work
// done so far and in all (log entries and index entries). See the
// package documentation.
func (w Writer) Write(ctx context.Context, node quad.Value, b *Quads, progress func(done, total int)) error {
	defer b.Close()
	if b.err != nil {
		return b.err
	}
	if err := b.flush(); err != nil {
		return err
	}
	runs := 0
	if b.spill != nil {
		runs = len(b.spill.runs)
	}
	w.Log.Info("writing import", "import", node, "quads", b.n, "runs", runs)
	if b.n == 0 {
		return nil
	}
	journal := journalName(node)
	valueChunk, quadChunk, run := bulkValueChunk, bulkQuadChunk, defaultRun
	if w.Chunk > 0 {
		valueChunk, quadChunk, run = w.Chunk, w.Chunk, w.Chunk
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
	var indexes []kv.QuadIndex
	if err := w.DB.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return errors.New("not a Cayley KV store: no meta bucket")
		}
		var err error
		indexes, err = quadIndexes(meta)
		return err
	}); err != nil {
		return err
	}

	// Phase 1: the values, merged from the runs in hash order; their
	// occurrences, now with the values' ids, spill to be sorted by quad.
	vr, err := b.spill.readers()
	if err != nil {
		return err
	}
	vm, err := newValueMerge(vr)
	if err != nil {
		return err
	}
	occ, err := newRecordWriter(b.dir, run, 2)
	if err != nil {
		return err
	}
	defer occ.close()
	for vm.more() {
		if err := w.DB.Update(func(tx *bolt.Tx) error { return writeValues(tx, journal, vm, valueChunk, occ) }); err != nil {
			return err
		}
		if err := next(); err != nil {
			return err
		}
	}
	b.spill.close()

	// Phase 2: the quads' log entries, in the order they were added; their
	// index entries spill to be sorted by key.
	or, err := occ.readers()
	if err != nil {
		return err
	}
	om, err := newRecordMerge(or, 2)
	if err != nil {
		return err
	}
	idx := make([]*recordWriter, len(indexes))
	for i := range indexes {
		if idx[i], err = newRecordWriter(b.dir, run, 5); err != nil {
			return err
		}
		defer idx[i].close()
	}
	total := int(b.n) * (1 + len(indexes))
	done := 0
	// transactions writes in one transaction after another while more
	// says there is more, counting what each wrote for progress.
	transactions := func(more func() bool, write func(*bolt.Tx) (int, error)) error {
		for more() {
			n := 0
			if err := w.DB.Update(func(tx *bolt.Tx) (err error) {
				n, err = write(tx)
				return err
			}); err != nil {
				return err
			}
			if done += n; progress != nil {
				progress(done, total)
			}
			if err := next(); err != nil {
				return err
			}
		}
		return nil
	}
	if err := transactions(om.more, func(tx *bolt.Tx) (int, error) { return writeLog(tx, om, quadChunk, indexes, idx) }); err != nil {
		return err
	}
	occ.close()

	// Phase 3: each index, in key order.
	for i, ind := range indexes {
		ir, err := idx[i].readers()
		if err != nil {
			return err
		}
		im, err := newRecordMerge(ir, 5)
		if err != nil {
			return err
		}
		if err := transactions(im.more, func(tx *bolt.Tx) (int, error) { return writeIndex(tx, ind, im, quadChunk) }); err != nil {
			return err
		}
		idx[i].close()
	}
	return nil
}

// writeValues is a transaction of phase 1 of Write: up to chunk values,
// in hash order. Each is looked up, given an id when new (its log entry
// and 'v' entry), and its reference count raised by its occurrences,
// which go to occ with the id; the journal keeps what was added.
func writeValues(tx *bolt.Tx, journal []byte, vm *valueMerge, chunk int, occ *recordWriter) error {
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
	type fresh struct {
		id   uint64
		data []byte
	}
	var news []fresh
	var vb, nb *bolt.Bucket
	var vname, nname [3]byte
	for k := 0; k < chunk && vm.more(); k++ {
		g := vm.group()
		if vb == nil || vname != [3]byte{'v', g.hash[0], g.hash[1]} {
			vname = [3]byte{'v', g.hash[0], g.hash[1]}
			if vb, err = bucket(tx, vname[:]); err != nil {
				return err
			}
		}
		var id uint64
		if got := vb.Get(g.hash[:]); got != nil {
			id, _ = binary.Uvarint(got)
		}
		if id == 0 {
			w.horizon++
			id = uint64(w.horizon)
			if err := vb.Put(w.copy(g.hash[:]), w.uvarint(id)); err != nil {
				return err
			}
			news = append(news, fresh{id, g.data})
		}
		if nb == nil || nname != [3]byte{'n', g.hash[0], g.hash[1]} {
			nname = [3]byte{'n', g.hash[0], g.hash[1]}
			if nb, err = bucket(tx, nname[:]); err != nil {
				return err
			}
		}
		n := g.refs
		if got := nb.Get(g.hash[:]); got != nil {
			old, _ := binary.Uvarint(got)
			n += old
		}
		if err := nb.Put(w.copy(g.hash[:]), w.uvarint(n)); err != nil {
			return err
		}
		if err := jb.Put(w.copy(g.hash[:]), w.uvarint(g.refs)); err != nil {
			return err
		}
		if err := vm.emit(func(o uint64) error { return occ.add(o, id) }); err != nil {
			return err
		}
	}
	// The log entries of the new values, in id order.
	enc := make([][]byte, len(news))
	var errs error
	var once sync.Once
	parallel(len(news), func(lo, hi int) {
		for k := lo; k < hi; k++ {
			data, err := proto.Marshal(&cproto.Primitive{ID: news[k].id, Value: news[k].data, Timestamp: w.now})
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
	for k := range news {
		if err := w.log.Put(w.idKey(news[k].id), enc[k]); err != nil {
			return err
		}
	}
	return w.meta.Put(metaHorizon, w.int64(w.horizon))
}

// writeLog is a transaction of phase 2 of Write: the log entries of up
// to chunk quads, read from om (occurrences sorted by quad and direction,
// with the values' ids), with ids that follow the horizon; their entries
// of each index go to idx. It returns the quads written.
func writeLog(tx *bolt.Tx, om *recordMerge, chunk int, indexes []kv.QuadIndex, idx []*recordWriter) (int, error) {
	w, err := openKV(tx)
	if err != nil {
		return 0, err
	}
	size, err := metaInt(w.meta, metaSize)
	if err != nil {
		return 0, err
	}
	prims := make([]cproto.Primitive, 0, min(chunk, 1<<16))
	for len(prims) < chunk && om.more() {
		seq := om.head()[0] >> 2
		prims = slices.Grow(prims, 1)[:len(prims)+1]
		p := &prims[len(prims)-1]
		for om.more() && om.head()[0]>>2 == seq {
			r := om.head()
			p.SetDirection(quad.Directions[r[0]&3], r[1])
			if err := om.next(); err != nil {
				return 0, err
			}
		}
		w.horizon++
		p.ID, p.Timestamp = uint64(w.horizon), w.now
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
		return 0, errs
	}
	w.log.FillPercent = 1 // appended to
	for i := range prims {
		if err := w.log.Put(w.idKey(prims[i].ID), enc[i]); err != nil {
			return 0, err
		}
	}
	var rec [5]uint64
	for i, ind := range indexes {
		for j := range prims {
			rec = [5]uint64{}
			for k, d := range ind.Dirs {
				rec[k] = prims[j].GetDirection(d)
			}
			rec[4] = prims[j].ID
			if err := idx[i].add(rec[:]...); err != nil {
				return 0, err
			}
		}
	}
	if err := w.meta.Put(metaHorizon, w.int64(w.horizon)); err != nil {
		return 0, err
	}
	return len(prims), w.meta.Put(metaSize, w.int64(size+int64(len(prims))))
}

// writeIndex is a transaction of phase 3 of Write: up to chunk entries
// of one index, read from im in key order, each key's ids appended to
// what it holds (the new ids are larger than any stored). It returns the
// entries written.
func writeIndex(tx *bolt.Tx, ind kv.QuadIndex, im *recordMerge, chunk int) (int, error) {
	w := &kvTx{tx: tx}
	b, err := indexBucket(tx, ind)
	if err != nil {
		return 0, err
	}
	n := 0
	key := make([]byte, 8*len(ind.Dirs))
	var ids []byte
	for n < chunk && im.more() {
		head := im.head()
		var k [4]uint64
		copy(k[:], head[:4])
		for i := range ind.Dirs {
			binary.BigEndian.PutUint64(key[8*i:], k[i])
		}
		ids = ids[:0]
		for n < chunk && im.more() && [4]uint64(im.head()[:4]) == k {
			ids = binary.AppendUvarint(ids, im.head()[4])
			n++
			if err := im.next(); err != nil {
				return 0, err
			}
		}
		old := b.Get(key)
		val := w.bytes(len(old) + len(ids))
		copy(val[copy(val, old):], ids)
		if err := b.Put(w.copy(key), val); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// valueMerge merges the value runs of Quads by hash.
type valueMerge struct {
	heads []valueHead
	h     heap
	cur   []int // the runs of the current group
}

// valueHead is the record a value run is at: its header read, its
// occurrences not yet.
type valueHead struct {
	r    *bufio.Reader
	hash [sha1.Size]byte
	data []byte
	n    uint64
}

// read reads the header of the next record; io.EOF at the run's end.
func (v *valueHead) read() error {
	if _, err := io.ReadFull(v.r, v.hash[:]); err != nil {
		return err
	}
	size, err := binary.ReadUvarint(v.r)
	if err != nil {
		return noEOF(err)
	}
	v.data = make([]byte, size)
	if _, err := io.ReadFull(v.r, v.data); err != nil {
		return noEOF(err)
	}
	v.n, err = binary.ReadUvarint(v.r)
	return noEOF(err)
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func newValueMerge(rs []*bufio.Reader) (*valueMerge, error) {
	m := &valueMerge{heads: make([]valueHead, len(rs))}
	m.h.less = func(a, b int) bool {
		if c := bytes.Compare(m.heads[a].hash[:], m.heads[b].hash[:]); c != 0 {
			return c < 0
		}
		return a < b
	}
	for i, r := range rs {
		m.heads[i].r = r
		if err := m.heads[i].read(); err == nil {
			m.h.push(i)
		} else if !errors.Is(err, io.EOF) {
			return nil, err
		}
	}
	return m, nil
}

func (m *valueMerge) more() bool { return len(m.h.runs) > 0 }

// valueGroup is one value, from all the runs that hold it.
type valueGroup struct {
	hash [sha1.Size]byte
	data []byte // the first run's encoding
	refs uint64
}

// group takes the next value off the runs; emit must follow.
func (m *valueMerge) group() valueGroup {
	first := m.h.top()
	g := valueGroup{hash: m.heads[first].hash, data: m.heads[first].data}
	m.cur = m.cur[:0]
	for m.more() && m.heads[m.h.top()].hash == g.hash {
		r := m.h.top()
		m.h.remove()
		m.cur = append(m.cur, r)
		g.refs += m.heads[r].n
	}
	return g
}

// emit passes the occurrences of the group taken last to f, and moves
// its runs on.
func (m *valueMerge) emit(f func(occ uint64) error) error {
	for _, r := range m.cur {
		v := &m.heads[r]
		prev := uint64(0)
		for range v.n {
			d, err := binary.ReadUvarint(v.r)
			if err != nil {
				return noEOF(err)
			}
			prev += d
			if err := f(prev); err != nil {
				return err
			}
		}
		if err := v.read(); err == nil {
			m.h.push(r)
		} else if !errors.Is(err, io.EOF) {
			return err
		}
	}
	m.cur = m.cur[:0]
	return nil
}

// recordWriter spills records of a fixed number of uint64s in sorted
// runs.
type recordWriter struct {
	dir   string
	width int
	run   int
	buf   []uint64
	spill *spill
}

func newRecordWriter(dir string, run, width int) (*recordWriter, error) {
	return &recordWriter{dir: dir, width: width, run: run}, nil
}

func (rw *recordWriter) add(rec ...uint64) error {
	if rw.buf == nil {
		rw.buf = make([]uint64, 0, rw.run*rw.width)
	}
	rw.buf = append(rw.buf, rec...)
	if len(rw.buf) >= rw.run*rw.width {
		return rw.flush()
	}
	return nil
}

// flush sorts the buffered records and spills them as a run.
func (rw *recordWriter) flush() error {
	if len(rw.buf) == 0 {
		return nil
	}
	if rw.spill == nil {
		var err error
		if rw.spill, err = newSpill(rw.dir); err != nil {
			return err
		}
	}
	n := len(rw.buf) / rw.width
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	wd := rw.width
	slices.SortFunc(order, func(a, b int32) int {
		return slices.Compare(rw.buf[int(a)*wd:int(a+1)*wd], rw.buf[int(b)*wd:int(b+1)*wd])
	})
	for _, i := range order {
		if err := rw.spill.uint64s(rw.buf[int(i)*wd : int(i+1)*wd]...); err != nil {
			return err
		}
	}
	rw.spill.endRun()
	rw.buf = rw.buf[:0]
	return nil
}

func (rw *recordWriter) readers() ([]*bufio.Reader, error) {
	if err := rw.flush(); err != nil {
		return nil, err
	}
	if rw.spill == nil {
		return nil, nil
	}
	return rw.spill.readers()
}

func (rw *recordWriter) close() {
	rw.spill.close()
	rw.buf = nil
}

// recordMerge merges runs of records of a recordWriter.
type recordMerge struct {
	width int
	recs  []uint64 // the head record of each run
	rs    []*bufio.Reader
	h     heap
}

func newRecordMerge(rs []*bufio.Reader, width int) (*recordMerge, error) {
	m := &recordMerge{width: width, recs: make([]uint64, width*len(rs)), rs: rs}
	m.h.less = func(a, b int) bool {
		if c := slices.Compare(m.rec(a), m.rec(b)); c != 0 {
			return c < 0
		}
		return a < b
	}
	for i := range rs {
		if err := readUint64s(rs[i], m.rec(i)); err == nil {
			m.h.push(i)
		} else if !errors.Is(err, io.EOF) {
			return nil, err
		}
	}
	return m, nil
}

func (m *recordMerge) rec(i int) []uint64 { return m.recs[i*m.width : (i+1)*m.width] }
func (m *recordMerge) more() bool         { return len(m.h.runs) > 0 }

// head is the smallest record; it is valid until next.
func (m *recordMerge) head() []uint64 { return m.rec(m.h.top()) }

// next moves past the head.
func (m *recordMerge) next() error {
	r := m.h.top()
	switch err := readUint64s(m.rs[r], m.rec(r)); {
	case err == nil:
		m.h.fix()
	case errors.Is(err, io.EOF):
		m.h.remove()
	default:
		return fmt.Errorf("reading a spilled run: %w", err)
	}
	return nil
}
