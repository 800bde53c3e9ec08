package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
