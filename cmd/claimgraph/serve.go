package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	neturl "net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/feed"
	"github.com/claimgraph/claimgraph/schema"
	"github.com/claimgraph/claimgraph/schema/web"
	"github.com/claimgraph/claimgraph/seed"
)

// serveConfig is the configuration of claimgraph serve.
type serveConfig struct {
	commonFlags
	addr          string
	seeds         multiFlag
	seedMapping   string
	corsOrigins   string
	token         string
	tokenFile     string
	tokensFile    string
	requireReads  bool
	trustHeader   string
	proxies       string
	headerRoles   string
	headerRole    string
	introspection bool
	limits        schema.Limits
	resultCache   int64
	importLimits  seed.Limits
	maxImportBody int64
	importIdle    time.Duration
	pprofAddr     string
	feedInterval  time.Duration
	gc            gcConfig
}

// api registers the flags of the GraphQL API.
func (c *serveConfig) api(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.token, "token", getenv("CLAIMGRAPH_TOKEN"),
		"bearer `token` that authorises mutations (env CLAIMGRAPH_TOKEN); without one, writes are refused")
	fs.StringVar(&c.tokenFile, "token-file", getenv("CLAIMGRAPH_TOKEN_FILE"),
		"read the bearer token from `FILE` (env CLAIMGRAPH_TOKEN_FILE)")
	fs.StringVar(&c.tokensFile, "tokens-file", getenv("CLAIMGRAPH_TOKENS_FILE"),
		"YAML `FILE` of users, [{name, role: reader|editor|admin, sha256: HEX}] with the SHA-256 of each token; read again on SIGHUP (env CLAIMGRAPH_TOKENS_FILE)")
	fs.BoolVar(&c.requireReads, "require-auth-for-reads", getenv("CLAIMGRAPH_REQUIRE_AUTH_FOR_READS") == "true",
		"refuse queries without a user (env CLAIMGRAPH_REQUIRE_AUTH_FOR_READS=true)")
	fs.StringVar(&c.trustHeader, "trust-header", getenv("CLAIMGRAPH_TRUST_HEADER"),
		"take the user's name from this `header` (X-Forwarded-User) when the request comes from a --trusted-proxies address (env CLAIMGRAPH_TRUST_HEADER)")
	fs.StringVar(&c.proxies, "trusted-proxies", getenv("CLAIMGRAPH_TRUSTED_PROXIES"),
		"comma-separated `CIDRs` of the proxies --trust-header is taken from (env CLAIMGRAPH_TRUSTED_PROXIES)")
	fs.StringVar(&c.headerRoles, "header-roles", getenv("CLAIMGRAPH_HEADER_ROLES"),
		"roles of users named by --trust-header, as `admin=alice,bob;editor=carol` (env CLAIMGRAPH_HEADER_ROLES)")
	fs.StringVar(&c.headerRole, "header-default-role", envOr(getenv, "CLAIMGRAPH_HEADER_DEFAULT_ROLE", "reader"),
		"`role` of users named by --trust-header and not in --header-roles (env CLAIMGRAPH_HEADER_DEFAULT_ROLE)")
	fs.BoolVar(&c.introspection, "introspection", getenv("CLAIMGRAPH_INTROSPECTION") != "false",
		"answer introspection queries (env CLAIMGRAPH_INTROSPECTION=false turns it off)")
	fs.DurationVar(&c.limits.Timeout, "timeout", envDuration(getenv, "CLAIMGRAPH_TIMEOUT", 10*time.Second),
		"time budget of one GraphQL request (env CLAIMGRAPH_TIMEOUT)")
	fs.Int64Var(&c.limits.MaxBodyBytes, "max-body", 1<<20, "largest request body in `bytes`")
	fs.IntVar(&c.limits.MaxDepth, "max-depth", 20, "deepest selection a query may make")
	fs.IntVar(&c.limits.MaxFields, "max-fields", 1000, "most fields (and aliases) a query may select, fragments expanded")
	fs.IntVar(&c.limits.MaxResultItems, "max-result-items", 50_000, "most entities and relations one query's result may hold")
	fs.IntVar(&c.limits.MaxConcurrent, "max-concurrent", 4*runtime.GOMAXPROCS(0), "most queries run at once; others wait their turn within --timeout")
	fs.Int64Var(&c.resultCache, "response-cache", 64<<20,
		"`bytes` of query results to keep for repeated queries until the graph changes; 0 turns it off")
	fs.Int64Var(&c.maxImportBody, "max-import-body", 256<<20, "largest body of POST /import in `bytes`, as sent (compressed or not)")
	fs.DurationVar(&c.importIdle, "import-idle", 30*time.Second, "longest POST /import may go without receiving a byte of its body")
	fs.Int64Var(&c.importLimits.MaxDecompressed, "max-decompressed", seed.DefaultAPIMaxDecompressed,
		"most `bytes` a gzip-compressed import may expand to; 0 sets no cap")
	fs.Int64Var(&c.importLimits.MaxRatio, "max-ratio", seed.DefaultMaxRatio,
		"most times its compressed size a gzip-compressed import may expand to (checked after its first 8 MiB); 0 sets no cap")
}

