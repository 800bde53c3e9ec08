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
	"time"

	"github.com/gorilla/mux"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/schema"
	"github.com/claimgraph/claimgraph/seed"
)

// serveConfig is the configuration of claimgraph serve.
type serveConfig struct {
	commonFlags
	addr  string
	seeds multiFlag
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.StringVar(&cfg.addr, "addr", envOr(getenv, "CLAIMGRAPH_ADDR", "127.0.0.1:8080"), "listen `address` (env CLAIMGRAPH_ADDR)")
	fs.Var(&cfg.seeds, "seed", "fact `FILE` to load at start, after the built-in seed on an empty store (repeatable)")
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

	st, err := cfg.open(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := seedAtStart(ctx, st, cfg.seeds, log); err != nil {
		return err
	}
	h, err := schema.NewHandler(ctx, st, log.With("component", "graphql"), schema.Limits{})
	if err != nil {
		return fmt.Errorf("build GraphQL schema: %w", err)
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	srv := &http.Server{
		Handler:           routes(h, log),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	url := "http://" + ln.Addr().String() + "/"
	log.Info("serving", "url", url, "store", cfg.store)
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
// given with --seed. Loading is idempotent, so a restart changes nothing.
func seedAtStart(ctx context.Context, st graph.Store, files []string, log *slog.Logger) error {
	ont, err := st.Ontology(ctx)
	if err != nil {
		return err
	}
	if len(ont.EntityTypes) == 0 {
		sum, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Builtin()...)
		if err != nil {
			return fmt.Errorf("load built-in seed: %w", err)
		}
		log.Info("empty store: loaded the built-in seed", "added", sum.Added)
	}
	if len(files) == 0 {
		return nil
	}
	inputs, err := seed.ReadFiles(files...)
	if err != nil {
		return err
	}
	sum, err := seed.Load(ctx, st, graph.ApplyOptions{}, inputs...)
	if err != nil {
		return err
	}
	log.Info("loaded seed files", "files", len(files), "added", sum.Added, "changed", sum.Changed, "unchanged", sum.Unchanged)
	return nil
}

// routes is the HTTP surface of claimgraph serve.
func routes(gql *schema.Handler, log *slog.Logger) http.Handler {
	r := mux.NewRouter()
	r.Handle("/graphql", gql)
	r.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	}).Methods(http.MethodGet, http.MethodHead)
	playground := schema.Playground()
	r.Handle("/", playground)
	r.PathPrefix("/assets/").Handler(playground)
	explorer := schema.Explorer()
	r.Handle("/explore", explorer)
	r.PathPrefix("/explore/").Handler(explorer)
	return recoverPanics(r, log)
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
