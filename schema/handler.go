package schema

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/claimgraph/claimgraph/graph"
)

// Handler serves GraphQL over HTTP on a Store. The schema is generated from
// the store's ontology and rebuilt when the store's ontology version
// changes (see Options.OntologyCheck and Reload).
type Handler struct {
	store graph.Store
	log   *slog.Logger
	opts  Options

	mu      sync.RWMutex
	cur     *built
	checked time.Time // when the ontology version was last read

	reloading sync.Mutex

	// results is the response cache, nil when off; versioned is the store
	// as graph.Versioned.
	results   *resultCache
	versioned graph.Versioned

	// turns admits Limits.MaxConcurrent executions at once (see execute).
	turns chan struct{}
	// single holds Options.Token as a one-user table; failures limits bad
	// tokens per address, and the counters count them.
	single       *Users
	failures     *failureLimiter
	authFailures atomic.Uint64
	rateLimited  atomic.Uint64

	ws wsState // WebSocket connections (ws.go)

	// candidates keeps duplicateCandidates' pairs per store generation.
	candidates *candidateCache
}

// built is one generated schema with the version it was built from and
// its document cache.
type built struct {
	schema  graphql.Schema
	version string
	docs    *docCache
}

// NewHandler builds the schema from st's ontology and returns the handler.
func NewHandler(ctx context.Context, st graph.Store, log *slog.Logger, opts Options) (*Handler, error) {
	h := &Handler{store: st, log: log, opts: opts.withDefaults(), candidates: newCandidateCache()}
	h.turns = make(chan struct{}, h.opts.MaxConcurrent)
	h.failures = newFailureLimiter(h.opts.AuthFailureBurst, h.opts.AuthFailureRefill)
	if h.opts.Token != "" {
		single, err := NewUsers([]User{{Name: "admin", Role: RoleAdmin.String(), SHA256: TokenDigest(h.opts.Token)}})
		if err != nil {
			return nil, err
		}
		h.single = single
	}
	if v, ok := st.(graph.Versioned); ok && h.opts.ResultCacheBytes > 0 {
		h.results, h.versioned = newResultCache(h.opts.ResultCacheBytes), v
	}
	if err := h.Reload(ctx); err != nil {
		return nil, err
	}
	return h, nil
}

// Reload regenerates the schema from the store's current ontology.
func (h *Handler) Reload(ctx context.Context) error {
	h.reloading.Lock()
	defer h.reloading.Unlock()
	return h.reload(ctx)
}

// reload rebuilds the schema; the caller holds h.reloading. The version
// is read before the ontology, so a change racing the rebuild makes the
// next check rebuild again rather than be missed.
func (h *Handler) reload(ctx context.Context) error {
	version, err := h.store.OntologyVersion(ctx)
	if err != nil {
		return err
	}
	ont, err := h.store.Ontology(ctx)
	if err != nil {
		return err
	}
	var imp Importer
	if h.opts.Import != nil {
		imp = h.importNow
	}
	s, err := build(ont, h.store, h.log, imp, h.candidates)
	if err != nil {
		return err
	}
	b := &built{schema: s, version: version, docs: newDocCache(h.opts.CacheSize)}
	h.mu.Lock()
	h.cur, h.checked = b, time.Now()
	h.mu.Unlock()
	return nil
}

// current returns the schema to serve a request with. At most once per
// Options.OntologyCheck it reads the store's ontology version and rebuilds
// the schema when it changed; requests meanwhile keep the schema they
// have, and a failed check keeps the old schema (and is logged).
func (h *Handler) current(ctx context.Context) *built {
	h.mu.RLock()
	b, due := h.cur, time.Since(h.checked) >= h.opts.OntologyCheck
	h.mu.RUnlock()
	if !due || !h.reloading.TryLock() {
		return b
	}
	defer h.reloading.Unlock()
	version, err := h.store.OntologyVersion(ctx)
	if err != nil {
		h.log.WarnContext(ctx, "check ontology version", "err", err)
		return b
	}
	if version == b.version {
		h.mu.Lock()
		h.checked = time.Now()
		h.mu.Unlock()
		return b
	}
	if err := h.reload(ctx); err != nil {
		h.log.ErrorContext(ctx, "rebuild schema after an ontology change", "err", err)
		return b
	}
	h.log.InfoContext(ctx, "schema rebuilt: the ontology changed", "version", version)
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.cur
}

// importNow runs the configured importer and, when it wrote, rebuilds the
// schema at once if the import changed the ontology: the importing client's
// next query sees the new types, without waiting for the periodic check.
func (h *Handler) importNow(ctx context.Context, req ImportRequest) (graph.Summary, error) {
	sum, err := h.opts.Import(ctx, req)
	if err != nil || req.DryRun {
		return sum, err
	}
	h.reloading.Lock()
	defer h.reloading.Unlock()
	version, verr := h.store.OntologyVersion(ctx)
	h.mu.RLock()
	same := h.cur != nil && h.cur.version == version
	h.mu.RUnlock()
	if verr == nil && !same {
		if rerr := h.reload(ctx); rerr != nil {
			h.log.ErrorContext(ctx, "rebuild schema after an import", "err", rerr)
		}
	}
	return sum, nil
}
