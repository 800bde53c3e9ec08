package cayley_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// benchPairs are pairs of the built-in seed that the statements of the
// write benchmark join (subject, relation type, object).
var benchPairs = [][3]string{
	{"pakistan", "warned", "social-media-platforms"},
	{"x-accounts-india", "operating-from", "india"},
	{"x-accounts-afghanistan", "active-on", "x"},
	{"india", "accused-of-backing", "bla"},
	{"afghanistan", "accused-of-backing", "ttp"},
}

// benchStatement is the batch the addStatement mutation writes: one new
// statement with one claim, and the options that create both.
func benchStatement(id string, pair [3]string) (graph.Batch, graph.ApplyOptions) {
	st := graph.Statement{ID: id, Subject: pair[0], Type: pair[1], Object: pair[2],
		Claims: []graph.Claim{{Source: "src-86013d487e35f14f", Claimant: "pakistan", Stance: graph.Asserts}}}
	b := graph.Batch{Statements: []graph.Statement{st}}
	graph.NormalizeBatch(&b)
	st = b.Statements[0]
	return b, graph.ApplyOptions{Create: []graph.Ref{{Kind: graph.KindStatement, ID: st.ID}, {Kind: graph.KindClaim, ID: st.Claims[0].ID}}}
}

// BenchmarkApplyStatement measures single writes of one statement with one
// claim, as the API's addStatement makes them, on a bolt store holding the
// built-in seed and earlier writes: the write path's cost must not grow
// with the statements an entity has or the writes the store has seen.
func BenchmarkApplyStatement(b *testing.B) {
	for _, earlier := range []int{0, 3000} {
		b.Run(fmt.Sprintf("earlier=%d", earlier), func(b *testing.B) {
			ctx := b.Context()
			st, err := cayley.Open(ctx, "bolt:"+filepath.Join(b.TempDir(), "bench.bolt"), cayley.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
				b.Fatal(err)
			}
			// Earlier writes, a few statements each, so that both the
			// entities' statements and the store's writes grow.
			const perWrite = 5
			for i := 0; i < earlier; i += perWrite {
				var batch graph.Batch
				for j := range perWrite {
					one, _ := benchStatement(fmt.Sprintf("earlier-%d", i+j), benchPairs[(i+j)%len(benchPairs)])
					batch.Statements = append(batch.Statements, one.Statements...)
				}
				if _, err := st.Apply(ctx, batch, graph.ApplyOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				batch, opts := benchStatement(fmt.Sprintf("bench-%d", n), benchPairs[n%len(benchPairs)])
				n++
				sum, err := st.Apply(ctx, batch, opts)
				if err != nil {
					b.Fatal(err)
				}
				if sum.Added != 2 {
					b.Fatalf("summary %+v, want a statement and a claim added", sum)
				}
			}
		})
	}
}

// TestWriteAllocationsDoNotGrow checks that the work of a single write
// does not grow with the statements its entities have or with the writes
// the store has seen: planning reads an entity's type and a statement's
// edge through Cayley's indexes, not every quad of the entity, and keeps
// the ontology and the newest event id in memory. Allocations stand in
// for the work, since times are not reliable on a shared machine.
func TestWriteAllocationsDoNotGrow(t *testing.T) {
	ctx := t.Context()
	st, err := cayley.Open(ctx, "bolt:"+filepath.Join(t.TempDir(), "grow.bolt"), cayley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		t.Fatal(err)
	}
	n := 0
	write := func() {
		b, opts := benchStatement(fmt.Sprintf("grow-%d", n), benchPairs[3])
		n++
		if _, err := st.Apply(ctx, b, opts); err != nil {
			t.Fatal(err)
		}
	}
	write()
	before := testing.AllocsPerRun(10, write)
	// 400 more statements of the same subject, and 100 more writes.
	for i := 0; i < 400; i += 40 {
		var batch graph.Batch
		for j := range 40 {
			one, _ := benchStatement(fmt.Sprintf("many-%d", i+j), benchPairs[3])
			batch.Statements = append(batch.Statements, one.Statements...)
		}
		if _, err := st.Apply(ctx, batch, graph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for range 100 {
		write()
	}
	after := testing.AllocsPerRun(10, write)
	t.Logf("allocations of a write: %.0f at first, %.0f after 400 statements and 100 writes", before, after)
	if after > 2*before {
		t.Errorf("a write allocates %.0f times after 400 statements and 100 writes, %.0f before: the work grows with the store", after, before)
	}
}
