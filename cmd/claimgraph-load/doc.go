// Command claimgraph-load drives a running claimgraph serve with a read mix
// of GraphQL queries from many concurrent clients and reports throughput and
// latency percentiles. It is bounded in requests and time and stops by
// itself.
//
//	claimgraph-load [--url http://127.0.0.1:8080/graphql] [--clients 50] [--duration 10s] [--requests N]
//	                [--mix seed|movies] [--people 200]
//
// It exits non-zero when any request fails, so a run doubles as a check.
//
// With --curve it measures how claimgraph scales instead, on Cayley's
// movie data replicated to each size (copies with suffixed ids, so they
// share nothing but the types): for each size it imports the data with
// `claimgraph seed` in a child process (time, and peak RSS as the kernel
// counts it for the child), serves the store with the response cache off
// until /readyz says the path and search index is built, asks shortest
// and k=10 paths between actor pairs one at a time and the co-star
// two-hop from --clients clients for --duration, and prints a markdown
// table:
//
//	claimgraph-load --curve 1,4,10 [--claimgraph BIN] [--data FILE.nq.gz] [--work-dir DIR] [--pairs 100]
package main
