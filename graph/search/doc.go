// Package search finds entities by a part of their name or of an alias,
// ignoring case and diacritics, the way graph.EntityQuery.Search defines
// it.
//
// Fold is the one definition of "ignoring case and diacritics": the store
// folds names with it when it scans them, and the index folds queries
// with it. Index holds the folded names of every entity of a snapshot
// with a trigram index over them: a query of three or more bytes reads
// only the entities that hold each of its trigrams, intersected from the
// rarest up, and confirms each candidate with a substring test; a query
// shorter than that tests every name. Either way the answer is exactly
// the entities whose folded name or alias contains the folded query, in
// id order.
package search
