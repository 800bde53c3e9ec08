package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func digest(token string) string {
	d := sha256.Sum256([]byte(token))
	return hex.EncodeToString(d[:])
}

func writeTokens(tb testing.TB, path string, users ...[3]string) {
	tb.Helper()
	var b strings.Builder
	for _, u := range users {
		fmt.Fprintf(&b, "- {name: %s, role: %s, sha256: %s}\n", u[0], u[1], digest(u[2]))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
}

// TestTokensFileReloadsOnSIGHUP runs serve in a process of its own, changes
// its tokens file and sends SIGHUP: a new user may write, a removed one may
// not, a kept connection goes on, and a broken file keeps the users.
func TestTokensFileReloadsOnSIGHUP(t *testing.T) {
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	writeTokens(t, tokens, [3]string{"ana", "editor", "ana-token"}, [3]string{"rita", "reader", "rita-token"})
	args, _ := json.Marshal([]string{"serve", "--addr", "127.0.0.1:0", "--store", "memory:", "--tokens-file", tokens})
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), mainArgsEnv+"="+string(args))
	stdout, _ := cmd.StdoutPipe()
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	var url string
	for lines.Scan() {
		if m := regexp.MustCompile(`listening on (\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			url = "http://" + m[1]
			break
		}
	}
	if url == "" {
		t.Fatal("the server did not start")
	}
	go io.Copy(io.Discard, stdout)

	// One client, one kept-alive connection, across the reloads.
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 1, MaxConnsPerHost: 1}}
	var reused bool
	write := func(token, id string) []string {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": `mutation { addSource(id: "` + id + `", title: "T") { id } }`})
		ctx := httptrace.WithClientTrace(t.Context(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused }})
		req, _ := http.NewRequestWithContext(ctx, "POST", url+"/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Errors []struct{ Extensions struct{ Code string } }
		}
		json.NewDecoder(resp.Body).Decode(&r)
		var codes []string
		for _, e := range r.Errors {
			codes = append(codes, e.Extensions.Code)
		}
		return codes
	}
	if codes := write("ana-token", "s1"); len(codes) != 0 {
		t.Fatalf("ana before the reload: %v", codes)
	}
	if codes := write("bob-token", "s2"); strings.Join(codes, ",") != "UNAUTHENTICATED" {
		t.Fatalf("bob before the reload: %v", codes)
	}

	// Revoke ana, add bob, keep rita.
	writeTokens(t, tokens, [3]string{"bob", "editor", "bob-token"}, [3]string{"rita", "reader", "rita-token"})
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for n := 0; len(write("bob-token", fmt.Sprintf("b%d", n))) != 0; n++ {
		if time.Now().After(deadline) {
			t.Fatalf("bob cannot write 10s after SIGHUP; stderr:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !reused {
		t.Error("the reload dropped the client's connection")
	}
	if codes := write("ana-token", "s3"); strings.Join(codes, ",") != "UNAUTHENTICATED" {
		t.Errorf("ana after she was removed: %v", codes)
	}
	if codes := write("rita-token", "s4"); strings.Join(codes, ",") != "FORBIDDEN" {
		t.Errorf("rita, a reader, writing: %v", codes)
	}

	// A broken file keeps the users and says so.
	if err := os.WriteFile(tokens, []byte("- {name: eve, role: owner, sha256: 00}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(stderr.String(), "keeping the users as they were") {
		if time.Now().After(deadline.Add(10 * time.Second)) {
			t.Fatalf("no error logged for the broken file; stderr:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if codes := write("bob-token", "s5"); len(codes) != 0 {
		t.Errorf("bob after a broken file: %v", codes)
	}
	for _, tok := range []string{"ana-token", "bob-token", "rita-token"} {
		if strings.Contains(stderr.String(), tok) {
			t.Errorf("the log shows the token %q", tok)
		}
	}
}
