package schema

import (
	"container/list"
	"sync"

	"github.com/graphql-go/graphql/language/ast"
)

// docCache is a bounded LRU of documents that passed every check, keyed by
// operation name and query text. It belongs to one built schema, so a
// rebuilt schema starts with an empty cache.
type docCache struct {
	max int

	mu    sync.Mutex
	order *list.List // of *cached, most recent first
	index map[string]*list.Element
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
	return &docCache{max: max, order: list.New(), index: map[string]*list.Element{}}
}

func cacheKey(req Request) string { return req.OperationName + "\x00" + req.Query }

func (c *docCache) get(key string) (*cached, bool) {
	if c.max <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.index[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cached), true
}

func (c *docCache) put(v *cached) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.index[v.key]; ok {
		el.Value = v
		c.order.MoveToFront(el)
		return
	}
	c.index[v.key] = c.order.PushFront(v)
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.index, last.Value.(*cached).key)
	}
}

func (c *docCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
