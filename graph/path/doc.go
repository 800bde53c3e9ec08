// Package path finds the ways two entities of the claim graph are
// connected, and how well each step is supported.
//
// The path algorithms (ShortestPaths, KShortestPaths, AllSimplePaths,
// MostCrediblePaths, Neighborhood) run on Neighbors, not on Store, so that a
// faster adjacency index can replace StoreNeighbors without touching them.
// One that holds the whole graph offers it as an Adjacency (see
// DenseNeighbors), which the algorithms walk as arrays of entity numbers;
// any other Neighbors is read entity by entity. The results are the same.
// Every search is bounded: MaxDepth bounds path length, MaxExpanded bounds
// the work, and a search that hits a bound it cannot honour returns an
// Invalid error naming the bound instead of a partial answer. Results are
// deterministic: ties are broken by entity id, then statement id.
//
// The cost of a hop (HopCost) says how weakly its claims support it; the
// most credible paths are the cheapest ones. An Adjacency is built from a
// graph.Snapshot by the read cache (graph/cache) and serves every search
// until the store changes.
//
// This package imports only the standard library and package graph.
package path
