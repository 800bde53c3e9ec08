package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeBlock is one fenced block of README.md.
type readmeBlock struct {
	lang, text string
	line       int
}

func readmeBlocks(tb testing.TB) []readmeBlock {
	tb.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		tb.Fatal(err)
	}
	var blocks []readmeBlock
	var cur *readmeBlock
	for i, l := range strings.Split(string(readme), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(l, "```"):
			cur = &readmeBlock{lang: strings.TrimPrefix(l, "```"), line: i + 1}
		case cur != nil && l == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.text += l + "\n"
		}
	}
	return blocks
}

// readmeCommands returns the claimgraph commands of a shell block, each
// as its arguments: the lines that run `go run ./cmd/claimgraph`, with
// their comments cut off and their continuation lines joined.
func readmeCommands(tb testing.TB, b readmeBlock) [][]string {
	tb.Helper()
	var out [][]string
	text := strings.ReplaceAll(b.text, "\\\n", " ")
	for _, l := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(l), "go run ./cmd/claimgraph ")
		if !ok {
			continue
		}
		if i := strings.Index(rest, "  #"); i >= 0 {
			rest = rest[:i]
		}
		var args []string
		for _, m := range regexp.MustCompile(`'[^']*'|"[^"]*"|\S+`).FindAllString(rest, -1) {
			if len(m) >= 2 && (m[0] == '\'' || m[0] == '"') {
				m = m[1 : len(m)-1]
			}
			if strings.Contains(m, "$(go env GOMODCACHE)") {
				gomod, err := exec.Command("go", "env", "GOMODCACHE").Output()
				if err != nil {
					tb.Fatal(err)
				}
				m = strings.ReplaceAll(m, "$(go env GOMODCACHE)", strings.TrimSpace(string(gomod)))
			}
			args = append(args, m)
		}
		out = append(out, args)
	}
	return out
}

