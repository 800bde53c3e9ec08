// Package xref finds pairs of entities that may be one: the same actor that
// two reports spell differently ("Tehrik-e-Taliban Pakistan" and
// "Tehrik-i-Taliban Pakistan", "TTP"), for a person to judge.
//
// It never compares all pairs. Every name and alias of an entity gives
// blocking keys, and only entities of one type that share a key are
// compared:
//
//   - the fingerprint: the name folded (case and diacritics), punctuation
//     dropped, each token reduced to its transliteration skeleton (e, i,
//     ee and y read as one vowel, doubled letters as one: "Tehreek" and
//     "Tehrik" alike), tokens sorted;
//   - the acronym of a long name ("Tehrik-e-Taliban Pakistan" gives
//     "ttp", its one-letter joining words skipped), when some entity of
//     the type has that acronym as a name of its own;
//   - each rare token: one that at most Options.MaxBlock entities of the
//     type share (so "John" blocks nothing on a large graph, "Kelly" does).
//
// Each pair is scored from its best pair of names — the same fingerprint,
// the same transliteration skeleton, an acronym of the other, else
// Jaro-Winkler similarity of the fingerprints or the weighted share of
// their tokens (rare tokens weigh more) — and from the neighbours the two
// share: entities both are linked to, directly or through one entity in
// between (co-stars of one film), a neighbour counting as shared when
// the two neighbours have the same fingerprint. Every part that counts is
// listed as a Reason.
package xref
