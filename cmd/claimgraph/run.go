package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/user"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cache"
	"github.com/claimgraph/claimgraph/graph/cayley"
)

// defaultStore is the embedded store used when neither --store nor
// CLAIMGRAPH_STORE names one: a file in the working directory.
const defaultStore = "bolt:claimgraph.db"

// usageError is a mistake on the command line; main exits 2 for it.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `usage:
  claimgraph serve   [--addr 127.0.0.1:8080] [--store URL] [--seed FILE]... [--seed-mapping FILE] [--token TOKEN]
  claimgraph seed    [--dry-run] [--format F] [--mapping FILE] [--max-decompressed N] [--max-ratio N]
                     [--as NAME] [FILE...]
  claimgraph query   [--variables JSON] [--as NAME] 'GRAPHQL'
  claimgraph paths   FROM TO [--max-depth N] [--k N] [--mode shortest|credible|all] [--limit N]
                     [--types T,...] [--status S,...] [--direction out|in|both] [--exclude ID,...]
                     [--as-of DATE] [--reported-by DATE] [--time-flow GAP [--allow-undated]] [--max-expanded N]
  claimgraph retract --source ID [--as NAME]
  claimgraph delete  ID [--cascade] [--dry-run] [--as NAME]
  claimgraph export  [--format nquads|json|graphml] [--out FILE] [--as-of DATE] [--reported-by DATE]
  claimgraph check
  claimgraph xref    [--type T] [--limit N]
  claimgraph judge   A B same|different|unsure
  claimgraph merge   KEEP MERGED...   |   merge --undo MERGED
  claimgraph schema
  claimgraph audit   [--since TIME] [--user NAME]
  claimgraph draft   [--source ID] [--title TITLE] ARTICLE

Every command takes --store URL (env CLAIMGRAPH_STORE): bolt:PATH (default
bolt:claimgraph.db), memory:, or postgres://...; and --log-level,
--log-format. All but serve can instead talk to a running server with
--server URL (env CLAIMGRAPH_SERVER), with --token TOKEN (env
CLAIMGRAPH_TOKEN) for writes; they log at warn unless told otherwise.
Run 'claimgraph COMMAND --help' for every flag of a command.`

// run is the whole program; main only supplies the process's context,
// arguments, environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{usage}
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, args, getenv, stdout, stderr)
	case "seed":
		return runSeed(ctx, args, getenv, stdout, stderr)
	case "query":
		return runQuery(ctx, args, getenv, stdout, stderr)
	case "paths":
		return runPaths(ctx, args, getenv, stdout, stderr)
	case "retract":
		return runRetract(ctx, args, getenv, stdout, stderr)
	case "delete":
		return runDelete(ctx, args, getenv, stdout, stderr)
	case "export":
		return runExport(ctx, args, getenv, stdout, stderr)
	case "check":
		return runCheck(ctx, args, getenv, stdout, stderr)
	case "schema":
		return runSchema(ctx, args, getenv, stdout, stderr)
	case "audit":
		return runAudit(ctx, args, getenv, stdout, stderr)
	case "draft":
		return runDraft(ctx, args, getenv, stdout, stderr)
	case "xref":
		return runXref(ctx, args, getenv, stdout, stderr)
	case "judge":
		return runJudge(ctx, args, getenv, stdout, stderr)
	case "merge":
		return runMerge(ctx, args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q\n%s", cmd, usage)}
}

// commonFlags are the flags every command takes.
type commonFlags struct {
	store     string
	logLevel  string
	logFormat string
	as        string
}

func (c *commonFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	c.registerLevel(fs, getenv, "info")
}

// registerLevel registers the flags with level as the default log level.
func (c *commonFlags) registerLevel(fs *flag.FlagSet, getenv func(string) string, level string) {
	fs.StringVar(&c.store, "store", envOr(getenv, "CLAIMGRAPH_STORE", defaultStore),
		"store `URL`: bolt:PATH, memory: or postgres://... (env CLAIMGRAPH_STORE)")
	fs.StringVar(&c.logLevel, "log-level", envOr(getenv, "CLAIMGRAPH_LOG_LEVEL", level),
		"log `level`: debug, info, warn or error (env CLAIMGRAPH_LOG_LEVEL)")
	fs.StringVar(&c.logFormat, "log-format", envOr(getenv, "CLAIMGRAPH_LOG_FORMAT", "text"),
		"log `format`: text or json (env CLAIMGRAPH_LOG_FORMAT)")
	fs.StringVar(&c.as, "as", getenv("CLAIMGRAPH_AS"),
		"user `name` this command's writes are recorded under (env CLAIMGRAPH_AS; default the OS user)")
}

// author returns the name this command's writes are recorded under: --as,
// else the OS user, else "local".
func (c *commonFlags) author(getenv func(string) string) string {
	if c.as != "" {
		return c.as
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if name := getenv("USER"); name != "" {
		return name
	}
	return "local"
}

// commandFlags are the flags of every command but serve: the common ones,
// logging at warn unless told otherwise (a one-shot command's output is
// its answer), and those that point it at a running server instead.
type commandFlags struct {
	commonFlags
	clientFlags
}

func (c *commandFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	c.commonFlags.registerLevel(fs, getenv, "warn")
	c.clientFlags.register(fs, getenv)
}

// logger builds the one logger of the process.
func (c *commonFlags) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, usageError{fmt.Sprintf("--log-level %q: want debug, info, warn or error", c.logLevel)}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.logFormat {
	case "text":
		return slog.New(requestIDHandler{slog.NewTextHandler(w, opts)}), nil
	case "json":
		return slog.New(requestIDHandler{slog.NewJSONHandler(w, opts)}), nil
	}
	return nil, usageError{fmt.Sprintf("--log-format %q: want text or json", c.logFormat)}
}

// open opens the store the flags name.
func (c *commonFlags) open(ctx context.Context, log *slog.Logger) (*cayley.Store, error) {
	st, err := cayley.Open(ctx, c.store, cayley.Options{Logger: log.With("component", "store")})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", c.store, err)
	}
	return st, nil
}

// start builds the logger and opens the store: the first steps of every
// command but serve. The caller closes the store.
func (c *commonFlags) start(ctx context.Context, stderr io.Writer) (*cayley.Store, *slog.Logger, error) {
	log, err := c.logger(stderr)
	if err != nil {
		return nil, nil, err
	}
	st, err := c.open(ctx, log)
	if err != nil {
		return nil, nil, err
	}
	return st, log, nil
}

// startCached is start with the store behind a read cache, for commands
// that read the same items many times (queries, path search).
func (c *commonFlags) startCached(ctx context.Context, stderr io.Writer) (graph.Store, *slog.Logger, error) {
	st, log, err := c.start(ctx, stderr)
	if err != nil {
		return nil, nil, err
	}
	return cache.New(st, 0), log, nil
}

// parseFlags parses args into fs and returns the positional arguments.
// Flags may come before, between or after them ("seed a.yaml --dry-run");
// "--" ends the flags. Flag errors become usage errors.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usageError{flagUsage(fs)}
			}
			return nil, usageError{fmt.Sprintf("%v\n%s", err, flagUsage(fs))}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func flagUsage(fs *flag.FlagSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "flags of claimgraph %s:\n", fs.Name())
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return b.String()
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
