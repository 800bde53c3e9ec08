package draft

// matcher finds every occurrence of a set of patterns in a text in one
// pass, whatever the number of patterns: an Aho–Corasick automaton over
// runes. Patterns and text are compared rune by rune, so callers fold both
// the same way first.
type matcher struct {
	next []map[rune]int32 // trie edges, node 0 the root
	fail []int32          // longest proper suffix that is also a trie node
	out  [][]int32        // patterns ending at the node, its suffixes' included
	size []int            // length of each pattern in runes
}

// newMatcher builds the automaton of patterns; pattern i is reported as i.
// Empty patterns are never reported.
func newMatcher(patterns [][]rune) *matcher {
	m := &matcher{next: []map[rune]int32{{}}, fail: []int32{0}, out: [][]int32{nil}}
	for i, p := range patterns {
		m.size = append(m.size, len(p))
		if len(p) == 0 {
			continue
		}
		n := int32(0)
		for _, r := range p {
			c, ok := m.next[n][r]
			if !ok {
				c = int32(len(m.next))
				m.next = append(m.next, map[rune]int32{})
				m.fail = append(m.fail, 0)
				m.out = append(m.out, nil)
				m.next[n][r] = c
			}
			n = c
		}
		m.out[n] = append(m.out[n], int32(i))
	}
	// Breadth-first, so that a node's fail link is set before its children's.
	queue := make([]int32, 0, len(m.next))
	for _, c := range m.next[0] {
		queue = append(queue, c)
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for r, c := range m.next[n] {
			f := m.fail[n]
			for {
				if g, ok := m.next[f][r]; ok && g != c {
					m.fail[c] = g
					break
				}
				if f == 0 {
					m.fail[c] = 0
					break
				}
				f = m.fail[f]
			}
			m.out[c] = append(m.out[c], m.out[m.fail[c]]...)
			queue = append(queue, c)
		}
	}
	return m
}

// find calls fn for every occurrence of every pattern in text, with its
// rune offsets [start, end), in order of end.
func (m *matcher) find(text []rune, fn func(start, end, pattern int)) {
	n := int32(0)
	for i, r := range text {
		for {
			if c, ok := m.next[n][r]; ok {
				n = c
				break
			}
			if n == 0 {
				break
			}
			n = m.fail[n]
		}
		for _, p := range m.out[n] {
			fn(i+1-m.size[p], i+1, int(p))
		}
	}
}