// options returns the GraphQL handler's options, reading the token file.
func (c *serveConfig) options() (schema.Options, error) {
	opts := schema.Options{Limits: c.limits, Token: c.token, NoIntrospection: !c.introspection, ResultCacheBytes: c.resultCache,
		MaxImportBytes: c.maxImportBody, ImportIdle: c.importIdle, RequireAuthForReads: c.requireReads}
	if c.tokensFile != "" {
		users, err := loadUsers(c.tokensFile)
		if err != nil {
			return opts, err
		}
		opts.Users = users
	}
	if c.trustHeader != "" {
		proxies, err := schema.ParseProxies(c.proxies)
		if err != nil {
			return opts, usageError{"--trusted-proxies: " + err.Error()}
		}
		if len(proxies) == 0 {
			return opts, usageError{"--trust-header needs --trusted-proxies: the header is taken only from those addresses"}
		}
		roles, err := schema.ParseHeaderRoles(c.headerRoles)
		if err != nil {
			return opts, usageError{"--header-roles: " + err.Error()}
		}
		def, err := schema.ParseRole(c.headerRole)
		if err != nil {
			return opts, usageError{"--header-default-role: " + err.Error()}
		}
		opts.HeaderAuth = &schema.HeaderAuth{Header: c.trustHeader, Proxies: proxies, Roles: roles, DefaultRole: def}
	}
	if c.resultCache <= 0 {
		opts.ResultCacheBytes = -1
	}
	// A token is compared with the one a request presents after
	// Authorization: Bearer, trimmed: a blank one, or one with spaces
	// around it, could never match.
	if c.token != "" && strings.TrimSpace(c.token) != c.token {
		what := "has spaces around it"
		if strings.TrimSpace(c.token) == "" {
			what = "is blank"
		}
		return opts, usageError{"the token given with --token or CLAIMGRAPH_TOKEN " + what + ", so no request could match it; give the token itself, or none to refuse writes"}
	}
	if c.tokenFile != "" {
		if c.token != "" {
			return opts, usageError{"give the token with --token or --token-file, not both"}
		}
		b, err := os.ReadFile(c.tokenFile)
		if err != nil {
			return opts, fmt.Errorf("read token file: %w", err)
		}
		opts.Token = strings.TrimSpace(string(b))
		if opts.Token == "" {
			return opts, fmt.Errorf("token file %s is empty or blank", c.tokenFile)
		}
	}
	return opts, nil
}

