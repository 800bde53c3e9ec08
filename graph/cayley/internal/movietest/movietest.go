package movietest

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// BoltEnv names the environment variable that points at a movie store
// imported before.
const BoltEnv = "CLAIMGRAPH_MOVIE_BOLT"

// Data returns the path of Cayley's movie data in the module cache, or
// skips tb when it is not there.
func Data(tb testing.TB) string {
	tb.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/cayleygraph/cayley").Output()
	if err != nil {
		tb.Skipf("cannot locate the cayley module: %v", err)
	}
	path := filepath.Join(strings.TrimSpace(string(out)), "data", "30kmoviedata.nq.gz")
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("movie data not found: %v", err)
	}
	return path
}

// Mapping returns the path of the shipped movie mapping,
// seed/examples/movie-mapping.yaml in this module.
func Mapping() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/claimgraph/claimgraph").Output()
	if err != nil {
		return "", fmt.Errorf("locate the claimgraph module: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "seed", "examples", "movie-mapping.yaml"), nil
}

// Import imports the movie data through the shipped mapping into a new
// bolt store at path.
func Import(tb testing.TB, path string) (graph.Summary, error) {
	tb.Helper()
	return ImportFile(tb.Context(), path, Data(tb))
}

// ImportFile imports the N-Quads file data through the shipped movie
// mapping into a new bolt store at path.
func ImportFile(ctx context.Context, path, data string) (graph.Summary, error) {
	return ImportURL(ctx, "bolt:"+path, data, nil)
}

// ImportURL imports the N-Quads file data through the shipped movie
// mapping into the store at url (see cayley.Open), calling prepare, when
// set, on the store before the import.
func ImportURL(ctx context.Context, url, data string, prepare func(*cayley.Store)) (graph.Summary, error) {
	mapping, err := Mapping()
	if err != nil {
		return graph.Summary{}, err
	}
	mdata, err := os.ReadFile(mapping)
	if err != nil {
		return graph.Summary{}, err
	}
	m, err := seed.ParseMapping(seed.Input{Name: "movie-mapping.yaml", Data: mdata})
	if err != nil {
		return graph.Summary{}, err
	}
	st, err := cayley.Open(ctx, url, cayley.Options{})
	if err != nil {
		return graph.Summary{}, err
	}
	defer st.Close()
	if prepare != nil {
		prepare(st)
	}
	inputs, closeAll, err := seed.OpenFiles(data)
	if err != nil {
		return graph.Summary{}, err
	}
	defer closeAll()
	rep, err := seed.Import(ctx, st, inputs, seed.Options{Mapping: m, Limits: seed.Limits{MaxRatio: seed.DefaultMaxRatio}})
	return rep.Summary(), err
}

// Path returns the path of a bolt file holding the movie data in dir: a
// copy of $CLAIMGRAPH_MOVIE_BOLT when that is set (so the original is never
// written), else a new import.
func Path(tb testing.TB, dir string) string {
	tb.Helper()
	path := filepath.Join(dir, "movies.db")
	if src := os.Getenv(BoltEnv); src != "" {
		if err := copyFile(src, path); err != nil {
			tb.Fatalf("copy %s: %v", src, err)
		}
		return path
	}
	if _, err := Import(tb, path); err != nil {
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
