package main

import (
	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/path"
	"github.com/claimgraph/claimgraph/schema"
)

// Neighbors hands path search the fast Neighbors of the store under the
// instruments (the cache's adjacency index), so that serve's GraphQL path
// fields use it; a store without one is read through path.StoreNeighbors.
func (s instrumentedStore) Neighbors(ont graph.Ontology) path.Neighbors {
	if p, ok := s.Store.(schema.NeighborsProvider); ok {
		return p.Neighbors(ont)
	}
	return path.StoreNeighbors(s, ont)
}
