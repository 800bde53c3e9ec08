package main

import (
	"bytes"
	"crypto/rand"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestBadStoreLocationsGiveClearErrors(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.db")
	garbage := make([]byte, 64<<10)
	rand.Read(garbage)
	if err := os.WriteFile(corrupt, garbage, 0o644); err != nil {
		t.Fatal(err)
	}
	notADir := filepath.Join(dir, "file")
	if err := os.WriteFile(notADir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, store, want string
	}{
		{"corrupt file", "bolt:" + corrupt, "invalid database"},
		{"path under a file", "bolt:" + filepath.Join(notADir, "x.db"), "not a directory"},
		{"unknown scheme", "mysql://localhost/x", "unknown store URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(t.Context(), []string{"query", "--store", tt.store, `{ entity(id:"x") { id } }`}, noEnv, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// TestFullDiskLosesNothing seeds onto a file system too small for the seed:
// the write fails with a clear message, and the store is as it was.
func TestFullDiskLosesNothing(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", dir).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI runs as root and must mount a small tmpfs: %v: %s", err, out)
		}
		t.Skipf("cannot mount a small tmpfs here (needs root): %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	store := "bolt:" + filepath.Join(dir, "x.db")
	small := filepath.Join(t.TempDir(), "small.yaml")
	os.WriteFile(small, []byte("ontology:\n  entityTypes:\n    - name: Country\nentities:\n  - {id: india, type: Country, name: India}\n"), 0o644)
	if err := run(t.Context(), []string{"seed", "--store", store, small}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("a small seed should fit: %v", err)
	}
	snapshot := func() string {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"export", "--store", store, "--format", "nquads"}, noEnv, &out, io.Discard); err != nil {
			t.Fatalf("export: %v", err)
		}
		return out.String()
	}
	before := snapshot()
	err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("seeding onto a full disk: err = %v, want one saying no space is left", err)
	}
	if after := snapshot(); after != before {
		t.Errorf("a failed write changed the store:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
