package boltbulk

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"os"
)

// spill is a temporary file of sorted runs, written one after the other
// and read back together, each through a reader of its own, to be
// merged. The file is unlinked as soon as it is created, so that nothing
// is left behind when the process dies.
type spill struct {
	f     *os.File
	w     *bufio.Writer
	off   int64      // bytes written
	start int64      // where the current run started
	runs  [][2]int64 // start and end of each run
	buf   []byte     // scratch for encoding
}

func newSpill(dir string) (*spill, error) {
	f, err := os.CreateTemp(dir, ".claimgraph-import-*.spill")
	if err != nil {
		return nil, err
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, err
	}
	return &spill{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

func (s *spill) write(p []byte) error {
	n, err := s.w.Write(p)
	s.off += int64(n)
	return err
}

func (s *spill) uvarint(x uint64) error {
	s.buf = binary.AppendUvarint(s.buf[:0], x)
	return s.write(s.buf)
}

func (s *spill) uint64s(xs ...uint64) error {
	s.buf = s.buf[:0]
	for _, x := range xs {
		s.buf = binary.BigEndian.AppendUint64(s.buf, x)
	}
	return s.write(s.buf)
}

// endRun ends the current run, when it holds anything.
func (s *spill) endRun() {
	if s.off > s.start {
		s.runs = append(s.runs, [2]int64{s.start, s.off})
		s.start = s.off
	}
}

// readers ends the current run and returns a reader of each run.
func (s *spill) readers() ([]*bufio.Reader, error) {
	s.endRun()
	if err := s.w.Flush(); err != nil {
		return nil, err
	}
	size := 64 << 10
	if len(s.runs) > 256 {
		size = 4 << 10 // many small runs (tests, or a huge import)
	}
	rs := make([]*bufio.Reader, len(s.runs))
	for i, r := range s.runs {
		rs[i] = bufio.NewReaderSize(io.NewSectionReader(s.f, r[0], r[1]-r[0]), size)
	}
	return rs, nil
}

func (s *spill) close() {
	if s != nil && s.f != nil {
		s.f.Close()
		s.f = nil
	}
}

// readUint64s reads len(xs) big-endian uint64s; io.EOF when the run ends
// before the first.
func readUint64s(r *bufio.Reader, xs []uint64) error {
	var b [8]byte
	for i := range xs {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			if i > 0 && errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		xs[i] = binary.BigEndian.Uint64(b[:])
	}
	return nil
}

// heap is a binary min-heap of run numbers ordered by less.
type heap struct {
	runs []int
	less func(a, b int) bool
}

func (h *heap) push(r int) {
	h.runs = append(h.runs, r)
	for i := len(h.runs) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.less(h.runs[i], h.runs[p]) {
			break
		}
		h.runs[i], h.runs[p] = h.runs[p], h.runs[i]
		i = p
	}
}

// fix restores the heap after the top run's head changed; remove drops
// the top run.
func (h *heap) fix()     { h.down(0) }
func (h *heap) top() int { return h.runs[0] }
func (h *heap) remove() {
	n := len(h.runs) - 1
	h.runs[0] = h.runs[n]
	h.runs = h.runs[:n]
	if n > 0 {
		h.down(0)
	}
}

func (h *heap) down(i int) {
	n := len(h.runs)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.less(h.runs[r], h.runs[l]) {
			m = r
		}
		if !h.less(h.runs[m], h.runs[i]) {
			return
		}
		h.runs[i], h.runs[m] = h.runs[m], h.runs[i]
		i = m
	}
}
