package pgbulk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	csql "github.com/cayleygraph/cayley/graph/sql"
	"github.com/cayleygraph/quad"
	"github.com/lib/pq"
)

// table is the temporary table of one bulk transaction.
const table = "claimgraph_bulk"

// seenMax bounds the set of value hashes a Tx remembers having sent; when
// it is full it is emptied, and the merge removes the few values sent
// twice.
const seenMax = 1 << 18

// columns of table: a quad row has seq and its hashes (p is never NULL);
// a value row has its hash in s, p NULL, and the value in Cayley's node
// columns.
var columns = []string{"seq", "s", "p", "o", "l",
	"value", "value_string", "datatype", "language", "iri", "bnode",
	"value_int", "value_bool", "value_float", "value_time"}

// valueColumns are Cayley's nodes columns after hash and refs, in the
// order of columns[5:].
var valueColumns = columns[5:]

const createTable = `CREATE TEMPORARY TABLE ` + table + ` (
	seq BIGINT, s BYTEA NOT NULL, p BYTEA, o BYTEA, l BYTEA,
	value BYTEA, value_string TEXT, datatype TEXT, language TEXT, iri BOOLEAN, bnode BOOLEAN,
	value_int BIGINT, value_bool BOOLEAN, value_float DOUBLE PRECISION, value_time TIMESTAMP WITH TIME ZONE
) ON COMMIT DROP`

// mergeNodes inserts the values, or raises their refs by the number of
// quad directions that use them, as Cayley's RunTx does value by value.
const mergeNodes = `INSERT INTO nodes (hash, refs, value, value_string, datatype, language, iri, bnode,
	value_int, value_bool, value_float, value_time)
SELECT v.s, c.refs, v.value, v.value_string, v.datatype, v.language, v.iri, v.bnode,
	v.value_int, v.value_bool, v.value_float, v.value_time
FROM (SELECT DISTINCT ON (s) * FROM ` + table + ` WHERE p IS NULL ORDER BY s) v
JOIN (SELECT h, count(*)::INT AS refs FROM (
		SELECT s AS h FROM ` + table + ` WHERE p IS NOT NULL
		UNION ALL SELECT p FROM ` + table + ` WHERE p IS NOT NULL
		UNION ALL SELECT o FROM ` + table + ` WHERE p IS NOT NULL
		UNION ALL SELECT l FROM ` + table + ` WHERE p IS NOT NULL AND l IS NOT NULL
	) d GROUP BY h) c ON c.h = v.s
ORDER BY v.s
ON CONFLICT (hash) DO UPDATE SET refs = nodes.refs + EXCLUDED.refs`

// mergeQuads inserts the quads in the order they were added, stamped as
// Cayley stamps them.
const mergeQuads = `INSERT INTO quads (subject_hash, predicate_hash, object_hash, label_hash, ts)
SELECT s, p, o, l, now() FROM ` + table + ` WHERE p IS NOT NULL ORDER BY seq`

// Tx is the bulk transaction of one import. It is not safe for concurrent
// use.
type Tx struct {
	ctx  context.Context
	tx   *sql.Tx
	copy *sql.Stmt
	seen map[csql.NodeHash]struct{}
	n    int64 // quads added
	row  []any
	// Step, when set, is called after each quad Add sends, with the number
	// sent; an error from it fails the Add (for tests).
	Step func(quads int64) error
}

