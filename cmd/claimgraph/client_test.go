package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// cli runs one claimgraph command through run, as main does, and returns
// its standard output, its standard error and its error.
func cli(tb testing.TB, env map[string]string, args ...string) (string, string, error) {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	err := run(tb.Context(), args, func(k string) string { return env[k] }, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// TestCommandsTalkToARunningServer runs serve on a bolt file and every
// other command against it with --server, in the same process: the bolt
// file admits one process at a time, so only the server may open it.
func TestCommandsTalkToARunningServer(t *testing.T) {
	const token = "s3cret"
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "claimgraph.db")
	s := startServer(t, "--store", store, "--token", token)

	// The file is the server's: a command that opens it fails.
	if _, _, err := cli(t, nil, "query", "--store", store, `{ entity(id: "india") { name } }`); err == nil {
		t.Fatal("query --store opened the bolt file serve holds")
	}

	server := map[string]string{"CLAIMGRAPH_SERVER": s.url}
	writer := map[string]string{"CLAIMGRAPH_SERVER": s.url, "CLAIMGRAPH_TOKEN": token}
	facts := filepath.Join(dir, "lashkar.yaml")
	if err := os.WriteFile(facts, []byte(lashkarFacts), 0o644); err != nil {
		t.Fatal(err)
	}
	csvDir := filepath.Join(dir, "csv")
	os.Mkdir(csvDir, 0o755)
	os.WriteFile(filepath.Join(csvDir, "1-sources.csv"), []byte("id,title\nsrc-csv-1,A spreadsheet of reports\n"), 0o644)
	os.WriteFile(filepath.Join(csvDir, "2-entities.csv"), []byte("id,type,name,aliases\nlashkar,Group,Lashkar-e-Taiba,LeT; Lashkar\n"), 0o644)
	os.WriteFile(filepath.Join(csvDir, "3-statements.csv"), []byte("subject,relation,object,since,source,by,stance,quote\n"+
		`lashkar,operating-from,pakistan,2001,src-csv-1,india,ASSERTS,"India says ""Lashkar"" operates from Pakistan."`+"\n"), 0o644)

	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantOut  []string // in standard output
		wantCode string   // of the error; "" for none
	}{
		{name: "query with --server", args: []string{"query", "--server", s.url, `{ entity(id: "india") { name } }`},
			wantOut: []string{`"name": "India"`}},
		{name: "query with CLAIMGRAPH_SERVER and variables", env: server,
			args:    []string{"query", "--variables", `{"id": "ttp"}`, `query($id: ID!) { entity(id: $id) { name } }`},
			wantOut: []string{`"name": "Tehrik-e-Taliban Pakistan"`}},
		{name: "a query error is the server's", env: server, args: []string{"query", `{ entity(id: 1 }`},
			wantOut: []string{`"errors"`}, wantCode: graph.Internal},
		{name: "paths", env: server, args: []string{"paths", "india", "afghan-taliban", "--k", "2"},
			wantOut: []string{"1. india → ttp → afghan-taliban  (2 hops, cost 5000)", "India —accused of backing→ Tehrik-e-Taliban Pakistan"}},
		{name: "paths with filters", env: server, args: []string{"paths", "india", "afghan-taliban", "--status", "REPORTED", "--max-depth", "3"},
			wantOut: []string{"no path from india to afghan-taliban within 3 hops"}},
		{name: "paths to nowhere", env: server, args: []string{"paths", "india", "nowhere"}, wantCode: graph.NotFound},
		{name: "seed without a token is refused", env: server, args: []string{"seed", facts}, wantCode: graph.Unauthorized},
		{name: "a dry run needs no token", env: server, args: []string{"seed", "--dry-run", facts},
			wantOut: []string{"dry run, nothing written: would have seeded 1 file(s) on " + s.url + ": 3 added"}},
		{name: "seed with the token", env: writer, args: []string{"seed", facts}, wantOut: []string{"3 added"}},
		{name: "seed CSV files together", env: writer, args: []string{"seed", csvDir}, wantOut: []string{"seeded 3 file(s)", "3 added, 1 changed"}},
		{name: "the seeded facts are served", env: server, args: []string{"query", `{ entity(id: "lashkar") { name } }`},
			wantOut: []string{`"name": "Lashkar-e-Taiba"`}},
		{name: "export as JSON", env: server, args: []string{"export", "--format", "json"}, wantOut: []string{`"lashkar"`, `"src-csv-1"`}},
		{name: "export as N-Quads", env: server, args: []string{"export"}, wantOut: []string{"<cg:e/lashkar>"}},
		{name: "export in an unknown format", env: server, args: []string{"export", "--format", "xml"}, wantCode: "usage"},
		{name: "retract with the token", env: writer, args: []string{"retract", "--source", "src-csv-1"}, wantOut: []string{"retracted source src-csv-1: 3 items removed"}},
		{name: "retract an unknown source", env: writer, args: []string{"retract", "--source", "src-none"}, wantCode: graph.NotFound},
		{name: "--store and --server together", env: server, args: []string{"query", "--store", store, "--server", s.url, "{ entityTypes }"}, wantCode: "usage"},
		{name: "a bad server URL", args: []string{"query", "--server", "127.0.0.1:1", "{ entityTypes }"}, wantCode: "usage"},
		{name: "no server there", args: []string{"query", "--server", "http://127.0.0.1:1", "{ entityTypes }"}, wantCode: graph.Unavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, logs, err := cli(t, tt.env, tt.args...)
			switch {
			case tt.wantCode == "" && err != nil:
				t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, out, logs)
			case tt.wantCode == "usage":
				if _, ok := err.(usageError); !ok {
					t.Errorf("error %v, want a usage error", err)
				}
			case tt.wantCode != "" && tt.wantCode != graph.Internal && graph.ErrorCode(err) != tt.wantCode:
				t.Errorf("error %v (code %s), want code %s", err, graph.ErrorCode(err), tt.wantCode)
			case tt.wantCode == graph.Internal && err == nil:
				t.Error("no error")
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(logs, "level=INFO") {
				t.Errorf("the command logged at info without being asked:\n%s", logs)
			}
		})
	}
}

