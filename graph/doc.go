// Package graph is claimgraph's domain: the claim graph and the operations on
// it, independent of any storage engine or transport.
//
// The model. An Ontology declares the entity types (Country, Group, …) and
// the relation types (allied-with, accused-of-backing, …) with the entity
// types each relation may connect. An Entity is a thing the news speaks of,
// named by a stable slug id ("pakistan", "ttp"). A relation between two
// entities is never a bare edge: it is a Statement ("india accused-of-backing
// ttp") that carries the Claims made about it. A Claim records who said it
// (the claimant, an entity; none when the Source itself reports it as fact),
// in which Source, when, in what words, and whether it ASSERTS or DENIES the
// statement. A statement's Status is derived from its claims (see
// DeriveStatus): REPORTED, ALLEGED, DISPUTED or DENIED. Nothing is stored
// with more certainty than its source gave it.
//
// Storage engines implement Store; every method takes a context first and
// reports failures as *Error values carrying one of a handful of codes
// (Invalid, NotFound, Conflict, Unauthorized, Internal), read with ErrorCode.
// Transports translate those codes in exactly one place each.
//
// This package imports only the standard library.
package graph
