package boltbulk

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/pquads"
	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/encoding/protowire"
)

// Link is a quad of the log as the ids of its values: subject, predicate,
// object and label (0 for none).
type Link [4]uint64

// Log is everything Cayley's KV log holds, read in one ordered pass: the
// values by id and the live quads in the order of their ids.
type Log struct {
	// values[id] is the value of id; nil for an id that is no value.
	values []quad.Value
	// Links holds the live quads (not deleted), in the order of their
	// ids, as Cayley's all-quads iterator yields them.
	Links []Link
}

// Value returns the value of id, or nil when there is none (as Cayley's
// ValuesOf gives for an id it does not know).
func (l *Log) Value(id uint64) quad.Value {
	if id < uint64(len(l.values)) {
		return l.values[id]
	}
	return nil
}

// Quad returns the quad of link, and false when its subject, predicate or
// object is missing (Cayley's reads drop such a quad).
func (l *Log) Quad(link Link) (quad.Quad, bool) {
	q := quad.Quad{Subject: l.Value(link[0]), Predicate: l.Value(link[1]), Object: l.Value(link[2]), Label: l.Value(link[3])}
	return q, q.IsValid()
}

// ReadLog reads the log of the Cayley KV store in tx up to its horizon in
// one pass in key order, where Cayley's all-quads iterator reads it in
// batches of ids and then looks every value of every quad up in the log
// again. Each value is decoded once and shared by the quads that use it.
func ReadLog(tx *bolt.Tx) (*Log, error) {
	meta, log := tx.Bucket(bucketMeta), tx.Bucket(bucketLog)
	if meta == nil || log == nil {
		return nil, errors.New("not a Cayley KV store: no meta or log bucket")
	}
	if v, err := metaInt(meta, metaVersion); err != nil {
		return nil, err
	} else if v != kvVersion {
		return nil, fmt.Errorf("the store has version %d of Cayley's KV layout; the log reader knows version %d only", v, kvVersion)
	}
	horizon, err := metaInt(meta, metaHorizon)
	if err != nil {
		return nil, err
	}
	out := &Log{values: make([]quad.Value, horizon+1)}
	if size, err := metaInt(meta, metaSize); err == nil && size > 0 && size <= horizon {
		out.Links = make([]Link, 0, size)
	}
	c := log.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != 8 {
			return nil, fmt.Errorf("log key of %d bytes, want 8", len(k))
		}
		id := binary.BigEndian.Uint64(k)
		if id == 0 || id > uint64(horizon) {
			continue
		}
		p, err := decodePrimitive(v)
		if err != nil {
			return nil, fmt.Errorf("log entry %d: %w", id, err)
		}
		if len(p.value) != 0 {
			if out.values[id], err = decodeValue(p.value); err != nil {
				return nil, fmt.Errorf("log entry %d: %w", id, err)
			}
			continue
		}
		if !p.deleted {
			out.Links = append(out.Links, p.link)
		}
	}
	return out, nil
}

// primitive is what ReadLog needs of a log entry (Cayley's proto
// Primitive): a value's encoding, or a quad's ids and whether it was
// deleted.
type primitive struct {
	link    Link
	value   []byte
	deleted bool
}

// decodePrimitive decodes a Primitive from its wire form: the fields of
// graph/proto's primitive.proto (ID 1, Subject 2, Predicate 3, Object 4,
// Label 5, Replaces 6, Timestamp 7, Value 8, Deleted 9), skipping any
// other.
func decodePrimitive(b []byte) (primitive, error) {
	var p primitive
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return p, protowire.ParseError(n)
		}
		b = b[n:]
		switch {
		case num >= 2 && num <= 5 && typ == protowire.VarintType:
			x, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return p, protowire.ParseError(n)
			}
			p.link[num-2], b = x, b[n:]
		case num == 8 && typ == protowire.BytesType:
			x, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return p, protowire.ParseError(n)
			}
			p.value, b = x, b[n:]
		case num == 9 && typ == protowire.VarintType:
			x, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return p, protowire.ParseError(n)
			}
			p.deleted, b = x != 0, b[n:]
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return p, protowire.ParseError(n)
			}
			b = b[n:]
		}
	}
	return p, nil
}

// decodeValue decodes a value as pquads.UnmarshalValue does. A plain
// string or IRI, most of the values, is decoded here without the proto
// machinery; anything else goes through pquads.
func decodeValue(b []byte) (quad.Value, error) {
	num, typ, n := protowire.ConsumeTag(b)
	if n > 0 && typ == protowire.BytesType && (num == 2 || num == 3) {
		s, m := protowire.ConsumeBytes(b[n:])
		if m > 0 && n+m == len(b) && utf8.Valid(s) {
			if num == 2 {
				return quad.String(s), nil
			}
			return quad.IRI(s), nil
		}
	}
	return pquads.UnmarshalValue(b)
}
