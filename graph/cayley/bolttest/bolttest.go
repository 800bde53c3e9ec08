package bolttest

import (
	"os"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// Pages returns the ids of the pages of the bolt file at path that are in
// its tree (branch and leaf pages) and of its free pages, and its page
// size, as bbolt reports them.
func Pages(tb testing.TB, path string) (tree, free []int, pageSize int) {
	tb.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		for id := 0; ; id++ {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				return err
			}
			switch p.Type {
			case "branch", "leaf":
				tree = append(tree, id)
			case "free":
				free = append(free, id)
			}
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
	return tree, free, db.Info().PageSize
}

// Flip inverts n bytes of the file at path from offset on, in place.
func Flip(tb testing.TB, path string, offset int64, n int) {
	tb.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, offset); err != nil {
		tb.Fatal(err)
	}
	for i := range buf {
		buf[i] ^= 0xff
	}
	if _, err := f.WriteAt(buf, offset); err != nil {
		tb.Fatal(err)
	}
}
