package seed_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/seed"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var problemsRE = regexp.MustCompile(`(?m)^# problems: (\d+)`)

// TestBadFilesGolden checks every fixture in testdata/bad, a file or a
// directory of files read together, against its .golden list of problems,
// and that it reports at once as many problems as its "# problems: N"
// comment says.
func TestBadFilesGolden(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("testdata", "bad"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() && filepath.Ext(e.Name()) != ".yaml" {
			continue
		}
		name := strings.TrimSuffix(e.Name(), ".yaml")
		t.Run(name+" reports every problem at its position", func(t *testing.T) {
			inputs, err := seed.ReadFiles(filepath.Join("testdata", "bad", e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			err = check(t, inputs...)
			if err == nil {
				t.Fatal("no error, want problems")
			}
			got := []byte(strings.Join(lines(err), "\n") + "\n")
			if m := problemsRE.FindSubmatch(inputs[0].Data); m != nil {
				want, _ := strconv.Atoi(string(m[1]))
				if n := bytes.Count(got, []byte("\n")); n != want {
					t.Errorf("%d problems reported, want %d:\n%s", n, want, got)
				}
			}
			golden := filepath.Join("testdata", "bad", name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("problems:\n%s\nwant (%s):\n%s", got, golden, want)
			}
		})
	}
}
