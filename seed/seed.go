package seed

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
)

//go:embed data/*.yaml data/*.txt
var builtin embed.FS

// builtinDir is the directory of the built-in seed in the repository, used
// as the prefix of the built-in inputs' names.
const builtinDir = "seed/data"

// Builtin returns the built-in seed: the ontology file first, then the fact
// files read from the article, in name order.
func Builtin() []Input {
	entries, err := fs.ReadDir(builtin, "data")
	if err != nil {
		panic(fmt.Sprintf("seed: embedded data unreadable: %v", err)) // cannot happen: embedded at build time
	}
	dir, err := fs.Sub(builtin, "data")
	if err != nil {
		panic(fmt.Sprintf("seed: embedded data unreadable: %v", err))
	}
	var inputs []Input
	for _, e := range entries {
		if path.Ext(e.Name()) != ".yaml" {
			continue // the article, which the fact file reads as its source's textFile
		}
		data, err := fs.ReadFile(builtin, path.Join("data", e.Name()))
		if err != nil {
			panic(fmt.Sprintf("seed: embedded data unreadable: %v", err))
		}
		inputs = append(inputs, Input{Name: path.Join(builtinDir, e.Name()), Data: data, Dir: dir})
	}
	// The ontology goes first so that a reader of the files meets the types
	// before their use; the batch is validated as a whole either way.
	slices.SortStableFunc(inputs, func(a, b Input) int {
		return boolRank(path.Base(a.Name) != "ontology.yaml") - boolRank(path.Base(b.Name) != "ontology.yaml")
	})
	return inputs
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ReadFiles reads files into memory for Parse, Load or Import, each
// named by its path. A path that names a directory stands for the .yaml,
// .yml and .csv files directly inside it, in name order. A path that does
// not exist gives a NotFound error. Each input's Dir is its file's
// directory, where a source's textFile is read from.
func ReadFiles(paths ...string) ([]Input, error) {
	files, err := expand(paths)
	if err != nil {
		return nil, err
	}
	var inputs []Input
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, readError(err)
		}
		inputs = append(inputs, Input{Name: f, Data: data, Dir: os.DirFS(filepath.Dir(f))})
	}
	return inputs, nil
}

// OpenFiles opens files for Import, each a stream named by its path, as
// ReadFiles reads them. closeAll closes them.
func OpenFiles(paths ...string) (inputs []Input, closeAll func(), err error) {
	files, err := expand(paths)
	if err != nil {
		return nil, nil, err
	}
	var opened []*os.File
	closeAll = func() {
		for _, f := range opened {
			f.Close()
		}
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			closeAll()
			return nil, nil, readError(err)
		}
		opened = append(opened, f)
		inputs = append(inputs, Input{Name: name, R: f, Dir: os.DirFS(filepath.Dir(name))})
	}
	return inputs, closeAll, nil
}

// expand replaces each directory among paths by the .yaml, .yml and .csv
// files directly inside it, in name order.
func expand(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, readError(err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, readError(err)
		}
		for _, e := range entries {
			ext := strings.ToLower(filepath.Ext(e.Name()))
			if !e.IsDir() && (ext == ".yaml" || ext == ".yml" || ext == ".csv") {
				files = append(files, filepath.Join(p, e.Name()))
			}
		}
	}
	return files, nil
}

// readError classifies a file system error: a missing file is the caller's
// mistake (NotFound); anything else stays unclassified (internal).
func readError(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return &graph.Error{Code: graph.NotFound, Message: err.Error()}
	}
	return fmt.Errorf("seed: %w", err)
}
