package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/schema"
)

// A command given --server talks to a running claimgraph serve over HTTP
// (GraphQL at /graphql, fact files at POST /import, GET /export) instead
// of opening the store, so that nobody has to stop the server to use the
// command line: an embedded bolt store admits one process at a time.

// clientFlags are the flags of a command that can talk to a server.
type clientFlags struct {
	server string
	token  string
}

func (c *clientFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.server, "server", getenv("CLAIMGRAPH_SERVER"),
		"talk to the claimgraph server at `URL` (e.g. http://127.0.0.1:8080) instead of opening the store (env CLAIMGRAPH_SERVER)")
	fs.StringVar(&c.token, "token", getenv("CLAIMGRAPH_TOKEN"),
		"with --server, the bearer `token` that authorises writes (env CLAIMGRAPH_TOKEN)")
}

// client returns the server's client, or nil when no server is named. A
// --store given on the command line together with --server is a mistake.
func (c *clientFlags) client(fs *flag.FlagSet) (*client, error) {
	if c.server == "" {
		return nil, nil
	}
	storeSet := false
	fs.Visit(func(f *flag.Flag) { storeSet = storeSet || f.Name == "store" })
	if storeSet {
		return nil, usageError{"give --store or --server, not both: with --server the server's store is used"}
	}
	u, err := url.Parse(c.server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usageError{fmt.Sprintf("--server %q: want the server's URL, e.g. http://127.0.0.1:8080", c.server)}
	}
	return &client{base: strings.TrimRight(u.String(), "/"), token: c.token, http: http.DefaultClient}, nil
}

// client calls one claimgraph server.
type client struct {
	base  string
	token string
	http  *http.Client
}

// do sends a request to the server with the token, if any.
func (c *client) do(ctx context.Context, method, path, contentType string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, graph.Errorf(graph.Unavailable, "the server %s does not answer: %v", c.base, err)
	}
	return resp, nil
}

// gqlError is one error of a GraphQL response.
type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// graphQL runs one operation on the server. It returns the whole response
// as the server wrote it and its data; GraphQL errors come back as an
// error with the code of the first.
func (c *client) graphQL(ctx context.Context, query string, vars map[string]any, data any) (json.RawMessage, error) {
	body, err := json.Marshal(schema.Request{Query: query, Variables: vars})
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, http.MethodPost, "/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, graph.Errorf(graph.Unavailable, "reading the server's answer: %v", err)
	}
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, graph.Errorf(graph.Unavailable, "the server answered %s, not GraphQL: %.200s", resp.Status, raw)
	}
	if len(out.Errors) > 0 {
		return raw, remoteError(out.Errors[0].Extensions.Code, joinMessages(out.Errors))
	}
	if data != nil && len(out.Data) > 0 {
		if err := json.Unmarshal(out.Data, data); err != nil {
			return raw, fmt.Errorf("reading the server's answer: %w", err)
		}
	}
	return raw, nil
}

func joinMessages(errs []gqlError) string {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Message
	}
	return strings.Join(msgs, "\n")
}

// remoteError turns a server's error code back into the domain's.
func remoteError(code, msg string) error {
	c, ok := map[string]string{
		schema.CodeBadUserInput:       graph.Invalid,
		schema.CodeParseFailed:        graph.Invalid,
		schema.CodeValidationFailed:   graph.Invalid,
		schema.CodeNotFound:           graph.NotFound,
		schema.CodeConflict:           graph.Conflict,
		schema.CodeUnauthenticated:    graph.Unauthorized,
		schema.CodeForbidden:          graph.Forbidden,
		schema.CodeServiceUnavailable: graph.Unavailable,
	}[code]
	if !ok {
		c = graph.Internal
	}
	return graph.Errorf(c, "%s", msg)
}

// importResponse is the answer of POST /import.
type importResponse struct {
	graph.Summary
	Changes []struct {
		Kind, ID, Field string
		Old, New        *string
		RemovesEvidence bool
	}
	Error *struct {
		Code     string   `json:"code"`
		Message  string   `json:"message"`
		Problems []string `json:"problems"`
	} `json:"error"`
}

// importFile posts one import to the server and returns its summary.
func (c *client) importFile(ctx context.Context, query url.Values, contentType string, body io.Reader) (graph.Summary, error) {
	resp, err := c.do(ctx, http.MethodPost, "/import?"+query.Encode(), contentType, body)
	if err != nil {
		return graph.Summary{}, err
	}
	defer resp.Body.Close()
	var out importResponse
	raw, err := io.ReadAll(resp.Body)
	if err == nil {
		err = json.Unmarshal(raw, &out)
	}
	if err != nil {
		return graph.Summary{}, graph.Errorf(graph.Unavailable, "the server answered %s: %.200s", resp.Status, raw)
	}
	if out.Error != nil {
		return graph.Summary{}, remoteError(out.Error.Code, out.Error.Message)
	}
	for _, c := range out.Changes {
		out.Diff = append(out.Diff, graph.Change{Kind: c.Kind, ID: c.ID, Field: c.Field,
			Old: deref(c.Old), New: deref(c.New), RemovesEvidence: c.RemovesEvidence})
	}
	return out.Summary, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// export copies GET /export?format= of the server to w.
func (c *client) export(ctx context.Context, format string, w io.Writer) error {
	resp, err := c.do(ctx, http.MethodGet, "/export?format="+url.QueryEscape(format), "", nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var out importResponse
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if json.Unmarshal(raw, &out) == nil && out.Error != nil {
			return remoteError(out.Error.Code, out.Error.Message)
		}
		return graph.Errorf(graph.Unavailable, "the server answered %s: %.200s", resp.Status, raw)
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return errors.Join(graph.Errorf(graph.Unavailable, "the export was cut short"), err)
	}
	return nil
}
