// Package schema is claimgraph's GraphQL transport: the schema generated
// from the ontology, its resolvers, the mapping of domain errors to GraphQL
// errors and the GraphQL-over-HTTP handler. The pages people use in the
// browser, the playground and the explorer, are package schema/web.
//
// The schema is generated, not written: every entity type of the ontology
// becomes an object type implementing the Entity and Node interfaces, so an
// ontology that gains a type gains it in the API. Relations are statements:
// each Relation carries its derived status and the claims behind it, and
// each Claim its claimant, stance, source and verbatim quote.
//
// Ids. An entity's id is its slug ("india"). The ids of the other node
// types carry their kind so that Query.node can resolve any of them:
// "relation:india.accused-of-backing.ttp", "claim:…", "source:…".
//
// Relations. Every relation type is also a typed field on the entity
// types it connects (see typed.go for the naming rule), and lists that can
// grow are Relay connections with opaque cursors. Entity reads of one
// request go through a loader: resolvers return thunks, and graphql-go
// calls them a level at a time, so each level costs one
// Store.EntitiesByID.
//
// Writes. Mutations build batches for Store.Apply (validated like seed
// files, all or nothing) or call the Store's retractions, and need a
// request authorised with the bearer token of Options.Token.
//
// Freshness. The Handler reads the store's ontology version at most once
// per Options.OntologyCheck and rebuilds the schema, with an empty
// document cache, when it changed: another process may have written the
// ontology of a shared store.
//
// Errors. Resolvers return domain errors (*graph.Error); toClient maps them,
// in this one place, to errors with a stable extensions.code
// (BAD_USER_INPUT, NOT_FOUND, CONFLICT, UNAUTHENTICATED, FORBIDDEN,
// RATE_LIMITED, SERVICE_UNAVAILABLE, INTERNAL_SERVER_ERROR). Internal details are logged,
// never shown.
//
// Hostile queries. graphql-go v0.8.1 overflows its stack on cyclic
// fragments and validates deep documents in quadratic time, so the handler
// checks bracket nesting before parsing, runs the fragment-cycle rule
// alone before the full validation, and bounds the depth of the expanded
// selection (see Limits).
package schema
