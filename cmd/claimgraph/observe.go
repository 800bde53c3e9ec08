package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cache"
	"github.com/claimgraph/claimgraph/schema"
)

// metrics are the Prometheus metrics of one serve process, on a registry
// of their own (no global state).
type metrics struct {
	registry      *prometheus.Registry
	requests      *prometheus.CounterVec
	latency       *prometheus.HistogramVec
	storeLatency  *prometheus.HistogramVec
	storeErrors   *prometheus.CounterVec
	importedItems *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "claimgraph_http_requests_total",
			Help: "HTTP requests by route, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "claimgraph_http_request_duration_seconds",
			Help:    "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
		storeLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "claimgraph_store_operation_duration_seconds",
			Help:    "Store operation latency by operation (reads and writes).",
			Buckets: []float64{.0001, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1, 5, 30},
		}, []string{"op"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "claimgraph_store_errors_total",
			Help: "Store operations that failed, by operation and error code.",
		}, []string{"op", "code"}),
		importedItems: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "claimgraph_import_items_total",
			Help: "Items written by imports and seeds, by outcome (added, changed, unchanged).",
		}, []string{"outcome"}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.storeLatency, m.storeErrors, m.importedItems,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// handler serves the metrics in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// observeResultCache exports the state of h's response cache.
func (m *metrics) observeResultCache(h *schema.Handler) {
	m.registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "claimgraph_graphql_response_cache_hits_total",
			Help: "Queries answered from the response cache.",
		}, func() float64 { return float64(h.ResultCacheStats().Hits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "claimgraph_graphql_response_cache_misses_total",
			Help: "Requests looked up in the response cache and not found.",
		}, func() float64 { return float64(h.ResultCacheStats().Misses) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "claimgraph_graphql_response_cache_bytes",
			Help: "Bytes of results held by the response cache.",
		}, func() float64 { return float64(h.ResultCacheStats().Bytes) }),
	)
}

// observeAuth exports the counts of refused credentials.
func (m *metrics) observeAuth(h *schema.Handler) {
	m.registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "claimgraph_auth_failures_total",
			Help: "Requests that sent a bearer token that is no user's.",
		}, func() float64 { return float64(h.AuthStats().Failures) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "claimgraph_auth_rate_limited_total",
			Help: "Requests refused (429) because their address sent too many bad tokens.",
		}, func() float64 { return float64(h.AuthStats().RateLimited) }),
	)
}

// countImport records what an import or seed did.
func (m *metrics) countImport(s graph.Summary) {
	m.importedItems.WithLabelValues("added").Add(float64(s.Added))
	m.importedItems.WithLabelValues("changed").Add(float64(s.Changed))
	m.importedItems.WithLabelValues("unchanged").Add(float64(s.Unchanged))
}

// observe is the outermost middleware: it gives every request an id
// (X-Request-Id, kept when the client sends a sane one), logs it, counts
// it and times it by route.
func observe(next http.Handler, m *metrics, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !saneRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		next.ServeHTTP(rec, r)

		route := rec.route
		if route == "" {
			route = "unmatched"
		}
		d := time.Since(start)
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(rec.status)).Inc()
		m.latency.WithLabelValues(route).Observe(d.Seconds())
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "route", route,
			"status", rec.status, "bytes", rec.bytes, "duration_ms", float64(d.Microseconds())/1000, "remote", r.RemoteAddr)
	})
}

// nameRoute is router middleware that tells observe, which runs before
// the router has matched anything, which route template matched; metrics
// are labelled by template, never by raw path.
func nameRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec, ok := w.(*statusRecorder); ok {
			if rt := mux.CurrentRoute(r); rt != nil {
				if tpl, err := rt.GetPathTemplate(); err == nil {
					rec.route = tpl
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
	route  string
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func saneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c == '-' || c == '_' || c == '.' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')) {
			return false
		}
	}
	return true
}

type requestIDKey struct{}

