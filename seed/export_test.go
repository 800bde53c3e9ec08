package seed_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

func TestJSONExportSeedsTheSameGraph(t *testing.T) {
	ctx := t.Context()
	open := func() graph.Store {
		st, err := cayley.Open(ctx, "memory:", cayley.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	first := open()
	if _, err := seed.Load(ctx, first, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		t.Fatal(err)
	}
	var exported bytes.Buffer
	if err := seed.WriteJSON(ctx, first, &exported); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"by": "pakistan"`, `"stance": "DENIES"`, `"since": "2021-08"`, `"count": "at least 19"`} {
		if !strings.Contains(exported.String(), want) {
			t.Errorf("export lacks %s", want)
		}
	}

	second := open()
	sum, err := seed.Load(ctx, second, graph.ApplyOptions{}, seed.Input{Name: "backup.json", Data: exported.Bytes()})
	if err != nil {
		t.Fatalf("seeding the export: %v", err)
	}
	if sum.Added == 0 || sum.Changed != 0 {
		t.Errorf("seeding the export into an empty store: %+v", sum)
	}
	var again bytes.Buffer
	if err := seed.WriteJSON(ctx, second, &again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(exported.Bytes(), again.Bytes()) {
		t.Errorf("the re-seeded store exports differently:\n%s\nvs\n%s", exported.String(), again.String())
	}
	// And the export seeds the first store without changing anything.
	sum, err = seed.Load(ctx, first, graph.ApplyOptions{}, seed.Input{Name: "backup.json", Data: exported.Bytes()})
	if err != nil || sum.Changes() {
		t.Errorf("seeding the export into its own store: %+v, %v", sum, err)
	}
}
