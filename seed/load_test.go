package seed_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

func TestLoad(t *testing.T) {
	extra, err := seed.ReadFiles(filepath.Join("testdata", "good", "extra-facts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := in("bad.yaml", "statements:\n  - subject: x-accounts-india\n    relation: linked-to\n    object: pakistn\n    claims: [{source: src-86013d487e35f14f}]\n")

	t.Run("built-in seed loads into an empty store, all added", func(t *testing.T) {
		st := newFakeStore()
		sum, err := seed.Load(t.Context(), st, graph.ApplyOptions{}, seed.Builtin()...)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Added == 0 || sum.Changed != 0 || sum.Unchanged != 0 {
			t.Errorf("summary = %+v, want only additions", sum)
		}
	})

	t.Run("loading the same files twice changes nothing the second time", func(t *testing.T) {
		st := newFakeStore()
		first, err := seed.Load(t.Context(), st, graph.ApplyOptions{}, seed.Builtin()...)
		if err != nil {
			t.Fatal(err)
		}
		second, err := seed.Load(t.Context(), st, graph.ApplyOptions{}, seed.Builtin()...)
		if err != nil {
			t.Fatal(err)
		}
		if second.Changes() || second.Unchanged != first.Added {
			t.Errorf("second summary = %+v, want %d unchanged", second, first.Added)
		}
	})

	t.Run("file referring to stored entities and sources loads", func(t *testing.T) {
		st := newFakeStore()
		if _, err := seed.Load(t.Context(), st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
			t.Fatal(err)
		}
		if _, err := seed.Load(t.Context(), st, graph.ApplyOptions{}, extra...); err != nil {
			t.Fatalf("Load(extra) = %v, want success", err)
		}
		s, err := st.Statement(t.Context(), "x-accounts-india.linked-to.pakistan")
		if err != nil {
			t.Fatal(err)
		}
		if s.Status() != graph.Denied || s.Claims[0].Stance != graph.Denies {
			t.Errorf("statement = %+v, want one DENIES claim (stance read case-insensitively)", s)
		}
	})

	t.Run("file referring to entities nobody stored is rejected at its position", func(t *testing.T) {
		st := newFakeStore()
		_, err := seed.Load(t.Context(), st, graph.ApplyOptions{}, extra...)
		if graph.ErrorCode(err) != graph.Invalid {
			t.Fatalf("code = %q (%v), want %q", graph.ErrorCode(err), err, graph.Invalid)
		}
		file := filepath.Join("testdata", "good", "extra-facts.yaml")
		want := []string{
			file + `:5:11: unknown entity type "Organization"`,
			file + `:8:14: unknown entity "x-accounts-india"`,
			file + `:9:15: unknown relation type "linked-to"`,
			file + `:10:13: unknown entity "pakistan"`,
			file + `:13:17: unknown source "src-86013d487e35f14f"`,
			file + `:14:13: unknown entity "talal-chaudhry"`,
		}
		if got := lines(err); !slices.Equal(got, want) {
			t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})

	t.Run("rejected batch writes nothing, valid files with it included", func(t *testing.T) {
		st := newFakeStore()
		inputs := append(seed.Builtin(), bad...)
		_, err := seed.Load(t.Context(), st, graph.ApplyOptions{}, inputs...)
		want := []string{`bad.yaml:4:13: unknown entity "pakistn"; did you mean "pakistan"?`}
		if got := lines(err); !slices.Equal(got, want) {
			t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if len(st.entities)+len(st.statements)+len(st.sources) != 0 {
			t.Errorf("store holds %d entities, %d statements after a rejected load, want none", len(st.entities), len(st.statements))
		}
	})

	t.Run("malformed file never reaches the store", func(t *testing.T) {
		st := newFakeStore()
		_, err := seed.Load(t.Context(), st, graph.ApplyOptions{}, in("f.yaml", "entities: {}\n")...)
		if graph.ErrorCode(err) != graph.Invalid || st.applies != 0 {
			t.Errorf("err = %v, applies = %d; want Invalid and no Apply", err, st.applies)
		}
	})

	t.Run("dry run counts and writes nothing", func(t *testing.T) {
		st := newFakeStore()
		sum, err := seed.Load(t.Context(), st, graph.ApplyOptions{DryRun: true}, seed.Builtin()...)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Added == 0 || len(st.entities) != 0 {
			t.Errorf("summary = %+v with %d entities stored, want additions counted and none stored", sum, len(st.entities))
		}
	})
}

func TestLocate(t *testing.T) {
	p, err := seed.Parse(in("f.yaml", header+"statements:\n  - {subject: india, relation: backs, object: ttp, claims: [{source: s1}]}\n")...)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		err      error
		wantCode string
		want     []string
	}{
		{
			name:     "store's code is kept and its problems placed",
			err:      &graph.Error{Code: graph.Conflict, Message: "1 problem", Problems: []graph.Problem{{Kind: graph.KindStatement, Index: 0, Claim: -1, Field: "object", Message: "would change its object"}}},
			wantCode: graph.Conflict,
			want:     []string{"f.yaml:13:47: would change its object"},
		},
		{
			name:     "claim named in the field form is placed at the claim",
			err:      &graph.Error{Code: graph.Invalid, Problems: []graph.Problem{{Kind: graph.KindStatement, Index: 0, Claim: -1, Field: "claims[0].source", Message: "bad source"}}},
			wantCode: graph.Invalid,
			want:     []string{"f.yaml:13:70: bad source"},
		},
		{
			name:     "field the file leaves out is placed at its item",
			err:      &graph.Error{Code: graph.Invalid, Problems: []graph.Problem{{Kind: graph.KindSource, Index: 0, Claim: -1, Field: "published", Message: "needs a date"}}},
			wantCode: graph.Invalid,
			want:     []string{"f.yaml:8:5: needs a date"},
		},
		{
			name:     "problem naming no item of the batch is listed last without a position",
			err:      &graph.Error{Code: graph.Invalid, Problems: []graph.Problem{{Kind: graph.KindEntity, Index: 9, Claim: -1, Field: "name", Message: "gone"}, {Kind: graph.KindEntity, Index: 1, Claim: -1, Message: "whole entity"}}},
			wantCode: graph.Invalid,
			want:     []string{"f.yaml:11:5: whole entity", "entity[9].name: gone"},
		},
		{
			name:     "error without problems is returned as it is",
			err:      graph.Errorf(graph.Unavailable, "store locked"),
			wantCode: graph.Unavailable,
			want:     []string{"store locked"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Locate(tt.err)
			if code := graph.ErrorCode(err); code != tt.wantCode {
				t.Errorf("code = %q, want %q", code, tt.wantCode)
			}
			if got := lines(err); !slices.Equal(got, tt.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"b.yaml": "b", "a.yml": "a", "notes.txt": "n", "c.YAML": "c"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("directory gives its YAML files in name order", func(t *testing.T) {
		inputs, err := seed.ReadFiles(dir, filepath.Join(dir, "notes.txt"))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, in := range inputs {
			got = append(got, filepath.Base(in.Name)+"="+string(in.Data))
		}
		want := []string{"a.yml=a", "b.yaml=b", "c.YAML=c", "notes.txt=n"}
		if !slices.Equal(got, want) {
			t.Errorf("ReadFiles = %q, want %q", got, want)
		}
	})
	t.Run("missing file is not found", func(t *testing.T) {
		_, err := seed.ReadFiles(filepath.Join(dir, "nope.yaml"))
		if graph.ErrorCode(err) != graph.NotFound {
			t.Errorf("code = %q (%v), want %q", graph.ErrorCode(err), err, graph.NotFound)
		}
	})
}

func TestParsedPosition(t *testing.T) {
	p, err := seed.Parse(in("f.yaml", header)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("problem on an entity's type gives the value's position", func(t *testing.T) {
		pos, ok := p.Position(graph.Problem{Kind: graph.KindEntity, Index: 1, Claim: -1, Field: "type"})
		if want := (seed.Position{File: "f.yaml", Line: 11, Column: 21}); !ok || pos != want {
			t.Errorf("Position = %v, %v; want %v", pos, ok, want)
		}
	})
	t.Run("problem on no item gives no position", func(t *testing.T) {
		if pos, ok := p.Position(graph.Problem{Kind: graph.KindStatement, Index: 0, Claim: -1}); ok {
			t.Errorf("Position = %v, want none", pos)
		}
	})
}