// requestIDHandler is a slog.Handler that adds the request id of the
// context to every record logged with one, so that a resolver's
// log.ErrorContext(ctx, …) names the request it failed in.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id, ok := ctx.Value(requestIDKey{}).(string); ok {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// backend is what serve needs of the store below the read cache: the
// cache asks it for generations and snapshots, the GraphQL API for the
// audit log, merges, redirects and judgements (through graph.Capability,
// which unwraps the cache), imports for bulk writes.
type backend interface {
	graph.BulkStore
	graph.Versioned
	graph.Scanner
	graph.Auditor
	graph.RelationsBatcher
	graph.Merger
	graph.Redirector
	graph.Judge
}

// serveStore stacks the store serve reads: the read cache over the
// instruments over raw, so that store latency measures what reaches the
// storage, never a cache hit.
func serveStore(raw backend, m *metrics) *cache.Store {
	return cache.New(instrumentedStore{backend: raw, m: m}, 0)
}

// instrumentedStore times the operations of the store below it and
// counts their failures. Methods it does not name, capabilities included,
// pass straight through.
type instrumentedStore struct {
	backend
	m *metrics
}

// Unwrap returns the store under the instruments.
func (s instrumentedStore) Unwrap() graph.Store { return s.backend }

func (s instrumentedStore) observe(op string, start time.Time, err error) {
	s.m.storeLatency.WithLabelValues(op).Observe(time.Since(start).Seconds())
	if err != nil {
		s.m.storeErrors.WithLabelValues(op, graph.ErrorCode(err)).Inc()
	}
}

func (s instrumentedStore) Ontology(ctx context.Context) (o graph.Ontology, err error) {
	defer func(start time.Time) { s.observe("ontology", start, err) }(time.Now())
	return s.backend.Ontology(ctx)
}

func (s instrumentedStore) Apply(ctx context.Context, b graph.Batch, opts graph.ApplyOptions) (sum graph.Summary, err error) {
	defer func(start time.Time) { s.observe("apply", start, err) }(time.Now())
	return s.backend.Apply(ctx, b, opts)
}

func (s instrumentedStore) Entity(ctx context.Context, id string) (e graph.Entity, err error) {
	defer func(start time.Time) { s.observe("entity", start, err) }(time.Now())
	return s.backend.Entity(ctx, id)
}

func (s instrumentedStore) EntitiesByID(ctx context.Context, ids []string) (es map[string]graph.Entity, err error) {
	defer func(start time.Time) { s.observe("entities_by_id", start, err) }(time.Now())
	return s.backend.EntitiesByID(ctx, ids)
}

func (s instrumentedStore) Entities(ctx context.Context, q graph.EntityQuery) (es []graph.Entity, err error) {
	defer func(start time.Time) { s.observe("entities", start, err) }(time.Now())
	return s.backend.Entities(ctx, q)
}

func (s instrumentedStore) Relations(ctx context.Context, id string, q graph.RelationQuery) (sts []graph.Statement, err error) {
	defer func(start time.Time) { s.observe("relations", start, err) }(time.Now())
	return s.backend.Relations(ctx, id, q)
}

func (s instrumentedStore) RelationsOf(ctx context.Context, ids []string, q graph.RelationQuery) (m map[string][]graph.Statement, err error) {
	defer func(start time.Time) { s.observe("relations_of", start, err) }(time.Now())
	return s.backend.RelationsOf(ctx, ids, q)
}

func (s instrumentedStore) Statement(ctx context.Context, id string) (st graph.Statement, err error) {
	defer func(start time.Time) { s.observe("statement", start, err) }(time.Now())
	return s.backend.Statement(ctx, id)
}

func (s instrumentedStore) Source(ctx context.Context, id string) (src graph.Source, err error) {
	defer func(start time.Time) { s.observe("source", start, err) }(time.Now())
	return s.backend.Source(ctx, id)
}

func (s instrumentedStore) Scan(ctx context.Context) (snap graph.Snapshot, err error) {
	defer func(start time.Time) { s.observe("scan", start, err) }(time.Now())
	return s.backend.Scan(ctx)
}

func (s instrumentedStore) AuditLog(ctx context.Context, q graph.AuditQuery) (_ []graph.AuditEntry, err error) {
	defer func(start time.Time) { s.observe("audit_log", start, err) }(time.Now())
	return s.backend.AuditLog(ctx, q)
}
