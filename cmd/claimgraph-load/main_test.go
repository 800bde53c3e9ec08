package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/schema"
	"github.com/claimgraph/claimgraph/seed"
)

func TestLoadCountsAndReportsFailures(t *testing.T) {
	fail := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if fail {
			w.Write([]byte(`{"errors":[{"message":"boom"}]}`))
			return
		}
		w.Write([]byte(`{"data":{"entity":{"name":"India"}}}`))
	}))
	defer srv.Close()
	var out bytes.Buffer
	if err := run(t.Context(), []string{"--url", srv.URL, "--clients", "4", "--requests", "40", "--duration", "5s"}, &out); err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(out.String(), "40 requests, 0 failed") {
		t.Errorf("report:\n%s", out.String())
	}
	fail = true
	if err := run(t.Context(), []string{"--url", srv.URL, "--clients", "2", "--requests", "10", "--duration", "5s"}, io.Discard); err == nil || !strings.Contains(err.Error(), "10 of 10 requests failed") {
		t.Errorf("run against a failing server: %v", err)
	}
}

func TestOnlyLoopbackTargets(t *testing.T) {
	for _, u := range []string{"http://10.0.0.5/graphql", "http://example.org/graphql"} {
		if err := checkLoopback(u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080/graphql", "http://localhost/graphql", "http://[::1]:80/"} {
		if err := checkLoopback(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
}

// TestMovieMixAsksAboutThePeopleOfARealServer runs the movies mix against
// the real GraphQL handler on a small film graph.
func TestMovieMixAsksAboutThePeopleOfARealServer(t *testing.T) {
	ctx := t.Context()
	st, err := cayley.Open(ctx, "memory:", cayley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const facts = `
ontology:
  entityTypes: [{name: Film}, {name: Person}]
  relationTypes: [{name: acted-in, subject: Person, object: Film}]
sources: [{id: films, title: Films}]
entities:
  - {id: casablanca, type: Film, name: Casablanca}
  - {id: bogart, type: Person, name: Humphrey Bogart}
  - {id: bergman, type: Person, name: Ingrid Bergman}
  - {id: rains, type: Person, name: Claude Rains}
statements:
  - {subject: bogart, relation: acted-in, object: casablanca, claims: [{source: films}]}
  - {subject: bergman, relation: acted-in, object: casablanca, claims: [{source: films}]}
`
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Input{Name: "films.yaml", Data: []byte(facts)}); err != nil {
		t.Fatal(err)
	}
	h, err := schema.NewHandler(ctx, st, slog.New(slog.DiscardHandler), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var asked sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req schema.Request
		json.Unmarshal(body, &req)
		if id, ok := req.Variables["id"].(string); ok {
			asked.Store(id, true)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	var out bytes.Buffer
	if err := run(ctx, []string{"--url", srv.URL, "--mix", "movies", "--people", "3", "--clients", "2", "--requests", "60", "--duration", "10s"}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "60 requests, 0 failed") || !strings.Contains(out.String(), "two-hop") {
		t.Errorf("report:\n%s", out.String())
	}
	for _, id := range []string{"bogart", "bergman", "rains"} {
		if _, ok := asked.Load(id); !ok {
			t.Errorf("%s was never asked about", id)
		}
	}
}

func TestReplicatedCopiesAreDisjointButTypesAreShared(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"IRIs at both ends", "</en/a> </film/film/starring> _:b1 .\n", "</en/a_x2> </film/film/starring> _:b1_x2 .\n"},
		{"the object of type stays", "</en/a> <type> </film/film> .\n", "</en/a_x2> <type> </film/film> .\n"},
		{"a literal stays", "</en/a> <name> \"A b\" .\n", "</en/a_x2> <name> \"A b\" .\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(suffixQuad([]byte(tt.in), "_x2")); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
