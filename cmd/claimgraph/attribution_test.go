package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const wireFacts = `ontology:
  entityTypes: [{name: Country}, {name: Group}]
  relationTypes: [{name: operating-from, subject: [Group], object: [Country]}]
sources:
  - {id: wire-1, title: A wire report}
entities:
  - {id: lashkar, type: Group, name: Lashkar}
  - {id: pakistan, type: Country, name: Pakistan}
  - {id: india, type: Country, name: India}
statements:
  - subject: lashkar
    relation: operating-from
    object: pakistan
    claims:
      - {source: wire-1, by: india, stance: ASSERTS}
`

// recordedBy reads who recorded lashkar, its statement and its claim.
func recordedBy(tb testing.TB, store string) []string {
	tb.Helper()
	var out bytes.Buffer
	q := `{ entity(id: "lashkar") { createdBy recordedBy } relation(id: "lashkar.operating-from.pakistan") { recordedBy claims { recordedBy } } source(id: "wire-1") { recordedBy } }`
	if err := run(tb.Context(), []string{"query", "--store", store, q}, noEnv, &out, &bytes.Buffer{}); err != nil {
		tb.Fatalf("query: %v\n%s", err, out.String())
	}
	var r struct {
		Data struct {
			Entity   struct{ CreatedBy, RecordedBy string }
			Relation struct {
				RecordedBy string
				Claims     []struct{ RecordedBy string }
			}
			Source struct{ RecordedBy string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		tb.Fatal(err)
	}
	d := r.Data
	got := []string{d.Entity.CreatedBy, d.Entity.RecordedBy, d.Relation.RecordedBy, d.Source.RecordedBy}
	for _, c := range d.Relation.Claims {
		got = append(got, c.RecordedBy)
	}
	return got
}

func TestSeedRecordsItsAuthorAndExportsKeepIt(t *testing.T) {
	dir := t.TempDir()
	facts := filepath.Join(dir, "wire.yaml")
	if err := os.WriteFile(facts, []byte(wireFacts), 0o644); err != nil {
		t.Fatal(err)
	}
	runOK := func(args ...string) {
		t.Helper()
		var out, errb bytes.Buffer
		if err := run(t.Context(), args, noEnv, &out, &errb); err != nil {
			t.Fatalf("%v: %v\n%s%s", args, err, out.String(), errb.String())
		}
	}
	src := "bolt:" + filepath.Join(dir, "a.db")
	runOK("seed", "--store", src, "--as", "alice", facts)
	want := []string{"alice", "alice", "alice", "alice", "alice"}
	if got := recordedBy(t, src); !slicesEqual(got, want) {
		t.Fatalf("after seed --as alice: %v, want %v", got, want)
	}
	t.Run("seeding again as someone else records nothing new", func(t *testing.T) {
		runOK("seed", "--store", src, "--as", "bob", facts)
		if got := recordedBy(t, src); !slicesEqual(got, want) {
			t.Errorf("%v, want %v", got, want)
		}
	})
	for _, format := range []string{"json", "nquads"} {
		t.Run("a "+format+" export restores the authors", func(t *testing.T) {
			backup := filepath.Join(t.TempDir(), "backup."+map[string]string{"json": "json", "nquads": "nq"}[format])
			runOK("export", "--store", src, "--format", format, "--out", backup)
			dst := "bolt:" + filepath.Join(t.TempDir(), "b.db")
			runOK("seed", "--store", dst, "--as", "carol", backup)
			if got := recordedBy(t, dst); !slicesEqual(got, want) {
				t.Errorf("restored: %v, want %v", got, want)
			}
		})
	}
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestEveryWritePathIsAttributedAndAudited writes through the CLI seed, a
// mutation and POST /import, and finds each author in GraphQL and in the
// audit log that claimgraph audit prints.
func TestEveryWritePathIsAttributedAndAudited(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	facts := filepath.Join(dir, "wire.yaml")
	if err := os.WriteFile(facts, []byte(wireFacts), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(t.Context(), []string{"seed", "--store", store, "--as", "alice", facts}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	tokens := filepath.Join(dir, "tokens.yaml")
	writeTokens(t, tokens, [3]string{"ed", "editor", "ed-token"}, [3]string{"ada", "admin", "ada-token"})
	s := startServer(t, "--store", store, "--tokens-file", tokens)
	if codes, _ := postAs(t, s.url, "ed-token", `mutation { addEntity(id: "iran", type: "Country", name: "Iran") { id } }`); len(codes) > 0 {
		t.Fatalf("mutation: %v", codes)
	}
	req, _ := http.NewRequestWithContext(t.Context(), "POST", s.url+"/import?format=yaml", strings.NewReader("entities:\n  - {id: nepal, type: Country, name: Nepal}\n"))
	req.Header.Set("Authorization", "Bearer ed-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("import: %d", resp.StatusCode)
	}
	_, data := postAs(t, s.url, "", `{ a: entity(id: "lashkar") { recordedBy } b: entity(id: "iran") { recordedBy } c: entity(id: "nepal") { recordedBy } }`)
	if want := `{"a":{"recordedBy":"alice"},"b":{"recordedBy":"ed"},"c":{"recordedBy":"ed"}}`; data != want {
		t.Errorf("GraphQL: %s, want %s", data, want)
	}
	codes, data := postAs(t, s.url, "ada-token", `{ auditLog { nodes { user operation } } }`)
	if want := `{"auditLog":{"nodes":[{"user":"ed","operation":"import"},{"user":"ed","operation":"addEntity"},{"user":"alice","operation":"seed"}]}}`; len(codes) > 0 || data != want {
		t.Errorf("auditLog: %v %s, want %s", codes, data, want)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := run(t.Context(), []string{"audit", "--store", store, "--user", "ed"}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var e struct {
			User, Operation string
			IDs             []string
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		ops = append(ops, e.User+" "+e.Operation+" "+strings.Join(e.IDs, ","))
	}
	if want := []string{"ed import entity:nepal", "ed addEntity entity:iran"}; !slicesEqual(ops, want) {
		t.Errorf("claimgraph audit --user ed: %q, want %q", ops, want)
	}
}
