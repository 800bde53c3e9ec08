package seed

import (
	"encoding/binary"
	"errors"
	"slices"
)

// recBuf encodes a record of a mapped import's runs (see import.go):
// fixed-width fields big-endian, so that records sort by their first
// fields, and strings with their length before them.
type recBuf struct{ b []byte }

func (r *recBuf) reset()         { r.b = r.b[:0] }
func (r *recBuf) fixed(p []byte) { r.b = append(r.b, p...) }
func (r *recBuf) u32(x uint32)   { r.b = binary.BigEndian.AppendUint32(r.b, x) }
func (r *recBuf) u64(x uint64)   { r.b = binary.BigEndian.AppendUint64(r.b, x) }
func (r *recBuf) str(s string) {
	r.b = binary.AppendUvarint(r.b, uint64(len(s)))
	r.b = append(r.b, s...)
}
func (r *recBuf) strBytes(p []byte) {
	r.b = binary.AppendUvarint(r.b, uint64(len(p)))
	r.b = append(r.b, p...)
}
func (r *recBuf) place(p place) {
	r.u32(uint32(p.file))
	r.u32(uint32(p.line))
	r.u32(uint32(p.col))
}

// attrs encodes attributes, in the order of their keys.
func (r *recBuf) attrs(m map[string]string) {
	r.b = binary.AppendUvarint(r.b, uint64(len(m)))
	if len(m) == 0 {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		r.str(k)
		r.str(m[k])
	}
}

// errBadRecord is a record that does not decode: a temporary file was
// changed under the import.
var errBadRecord = errors.New("a record of the import's temporary files is damaged")

// recReader decodes a record; a record too short sets err and yields
// zero values.
type recReader struct {
	b   []byte
	err error
}

func (r *recReader) take(n int) []byte {
	if r.err != nil || len(r.b) < n {
		r.err = errBadRecord
		return make([]byte, n)
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *recReader) hash() (h [16]byte) { copy(h[:], r.take(16)); return h }
func (r *recReader) u32() uint32        { return binary.BigEndian.Uint32(r.take(4)) }
func (r *recReader) u64() uint64        { return binary.BigEndian.Uint64(r.take(8)) }
func (r *recReader) place() place {
	return place{file: int32(r.u32()), line: int32(r.u32()), col: int32(r.u32())}
}

func (r *recReader) strBytes() []byte {
	n, k := binary.Uvarint(r.b)
	if r.err != nil || k <= 0 || uint64(len(r.b)-k) < n {
		r.err = errBadRecord
		return nil
	}
	p := r.b[k : k+int(n)]
	r.b = r.b[k+int(n):]
	return p
}

func (r *recReader) str() string { return string(r.strBytes()) }

// attrs decodes attributes: nil when there are none.
func (r *recReader) attrs() map[string]string {
	n, k := binary.Uvarint(r.b)
	if r.err != nil || k <= 0 {
		r.err = errBadRecord
		return nil
	}
	r.b = r.b[k:]
	if n == 0 {
		return nil
	}
	m := make(map[string]string, min(n, 64))
	for range n {
		key := r.str()
		m[key] = r.str()
		if r.err != nil {
			return nil
		}
	}
	return m
}

// The order of a statement: an edge's sequence number, or its join's
// first part's place, the join, the middle node and the statement's
// subject and object among the middle node's.
const (
	ordEdge    = 0
	ordJoin    = 1
	ordEdgeLen = 1 + 8
	ordJoinLen = 1 + 4 + 4 + 4 + 16 + 4 + 4
)

func edgeOrd(b []byte, seq uint64) []byte {
	b = append(b[:0], ordEdge)
	return binary.BigEndian.AppendUint64(b, seq)
}

func joinOrd(b []byte, first place, join int32, mid [16]byte, i, j int) []byte {
	b = append(b[:0], ordJoin)
	b = binary.BigEndian.AppendUint32(b, uint32(first.file))
	b = binary.BigEndian.AppendUint32(b, uint32(first.line))
	b = binary.BigEndian.AppendUint32(b, uint32(join))
	b = append(b, mid[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(i))
	return binary.BigEndian.AppendUint32(b, uint32(j))
}

// ord takes a statement's order.
func (r *recReader) ord() []byte {
	if r.err == nil && len(r.b) > 0 && r.b[0] == ordJoin {
		return r.take(ordJoinLen)
	}
	return r.take(ordEdgeLen)
}
