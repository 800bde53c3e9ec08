package schema

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// movieBoltEnv names the environment variable that points at a bolt store
// of Cayley's movie data imported before (claimgraph seed --mapping
// seed/examples/movie-mapping.yaml … into FILE).
const movieBoltEnv = "CLAIMGRAPH_MOVIE_BOLT"

// movieStorePath returns a bolt file holding Cayley's movie data
// (data/30kmoviedata.nq.gz in the Cayley module) imported through the
// shipped mapping: a copy of $CLAIMGRAPH_MOVIE_BOLT when that is set (the
// original is never written), else a new import, as graph/cayley's movie
// tests make it.
func movieStorePath(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "movies.db")
	if src := os.Getenv(movieBoltEnv); src != "" {
		if err := copyFile(src, path); err != nil {
			tb.Fatalf("copy %s: %v", src, err)
		}
		return path
	}
	moduleDir := func(mod string) string {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mod).Output()
		if err != nil {
			tb.Skipf("cannot locate the module %s: %v", mod, err)
		}
		return strings.TrimSpace(string(out))
	}
	data := filepath.Join(moduleDir("github.com/cayleygraph/cayley"), "data", "30kmoviedata.nq.gz")
	if _, err := os.Stat(data); err != nil {
		tb.Skipf("movie data not found: %v", err)
	}
	mdata, err := os.ReadFile(filepath.Join(moduleDir("github.com/claimgraph/claimgraph"), "seed", "examples", "movie-mapping.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	m, err := seed.ParseMapping(seed.Input{Name: "movie-mapping.yaml", Data: mdata})
	if err != nil {
		tb.Fatal(err)
	}
	st, err := cayley.Open(tb.Context(), "bolt:"+path, cayley.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	inputs, closeAll, err := seed.OpenFiles(data)
	if err != nil {
		tb.Fatal(err)
	}
	defer closeAll()
	if _, err := seed.Import(tb.Context(), st, inputs, seed.Options{Mapping: m, Limits: seed.Limits{MaxRatio: seed.DefaultMaxRatio}}); err != nil {
		tb.Fatalf("import the movie data: %v", err)
	}
	return path
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
