// Command claimgraph-load drives a running claimgraph serve with a read mix
// of GraphQL queries from many concurrent clients and reports throughput and
// latency percentiles. It is bounded in requests and time and stops by
// itself.
//
//	claimgraph-load [--url http://127.0.0.1:8080/graphql] [--clients 50] [--duration 10s] [--requests N]
//	                [--mix seed|movies] [--people 200]
//
// It exits non-zero when any request fails, so a run doubles as a check.
package main
