package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestXrefMergeAndRedirectCommands(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	other := filepath.Join(dir, "other.yaml")
	if err := os.WriteFile(other, []byte(`
sources: [{id: src-other, title: Another report}]
entities:
  - {id: tehrik-i-taliban-pakistan, type: Group, name: Tehrik-i-Taliban Pakistan}
statements:
  - subject: tehrik-i-taliban-pakistan
    relation: allied-with
    object: afghan-taliban
    claims: [{source: src-other, quote: the Tehrik-i-Taliban Pakistan and its Afghan allies}]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := func(tb testing.TB, args ...string) (string, string) {
		tb.Helper()
		var out, errs bytes.Buffer
		args = append(args[:1:1], append([]string{"--store", store}, args[1:]...)...)
		if err := run(t.Context(), args, noEnv, &out, &errs); err != nil {
			tb.Fatalf("%v: %v\n%s", args, err, errs.String())
		}
		return out.String(), errs.String()
	}
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	cmd(t, "seed", other)
	if out, _ := cmd(t, "xref", "--type", "Group"); !strings.HasPrefix(out, "1. tehrik-i-taliban-pakistan ~ ttp") {
		t.Fatalf("xref:\n%s", out)
	}
	cmd(t, "merge", "ttp", "tehrik-i-taliban-pakistan")

	t.Run("paths from a merged id follow the redirect and say so", func(t *testing.T) {
		out, errs := cmd(t, "paths", "tehrik-i-taliban-pakistan", "afghan-taliban")
		if !strings.Contains(errs, "tehrik-i-taliban-pakistan was merged into ttp") || !strings.HasPrefix(out, "1. ttp → afghan-taliban") ||
			!strings.Contains(out, "Another report") {
			t.Errorf("paths:\n%s\nstderr:\n%s", out, errs)
		}
	})
	t.Run("a query of a merged id lists the redirect", func(t *testing.T) {
		out, _ := cmd(t, "query", `{ entity(id: "tehrik-i-taliban-pakistan") { id } }`)
		if compact := strings.Join(strings.Fields(out), ""); !strings.Contains(compact, `"redirects":[{"from":"tehrik-i-taliban-pakistan","to":"ttp"}]`) {
			t.Errorf("query: %s", out)
		}
	})
	t.Run("a judged pair is not listed", func(t *testing.T) {
		cmd(t, "merge", "--undo", "tehrik-i-taliban-pakistan")
		cmd(t, "judge", "ttp", "tehrik-i-taliban-pakistan", "different")
		if out, _ := cmd(t, "xref", "--type", "Group"); strings.Contains(out, "tehrik-i-taliban-pakistan ~ ttp") {
			t.Errorf("xref after judging:\n%s", out)
		}
	})
}
