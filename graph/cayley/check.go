package cayley

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/claimgraph/claimgraph/graph"
)

// Report is what Check found.
type Report struct {
	Backend string
	// File, Pages and Keys describe the bolt file: its path, how many
	// pages it has and how many keys were walked.
	File        string
	Pages, Keys int
	// Quads counts the quads a full export wrote; Entities, Statements
	// and Sources what a full scan read.
	Quads, Entities, Statements, Sources int
	// Problems lists the first problems found; none when the store is
	// sound.
	Problems []string
}

// Check verifies the store at url and reports what it found. On bolt it
// first checks the file itself without writing to it (opened read-only,
// see checkBolt: every page header bbolt asserts on, every key of every
// bucket, and bbolt's Tx.Check), then, when that passed, reads every quad
// back through the store's own reads: a full export and a full scan. On
// memory and PostgreSQL it does the reading. A problem is reported, not
// returned: the error is for a check that could not run (a file that does
// not exist or that another process holds, an unreachable database).
func Check(ctx context.Context, url string, opts Options) (rep Report, err error) {
	defer deferWrap(&err, "check %s", redact(url))
	if path, ok := strings.CutPrefix(url, "bolt:"); ok && path != "" {
		rep.Backend, rep.File = "bolt", path
		if err := checkFile(ctx, path, opts.LockTimeout, &rep); err != nil || len(rep.Problems) > 0 {
			return rep, err
		}
	}
	opts.CheckTimeout = -1 // done above
	s, err := Open(ctx, url, opts)
	if err != nil {
		if graph.ErrorCode(err) == graph.Internal {
			rep.Problems = append(rep.Problems, err.Error())
			return rep, nil
		}
		return rep, err
	}
	defer s.Close()
	rep.Backend = s.backend
	if err := s.readBack(ctx, &rep); err != nil {
		if ctx.Err() != nil {
			return rep, err
		}
		rep.Problems = append(rep.Problems, err.Error())
	}
	return rep, nil
}

// checkFile opens the bolt file at path read-only and checks it
// (checkBolt). A file that bbolt refuses to open as damaged, or panics
// on, is a problem.
func checkFile(ctx context.Context, path string, lockTimeout time.Duration, rep *Report) (err error) {
	if _, err := os.Stat(path); err != nil {
		return graph.Errorf(graph.NotFound, "no bolt file %s: %v", path, err)
	}
	if lockTimeout <= 0 {
		lockTimeout = time.Second
	}
	defer func() {
		if v := recover(); v != nil {
			rep.Problems = append(rep.Problems, fmt.Sprint(v))
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	// The free list is loaded here, not in Tx.Check's goroutine, where a
	// damaged one would crash the process.
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: lockTimeout, PreLoadFreelist: true})
	switch {
	case errors.Is(err, bolt.ErrTimeout):
		return graph.Errorf(graph.Unavailable,
			"bolt file %s is in use by another process (no lock within %s); stop it first", path, lockTimeout)
	case errors.Is(err, bolt.ErrInvalid), errors.Is(err, bolt.ErrChecksum), errors.Is(err, bolt.ErrVersionMismatch):
		rep.Problems = append(rep.Problems, err.Error())
		return nil
	case err != nil:
		return err
	}
	defer db.Close()
	br, err := checkBolt(ctx, db, path)
	rep.Pages, rep.Keys, rep.Problems = br.Pages, br.Keys, append(rep.Problems, br.Problems...)
	return err
}

// readBack reads everything s holds: a full export, counted in quads,
// and a full scan.
func (s *Store) readBack(ctx context.Context, rep *Report) error {
	var lines lineCounter
	if err := s.WriteNQuads(ctx, &lines); err != nil {
		return err
	}
	rep.Quads = int(lines)
	snap, err := s.Scan(ctx)
	if err != nil {
		return err
	}
	rep.Entities, rep.Statements, rep.Sources = len(snap.EntityTypes), len(snap.Statements), len(snap.Sources)
	return nil
}

// lineCounter counts the lines written to it.
type lineCounter int

func (c *lineCounter) Write(p []byte) (int, error) {
	*c += lineCounter(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}
