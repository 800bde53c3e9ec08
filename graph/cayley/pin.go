package cayley

import (
	"fmt"
	"slices"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
)

// Pins work around a bug of Cayley's KV writer (graph/kv ApplyDeltas at
// v0.7.7-0.20240706181042-81dcd7d73e45). It nets the reference count of
// every node over the whole transaction and resolves node ids for added
// quads only from the nodes whose net count is not negative. A node that
// an added quad uses but that loses more references than it gains in the
// same transaction (the predicate <cg:p/name> when an entity drops two
// aliases and adds one; a type node losing two properties and gaining
// one) is left out of the added quad, which is then stored without that
// direction: its value reads back empty.
//
// So every KV transaction also adds, for each such node, enough pin quads
// <cg:pins> <cg:p/pin> NODE <cg:pin/UNIQUE> to make its net count zero,
// and a second, delete-only transaction removes them. Pins are invisible
// to every read (nothing looks up <cg:pins> but the cleanup) and a crash
// between the two leaves only pins, which the next write removes: the
// change itself stays atomic.
const (
	iriPins = quad.IRI("cg:pins")
	pPin    = quad.IRI("cg:p/pin")
)

// pinQuads returns the pin quads the deltas need; nonce makes their labels
// unique to this transaction.
func pinQuads(deltas []cgraph.Delta, nonce int64) []quad.Quad {
	net := map[string]int{}
	vals := map[string]quad.Value{}
	added := map[string]bool{}
	for _, d := range deltas {
		for _, dir := range quad.Directions {
			v := d.Quad.Get(dir)
			if v == nil {
				continue
			}
			k := v.String()
			vals[k] = v
			if d.Action == cgraph.Add {
				net[k]++
				added[k] = true
			} else {
				net[k]--
			}
		}
	}
	var keys []string
	for k, n := range net {
		if n < 0 && added[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var pins []quad.Quad
	for _, k := range keys {
		for range -net[k] {
			label := quad.IRI(fmt.Sprintf("cg:pin/%d.%d", nonce, len(pins)))
			pins = append(pins, quad.Make(iriPins, pPin, vals[k], label))
		}
	}
	return pins
}
