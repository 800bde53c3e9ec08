package schema

import (
	"slices"
	"testing"
)

func TestLRU(t *testing.T) {
	byLen := func(key string, v string) int64 { return int64(len(key) + len(v)) }
	one := func(string, string) int64 { return 1 }
	type op struct {
		put  bool // a put of key=val, else a get of key
		key  string
		val  string
		want string // of a get: the value, or "" for a miss
	}
	for _, tc := range []struct {
		name      string
		max       int64
		size      func(string, string) int64
		ops       []op
		wantKeys  []string // held at the end, most recently used first
		wantBytes int64
	}{
		{
			name: "a count bound forgets the least recently used entry",
			max:  2, size: one,
			ops:      []op{{put: true, key: "a", val: "1"}, {put: true, key: "b", val: "2"}, {key: "a", want: "1"}, {put: true, key: "c", val: "3"}, {key: "b"}},
			wantKeys: []string{"c", "a"}, wantBytes: 2,
		},
		{
			name: "a size bound forgets as many entries as it takes",
			max:  6, size: byLen,
			ops:      []op{{put: true, key: "a", val: "1"}, {put: true, key: "b", val: "2"}, {put: true, key: "c", val: "3"}, {put: true, key: "d", val: "4444"}},
			wantKeys: []string{"d"}, wantBytes: 5,
		},
		{
			name: "a put of a held key replaces its value and its size",
			max:  10, size: byLen,
			ops:      []op{{put: true, key: "a", val: "1"}, {put: true, key: "b", val: "2"}, {put: true, key: "a", val: "1234"}, {key: "a", want: "1234"}},
			wantKeys: []string{"a", "b"}, wantBytes: 7,
		},
		{
			name: "an entry larger than the bound is not kept",
			max:  3, size: byLen,
			ops:      []op{{put: true, key: "a", val: "1"}, {put: true, key: "b", val: "1234"}, {key: "b"}, {key: "a"}},
			wantKeys: nil, wantBytes: 0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newLRU(tc.max, tc.size)
			for i, o := range tc.ops {
				if o.put {
					c.put(o.key, o.val)
					continue
				}
				got, ok := c.get(o.key)
				if ok != (o.want != "") || got != o.want {
					t.Errorf("op %d: get(%q) = %q, %v; want %q", i, o.key, got, ok, o.want)
				}
			}
			var keys []string
			for el := c.order.Front(); el != nil; el = el.Next() {
				keys = append(keys, el.Value.(*lruEntry[string]).key)
			}
			if !slices.Equal(keys, tc.wantKeys) || c.len() != len(tc.wantKeys) || c.bytes() != tc.wantBytes {
				t.Errorf("holds %q (len %d) in %d; want %q in %d", keys, c.len(), c.bytes(), tc.wantKeys, tc.wantBytes)
			}
			c.clear()
			if c.len() != 0 || c.bytes() != 0 || len(c.index) != 0 {
				t.Errorf("after clear: %d entries, %d bytes", c.len(), c.bytes())
			}
		})
	}
}