// Begin starts the bulk transaction of an import on db, a PostgreSQL
// database holding Cayley's tables (in the schema its search_path names).
// Once ctx ends, Add and Commit fail and roll the transaction back.
func Begin(ctx context.Context, db *sql.DB) (_ *Tx, err error) {
	// Not BeginTx(ctx): database/sql would roll the transaction back when
	// ctx ends, from a goroutine of its own, while lib/pq may be reading
	// the copy's responses on the same connection. The Tx watches ctx
	// itself instead, and PostgreSQL cancels a running merge.
	tx, err := db.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return nil, fmt.Errorf("begin the bulk transaction: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, createTable); err != nil {
		return nil, fmt.Errorf("create the bulk table: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn(table, columns...))
	if err != nil {
		return nil, fmt.Errorf("start the bulk copy: %w", err)
	}
	return &Tx{ctx: ctx, tx: tx, copy: stmt, seen: map[csql.NodeHash]struct{}{}, row: make([]any, len(columns))}, nil
}

// Add sends one quad, and those of its values not sent yet. The quad must
// be new to the store and to the transaction, as an import's are.
func (t *Tx) Add(q quad.Quad) error {
	if t.copy == nil {
		return errors.New("the bulk transaction is over")
	}
	if err := t.ctx.Err(); err != nil {
		t.Rollback()
		return err
	}
	if !q.IsValid() {
		return fmt.Errorf("invalid quad %v", q)
	}
	var dirs [4]any
	for i, d := range quad.Directions {
		v := q.Get(d)
		if v == nil {
			continue
		}
		h := csql.HashOf(v)
		dirs[i] = h.SQLValue()
		if _, ok := t.seen[h]; ok {
			continue
		}
		if err := t.addValue(h, v); err != nil {
			return err
		}
		if len(t.seen) >= seenMax {
			clear(t.seen)
		}
		t.seen[h] = struct{}{}
	}
	clear(t.row)
	t.n++
	t.row[0] = t.n
	copy(t.row[1:5], dirs[:])
	if _, err := t.copy.Exec(t.row...); err != nil {
		return fmt.Errorf("copy a quad: %w", err)
	}
	if t.Step != nil {
		return t.Step(t.n)
	}
	return nil
}

// addValue sends the row of one value: the columns Cayley's
// sql.NodeValues gives it.
func (t *Tx) addValue(h csql.NodeHash, v quad.Value) error {
	kind, vals, err := csql.NodeValues(h, v)
	if err != nil {
		return err
	}
	clear(t.row)
	t.row[1] = vals[0]
	for i, col := range kind.Columns() {
		j := indexOf(valueColumns, col)
		if j < 0 {
			return fmt.Errorf("cayley's nodes table has a column %q this package does not know", col)
		}
		t.row[5+j] = sqlValue(vals[i+1])
	}
	if _, err := t.copy.Exec(t.row...); err != nil {
		return fmt.Errorf("copy a value: %w", err)
	}
	return nil
}

// sqlValue turns what sql.NodeValues gives into what COPY sends.
func sqlValue(v any) any {
	if f, ok := v.(float64); ok {
		// COPY's text form of a double: lib/pq writes infinities in Go's
		// spelling, which PostgreSQL does not read.
		switch {
		case f > 0 && f*0.5 == f:
			return "Infinity"
		case f < 0 && f*0.5 == f:
			return "-Infinity"
		case f != f:
			return "NaN"
		}
	}
	return v
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// Quads returns the number of quads added.
func (t *Tx) Quads() int64 { return t.n }

// Commit merges what was sent into Cayley's tables and commits. Whatever
// its outcome, the transaction is over.
func (t *Tx) Commit(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			t.Rollback()
		}
	}()
	if t.copy == nil {
		return errors.New("the bulk transaction is over")
	}
	if _, err := t.copy.ExecContext(ctx); err != nil {
		return fmt.Errorf("end the bulk copy: %w", err)
	}
	if err := t.copy.Close(); err != nil {
		return fmt.Errorf("end the bulk copy: %w", err)
	}
	t.copy = nil
	if _, err := t.tx.ExecContext(ctx, `ANALYZE `+table); err != nil {
		return fmt.Errorf("analyze the bulk table: %w", err)
	}
	if _, err := t.tx.ExecContext(ctx, mergeNodes); err != nil {
		return fmt.Errorf("merge the values: %w", err)
	}
	if _, err := t.tx.ExecContext(ctx, mergeQuads); err != nil {
		return fmt.Errorf("merge the quads: %w", err)
	}
	if err := t.tx.Commit(); err != nil {
		return fmt.Errorf("commit the bulk transaction: %w", err)
	}
	t.tx = nil
	return nil
}

// Rollback ends the transaction, leaving the tables as they were. It does
// nothing once the transaction is over.
func (t *Tx) Rollback() error {
	if t.copy != nil {
		t.copy.Close()
		t.copy = nil
	}
	if t.tx == nil {
		return nil
	}
	err := t.tx.Rollback()
	t.tx = nil
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}

// Drop deletes, in one transaction, the quads labelled label and takes
// their references back from their values, deleting the values no quad
// uses any more, and returns the number of quads deleted.
func Drop(ctx context.Context, db *sql.DB, label quad.Value) (n int64, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin the drop: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	h := csql.HashOf(label).SQLValue()
	err = tx.QueryRowContext(ctx, `WITH gone AS (
	DELETE FROM quads WHERE label_hash = $1
	RETURNING subject_hash, predicate_hash, object_hash, label_hash
), refs AS (
	SELECT h, count(*)::INT AS n FROM (
		SELECT subject_hash AS h FROM gone
		UNION ALL SELECT predicate_hash FROM gone
		UNION ALL SELECT object_hash FROM gone
		UNION ALL SELECT label_hash FROM gone
	) d GROUP BY h
), lowered AS (
	UPDATE nodes SET refs = nodes.refs - refs.n FROM refs WHERE nodes.hash = refs.h
	RETURNING nodes.hash, nodes.refs
)
SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM lowered)`, h).Scan(&n, new(int64))
	if err != nil {
		return 0, fmt.Errorf("drop the quads: %w", err)
	}
	// Cayley deletes every value whose refs fell to zero once its quads
	// are gone.
	if _, err := tx.ExecContext(ctx, `DELETE FROM nodes WHERE refs <= 0`); err != nil {
		return 0, fmt.Errorf("drop the unused values: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit the drop: %w", err)
	}
	return n, nil
}
