package search

import (
	"slices"
	"sort"
	"strings"
)

// Entry is one entity as the index sees it: its id, its type, and its
// name and aliases (not folded).
type Entry struct {
	ID    string
	Type  string
	Names []string
}

// Index answers substring searches over the names of a fixed set of
// entities. It is never modified after NewIndex, so it is safe for
// concurrent use.
type Index struct {
	ids   []string   // sorted
	types []string   // types[i] is the type of ids[i]
	names [][]string // names[i] are the folded names of ids[i]
	// postings maps a trigram (three bytes of a folded name, packed) to
	// the entities whose names hold it, in ascending order.
	postings map[uint32][]int32
}

// NewIndex builds the index of entries.
func NewIndex(entries []Entry) *Index {
	entries = slices.Clone(entries)
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.ID, b.ID) })
	x := &Index{
		ids:      make([]string, len(entries)),
		types:    make([]string, len(entries)),
		names:    make([][]string, len(entries)),
		postings: map[uint32][]int32{},
	}
	for i, e := range entries {
		x.ids[i], x.types[i] = e.ID, e.Type
		folded := make([]string, 0, len(e.Names))
		for _, n := range e.Names {
			folded = append(folded, Fold(n))
		}
		x.names[i] = folded
		for _, n := range folded {
			for j := 0; j+3 <= len(n); j++ {
				t := trigram(n[j:])
				p := x.postings[t]
				if len(p) == 0 || p[len(p)-1] != int32(i) {
					x.postings[t] = append(p, int32(i))
				}
			}
		}
	}
	return x
}

func trigram(s string) uint32 { return uint32(s[0])<<16 | uint32(s[1])<<8 | uint32(s[2]) }

// Len returns the number of entities in the index.
func (x *Index) Len() int { return len(x.ids) }

// Query selects entities: those whose folded name or alias contains the
// folded Search, of type Type when it is set, with an id after After, at
// most Limit of them (0: no cap).
type Query struct {
	Search string
	Type   string
	After  string
	Limit  int
}

// Search returns the ids of the entities q selects, in id order.
func (x *Index) Search(q Query) []string {
	s := Fold(q.Search)
	start := int32(sort.SearchStrings(x.ids, q.After))
	if start < int32(len(x.ids)) && x.ids[start] == q.After && q.After != "" {
		start++
	}
	var out []string
	take := func(i int32) bool {
		if q.Type != "" && x.types[i] != q.Type {
			return true
		}
		if !x.matches(i, s) {
			return true
		}
		out = append(out, x.ids[i])
		return q.Limit <= 0 || len(out) < q.Limit
	}
	if len(s) < 3 {
		for i := start; i < int32(len(x.ids)); i++ {
			if !take(i) {
				break
			}
		}
		return out
	}
	lists := make([][]int32, 0, len(s)-2)
	for j := 0; j+3 <= len(s); j++ {
		p, ok := x.postings[trigram(s[j:])]
		if !ok {
			return nil
		}
		lists = append(lists, p)
	}
	slices.SortFunc(lists, func(a, b []int32) int { return len(a) - len(b) })
	rarest := lists[0]
	from, _ := slices.BinarySearch(rarest, start)
	for _, i := range rarest[from:] {
		if !inAll(lists[1:], i) {
			continue
		}
		if !take(i) {
			break
		}
	}
	return out
}

// matches reports whether an entity's folded names hold s.
func (x *Index) matches(i int32, s string) bool {
	if s == "" {
		return true
	}
	for _, n := range x.names[i] {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// inAll reports whether every list holds i.
func inAll(lists [][]int32, i int32) bool {
	for _, l := range lists {
		if _, ok := slices.BinarySearch(l, i); !ok {
			return false
		}
	}
	return true
}
