package cayley

import (
	"context"

	"github.com/claimgraph/claimgraph/graph"
)

// SetNoBulk makes s write imports through Cayley's writer (true) or below
// it (false, the default), for the benchmarks that compare the two.
func SetNoBulk(s *Store, noBulk bool) { s.noBulk = noBulk }

// ScanThroughCayley scans s as Scan does every backend but bolt, through
// Cayley's quad iterator, for comparing with the direct read of a bolt
// file.
func ScanThroughCayley(ctx context.Context, s *Store) (graph.Snapshot, error) {
	s.cayleyScan = true
	defer func() { s.cayleyScan = false }()
	return s.Scan(ctx)
}
