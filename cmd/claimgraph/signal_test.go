package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"
)

func TestSIGTERMShutsDownAndReleasesTheStore(t *testing.T) {
	store := "bolt:" + filepath.Join(t.TempDir(), "x.db")
	args, _ := json.Marshal([]string{"serve", "--addr", "127.0.0.1:0", "--store", store})
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), mainArgsEnv+"="+string(args))
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
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
	get(t, url+"/healthz", 200)

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after SIGTERM the server exited with %v, want 0", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not exit within 15s of SIGTERM")
	}
	// The bolt file is closed and unlocked: this process can open it.
	if err := run(t.Context(), []string{"query", "--store", store, `{ entity(id:"india") { name } }`}, noEnv, io.Discard, io.Discard); err != nil {
		t.Errorf("opening the store after shutdown: %v", err)
	}
}
