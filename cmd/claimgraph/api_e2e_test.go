package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// postAs sends a GraphQL request with an optional bearer token and returns
// the error codes and the data.
func postAs(tb testing.TB, url, token, q string) ([]string, string) {
	tb.Helper()
	return postVars(tb, url, token, q, nil)
}

// postVars is postAs with variables.
func postVars(tb testing.TB, url, token, q string, vars map[string]any) ([]string, string) {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequestWithContext(tb.Context(), "POST", url+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r struct {
		Data   json.RawMessage
		Errors []struct{ Extensions struct{ Code string } }
	}
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatalf("decode %s: %v", b, err)
	}
	var codes []string
	for _, e := range r.Errors {
		codes = append(codes, e.Extensions.Code)
	}
	return codes, string(r.Data)
}

func TestServeTakesTheWriteTokenFromAFlagOrAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const m = `mutation { addSource(id: "wire-1", title: "Wire") { id } }`
	for _, tc := range []struct {
		name, token string
		args        []string
	}{
		{"--token", "from-flag", []string{"--token", "from-flag"}},
		{"--token-file", "from-file", []string{"--token-file", file}},
	} {
		t.Run(tc.name+" allows writes with that token only", func(t *testing.T) {
			s := startServer(t, append([]string{"--store", "memory:"}, tc.args...)...)
			if codes, _ := postAs(t, s.url, "wrong", m); len(codes) != 1 || codes[0] != "UNAUTHENTICATED" {
				t.Errorf("wrong token: codes %v, want UNAUTHENTICATED", codes)
			}
			if codes, data := postAs(t, s.url, tc.token, m); len(codes) != 0 || !strings.Contains(data, "source:wire-1") {
				t.Errorf("right token: codes %v, data %s", codes, data)
			}
		})
	}
	t.Run("without a token writes are refused with a clear reason", func(t *testing.T) {
		s := startServer(t, "--store", "memory:")
		if codes, _ := postAs(t, s.url, "anything", m); len(codes) != 1 || codes[0] != "UNAUTHENTICATED" {
			t.Errorf("codes %v, want UNAUTHENTICATED", codes)
		}
	})
}
