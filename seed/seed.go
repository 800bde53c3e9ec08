package seed

import (
	"context"
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

// Input is one fact file: the name error positions use, and its content.
type Input struct {
	Name string
	Data []byte
}

// Load parses the inputs into one batch and applies it to st as one atomic
// change. It returns the store's summary.
//
// Errors are *graph.Error values. A file that cannot be read as a fact file
// gives Invalid with every problem of every input listed in the message,
// one "FILE:LINE:COL: message" line each, and nothing is applied. When the
// store rejects the batch, each problem it lists is mapped back to the file,
// line and column of the offending item or field, and the error keeps the
// store's code. Apply is atomic, so a rejected batch writes nothing.
func Load(ctx context.Context, st graph.Store, opts graph.ApplyOptions, inputs ...Input) (graph.Summary, error) {
	p, err := Parse(inputs...)
	if err != nil {
		return graph.Summary{}, err
	}
	sum, err := st.Apply(ctx, p.Batch, opts)
	if err != nil {
		p.learnStored(ctx, st, err)
		return sum, p.Locate(err)
	}
	return sum, nil
}

//go:embed data/*.yaml
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
	var inputs []Input
	for _, e := range entries {
		data, err := fs.ReadFile(builtin, path.Join("data", e.Name()))
		if err != nil {
			panic(fmt.Sprintf("seed: embedded data unreadable: %v", err))
		}
		inputs = append(inputs, Input{Name: path.Join(builtinDir, e.Name()), Data: data})
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

// ReadFiles reads fact files for Parse or Load. A path that names a
// directory stands for the .yaml, .yml and .csv files directly inside it,
// in name order. A path that does not exist gives a NotFound error.
func ReadFiles(paths ...string) ([]Input, error) {
	var inputs []Input
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, readError(err)
		}
		files := []string{p}
		if info.IsDir() {
			entries, err := os.ReadDir(p)
			if err != nil {
				return nil, readError(err)
			}
			files = files[:0]
			for _, e := range entries {
				ext := strings.ToLower(filepath.Ext(e.Name()))
				if !e.IsDir() && (ext == ".yaml" || ext == ".yml" || ext == ".csv") {
					files = append(files, filepath.Join(p, e.Name()))
				}
			}
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, readError(err)
			}
			inputs = append(inputs, Input{Name: f, Data: data})
		}
	}
	return inputs, nil
}

// readError classifies a file system error: a missing file is the caller's
// mistake (NotFound); anything else stays unclassified (internal).
func readError(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return &graph.Error{Code: graph.NotFound, Message: err.Error()}
	}
	return fmt.Errorf("seed: %w", err)
}
