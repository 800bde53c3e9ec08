package cayley

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
)

// The generation of a shared store lives in the store itself, written in
// the same transaction as every change:
//
//	<cg:meta> <cg:p/generation> "TOKEN"
//
// Each write removes the tokens it finds and adds a fresh unique one, so the
// set of tokens changes with every committed write, whichever process made
// it; two concurrent writers leave two tokens, which is still a change.
var (
	iriMeta     = quad.IRI("cg:meta")
	pGeneration = quad.IRI("cg:p/generation")
)

// Generation returns a token that changes whenever the stored graph
// changes, also by another process sharing the database. Read caches
// compare it before trusting what they hold (see graph/cache).
//
// An embedded store (bolt, memory) has one writer, this process, so its
// generation is a counter in memory and costs nothing to read; a
// PostgreSQL store reads its token from the database.
func (s *Store) Generation(ctx context.Context) (_ string, err error) {
	defer deferWrap(&err, "read generation")
	if !s.shared {
		return strconv.FormatUint(s.gen.Load(), 10), nil
	}
	qs, err := s.rlock()
	if err != nil {
		return "", err
	}
	defer s.runlock(&err)
	tokens, err := generationTokens(ctx, newReader(qs))
	if err != nil {
		return "", err
	}
	return strings.Join(tokens, ","), nil
}

func generationTokens(ctx context.Context, r reader) ([]string, error) {
	quads, err := r.subject(ctx, iriMeta)
	if err != nil {
		return nil, err
	}
	var tokens []string
	for _, q := range quads {
		if q.Predicate == pGeneration {
			tokens = append(tokens, text(q.Object))
		}
	}
	slices.Sort(tokens)
	return tokens, nil
}

// bumpGeneration adds to tx the replacement of the stored generation
// tokens by a fresh one. The caller holds txLock, and mu as applyLocked
// takes it: shared on PostgreSQL, where the write lock keeps other
// writers of this process out, and the advisory lock those of others.
func (s *Store) bumpGeneration(tx *cgraph.Transaction) error {
	if !s.shared {
		return nil
	}
	old, err := generationTokens(context.Background(), newReader(s.qs))
	if err != nil {
		return err
	}
	for _, t := range old {
		tx.RemoveQuad(quad.Make(iriMeta, pGeneration, t, nil))
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	tx.AddQuad(quad.Make(iriMeta, pGeneration, strconv.FormatInt(time.Now().UnixNano(), 36)+"-"+hex.EncodeToString(b[:]), nil))
	return nil
}
