// Package seed reads claimgraph's fact files and holds the built-in seed:
// the ontology and the facts read from the first article.
//
// # Fact files
//
// A fact file is YAML that an analyst can write by hand. It has up to four
// sections, any of them optional; several files (an ontology file and fact
// files, say) are merged in order into one graph.Batch:
//
//	ontology:
//	  entityTypes:
//	    - {name: Country, description: A sovereign state.}
//	  relationTypes:
//	    - name: accused-of-backing
//	      label: accused of backing
//	      subject: [Country]
//	      object: [Group]
//	sources:
//	  - id: src-86013d487e35f14f
//	    title: Pakistan warns it may block social media platforms for non-compliance
//	entities:
//	  - {id: ttp, type: Group, name: Tehrik-e-Taliban Pakistan, aliases: [TTP]}
//	statements:
//	  - subject: india
//	    relation: accused-of-backing
//	    object: ttp
//	    claims:
//	      - source: src-86013d487e35f14f
//	        by: pakistan        # the claimant; left out when the source states it
//	        stance: ASSERTS     # the default; or DENIES
//	        quote: Pakistan frequently accuses Afghanistan and India of backing the BLA and TTP
//
// Every relation is a statement carrying its claims: who says it (by), in
// which source, in what words (quote), when (said), and whether the claim
// ASSERTS or DENIES it. Statement and claim ids may be left out; they default
// to graph.DefaultStatementID and graph.DefaultClaimID. A file may refer to
// entities, sources and types that another file of the same load, or the
// store, already holds. FORMAT.md in this directory describes every key.
//
// # One way in
//
// Import is the one entry point for every caller: the seed command, the
// built-in seed and the files given at start, the GraphQL importFacts
// mutation and POST /import. An Input carries a name for positions, an
// optional Format and its content (a stream, or bytes in memory); the
// mapping, the dry run and the decompression limits are Options. A
// format left out is told from the first bytes of the content (gzip data
// is looked into first), the name's suffix deciding only where the
// content does not tell; readInput, the one function that picks a
// parser, has the rules. Besides fact files in YAML, the same in JSON
// (claimgraph's JSON export) and CSV (one kind of item per file, told
// apart by the header) are read with positions and merged into one
// batch. N-Quads without a mapping are claimgraph's own export, decoded
// into its items, checked and restored (restore.go). N-Quads and JSON-LD
// with a Mapping (ParseMapping) are streamed into one bulk import
// (graph.BulkStore) whose records of nodes and statements are sorted in
// runs spilled to temporary files, so that its memory does not grow with
// the input (import.go). Both kinds
// of N-Quads go through one RDF 1.1 line parser (nquads.go), which for
// mapped data also admits relative IRIs. GraphML, an export format, is
// refused with the list of formats read. FORMAT.md describes every
// format.
//
// # Loading and errors
//
// Import reads and checks every input before it writes anything, then
// writes the restores, the fact files (graph.Store.Apply, atomic) and the
// bulk import, and reports each part's counts (Report). Load is Import of
// inputs in memory with the counts added up; Parse reads fact files
// without a store. ReadFiles and OpenFiles read files from disk, Builtin
// returns the embedded seed.
//
// Errors name the place to fix. Parse walks the YAML node tree itself, so it
// knows the line and column of every item, key and value, and reports every
// problem of every file at once, as one *graph.Error with code graph.Invalid
// whose message has one line per problem, ordered by input, line and column:
//
//	facts.yaml:4:13: unknown entity "indai"; did you mean "india"?
//
// The column is that of the offending value, or of the key or the item when
// the value is missing. YAML syntax errors are reported at the line where
// the input stops parsing, column 1 (the YAML library tells no column).
// Problems found later, by graph.ValidateBatch or Store.Apply, name an item
// of the merged batch and a field (graph.Problem); Parsed.Locate maps each
// back to the file, line and column where that item's field was written,
// keeping the error's code.
package seed
