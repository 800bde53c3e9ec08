// Package movietest gives the tests and benchmarks of graph/cayley
// Cayley's movie data (data/30kmoviedata.nq.gz in the Cayley module,
// 471,705 quads) imported through the shipped mapping,
// seed/examples/movie-mapping.yaml, into a bolt store on disk. It sits
// under internal/ so that only graph/cayley can import it.
//
// The import takes a while, so the tests and benchmarks that use it are
// opt-in; CLAIMGRAPH_MOVIE_BOLT=FILE makes them open a copy of a store
// imported before (claimgraph seed --mapping … into FILE) instead.
package movietest
