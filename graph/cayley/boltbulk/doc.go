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
// node as their label) and distinct. Nor does it need to hold them in
// memory: Quads takes them in runs, each run's values sorted by hash and
// spilled with their occurrences (quad and direction) to a temporary
// file beside the store, unlinked at once so that a dead process leaves
// nothing behind. Write then merges the runs in three phases, each
// writing every bucket in key order, so that a transaction touches few
// pages and memory stays bounded whatever the size of the import:
//
//  1. The values, merged by hash, in transactions of bulkValueChunk: each
//     value is looked up, given an id when new (its log entry and 'v'
//     entry), and its reference count raised by the number of the
//     import's quads that use it. Every bucket is visited once. The
//     occurrences, now with the values' ids, spill again, sorted by quad.
//  2. The quads' log entries, merged by quad, in transactions of
//     bulkQuadChunk, with increasing ids (appended). Each quad's entries
//     of every index spill, sorted by key.
//  3. Each index, merged by key, in transactions of bulkQuadChunk
//     entries, each key's new ids appended to those it holds.
//
// Until the import commits, the quads are invisible to readers (their
// import is not committed), but the reference counts of phase 1 already
// count the quads phases 2 and 3 have not written yet. So phase 1 also keeps a
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
//
// ReadLog reads the same layout the other way: the whole log in one pass
// in key order, for a scan of everything the store holds.
package boltbulk