func envDuration(getenv func(string) string, key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(getenv(key)); err == nil {
		return d
	}
	return def
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.StringVar(&cfg.addr, "addr", envOr(getenv, "CLAIMGRAPH_ADDR", "127.0.0.1:8080"), "listen `address` (env CLAIMGRAPH_ADDR)")
	fs.Var(&cfg.seeds, "seed", "`FILE` to load at start, after the built-in seed on an empty store, in any format seed reads (repeatable)")
	fs.StringVar(&cfg.seedMapping, "seed-mapping", "", "read the --seed files, N-Quads or JSON-LD, through this ontology mapping `FILE`")
	fs.StringVar(&cfg.corsOrigins, "cors-origins", envOr(getenv, "CLAIMGRAPH_CORS_ORIGINS", ""),
		"comma-separated `origins` allowed to call /graphql from a browser, or * (env CLAIMGRAPH_CORS_ORIGINS; default none)")
	fs.StringVar(&cfg.pprofAddr, "pprof", getenv("CLAIMGRAPH_PPROF"),
		"serve Go's runtime profiles (/debug/pprof/) on this separate `address`, e.g. 127.0.0.1:6060 (env CLAIMGRAPH_PPROF; default off)")
	fs.DurationVar(&cfg.feedInterval, "feed-interval", envDuration(getenv, "CLAIMGRAPH_FEED_INTERVAL", feed.DefaultInterval),
		"least time between two hand-outs of the change feed's events to the subscriptions: the events of an interval go to each subscriber in one write; negative: none (env CLAIMGRAPH_FEED_INTERVAL)")
	cfg.api(fs, getenv)
	cfg.gc.register(fs, getenv)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Sprintf("serve takes no arguments, got %q", rest)}
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	cfg.gc.apply(log)
	opts, err := cfg.options()
	if err != nil {
		return err
	}

	if opts.Users != nil {
		reloadUsersOnHUP(ctx, cfg.tokensFile, opts.Users, log)
	}
	ctx = graph.WithAuthor(ctx, cfg.author(getenv))
	raw, err := cfg.open(ctx, log)
	if err != nil {
		return err
	}
	defer raw.Close()
	m := newMetrics()
	st := serveStore(raw, m)
	opts.Import = importer(raw, cfg.importLimits, m, log)
	if err := seedAtStart(graph.WithOperation(ctx, "seed"), raw, cfg.seeds, cfg.seedMapping, cfg.importLimits, m, log); err != nil {
		return err
	}
	// The path and search index is built from the start, in the
	// background: until it is, queries read the store and /readyz answers
	// 503, so that a load balancer sends no queries before it is built.
	st.Warm()
	if opts.Feed, err = feed.Start(ctx, raw, feed.Options{Logger: log.With("component", "feed"), Interval: cfg.feedInterval}); err != nil {
		return fmt.Errorf("start the change feed: %w", err)
	}
	opts.WebSocketOrigins = originHosts(splitList(cfg.corsOrigins))
	h, err := schema.NewHandler(ctx, st, log.With("component", "graphql"), opts)
	if err != nil {
		return fmt.Errorf("build GraphQL schema: %w", err)
	}
	m.observeResultCache(h)
	m.observeAuth(h)

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	srv := &http.Server{
		Handler:           routes(h, st, raw.Err, m, splitList(cfg.corsOrigins), log),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	if cfg.pprofAddr != "" {
		stop, err := serveProfiles(ctx, cfg.pprofAddr, log)
		if err != nil {
			ln.Close()
			return err
		}
		defer stop()
	}
	url := "http://" + ln.Addr().String() + "/"
	log.Info("serving", "url", url, "store", cfg.store, "admin_token", opts.Token != "", "users", opts.Users.Len(),
		"trust_header", cfg.trustHeader, "reads_need_user", opts.RequireAuthForReads, "introspection", !opts.NoIntrospection)
	fmt.Fprintf(stdout, "claimgraph listening on %s (playground at %s, GraphQL at %sgraphql)\n", ln.Addr(), url, url)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// seedAtStart loads the built-in seed into an empty store, then the files
// given with --seed (through --seed-mapping when given), with seed.Import
// on the store itself, as importer does. Loading is idempotent, so a
// restart changes nothing.
func seedAtStart(ctx context.Context, st graph.Store, files []string, mappingFile string, lim seed.Limits, m *metrics, log *slog.Logger) error {
	ont, err := st.Ontology(ctx)
	if err != nil {
		return err
	}
	if len(ont.EntityTypes) == 0 {
		rep, err := seed.Import(ctx, st, seed.Builtin(), seed.Options{})
		if err != nil {
			return fmt.Errorf("load built-in seed: %w", err)
		}
		m.countImport(rep.Summary())
		log.Info("empty store: loaded the built-in seed", "added", rep.Summary().Added)
	}
	if len(files) == 0 {
		if mappingFile != "" {
			return usageError{"--seed-mapping reads the --seed files: give some"}
		}
		return nil
	}
	opts := seed.Options{Limits: lim}
	if mappingFile != "" {
		data, err := os.ReadFile(mappingFile)
		if err != nil {
			return fmt.Errorf("read mapping: %w", err)
		}
		if opts.Mapping, err = seed.ParseMapping(seed.Input{Name: mappingFile, Data: data}); err != nil {
			return err
		}
	}
	inputs, closeAll, err := seed.OpenFiles(files...)
	if err != nil {
		return err
	}
	defer closeAll()
	rep, err := seed.Import(ctx, st, inputs, opts)
	if err != nil {
		return err
	}
	sum := rep.Summary()
	m.countImport(sum)
	log.Info("loaded seed files", "files", len(files), "added", sum.Added, "changed", sum.Changed, "unchanged", sum.Unchanged, "removed", sum.Removed)
	return nil
}

// importer serves importFacts and POST /import with seed.Import on the
// store itself (bulk imports need it; the read cache in front of it sees
// the store's generation change).
func importer(st graph.Store, lim seed.Limits, m *metrics, log *slog.Logger) schema.Importer {
	return func(ctx context.Context, req schema.ImportRequest) (graph.Summary, error) {
		// An admin's import restores the attribution a file carries (an
		// export's); anyone else's is recorded under their name.
		opts := seed.Options{DryRun: req.DryRun, Limits: lim, KeepAttribution: schema.PrincipalFrom(ctx).Role >= schema.RoleAdmin}
		inputs := []seed.Input{{Name: req.Name, Format: seed.Format(req.Format), R: req.Body}}
		if len(req.Files) > 0 {
			// Several fact files that belong together: one change.
			inputs = make([]seed.Input, len(req.Files))
			for i, f := range req.Files {
				inputs[i] = seed.Input{Name: f.Name, Format: seed.Format(req.Format), Data: f.Data}
			}
		}
		if len(req.Mapping) > 0 {
			var err error
			if opts.Mapping, err = seed.ParseMapping(seed.Input{Name: req.MappingName, Data: req.Mapping}); err != nil {
				return graph.Summary{}, err
			}
		}
		rep, err := seed.Import(ctx, st, inputs, opts)
		if err != nil {
			return graph.Summary{}, err
		}
		sum := rep.Summary()
		if !req.DryRun {
			m.countImport(sum)
		}
		log.InfoContext(ctx, "imported", "format", req.Format, "mapped", len(req.Mapping) > 0, "dry_run", req.DryRun,
			"added", sum.Added, "changed", sum.Changed, "removed", sum.Removed)
		return sum, nil
	}
}

// serveProfiles serves net/http/pprof's handlers on their own listener at
// addr, apart from the API (and its auth), until the returned function is
// called.
func serveProfiles(ctx context.Context, addr string, log *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof: listen on %s: %w", addr, err)
	}
	r := http.NewServeMux()
	r.HandleFunc("/debug/pprof/", pprof.Index)
	r.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	r.HandleFunc("/debug/pprof/profile", pprof.Profile)
	r.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	r.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	log.Info("serving runtime profiles", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	go srv.Serve(ln)
	return func() { srv.Close() }, nil
}

// routes is the HTTP surface of claimgraph serve.
// health reports why the store must not serve, if it must not (see
// cayley.Store.Err); it may be nil.
func routes(gql *schema.Handler, st graph.Store, health func() error, m *metrics, corsOrigins []string, log *slog.Logger) http.Handler {
	r := mux.NewRouter()
	r.Use(nameRoute)
	r.Handle("/graphql", cors(gql, corsOrigins))
	r.Handle("/import", gql.ImportHandler())
	r.Handle("/export", exportHandler(st, log.With("component", "export"))).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/healthz", readOnly(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})))
	r.Handle("/readyz", readOnly(ready(st, health, log)))
	r.Handle("/metrics", readOnly(m.handler()))
	playground := web.Playground()
	r.Handle("/", playground)
	r.PathPrefix("/assets/").Handler(playground)
	explorer := web.Explorer()
	r.Handle("/explore", explorer)
	r.PathPrefix("/explore/").Handler(explorer)
	return observe(recoverPanics(r, log), m, log)
}

// readOnly serves GET and HEAD with next, and answers any other method
// 405 with the Allow header that names the two.
func readOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed: use GET or HEAD", http.StatusMethodNotAllowed)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// indexWarmer is a store with the path and search index of graph/cache.
type indexWarmer interface {
	IndexReady() bool
	Warm()
}

// ready answers 200 when the store is sound (health), answers a read
// within two seconds and, when it keeps a path and search index, has built
// it; and 503 otherwise: a load balancer takes the instance out until it
// does. A bolt file found corrupt stays not ready. While the index is not
// built, each check starts its build unless one is running (one that
// failed is tried again).
func ready(st graph.Store, health func() error, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if health != nil {
			if err := health(); err != nil {
				log.WarnContext(r.Context(), "not ready: the store is unusable", "err", err)
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintln(w, "store unusable")
				return
			}
		}
		if _, err := st.Ontology(ctx); err != nil {
			log.WarnContext(r.Context(), "not ready: the store does not answer", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "store unavailable")
			return
		}
		if ix, ok := st.(indexWarmer); ok && !ix.IndexReady() {
			ix.Warm()
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "building the path and search index")
			return
		}
		fmt.Fprintln(w, "ready")
	}
}

// cors lets browsers on the allowed origins call next; with no origins it
// adds nothing, so only same-origin pages (the playground) can.
func cors(next http.Handler, origins []string) http.Handler {
	if len(origins) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && (slices.Contains(origins, "*") || slices.Contains(origins, origin)) {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Add("Vary", "Origin")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
				w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization")
				w.Header().Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// originHosts turns CORS origins (https://app.example.org) into the host
// patterns that may open a WebSocket (app.example.org).
func originHosts(origins []string) []string {
	var out []string
	for _, o := range origins {
		if o == "*" {
			out = append(out, "*")
		} else if u, err := neturl.Parse(o); err == nil && u.Host != "" {
			out = append(out, u.Host)
		}
	}
	return out
}

// recoverPanics turns a panic in a handler into a 500 and a log line
// instead of a dropped connection.
func recoverPanics(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "handler panicked", "panic", v, "path", r.URL.Path)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
