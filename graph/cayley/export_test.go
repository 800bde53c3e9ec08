package cayley

// SetNoBulk makes s write imports through Cayley's writer (true) or below
// it (false, the default), for the benchmarks that compare the two.
func SetNoBulk(s *Store, noBulk bool) { s.noBulk = noBulk }
