package schema

import "container/list"

// lru is a map from string keys to values that holds at most max units
// and, when a new entry would make it hold more, forgets the entries used
// least recently. What an entry weighs is up to the owner (its size
// function): one per entry for a cache bounded by count, its bytes for
// one bounded by memory. It does no locking; its owner does.
type lru[V any] struct {
	max  int64
	size func(key string, v V) int64

	order *list.List // of *lruEntry[V], most recently used first
	index map[string]*list.Element
	used  int64 // the sizes of the entries held
}

type lruEntry[V any] struct {
	key  string
	val  V
	size int64
}

func newLRU[V any](max int64, size func(key string, v V) int64) *lru[V] {
	return &lru[V]{max: max, size: size, order: list.New(), index: map[string]*list.Element{}}
}

// get returns the value of key, now the most recently used.
func (c *lru[V]) get(key string) (V, bool) {
	el, ok := c.index[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry[V]).val, true
}

// put sets the value of key, now the most recently used, and forgets the
// least recently used entries while the cache holds more than max.
func (c *lru[V]) put(key string, v V) {
	size := c.size(key, v)
	if el, ok := c.index[key]; ok {
		e := el.Value.(*lruEntry[V])
		c.used += size - e.size
		e.val, e.size = v, size
		c.order.MoveToFront(el)
	} else {
		c.index[key] = c.order.PushFront(&lruEntry[V]{key: key, val: v, size: size})
		c.used += size
	}
	for c.used > c.max && c.order.Len() > 0 {
		e := c.order.Remove(c.order.Back()).(*lruEntry[V])
		delete(c.index, e.key)
		c.used -= e.size
	}
}

// len returns the number of entries held.
func (c *lru[V]) len() int { return c.order.Len() }

// bytes returns the total size of the entries held.
func (c *lru[V]) bytes() int64 { return c.used }

// clear forgets every entry.
func (c *lru[V]) clear() {
	c.order.Init()
	clear(c.index)
	c.used = 0
}
