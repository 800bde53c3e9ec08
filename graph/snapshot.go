package graph

import "context"

// Snapshot is the whole graph of a store read in one pass, for building
// in-memory indexes such as the adjacency index of graph/cache.
type Snapshot struct {
	// Generation is the store's generation token (see Versioned)
	// read before the scan. The snapshot holds everything written under
	// it; a write by another process during the scan may show in it too,
	// which only makes the snapshot look older than it is, never newer.
	Generation string
	// Ontology is the stored ontology.
	Ontology Ontology
	// EntityTypes maps the id of every entity to its type.
	EntityTypes map[string]string
	// Names maps the id of every entity to its name and its aliases' names
	// (in no particular order), for a search index.
	Names map[string][]string
	// Statements holds every statement with its claims (ordered by claim
	// id), ordered by statement id: the statements Store.Relations returns.
	Statements []Statement
	// Sources holds the sources the statements' claims cite, by id.
	Sources map[string]Source
}

// Scanner is a Store that can read a Snapshot of everything it holds in one
// pass, much faster than an entity-by-entity walk.
type Scanner interface {
	// Scan reads the snapshot. It is a full scan of the storage, meant for
	// building an index, not for serving a request.
	Scan(ctx context.Context) (Snapshot, error)
}
