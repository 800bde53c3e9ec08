// Package cayley implements graph.Store on the Cayley quad store. It is the
// only package of claimgraph that imports Cayley.
//
// # Backends
//
// Open takes a store URL. "bolt:PATH" is an embedded bbolt file (Cayley's
// KV layer, with its bloom filter off: no_bloom). The file is opened here
// with a lock timeout and handed to Cayley, because Cayley's own bbolt
// backend would wait forever for a file another process holds; the second
// process gets an Unavailable error instead. "memory:" is Cayley's memstore,
// which has no locking of its own: every read and write goes through the
// Store's RWMutex. "postgres://…" is Cayley's SQL backend on PostgreSQL; its
// tables are created when missing.
//
// # Quad layout
//
// Every node is an IRI in the cg: scheme, so an export is made of absolute
// IRIs:
//
//	<cg:ontology>      the root of the ontology
//	<cg:type/Country>  an entity type       <cg:rel/allied-with>  a relation type
//	<cg:e/pakistan>    an entity            <cg:e/ttp#alias/0>    an entity's first alias
//	<cg:s/ID>          a statement          <cg:c/ID>             a claim
//	<cg:src/ID>        a source             <cg:p/…>              predicates
//
// The ontology is read through its root: <cg:ontology> <cg:p/entityType>
// <cg:type/X> and <cg:ontology> <cg:p/relationType> <cg:rel/Y>. A relation
// type carries its label, inverse and description as literals, its allowed
// subject and object types as <cg:p/subjectType> and <cg:p/objectType> links
// to type nodes (one quad each, sorted on read), <cg:p/symmetric> true when
// symmetric, one <cg:p/attribute> literal per attribute key and one <cg:p/cue>
// literal per cue.
//
// An entity is <cg:e/ID> rdf:type <cg:type/T> (so listing the entities of a
// type is an object lookup of the type node) with <cg:p/name> and
// <cg:p/description> literals. Each alias is a node of its own,
// <cg:e/ID#alias/N> with N its position in Entity.Aliases, linked by
// <cg:p/alias> and holding <cg:p/name> and, when known, <cg:p/usedBy> to the
// entity that uses the name. Entity ids never contain '#'.
//
// A statement is one direct edge, <cg:e/SUBJ> <cg:rel/TYPE> <cg:e/OBJ>
// <cg:s/ID>, whose label names it, so that path search follows plain edges.
// Its metadata hangs off the statement node: <cg:p/subject>,
// <cg:p/relation>, <cg:p/object>, <cg:p/attr/KEY> literals, <cg:p/validFrom>
// and <cg:p/validUntil>, and one <cg:p/claim> link per claim. A claim
// <cg:c/ID> has <cg:p/statement>, <cg:p/source>, <cg:p/claimant> (absent when
// the source itself states it), <cg:p/stance>, <cg:p/quote>, <cg:p/said> and
// <cg:p/credibility>. A source <cg:src/ID> is rdf:type <cg:class/Source>
// (so sources can be listed without a scan) with <cg:p/title>,
// <cg:p/publisher>, <cg:p/url>, <cg:p/published> and <cg:p/reliability>.
// Dates are plain literals as precise as the source gives them ("2021-08").
// An unknown or empty value is an absent quad.
//
// Who wrote an item hangs off its node too: <cg:p/recordedBy> (a user's
// name) and <cg:p/recordedAt> (RFC 3339, UTC) on every entity, statement,
// claim and source node an Apply adds or changes, and <cg:p/createdBy> and
// <cg:p/createdAt> on entities and statements when they are added. They are
// not content: Apply compares items without them and rewrites them only
// when the content changes. A bulk import records <cg:p/recordedBy> once,
// on its import node, with <cg:p/committed> as the time.
//
// The audit log (audit.go) is <cg:audit> <cg:p/entry> <cg:audit/ID>, with
// the entry as one JSON literal <cg:audit/ID> <cg:p/record>, added to the
// transaction of the write it records. Exports leave it out.
//
// <cg:ontology> <cg:p/version> "TOKEN" changes in every transaction that
// changes a type (the time and random bytes, unique across processes
// sharing a PostgreSQL store), so that OntologyVersion is one subject
// lookup and a schema generated from the ontology knows when to rebuild.
//
// <cg:meta> <cg:p/generation> "TOKEN" changes in every write on a store
// that other processes share (see Generation), so that read caches know
// when what they hold is stale.
//
// # Bulk imports
//
// Import (graph.BulkStore) writes a large body of facts that one source
// reports, such as an RDF dump read through a mapping, without multiplying
// quads: an entity is its rdf:type and <cg:p/name> quads, a statement is
// its edge alone, <cg:e/SUBJ> <cg:rel/TYPE> <cg:e/OBJ> <cg:imp/ID>, and an
// attribute is a <cg:p/attr/KEY> literal on <cg:s/SUBJ.TYPE.OBJ>. Every one
// of these quads is labelled with the import node <cg:imp/ID> (ID is the
// source id and a unique suffix). The statement's id is
// graph.DefaultStatementID, and its claim is implicit: the import's source
// asserts it, with no claimant (graph.ImplicitClaim). A fact file may still
// add explicit claims to it (a denial, a claimant): they hang off
// <cg:s/SUBJ.TYPE.OBJ> as usual, and readers merge both kinds.
//
// The import node holds <cg:p/source>, <cg:p/started>, <cg:p/digest> (a
// hash of the inputs) and <cg:p/items>, and is registered in
// <cg:imports> <cg:p/import> <cg:imp/ID> before the first batch, so that
// it can be found without a scan. On memory the quads go through Cayley's
// writer in transactions of 25,000. On PostgreSQL they go below it
// (package pgbulk), in one transaction with the import node and its
// registration: copied with COPY into a temporary table as they are
// validated, then merged into Cayley's nodes and quads tables, each value
// counted as Cayley counts it, and committed only when the whole import
// is valid, so that a failed, cancelled or refused import leaves the
// tables as they were. On bolt they go below
// it (package boltbulk): the import's quads are all new, so they are kept
// compactly in memory and written straight into Cayley's KV layout, first
// every value once in hash order, then the quads in id order, in
// transactions of 32,768 values and 100,000 quads, with a journal of what
// the values' reference counts gained, so that an uncommitted import can
// be undone exactly. Either way a last, small transaction adds
// <cg:p/committed>, writes the source and the ontology, and marks the
// source's previous import <cg:p/superseded>.
// Readers see a labelled quad only while its import is live, committed and
// not superseded: every read (reader.quads) drops the others, looking each
// import node up once per call. So an import is all or nothing even across
// many transactions, and a reader never sees half of one.
//
// An import that never commits (the process died, the context was
// cancelled, the input was refused) and a superseded one are dropped: by
// the importing call itself when it can, otherwise at the next Open, which
// walks <cg:imports>. Open drops every uncommitted import on a store only
// one process can open (bolt, memory) and those older than an hour on
// PostgreSQL, which other instances may be writing. Dropping is the one
// place that reads by label (a scan on PostgreSQL and memory); readers
// ignore the quads throughout, so a crash while dropping only delays it.
// On bolt the drop goes below Cayley too: an uncommitted import is undone
// with its journal (its quads are found from the first id it wrote on,
// and each value gives back what the import added to its count, and goes
// when unused), any other by reading the log from the import node's id
// on and deleting its quads and their values' references chunk by chunk,
// each chunk a transaction that Cayley's own deletes could have written
// (README.md has the figures). On PostgreSQL an import is dropped in one
// transaction that deletes its quads by label and takes their references
// back from their values (pgbulk.Drop).
//
// Importing the digest of the source's live import writes nothing.
// Another digest replaces the live import as a whole; the summary compares
// the two item by item, which costs a lookup per previous item.
//
// RetractSource of an imported source removes the source and marks its
// import superseded in one transaction (the statements, their claims and
// the import's entities vanish at once) and then drops the import's quads.
//
// # Reading and writing
//
// Every read starts from a known subject or object with Cayley's low-level
// iterator API; nothing is looked up by predicate or label alone, which is a
// full scan on KV backends, and the path API is not used. Relations reads
// out-edges through the entity's subject lookup and in-edges through its
// object lookup, keeping the cg:rel/ predicates. Sources are listed through the
// object lookup of <cg:class/Source>, a source's claims through the object
// lookup of the source node, and disputes through the object lookup of the
// literal "DENIES" (every denying claim; then their statements). Search
// reads every entity of the wanted types and folds case and diacritics on
// both sides (graph/search.Fold); a served store answers searches from the
// read cache's name index instead (graph/cache).
//
// RetractClaim and RetractSource remove claim quads, the statements' links
// to them, and every statement left without a claim (its metadata and its
// edge) in one transaction, under the same write lock as Apply.
//
// # Damaged bolt files
//
// A bolt file damaged below the store (bbolt asserts or faults on such
// pages instead of returning errors) never crashes or hangs a caller:
// Open checks the file first, bounded in time, and every use of the
// storage turns a panic into an Internal error naming the file, after
// which writes are refused and Err reports it (corrupt.go). Check
// verifies a store for claimgraph check.
//
// Apply validates the batch first, then compares, item by item, the quads
// the batch wants with the quads stored for that item, and writes only the
// difference with one ApplyDeltas (one transaction on KV and SQL). Writes
// are serialised, from their first read to their last write: in a process
// by the Store, and across the processes sharing a PostgreSQL store by an
// advisory lock (lock.go), so the conditions of graph.ApplyOptions (an id
// to create is free, an entity is unchanged) hold when the write commits.
// On bolt, Apply calls that wait for each other are planned one after the
// other, each over the changes of those before it, and committed as one
// bbolt transaction (group.go): a commit costs two fdatasyncs. A failed write may leave Cayley's in-memory
// IRI→id cache wrong, so the handle is closed and reopened (bolt, postgres);
// a memory store cannot be reopened and refuses further use as Unavailable.
package cayley
