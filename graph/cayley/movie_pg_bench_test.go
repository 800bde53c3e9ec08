package cayley_test

import (
	"os"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph/cayley/internal/movietest"
	"github.com/claimgraph/claimgraph/graph/cayley/pgtest"
)

// BenchmarkMoviePostgresImport is BenchmarkMovieImport on PostgreSQL: it
// loads the movie data with Cayley's own writer into a fresh schema
// ("cayley-pg": a single writer, 10,000-quad batches, as `cayley load`
// does) and imports it through the shipped mapping into another with
// claimgraph's bulk path ("claimgraph-pg", package pgbulk), each in a
// process of its own under /usr/bin/time -v. It needs the test database
// (pgtest.Env) and is opt-in, being heavy:
//
//	CLAIMGRAPH_BENCH_MOVIES=1 CLAIMGRAPH_TEST_POSTGRES=postgres:///DB?host=/var/run/postgresql \
//	  go test ./graph/cayley -run '^$' -bench MoviePostgresImport -benchtime 1x
//
// CLAIMGRAPH_MOVIE_SCALE works as for BenchmarkMovieImport.
// CLAIMGRAPH_MOVIE_ONLY lists the modes to run, comma-separated; besides
// the two above, "claimgraph-pg-cayley" imports through Cayley's writer
// instead of the bulk path.
//
// It reports seconds and peak MiB of each ("cayley-pg-s", "cg-pg-MiB", …)
// and the ratio of claimgraph's time to Cayley's ("cg/cayley").
func BenchmarkMoviePostgresImport(b *testing.B) {
	if os.Getenv("CLAIMGRAPH_BENCH_MOVIES") == "" {
		b.Skip("set CLAIMGRAPH_BENCH_MOVIES=1 to run the movie import benchmark")
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		b.Skip("/usr/bin/time is needed for the peak RSS")
	}
	dsn := pgtest.DSN(b)
	scale := movietest.Scale(b)
	data := movietest.ScaledData(b, movieCache(b), scale)
	modes := []string{"cayley-pg", "claimgraph-pg"}
	if only := os.Getenv("CLAIMGRAPH_MOVIE_ONLY"); only != "" {
		modes = strings.Split(only, ",")
	}
	prefix := map[string]string{"cayley-pg": "cayley-pg", "claimgraph-pg": "cg-pg", "claimgraph-pg-cayley": "cg-pg-cayley"}
	b.Logf("movie data ×%d: %s", scale, data)
	for range b.N {
		secs := map[string]float64{}
		for _, mode := range modes {
			s, mib := runMovieHelper(b, mode, data, pgtest.FreshSchema(b, dsn))
			secs[mode] = s
			b.ReportMetric(s, prefix[mode]+"-s")
			b.ReportMetric(mib, prefix[mode]+"-MiB")
			b.Logf("%s: %.1f s, %.0f MiB peak RSS", mode, s, mib)
		}
		if c, g := secs["cayley-pg"], secs["claimgraph-pg"]; c > 0 && g > 0 {
			b.ReportMetric(g/c, "cg/cayley")
		}
	}
}
