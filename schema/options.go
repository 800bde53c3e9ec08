package schema

import (
	"context"
	"io"
	"runtime"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/feed"
)

// Limits bound what one request may ask for. Zero fields take the defaults.
type Limits struct {
	// MaxBodyBytes caps the size of a request body, and of the query of a
	// GET (default 1 MiB).
	MaxBodyBytes int64
	// MaxDepth caps the nesting of selections, fragments expanded
	// (default 20; GraphiQL's introspection query needs 13).
	MaxDepth int
	// MaxNesting caps the bracket nesting of the raw document, checked
	// before parsing (default 64).
	MaxNesting int
	// MaxFields caps the number of fields (aliases count as fields of
	// their own, and fragment spreads count too) in the document, every
	// operation and fragment with fragments expanded, checked before the
	// full validation, which is quadratic in it (default 1000; GraphiQL's
	// introspection query counts 468).
	MaxFields int
	// MaxFieldPairs caps the pairs of fields that share a response name
	// in one selection set, fragments merged in, counted over the
	// document: graphql-go's validation compares each such pair, and
	// their selections in turn (default 10000).
	MaxFieldPairs int
	// MaxTokens caps the tokens of the raw document, counted before
	// parsing (default 15000; GraphiQL's introspection query has 160).
	MaxTokens int
	// MaxOperations and MaxFragments cap the operations and fragment
	// definitions of a document (default 100 each).
	MaxOperations, MaxFragments int
	// MaxVariables caps the variable definitions of one operation
	// (default 100), MaxDocumentVariables those of the whole document,
	// and also the uses of variables in it (default 1000 each).
	MaxVariables, MaxDocumentVariables int
	// MaxArguments caps the arguments of one field or directive (default
	// 50), MaxDocumentArguments those of the whole document (default
	// 1000).
	MaxArguments, MaxDocumentArguments int
	// MaxDirectives caps the directives of a document (default 100).
	MaxDirectives int
	// MaxErrors caps the errors of one response (default 100); validation
	// stops once it has found more. MaxErrorBytes caps the size of their
	// messages (default 64 KiB). A last error says how many were left
	// out.
	MaxErrors, MaxErrorBytes int
	// Timeout bounds one request, its checks and its execution; the
	// request context, and with it the validation and every store read,
	// is cancelled when it runs out (default 10s).
	Timeout time.Duration
	// MaxResultItems caps the entities and relations one request's result
	// may hold (default 50,000; the two-hop of a prolific actor of the
	// movie data holds about 2,000): the memory of a request follows the
	// size of its result.
	MaxResultItems int
	// MaxConcurrent caps the requests executed at once (default four per
	// core); others wait for a turn within their time budget, then get
	// SERVICE_UNAVAILABLE. Answers from the response cache do not wait.
	MaxConcurrent int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = 1 << 20
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 20
	}
	if l.MaxNesting <= 0 {
		l.MaxNesting = 64
	}
	for _, d := range []struct {
		field *int
		def   int
	}{
		{&l.MaxFields, 1000}, {&l.MaxFieldPairs, 10000}, {&l.MaxTokens, 15000},
		{&l.MaxOperations, 100}, {&l.MaxFragments, 100},
		{&l.MaxVariables, 100}, {&l.MaxDocumentVariables, 1000},
		{&l.MaxArguments, 50}, {&l.MaxDocumentArguments, 1000},
		{&l.MaxDirectives, 100}, {&l.MaxErrors, 100}, {&l.MaxErrorBytes, 64 << 10},
	} {
		if *d.field <= 0 {
			*d.field = d.def
		}
	}
	if l.Timeout <= 0 {
		l.Timeout = 10 * time.Second
	}
	if l.MaxResultItems <= 0 {
		l.MaxResultItems = 50_000
	}
	if l.MaxConcurrent <= 0 {
		l.MaxConcurrent = 4 * runtime.GOMAXPROCS(0)
	}
	return l
}

