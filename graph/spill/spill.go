package spill

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// Defaults of a run's size.
const (
	DefaultRecords = 1 << 20
	DefaultBytes   = 32 << 20
)

// Sorter sorts records. Add takes them in any order; once Sort is
// called, Reader reads them in order, as often as needed. The temporary
// file is unlinked as soon as it is created, so that nothing is left
// behind when the process dies; Close releases it.
type Sorter struct {
	dir            string
	records, bytes int

	arena []byte
	spans [][2]uint32 // start and end in arena of each record held
	n     int         // records added
	held  int         // most records held in memory at once

	f      *os.File
	w      *bufio.Writer
	off    int64
	runs   [][2]int64 // start and end of each run in f
	sorted bool
	err    error
}

// New returns a Sorter whose runs hold at most records records and about
// bytes bytes (the defaults when 0), spilled to a temporary file in dir
// (the system's temporary directory when empty).
func New(dir string, records, bytes int) *Sorter {
	if records <= 0 {
		records = DefaultRecords
	}
	if bytes <= 0 {
		bytes = DefaultBytes
	}
	return &Sorter{dir: dir, records: records, bytes: bytes}
}

// Len returns the number of records added.
func (s *Sorter) Len() int { return s.n }

// Runs returns the number of runs spilled so far.
func (s *Sorter) Runs() int { return len(s.runs) }

// MaxHeld returns the most records held in memory at once.
func (s *Sorter) MaxHeld() int { return s.held }

// Add adds a record; it copies rec.
func (s *Sorter) Add(rec []byte) error {
	if s.err != nil {
		return s.err
	}
	if s.sorted {
		return errors.New("spill: record added after Sort")
	}
	if len(s.spans) >= s.records || len(s.spans) > 0 && len(s.arena)+len(rec) > s.bytes {
		if s.err = s.spill(); s.err != nil {
			return s.err
		}
	}
	if len(s.arena)+len(rec) > 1<<32-1 {
		s.err = fmt.Errorf("spill: a record of %d bytes is too long", len(rec))
		return s.err
	}
	start := len(s.arena)
	s.arena = append(s.arena, rec...)
	s.spans = append(s.spans, [2]uint32{uint32(start), uint32(len(s.arena))})
	s.n++
	s.held = max(s.held, len(s.spans))
	return nil
}

func (s *Sorter) sortHeld() {
	a := s.arena
	slices.SortFunc(s.spans, func(x, y [2]uint32) int { return bytes.Compare(a[x[0]:x[1]], a[y[0]:y[1]]) })
}

// spill sorts the records held and writes them as a run.
func (s *Sorter) spill() error {
	if len(s.spans) == 0 {
		return nil
	}
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, ".claimgraph-sort-*.spill")
		if err != nil {
			return err
		}
		if err := os.Remove(f.Name()); err != nil {
			f.Close()
			return err
		}
		s.f, s.w = f, bufio.NewWriterSize(f, 256<<10)
	}
	s.sortHeld()
	start := s.off
	var lb [binary.MaxVarintLen64]byte
	for _, sp := range s.spans {
		n := binary.PutUvarint(lb[:], uint64(sp[1]-sp[0]))
		if _, err := s.w.Write(lb[:n]); err != nil {
			return err
		}
		if _, err := s.w.Write(s.arena[sp[0]:sp[1]]); err != nil {
			return err
		}
		s.off += int64(n) + int64(sp[1]-sp[0])
	}
	s.runs = append(s.runs, [2]int64{start, s.off})
	s.arena, s.spans = s.arena[:0], s.spans[:0]
	return nil
}

// Flush spills the records held as a run of their own.
func (s *Sorter) Flush() error {
	if s.err == nil && !s.sorted {
		s.err = s.spill()
	}
	return s.err
}

// Sort ends the adding of records. Records that fit in one run stay in
// memory; otherwise the last run is spilled too.
func (s *Sorter) Sort() error {
	if s.err != nil || s.sorted {
		return s.err
	}
	s.sorted = true
	if len(s.runs) == 0 {
		s.sortHeld()
		return nil
	}
	if s.err = s.spill(); s.err != nil {
		return s.err
	}
	s.arena, s.spans = nil, nil
	if s.err = s.w.Flush(); s.err != nil {
		return s.err
	}
	return nil
}

// Close releases the temporary file and the records held.
func (s *Sorter) Close() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
	s.arena, s.spans = nil, nil
	if s.err == nil {
		s.err = errors.New("spill: sorter closed")
	}
}

// Reader returns a reader of the records in order; Sort must have been
// called.
func (s *Sorter) Reader() (*Reader, error) {
	if s.err != nil {
		return nil, s.err
	}
	if !s.sorted {
		return nil, errors.New("spill: Reader before Sort")
	}
	r := &Reader{s: s}
	if len(s.runs) == 0 {
		r.mem = true
		return r, nil
	}
	size := 64 << 10
	if len(s.runs) > 64 {
		size = 4 << 10
	}
	for i, run := range s.runs {
		rr := &runReader{r: bufio.NewReaderSize(io.NewSectionReader(s.f, run[0], run[1]-run[0]), size)}
		ok, err := rr.next()
		if err != nil {
			return nil, err
		}
		if ok {
			r.heap = append(r.heap, i)
		}
		r.readers = append(r.readers, rr)
	}
	for i := len(r.heap)/2 - 1; i >= 0; i-- {
		r.down(i)
	}
	return r, nil
}

// Reader reads a Sorter's records in order.
type Reader struct {
	s       *Sorter
	mem     bool
	i       int // in memory: the next record
	readers []*runReader
	heap    []int // runs with a record, by their record
	started bool
	cur     []byte
	err     error
}

type runReader struct {
	r   *bufio.Reader
	rec []byte
}

func (rr *runReader) next() (bool, error) {
	n, err := binary.ReadUvarint(rr.r)
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if uint64(cap(rr.rec)) < n {
		rr.rec = make([]byte, n, max(n, 256))
	}
	rr.rec = rr.rec[:n]
	if _, err := io.ReadFull(rr.r, rr.rec); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return false, err
	}
	return true, nil
}

// Next advances to the next record and reports whether there is one.
func (r *Reader) Next() bool {
	if r.err != nil {
		return false
	}
	if r.mem {
		if r.i >= len(r.s.spans) {
			return false
		}
		sp := r.s.spans[r.i]
		r.cur = r.s.arena[sp[0]:sp[1]]
		r.i++
		return true
	}
	if r.started && len(r.heap) > 0 {
		// Advance the run whose record was current.
		top := r.heap[0]
		ok, err := r.readers[top].next()
		if err != nil {
			r.err = err
			return false
		}
		if ok {
			r.down(0)
		} else {
			n := len(r.heap) - 1
			r.heap[0] = r.heap[n]
			r.heap = r.heap[:n]
			if n > 0 {
				r.down(0)
			}
		}
	}
	r.started = true
	if len(r.heap) == 0 {
		return false
	}
	r.cur = r.readers[r.heap[0]].rec
	return true
}

// Record returns the current record; it is valid until the next call of
// Next.
func (r *Reader) Record() []byte { return r.cur }

// Err returns the error that ended the reading, if any.
func (r *Reader) Err() error { return r.err }

func (r *Reader) less(a, b int) bool {
	if c := bytes.Compare(r.readers[a].rec, r.readers[b].rec); c != 0 {
		return c < 0
	}
	return a < b
}

func (r *Reader) down(i int) {
	h := r.heap
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if rr := l + 1; rr < len(h) && r.less(h[rr], h[l]) {
			m = rr
		}
		if !r.less(h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
