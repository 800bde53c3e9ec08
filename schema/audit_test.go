package schema

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGraphQLOverHTTPAudit runs the public graphql-http server audits
// (npm package graphql-http, serverAudits) against the handler on a real
// HTTP server, and builds a client schema from its introspection with
// graphql-js buildClientSchema. It needs node and the packages of
// testdata/audit (npm ci there); without them it skips, except under
// CI=true, where it fails.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	dir := filepath.Join("testdata", "audit")
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "node_modules", "graphql-http", "package.json"))
	}
	if err != nil {
		msg := "the graphql-http audit needs node and `npm ci` in schema/testdata/audit: " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	srv := httptest.NewServer(newHandler(t))
	t.Cleanup(srv.Close)

	cmd := exec.CommandContext(t.Context(), node, "audit.mjs", srv.URL+"/graphql")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("audit script: %v\n%s", err, out)
	}
	var report struct {
		Results []struct {
			ID, Name, Status, Reason string
		}
		ClientSchema struct {
			OK    bool
			Types int
			Error string
		}
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("decode audit report: %v\n%s", err, out)
	}
	counts := map[string]int{}
	for _, r := range report.Results {
		counts[r.Status]++
		// "ok" passes; "warn" is a failed SHOULD, "error" a failed MUST.
		if r.Status != "ok" {
			t.Errorf("audit %s %s: %s: %s", r.ID, r.Name, r.Status, r.Reason)
		}
	}
	t.Logf("graphql-http audits: %d run, %v", len(report.Results), counts)
	if len(report.Results) < 50 {
		t.Errorf("only %d audits ran", len(report.Results))
	}
	if !report.ClientSchema.OK {
		t.Errorf("buildClientSchema failed: %s", report.ClientSchema.Error)
	} else {
		t.Logf("buildClientSchema: a valid schema of %d types", report.ClientSchema.Types)
	}
}
