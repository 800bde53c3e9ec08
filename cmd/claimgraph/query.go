package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/claimgraph/claimgraph/schema"
)

func runQuery(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commandFlags
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
	if c, err := cfg.client(fs); err != nil {
		return err
	} else if c != nil {
		return queryServer(ctx, c, req, stdout)
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

// queryServer runs the query on a server and prints its answer as the
// server wrote it, indented.
func queryServer(ctx context.Context, c *client, req schema.Request, stdout io.Writer) error {
	raw, err := c.graphQL(ctx, req.Query, req.Variables, nil)
	if raw == nil {
		return err
	}
	var out bytes.Buffer
	if json.Indent(&out, raw, "", "  ") != nil {
		out.Reset()
		out.Write(raw)
	}
	out.WriteByte('\n')
	if _, werr := stdout.Write(out.Bytes()); werr != nil {
		return werr
	}
	if err != nil {
		return errors.New("the query returned errors")
	}
	return nil
}
