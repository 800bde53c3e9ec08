package schema

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/graphql-go/graphql/language/ast"
)

// The response cache
//
// A query's result depends on nothing but the document, the operation, the
// variables and the stored graph (reads need no token and nothing reads
// the clock). So when the store tells when it changes (graph.Versioned), the
// handler keeps the data of error-free query results, keyed by request and
// labelled with the store generation they were read under: a request
// under the same generation is answered from the cache, without
// executing; any write, also one by another process sharing a PostgreSQL
// store, changes the generation and empties the cache at the next request.
// The generation is read before executing, so a result computed while a
// write lands is filed under the older generation and never served after
// it. Mutations and results with errors (a timeout, a missing entity
// reported as an error) are never cached.

// resultCache is a bounded LRU of encoded result data, by size in bytes,
// for one store generation.
type resultCache struct {
	max int64

	mu      sync.Mutex
	gen     string
	results *lru[json.RawMessage] // an entry weighs its key and data

	hits, misses atomic.Int64
}

func newResultCache(max int64) *resultCache {
	return &resultCache{max: max, results: newLRU(max, func(key string, data json.RawMessage) int64 {
		return int64(len(key) + len(data))
	})}
}

// resultKey is the cache key of a request whose document has key docKey;
// json.Marshal writes map keys sorted, so equal variables give equal keys.
func resultKey(docKey string, vars map[string]any) (string, bool) {
	if len(vars) == 0 {
		return docKey, true
	}
	b, err := json.Marshal(vars)
	if err != nil {
		return "", false
	}
	return docKey + "\x00" + string(b), true
}

// get returns the data cached for key under generation gen. A generation
// other than the cache's empties it: the graph has changed.
func (c *resultCache) get(gen, key string) (json.RawMessage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		c.results.clear()
		c.gen = gen
	}
	data, ok := c.results.get(key)
	if !ok {
		c.misses.Add(1)
		return nil, false
	}
	c.hits.Add(1)
	return data, true
}

// put caches data for key, read under generation gen, unless the cache has
// moved on to another generation meanwhile or data is too large to be
// worth a place (more than an eighth of the cache).
func (c *resultCache) put(gen, key string, data json.RawMessage) {
	if int64(len(key)+len(data)) > c.max/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	c.results.put(key, data)
}

// ResultCacheStats describes the response cache of a Handler.
type ResultCacheStats struct {
	// Hits and Misses count the lookups since the handler started. Over
	// HTTP every request is looked up by its bytes before it is decoded, so
	// a request that turns out not to be cacheable (a mutation, a bad
	// document) counts as a miss too.
	Hits, Misses int64
	// Entries and Bytes are what it holds now.
	Entries int
	Bytes   int64
}

// run answers a prepared request from the response cache, or executes it
// and caches an error-free query result.
func (h *Handler) run(ctx context.Context, b *built, req Request, c *cached) Response {
	return h.runKeyed(ctx, b, req, c, "", "")
}

// runKeyed is run with the cache key and generation of a lookup made
// before the request was decoded (see ServeHTTP), or none ("").
func (h *Handler) runKeyed(ctx context.Context, b *built, req Request, c *cached, key, gen string) Response {
	if h.results == nil || c.op.Operation != ast.OperationTypeQuery || c.private {
		return h.execute(ctx, b, req, c)
	}
	if key == "" {
		k, ok := resultKey(b.version+"\x00"+c.key, req.Variables)
		if !ok {
			return h.execute(ctx, b, req, c)
		}
		g, data, hit := h.lookup(ctx, k)
		if hit {
			return Response{Data: data}
		}
		key, gen = k, g
	}
	if gen == "" {
		return h.execute(ctx, b, req, c) // the generation could not be read
	}
	resp := h.execute(ctx, b, req, c)
	if len(resp.Errors) == 0 && resp.Extensions == nil {
		h.results.put(gen, key, resp.Data)
	}
	return resp
}

// lookup returns the store's generation and the result cached for key
// under it. gen is "" when the generation cannot be read.
func (h *Handler) lookup(ctx context.Context, key string) (gen string, data json.RawMessage, hit bool) {
	gen, err := h.versioned.Generation(ctx)
	if err != nil {
		return "", nil, false
	}
	data, hit = h.results.get(gen, key)
	return gen, data, hit
}

// ResultCacheStats returns the state of the response cache; zero when it
// is off.
func (h *Handler) ResultCacheStats() ResultCacheStats {
	if h.results == nil {
		return ResultCacheStats{}
	}
	c := h.results
	c.mu.Lock()
	defer c.mu.Unlock()
	return ResultCacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Entries: c.results.len(), Bytes: c.results.bytes()}
}

// answerCached writes the cached response to the request whose method and
// raw bytes (the body of a POST, the query string of a GET) are given, if
// there is one, and reports whether it did; otherwise it sets key and gen
// for the request's run. With the cache off it does nothing.
func (h *Handler) answerCached(w http.ResponseWriter, ctx context.Context, b *built, media, method string, raw []byte, key, gen *string) bool {
	if h.results == nil {
		return false
	}
	k := b.version + "\x00\x01" + method + "\x00" + string(raw) // \x01: no operation name holds it
	g, data, hit := h.lookup(ctx, k)
	if hit {
		writeResponse(w, media, Response{Data: data})
		return true
	}
	*key, *gen = k, g
	return false
}
