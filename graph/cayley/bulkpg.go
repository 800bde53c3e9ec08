package cayley

import (
	"context"
	"database/sql"

	"github.com/cayleygraph/quad"

	"github.com/claimgraph/claimgraph/graph/cayley/pgbulk"
)

// pgBulk reports whether imports and their drops go below Cayley on
// PostgreSQL (package pgbulk).
func (s *Store) pgBulk() bool { return s.backend == "postgres" && !s.noBulk }

// openPgBulk opens a connection pool of the bulk writer: one connection,
// apart from Cayley's, for the one transaction of an import or a drop.
func (s *Store) openPgBulk() (*sql.DB, error) {
	db, err := sql.Open("postgres", s.url)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// beginPgBulk starts the bulk transaction of an import.
func (s *Store) beginPgBulk(ctx context.Context) (*pgbulk.Tx, func(), error) {
	db, err := s.openPgBulk()
	if err != nil {
		return nil, nil, err
	}
	tx, err := pgbulk.Begin(ctx, db)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	tx.Step = s.pgBulkStep
	return tx, func() {
		tx.Rollback()
		db.Close()
	}, nil
}

// commitPgBulk commits the bulk transaction of an import as write commits
// Cayley's (see belowCayley). It changes nothing readers see (the import
// is not committed), so it leaves the stored generation alone.
func (s *Store) commitPgBulk(ctx context.Context, tx *pgbulk.Tx) error {
	return s.belowCayley(func() error {
		s.log.Info("writing import", "quads", tx.Quads())
		if err := tx.Commit(ctx); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			return err
		}
		return nil
	})
}

// dropPgBulk deletes the quads labelled node below Cayley, in one
// transaction.
func (s *Store) dropPgBulk(ctx context.Context, node quad.Value) error {
	db, err := s.openPgBulk()
	if err != nil {
		return err
	}
	defer db.Close()
	return s.belowCayley(func() error {
		n, err := pgbulk.Drop(ctx, db, node)
		if err == nil && n > 0 {
			s.log.Info("import dropped", "import", node, "quads", n)
		}
		return err
	})
}
