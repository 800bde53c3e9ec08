// Package draft reads a news article and drafts the fact file an analyst
// would write from it: the known entities it mentions, the proper names it
// uses that no known entity has, and the statements it appears to make,
// each with its claims (who says it, asserting or denying) and the quote
// that carries it, anchored in the text by code-point offsets. Every
// suggestion says why it was made. The draft is for review, never stored as
// it is: Render writes it as a fact file to edit and load.
//
// The extractor sits behind the Extractor interface. Rules, the one this
// package gives, works in steps:
//
//   - Sentences: lines are split at sentence-final marks, not after
//     abbreviations ("Dr.", "e.g."), initials ("J.") or dotted acronyms
//     ("U.S.") that no sentence opener follows; a short line without a
//     final mark is a heading, which is read for mentions only.
//   - Mentions: the names and aliases of the known entities, through one
//     Aho–Corasick automaton over the text folded to lower case without
//     diacritics, as whole words, leftmost and longest first (acronyms and
//     one- or two-letter names only as written); the surname alone for
//     people (entity types whose description speaks of a person);
//     descriptive names ("X accounts operating from India") by their head
//     noun and enough of their other words in the sentence; adjectives of
//     place ("Ruritanian"); and references: "he" and "she" for the last
//     person, "the minister", "the group", "the country", "such accounts"
//     for the last entity of the type the noun names, "both countries" for
//     the two last mentioned together. Names joined by "and" or commas form
//     a group that a statement takes whole.
//   - Statements: a sentence whose words match a cue of a relation type (the
//     ontology's cues, inflection and a few words between the parts
//     tolerated) with a fitting mention on each side: the nearest on the
//     left, the first just after the cue on the right; a cue starting with
//     "^" reads the object first. When the left one is missing, the first
//     fitting mention of the sentence before stands in. The quote is the
//     smallest stretch from the first to the last word the statement rests
//     on.
//   - Claims: the claimant is the speaker of an attribution ("X said",
//     "according to X", "he added") or an accusation ("X accuses Y of"),
//     else the source itself. A denial ("deny", "rejects") after the cue adds
//     a DENIES claim by each denier party to the statement ("both
//     countries" → each accused country); one before the cue, or a negation
//     ("not linked to"), makes the claim a denial. A denial in a sentence
//     without statements denies those of the sentence before.
//   - Attributes: a number before the subject ("at least 19 X accounts")
//     becomes count, a title ("Deputy Interior Minister") role, where the
//     relation type declares them; "since 2019" the statement's since.
package draft
