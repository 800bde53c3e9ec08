package cayley

import (
	"context"

	"github.com/claimgraph/claimgraph/graph"
)

// ScanThroughCayley scans s as Scan does every backend but bolt, through
// Cayley's quad iterator, for comparing with the direct read of a bolt
// file.
func ScanThroughCayley(ctx context.Context, s *Store) (graph.Snapshot, error) {
	s.cayleyScan = true
	defer func() { s.cayleyScan = false }()
	return s.Scan(ctx)
}

// WriteImportsThroughCayley makes s write bulk imports with Cayley's
// writer and drop them with Cayley's deletes, instead of below Cayley.
func WriteImportsThroughCayley(s *Store) { s.noBulk = true }
