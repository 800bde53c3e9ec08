package schema

import (
	"testing"
)

// BenchmarkQueries runs the load mix's queries in-process on the built-in
// seed in a memory store.
func BenchmarkQueries(b *testing.B) {
	h := newHandler(b)
	for _, q := range []struct{ name, query string }{
		{"entity", `{ entity(id:"india") { name type aliases } }`},
		{"relations", `{ entity(id:"ttp") { relations { type status from { id name } to { id name } claims { stance claimant { name } quote } } } }`},
		{"search", `{ entities(search:"tali", first: 10) { nodes { id name } } }`},
		{"paths", `{ paths(from:"india", to:"afghan-taliban", k: 3) { length hops { explanation } } }`},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if resp, _ := h.Do(b.Context(), Request{Query: q.query}); len(resp.Errors) > 0 {
					b.Fatal(resp.Errors)
				}
			}
		})
	}
}