// Options configure a Handler. Zero fields take the defaults.
type Options struct {
	Limits
	// Token is a bearer token that acts as one admin named "admin"; with
	// neither it nor Users nor HeaderAuth, writes are refused and reads stay
	// open.
	Token string
	// Users are the users known by their bearer tokens (see auth.go); the
	// table may be replaced while the handler serves.
	Users *Users
	// HeaderAuth, when set, takes the user from a header set by a trusted
	// single-sign-on proxy.
	HeaderAuth *HeaderAuth
	// RequireAuthForReads refuses queries from anonymous requests.
	RequireAuthForReads bool
	// AuthFailureBurst and AuthFailureRefill rate-limit bad bearer tokens
	// per client address: an address may send AuthFailureBurst of them,
	// then one per AuthFailureRefill (defaults 10 and 6s).
	AuthFailureBurst  int
	AuthFailureRefill time.Duration
	// NoIntrospection refuses queries of __schema and __type.
	NoIntrospection bool
	// OntologyCheck is how often, at most, a request checks the store's
	// ontology version and rebuilds the schema when it changed (default
	// 1s). Other processes may change the ontology of a shared store, so
	// the check asks the store; between checks the schema may lag by this
	// much.
	OntologyCheck time.Duration
	// CacheSize bounds the cache of parsed and validated documents
	// (default 1000 documents; negative turns it off).
	CacheSize int
	// Import reads facts in a file format into the store, all or nothing;
	// it serves the importFacts mutation and POST /import. Without it both
	// answer that imports are not available.
	Import Importer
	// MaxImportBytes caps the body of POST /import (default 256 MiB).
	MaxImportBytes int64
	// ImportIdle is the longest POST /import may go without receiving a
	// byte of its body (default 30s): a slow but steady upload goes on, a
	// stalled one is answered 408.
	ImportIdle time.Duration
	// ResultCacheBytes bounds the response cache (see results.go; default
	// 64 MiB; negative turns it off). It is used only on a store that
	// implements graph.Versioned.
	ResultCacheBytes int64
	// Feed serves subscriptions over WebSocket (see ws.go); without it a
	// subscription is answered SERVICE_UNAVAILABLE.
	Feed *feed.Hub
	// MaxWebSockets caps the WebSocket connections open at once (default
	// 10,000), MaxSubscriptionsPerConnection the subscriptions of one
	// (default 100).
	MaxWebSockets, MaxSubscriptionsPerConnection int
	// WebSocketOrigins are the host patterns (example.org, *.example.org)
	// of other origins whose pages may open a WebSocket; pages of the
	// server's own origin, and clients that send no Origin, always may.
	WebSocketOrigins []string
}

// ImportRequest is one import through the API.
type ImportRequest struct {
	// Format is "yaml", "json", "csv" or "nquads" (see package seed);
	// with a Mapping, "nquads" or "jsonld" read through it; "" has the
	// importer tell it from the content.
	Format string
	// Name names the input in error positions.
	Name string
	// Body is the input, gzip-compressed or not.
	Body io.Reader
	// Mapping, when not empty, is an ontology mapping file (see
	// seed/examples/movie-mapping.yaml), named MappingName in error
	// positions: the input is RDF read through it, as one bulk import.
	Mapping     []byte
	MappingName string
	// DryRun only checks and counts.
	DryRun bool
	// Files, when not empty, are several fact files (YAML or CSV, each
	// named with its extension) imported together as one change, as seed
	// loads the files it is given; Body is then nil.
	Files []ImportFile
}

// ImportFile is one fact file of an import of several.
type ImportFile struct {
	Name string
	Data []byte
}

// Importer reads an import into the store as one change, or with DryRun
// only checks and counts it. A bad input is an Invalid *graph.Error whose
// message lists every problem as NAME:LINE:COL: message, one per line.
type Importer func(ctx context.Context, req ImportRequest) (graph.Summary, error)

func (o Options) withDefaults() Options {
	o.Limits = o.Limits.withDefaults()
	if o.OntologyCheck <= 0 {
		o.OntologyCheck = time.Second
	}
	if o.CacheSize == 0 {
		o.CacheSize = 1000
	}
	if o.ImportIdle <= 0 {
		o.ImportIdle = 30 * time.Second
	}
	if o.MaxImportBytes <= 0 {
		o.MaxImportBytes = 256 << 20
	}
	if o.ResultCacheBytes == 0 {
		o.ResultCacheBytes = 64 << 20
	}
	if o.AuthFailureBurst <= 0 {
		o.AuthFailureBurst = 10
	}
	if o.AuthFailureRefill <= 0 {
		o.AuthFailureRefill = 6 * time.Second
	}
	if o.MaxWebSockets <= 0 {
		o.MaxWebSockets = 10_000
	}
	if o.MaxSubscriptionsPerConnection <= 0 {
		o.MaxSubscriptionsPerConnection = 100
	}
	return o
}
