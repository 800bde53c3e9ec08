// Package pgbulk writes the quads of an import below Cayley's quad writer,
// straight into the tables of Cayley's SQL backend on PostgreSQL
// (graph/sql and graph/sql/postgres at the version in go.mod), as
// ApplyDeltas would have written them:
//
//	nodes   hash (SHA-1 of the value's String form, refs.HashOf) PRIMARY
//	        KEY, refs (the number of quad directions using the value),
//	        and the value in the columns sql.NodeValues chooses for its
//	        kind (value_string and iri for an IRI, value_string for a
//	        plain string, and so on; the others NULL)
//	quads   horizon (a BIGSERIAL), subject_hash, predicate_hash,
//	        object_hash, label_hash (NULL for no label), ts (now() of the
//	        writing transaction), with foreign keys to nodes
//
// Cayley's writer sends one INSERT per value and one per quad. An import
// needs neither the round trips nor Cayley's duplicate checks: its quads
// are new (they carry the new import node as their label) and distinct.
// So Tx copies them with COPY (lib/pq's CopyIn) into a temporary table of
// the transaction, each quad as a row of its four hashes and each value as
// a row of its hash and columns, sent once unless a bounded set of the
// values sent already has forgotten it. Commit then merges that table into
// Cayley's in two statements: the values, counted by hash, inserted or
// their refs raised (ON CONFLICT, as Cayley does), and the quads, in the
// order they came, with the transaction's now(). Everything happens in one
// transaction: an import that fails, is cancelled or is refused before
// Commit leaves the tables exactly as they were, and PostgreSQL throws the
// temporary table away with it. Memory stays bounded whatever the size of
// the import; the server holds the rows until the merge.
//
// Drop removes the quads of one label with their values' references in
// one transaction, as Cayley's deletes would: refs lowered, values no
// quad uses any more deleted.
//
// Cayley's in-memory state stays right: its value cache maps a hash to
// the value it is the hash of, which writing cannot change, and the
// counts its Stats keeps are forgotten by its next ApplyDeltas, which the
// import's commit marker is. graph/cayley's TestPostgresBulkWritesAsCayley
// compares the tables row by row with tables Cayley wrote, and fails if an
// upgrade of Cayley changes the layout.
package pgbulk
