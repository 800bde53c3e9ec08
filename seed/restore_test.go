package seed_test

import (
	"bytes"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// seededStore opens a memory store holding the built-in seed.
func seededStore(tb testing.TB) *cayley.Store {
	tb.Helper()
	st, err := cayley.Open(tb.Context(), "memory:", cayley.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if _, err := seed.Load(tb.Context(), st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		tb.Fatal(err)
	}
	return st
}

func exportOf(tb testing.TB, st *cayley.Store) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := st.WriteNQuads(tb.Context(), &buf); err != nil {
		tb.Fatal(err)
	}
	return buf.String()
}

const rdfTypeIRI = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

// TestRestoreRefusesWhatTheModelForbids restores N-Quads in claimgraph's
// layout that break the model into a store holding the built-in seed:
// each is refused with its code and the place of the problem, in a dry
// run as in a real one, and the store is left as it was.
func TestRestoreRefusesWhatTheModelForbids(t *testing.T) {
	tests := []struct {
		name string
		data string
		code string
		at   string // the position of the first problem
	}{
		{"an entity of an unknown type", "<cg:e/evil> " + rdfTypeIRI + " <cg:type/Evil> .\n<cg:e/evil> <cg:p/name> \"Evil\" .\n",
			graph.Invalid, "input:1:63"},
		{"a self-loop statement with no claim", "<cg:e/india> <cg:rel/allied-with> <cg:e/india> <cg:s/loop> .\n" +
			"<cg:s/loop> <cg:p/subject> <cg:e/india> .\n<cg:s/loop> <cg:p/relation> <cg:rel/allied-with> .\n<cg:s/loop> <cg:p/object> <cg:e/india> .\n",
			graph.Invalid, "input:1:14"},
		{"a statement with no edge", "<cg:s/x> <cg:p/subject> <cg:e/india> .\n<cg:s/x> <cg:p/relation> <cg:rel/allied-with> .\n<cg:s/x> <cg:p/object> <cg:e/ttp> .\n",
			graph.Invalid, "input:1:10"},
		{"an unknown predicate", "<cg:e/india> <cg:p/hacked> \"x\" .\n", graph.Invalid, "input:1:14"},
		{"an unknown node", "<http://example.org/x> <cg:p/name> \"x\" .\n", graph.Invalid, "input:1:1"},
		{"a name without its entity", "<cg:e/india> <cg:p/name> \"HACKED India\" .\n", graph.Invalid, "input:1:14"},
		{"a claim its statement does not link", "<cg:c/c1> <cg:p/statement> <cg:s/india.accused-of-backing.ttp> .\n" +
			"<cg:c/c1> <cg:p/source> <cg:src/src-86013d487e35f14f> .\n<cg:c/c1> <cg:p/stance> \"ASSERTS\" .\n",
			graph.Invalid, "input:1:11"},
		{"a claim of an unknown source", "<cg:e/india> <cg:rel/allied-with> <cg:e/ttp> <cg:s/s1> .\n" +
			"<cg:s/s1> <cg:p/subject> <cg:e/india> .\n<cg:s/s1> <cg:p/relation> <cg:rel/allied-with> .\n<cg:s/s1> <cg:p/object> <cg:e/ttp> .\n" +
			"<cg:s/s1> <cg:p/claim> <cg:c/c1> .\n<cg:c/c1> <cg:p/statement> <cg:s/s1> .\n<cg:c/c1> <cg:p/source> <cg:src/nowhere> .\n<cg:c/c1> <cg:p/stance> \"ASSERTS\" .\n",
			graph.Invalid, "input:7:25"},
		{"a statement whose edge is not there", "<cg:s/india.accused-of-backing.ttp> <cg:p/claim> <cg:c/c1> .\n" +
			"<cg:c/c1> <cg:p/statement> <cg:s/india.accused-of-backing.ttp> .\n<cg:c/c1> <cg:p/source> <cg:src/src-86013d487e35f14f> .\n<cg:c/c1> <cg:p/stance> \"ASSERTS\" .\n",
			graph.Invalid, "input:1:37"},
		{"a NUL in a name", "<cg:e/x> " + rdfTypeIRI + " <cg:type/Country> .\n<cg:e/x> <cg:p/name> \"a\\u0000b\" .\n", graph.Invalid, "input:2:22"},
		{"a right-to-left override in a name", "<cg:e/x> " + rdfTypeIRI + " <cg:type/Country> .\n<cg:e/x> <cg:p/name> \"a\\u202Eb\" .\n", graph.Invalid, "input:2:22"},
		{"a name given twice", "<cg:e/x> " + rdfTypeIRI + " <cg:type/Country> .\n<cg:e/x> <cg:p/name> \"a\" .\n<cg:e/x> <cg:p/name> \"b\" .\n",
			graph.Invalid, "input:3:22"},
		{"a label on an entity's name", "<cg:e/x> " + rdfTypeIRI + " <cg:type/Country> .\n<cg:e/x> <cg:p/name> \"a\" <cg:s/y> .\n",
			graph.Invalid, "input:2:26"},
		{"a literal with a language tag", "<cg:e/x> " + rdfTypeIRI + " <cg:type/Country> .\n<cg:e/x> <cg:p/name> \"a\"@en .\n",
			graph.Invalid, "input:2:22"},
		{"a blank node", "_:b <cg:p/name> \"a\" .\n", graph.Invalid, "input:1:1"},
		{"a recording time that is no time", "<cg:e/x> " + rdfTypeIRI + " <cg:type/Country> .\n<cg:e/x> <cg:p/name> \"a\" .\n<cg:e/x> <cg:p/recordedAt> \"yesterday\" .\n",
			graph.Invalid, "input:3:28"},
		{"an author with a control character", "<cg:e/x> " + rdfTypeIRI + " <cg:type/Country> .\n<cg:e/x> <cg:p/name> \"a\" .\n<cg:e/x> <cg:p/recordedBy> \"a\\u0007\" .\n",
			graph.Invalid, "input:3:28"},
		{"invalid UTF-8", "<cg:e/x> <cg:p/name> \"a\xffb\" .\n", graph.Invalid, "input:1:24"},
		{"a rename of a stored entity is a conflict", "<cg:e/india> " + rdfTypeIRI + " <cg:type/Country> .\n<cg:e/india> <cg:p/name> \"HACKED India\" .\n",
			graph.Conflict, "input:1:14"},
	}
	positionRE := regexp.MustCompile(`^input:\d+:\d+`)
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			st := seededStore(t)
			before := exportOf(t, st)
			for _, dryRun := range []bool{true, false} {
				_, err := seed.Import(t.Context(), st, []seed.Input{{Name: "input", Format: seed.FormatNQuads, R: strings.NewReader(tt.data)}}, seed.Options{DryRun: dryRun})
				if code := graph.ErrorCode(err); code != tt.code {
					t.Fatalf("dry run %v: code %q, want %q (err: %v)", dryRun, code, tt.code, err)
				}
				if at := positionRE.FindString(graph.ErrorMessage(err)); at != tt.at {
					t.Errorf("dry run %v: the first problem is at %q, want %q:\n%v", dryRun, at, tt.at, err)
				}
			}
			if exportOf(t, st) != before {
				t.Error("the store changed")
			}
		})
	}
}

