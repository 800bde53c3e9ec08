package schema

import (
	"sync"

	"github.com/graphql-go/graphql/language/ast"
)

// docCache is a bounded LRU of documents that passed every check, keyed by
// operation name and query text. It belongs to one built schema, so a
// rebuilt schema starts with an empty cache.
type docCache struct {
	mu   sync.Mutex
	docs *lru[*cached] // nil when the cache is off
}

type cached struct {
	key string
	doc *ast.Document
	op  *ast.OperationDefinition
	// private is set when the operation reads what only some users may
	// (the audit log): its results are never cached for others to get.
	private bool
}

func newDocCache(max int) *docCache {
	if max <= 0 {
		return &docCache{}
	}
	return &docCache{docs: newLRU(int64(max), func(string, *cached) int64 { return 1 })}
}

func cacheKey(req Request) string { return req.OperationName + "\x00" + req.Query }

func (c *docCache) get(key string) (*cached, bool) {
	if c.docs == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.docs.get(key)
}

func (c *docCache) put(v *cached) {
	if c.docs == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.docs.put(v.key, v)
}

func (c *docCache) len() int {
	if c.docs == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.docs.len()
}
