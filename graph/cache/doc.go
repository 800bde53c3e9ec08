// Package cache keeps what a graph.Store has read in memory, so that the
// same entity, statement, source or list of relations is read from the
// storage engine once, not once per GraphQL field or path-search step.
//
// Correctness comes first: the cache trusts nothing it holds unless the
// store's generation — a token that changes with every committed write,
// also a write by another process sharing a PostgreSQL database — is the
// one it was filled under. Every read compares the generation first, and an
// entry read under an older generation is never stored. Writes pass
// straight through to the store. Queries the cache does not understand
// (a RelationQuery field it does not know) pass through too, so the cache
// never answers differently from the store.
package cache