// TestRestoreCountsAsApplyDoes restores the export of the built-in seed
// into an empty store: a dry run counts what the real run then does and
// writes nothing, the real run restores the export quad for quad, and a
// second restore changes nothing.
func TestRestoreCountsAsApplyDoes(t *testing.T) {
	src := seededStore(t)
	export := exportOf(t, src)
	dst, err := cayley.Open(t.Context(), "memory:", cayley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	restore := func(dryRun bool) graph.Summary {
		rep, err := seed.Import(t.Context(), dst, []seed.Input{{Name: "input", R: strings.NewReader(export)}}, seed.Options{DryRun: dryRun})
		sum := rep.Summary()
		if err != nil {
			t.Fatalf("restore (dry run %v): %v", dryRun, err)
		}
		return sum
	}
	applied, err := seed.Load(t.Context(), seededStoreEmpty(t), graph.ApplyOptions{DryRun: true}, seed.Builtin()...)
	if err != nil {
		t.Fatal(err)
	}
	dry := restore(true)
	if exportOf(t, dst) != "" {
		t.Fatal("a dry run wrote")
	}
	real := restore(false)
	if !reflect.DeepEqual(dry, real) || !reflect.DeepEqual(real, applied) {
		t.Errorf("dry run %+v, real run %+v, seeding the same %+v; want all equal", dry, real, applied)
	}
	if exportOf(t, dst) != export {
		t.Error("the restored store exports other quads")
	}
	if again := restore(false); again.Changes() || again.Unchanged != real.Added {
		t.Errorf("restoring again: %+v, want %d unchanged", again, real.Added)
	}
}

func seededStoreEmpty(tb testing.TB) *cayley.Store {
	tb.Helper()
	st, err := cayley.Open(tb.Context(), "memory:", cayley.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}