// TestCommandsLogAtWarn checks that a command run on a store says nothing
// on standard error unless asked to.
func TestCommandsLogAtWarn(t *testing.T) {
	store := "bolt:" + filepath.Join(t.TempDir(), "x.db")
	tests := []struct {
		name     string
		args     []string
		wantLogs bool
	}{
		{"seed", []string{"seed", "--store", store}, false},
		{"query", []string{"query", "--store", store, "{ entityTypes }"}, false},
		{"paths", []string{"paths", "--store", store, "india", "ttp"}, false},
		{"export", []string{"export", "--store", store}, false},
		{"query asked for info", []string{"query", "--store", store, "--log-level", "info", "{ entityTypes }"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, logs, err := cli(t, nil, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(logs, "store opened") || strings.Contains(logs, "level=INFO"); got != tt.wantLogs {
				t.Errorf("info logs shown: %v, want %v:\n%s", got, tt.wantLogs, logs)
			}
		})
	}
}

// TestHelpListsEveryFlag checks each command's --help and the usage that
// claimgraph --help prints: every flag of a command is listed, each with a
// one-word value name.
func TestHelpListsEveryFlag(t *testing.T) {
	top, _, err := cli(t, nil, "--help")
	if err != nil {
		t.Fatal(err)
	}
	common := map[string]bool{"store": true, "log-level": true, "log-format": true, "server": true, "token": true}
	flagLine := regexp.MustCompile(`^  -([a-z-]+)(?: (\S+))?$`)
	for _, cmd := range []string{"serve", "seed", "query", "paths", "retract", "delete", "export"} {
		t.Run(cmd, func(t *testing.T) {
			_, _, err := cli(t, nil, cmd, "--help")
			var u usageError
			if !errors.As(err, &u) {
				t.Fatalf("%s --help: %v, want the flags", cmd, err)
			}
			var flags []string
			for _, l := range strings.Split(u.msg, "\n") {
				if strings.HasPrefix(l, "  -") {
					m := flagLine.FindStringSubmatch(l)
					if m == nil {
						t.Errorf("flag line %q: want -NAME and at most a one-word value name", l)
						continue
					}
					flags = append(flags, m[1])
				}
			}
			if len(flags) < 4 {
				t.Fatalf("%s --help lists %d flags:\n%s", cmd, len(flags), u.msg)
			}
			// The command's lines in claimgraph --help: its own line and the
			// indented ones that continue it.
			var lines []string
			in := false
			for _, l := range strings.Split(top, "\n") {
				if strings.HasPrefix(l, "  claimgraph ") {
					in = strings.HasPrefix(l, "  claimgraph "+cmd+" ")
				} else if !strings.HasPrefix(l, "    ") {
					in = false
				}
				if in {
					lines = append(lines, l)
				}
			}
			if len(lines) == 0 {
				t.Fatalf("claimgraph --help has no line for %s:\n%s", cmd, top)
			}
			if cmd == "serve" {
				return // its many limits are listed by serve --help only
			}
			for _, f := range flags {
				if !common[f] && !strings.Contains(strings.Join(lines, " "), "--"+f) {
					t.Errorf("claimgraph --help does not show --%s for %s:\n%s", f, cmd, strings.Join(lines, "\n"))
				}
			}
		})
	}
}
