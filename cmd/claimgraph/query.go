package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/claimgraph/claimgraph/schema"
)

func runQuery(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	var vars string
	fs := flag.NewFlagSet("query", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.StringVar(&vars, "variables", "", "variables as a JSON `object`")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError{"query takes one argument, the GraphQL document: claimgraph query '{ entity(id:\"india\") { name } }'"}
	}
	req := schema.Request{Query: rest[0]}
	if vars != "" {
		if err := json.Unmarshal([]byte(vars), &req.Variables); err != nil {
			return usageError{fmt.Sprintf("--variables: not a JSON object: %v", err)}
		}
	}
	st, log, err := cfg.startCached(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	h, err := schema.NewHandler(ctx, st, log, schema.Options{})
	if err != nil {
		return err
	}
	// The command opens the store itself, so it may write too.
	resp, ok := h.Do(schema.Trusted(ctx, cfg.author(getenv)), req)
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(resp); err != nil {
		return err
	}
	if !ok || len(resp.Errors) > 0 {
		return errors.New("the query returned errors")
	}
	return nil
}
