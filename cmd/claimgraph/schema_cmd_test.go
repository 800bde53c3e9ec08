package main

import (
	"errors"
	"io"
	"path/filepath"
	"testing"
)

func TestPathsCommandRefusesKBelowOne(t *testing.T) {
	store := "bolt:" + filepath.Join(t.TempDir(), "x.db")
	for _, k := range []string{"0", "-2"} {
		t.Run("k "+k+" is a usage error", func(t *testing.T) {
			err := run(t.Context(), []string{"paths", "--store", store, "india", "ttp", "--k", k}, noEnv, io.Discard, io.Discard)
			var u usageError
			if !errors.As(err, &u) {
				t.Errorf("err = %v, want a usage error", err)
			}
		})
	}
}