// TestReadmeExamplesRun runs every example of README.md: each fenced block
// is claimed by one check below, which runs it (the heavy movie-data ones
// only with CLAIMGRAPH_TEST_MOVIES=1), or is a command that runs tests or
// benchmarks. A block nothing claims fails the test, so a new example
// needs a check.
func TestReadmeExamplesRun(t *testing.T) {
	blocks := readmeBlocks(t)
	claimed := make([]bool, len(blocks))
	// claim returns the first unclaimed block of lang that contains want.
	claim := func(t *testing.T, lang, want string) readmeBlock {
		t.Helper()
		for i, b := range blocks {
			if !claimed[i] && b.lang == lang && strings.Contains(b.text, want) {
				claimed[i] = true
				return b
			}
		}
		t.Fatalf("README.md has no ```%s block with %q", lang, want)
		return readmeBlock{}
	}
	// next returns the block after b, claimed.
	next := func(b readmeBlock) readmeBlock {
		for i := range blocks {
			if blocks[i].line > b.line {
				claimed[i] = true
				return blocks[i]
			}
		}
		t.Fatalf("no block after line %d", b.line)
		return readmeBlock{}
	}
	seeded := func(t *testing.T) string {
		t.Helper()
		store := "bolt:" + filepath.Join(t.TempDir(), "x.db")
		mustRun(t, "seed", "--store", store)
		return store
	}
	const token = "readme-token"

	t.Run("the example query answers as shown", func(t *testing.T) {
		query := claim(t, "graphql", `entity(id: "india")`)
		answer := next(query)
		got := mustRun(t, "query", "--store", seeded(t), query.text)
		if strings.TrimSpace(got) != strings.TrimSpace(answer.text) {
			t.Errorf("README example answer is out of date.\ngot:\n%s\nREADME:\n%s", got, answer.text)
		}
	})

	t.Run("serve keeps claimgraph.db in the working directory", func(t *testing.T) {
		b := claim(t, "sh", "go run ./cmd/claimgraph serve     #")
		cmds := readmeCommands(t, b)
		t.Chdir(t.TempDir())
		s := startServer(t, cmds[0][1:]...)
		var data struct{ Entity struct{ Name string } }
		s.query(t, `{ entity(id: "india") { name } }`, &data)
		if data.Entity.Name != "India" {
			t.Errorf("the served seed has no India: %+v", data)
		}
		if _, err := os.Stat("claimgraph.db"); err != nil {
			t.Errorf("serve did not keep its data in claimgraph.db: %v", err)
		}
	})

	t.Run("paths prints what the README shows", func(t *testing.T) {
		b := claim(t, "sh", "claimgraph paths")
		want := next(b)
		args := append(readmeCommands(t, b)[0], "--store", seeded(t))
		if got := mustRun(t, args...); got != want.text {
			t.Errorf("claimgraph %s printed\n%s\nREADME shows\n%s", strings.Join(args, " "), got, want.text)
		}
	})

	t.Run("the YAML fact file seeds", func(t *testing.T) {
		facts := claim(t, "yaml", "id: src-example")
		cmds := readmeCommands(t, next(facts))
		store := seeded(t)
		t.Chdir(t.TempDir())
		if err := os.WriteFile("facts.yaml", []byte(facts.text), 0o644); err != nil {
			t.Fatal(err)
		}
		if out := mustRun(t, append(cmds[0], "--store", store)...); !strings.Contains(out, "dry run, nothing written") {
			t.Errorf("dry run printed %q", out)
		}
		if out := mustRun(t, append(cmds[1], "--store", store)...); !strings.Contains(out, "4 added") {
			t.Errorf("seed printed %q", out)
		}
		// The same file without its quote, seeded again: the README shows
		// what that says.
		shown := claim(t, "", "EVIDENCE REMOVED")
		var kept []string
		for _, l := range strings.Split(facts.text, "\n") {
			if !strings.Contains(l, "quote:") {
				kept = append(kept, l)
			}
		}
		if err := os.WriteFile("facts.yaml", []byte(strings.Join(kept, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		if out := mustRun(t, append(cmds[1], "--store", store)...); out != shown.text {
			t.Errorf("seeding without the quote printed\n%s\nREADME shows\n%s", out, shown.text)
		}
	})

	t.Run("the CSV files seed together", func(t *testing.T) {
		store := seeded(t)
		dir := t.TempDir()
		for _, f := range []struct{ name, want string }{
			{"sources.csv", "id,title"}, {"entities.csv", "id,type,name"}, {"statements.csv", "subject,relation"},
		} {
			if err := os.WriteFile(filepath.Join(dir, f.name), []byte(claim(t, "csv", f.want).text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		mustRun(t, "seed", "--store", store, filepath.Join(dir, "sources.csv"), filepath.Join(dir, "entities.csv"), filepath.Join(dir, "statements.csv"))
		out := mustRun(t, "query", "--store", store, `{ entity(id: "lashkar") { name relations { type to { id } claims { claimant { id } source { id } } } } }`)
		for _, want := range []string{`"Lashkar-e-Taiba"`, `"operating-from"`, `"source:src-csv-1"`} {
			if !strings.Contains(out, want) {
				t.Errorf("after seeding the CSV example, lashkar lacks %s:\n%s", want, out)
			}
		}
	})

	t.Run("the mapping example is the shipped mapping's", func(t *testing.T) {
		b := claim(t, "yaml", "mapping:")
		shipped, err := os.ReadFile(filepath.Join("..", "..", "seed", "examples", "movie-mapping.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(b.text, "\n") {
			key, _, _ := strings.Cut(strings.TrimSpace(l), "#")
			if key = strings.TrimSpace(key); key != "" && key != "joins:" && !strings.Contains(string(shipped), strings.Fields(key)[0]) {
				t.Errorf("README mapping line %q names %q, which the shipped mapping lacks", l, strings.Fields(key)[0])
			}
		}
	})

	t.Run("the movie data seeds and answers", func(t *testing.T) {
		b := claim(t, "sh", "seed --mapping seed/examples/movie-mapping.yaml")
		if os.Getenv("CLAIMGRAPH_TEST_MOVIES") == "" {
			t.Skip("the movie data takes about 10 s to import: set CLAIMGRAPH_TEST_MOVIES=1")
		}
		store := "bolt:" + filepath.Join(t.TempDir(), "m.db")
		cmds := readmeCommands(t, b)
		t.Chdir(filepath.Join("..", ".."))
		mustRun(t, append(cmds[0], "--store", store)...)
		if out := mustRun(t, append(cmds[1], "--store", store)...); !strings.Contains(out, "Singin' in the Rain") {
			t.Errorf("Gene Kelly's films lack Singin' in the Rain:\n%s", out)
		}
	})

	t.Run("the JSON-LD example reads through its mapping", func(t *testing.T) {
		b := claim(t, "json", `"@context"`)
		store := seeded(t)
		file := filepath.Join(t.TempDir(), "casablanca.jsonld")
		if err := os.WriteFile(file, []byte(b.text), 0o644); err != nil {
			t.Fatal(err)
		}
		mustRun(t, "seed", "--store", store, "--mapping", filepath.Join("..", "..", "seed", "testdata", "jsonld", "mapping.yaml"), file)
		if out := mustRun(t, "query", "--store", store, `{ entity(id: "casablanca") { name type } }`); !strings.Contains(out, `"name": "Casablanca"`) {
			t.Errorf("the JSON-LD film was not imported:\n%s", out)
		}
	})

	t.Run("the command line is the usage", func(t *testing.T) {
		b := claim(t, "", "claimgraph serve   [")
		var want []string
		for _, l := range strings.Split(usage, "\n") {
			if strings.HasPrefix(l, "  claimgraph ") || (len(want) > 0 && strings.HasPrefix(l, "    ")) {
				want = append(want, strings.TrimPrefix(l, "  "))
			} else if len(want) > 0 {
				break
			}
		}
		if got := strings.TrimSpace(b.text); got != strings.Join(want, "\n") {
			t.Errorf("README's command line\n%s\nis not claimgraph --help's\n%s", got, strings.Join(want, "\n"))
		}
	})

	t.Run("POST /import answers as shown", func(t *testing.T) {
		b := claim(t, "sh", "curl -X POST")
		facts := filepath.Join(t.TempDir(), "facts.yaml")
		os.WriteFile(facts, []byte(blocks[indexOf(blocks, "yaml", "id: src-example")].text), 0o644)
		s := startServer(t, "--store", "memory:", "--token", token)
		m := regexp.MustCompile(`'http://127\.0\.0\.1:8080(/import\?format=yaml[^']*)'\n# (\{.*\})`).FindStringSubmatch(strings.ReplaceAll(b.text, "\\\n", ""))
		if m == nil {
			t.Fatalf("no YAML import with its answer in\n%s", b.text)
		}
		data, _ := os.ReadFile(facts)
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.url+m[1], bytes.NewReader(data))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var gotJSON, wantJSON any
		json.Unmarshal(got, &gotJSON)
		json.Unmarshal([]byte(m[2]), &wantJSON)
		if g, _ := json.Marshal(gotJSON); string(g) != mustMarshal(t, wantJSON) {
			t.Errorf("POST %s answered\n%s\nREADME shows\n%s", m[1], got, m[2])
		}
	})

	t.Run("the mutation example runs", func(t *testing.T) {
		b := claim(t, "graphql", "mutation {")
		if out := mustRun(t, "query", "--store", seeded(t), b.text); !strings.Contains(out, `"status": "ALLEGED"`) {
			t.Errorf("the mutation answered\n%s", out)
		}
	})

	t.Run("the report-time example answers as the text says", func(t *testing.T) {
		b := claim(t, "graphql", "statusHistory")
		store := seeded(t)
		dated := filepath.Join(t.TempDir(), "dated.yaml")
		os.WriteFile(dated, []byte(`sources:
  - id: src-86013d487e35f14f
    title: Pakistan warns it may block social media platforms for non-compliance
    published: 2025-05
statements:
  - subject: x-accounts-india
    relation: operating-from
    object: india
    attributes: {count: at least 19}
    claims:
      - source: src-86013d487e35f14f
        by: india
        stance: DENIES
        said: 2025-06-10
`), 0o644)
		mustRun(t, "seed", "--store", store, dated)
		out := mustRun(t, "query", "--store", store, b.text)
		var resp struct {
			Data struct {
				Relation struct {
					Status        string
					StatusHistory []struct{ Status, Date string }
				}
				Entity struct {
					Relations []struct{ Label, Status string }
				}
			}
		}
		if err := json.Unmarshal([]byte(out), &resp); err != nil {
			t.Fatalf("%v in\n%s", err, out)
		}
		h := resp.Data.Relation.StatusHistory
		if resp.Data.Relation.Status != "DISPUTED" || len(h) != 2 || h[0].Status != "ALLEGED" || h[1].Status != "DISPUTED" || h[1].Date != "2025-06-10" {
			t.Errorf("the relation answered\n%s", out)
		}
		for _, r := range resp.Data.Entity.Relations {
			if r.Label == "operating from" && r.Status != "ALLEGED" {
				t.Errorf("as reported by 2025-06-09 the relation is %s, want ALLEGED:\n%s", r.Status, out)
			}
		}
	})

	t.Run("the time-flow example runs", func(t *testing.T) {
		b := claim(t, "sh", "--time-flow")
		cmds := readmeCommands(t, b)
		args := append(cmds[0], "--store", seeded(t))
		if out := mustRun(t, args...); !strings.Contains(out, "ttp") {
			t.Errorf("paths --time-flow printed\n%s", out)
		}
	})

	t.Run("the tokens file example reads", func(t *testing.T) {
		b := claim(t, "yaml", "role: editor, sha256:")
		file := filepath.Join(t.TempDir(), "tokens.yaml")
		os.WriteFile(file, []byte(b.text), 0o600)
		users, err := loadUsers(file)
		if err != nil || users == nil {
			t.Fatalf("loadUsers: %v", err)
		}
	})

	t.Run("the subscription examples are valid against the served schema", func(t *testing.T) {
		// They run over a WebSocket (TestSubscriptionAcrossProcesses runs
		// one with the graphql-ws client); over plain HTTP a valid one is
		// refused as such, an invalid one fails validation first.
		b := claim(t, "graphql", "subscription {")
		s := startServer(t, "--store", "memory:")
		for _, doc := range strings.Split(strings.TrimSpace(b.text), "\n") {
			body, _ := json.Marshal(map[string]string{"query": doc})
			resp, err := http.Post(s.url+"/graphql", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			out, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.Contains(string(out), "WebSocket") || strings.Contains(string(out), "GRAPHQL_VALIDATION_FAILED") {
				t.Errorf("%s answered %s", doc, out)
			}
		}
	})

	t.Run("every other block runs tests or benchmarks", func(t *testing.T) {
		for i, b := range blocks {
			if claimed[i] {
				continue
			}
			if b.lang == "sh" && (strings.Contains(b.text, "go test") || strings.Contains(b.text, "claimgraph-load")) {
				claimed[i] = true
				continue
			}
			t.Errorf("README.md:%d: a ```%s example that no test runs:\n%s", b.line, b.lang, b.text)
		}
	})
}

func indexOf(blocks []readmeBlock, lang, want string) int {
	for i, b := range blocks {
		if b.lang == lang && strings.Contains(b.text, want) {
			return i
		}
	}
	return -1
}

func mustMarshal(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// mustRun runs a claimgraph command and returns its output.
func mustRun(tb testing.TB, args ...string) string {
	tb.Helper()
	out, logs, err := cli(tb, nil, args...)
	if err != nil {
		tb.Fatalf("claimgraph %s: %v\n%s\n%s", strings.Join(args, " "), err, out, logs)
	}
	return out
}
