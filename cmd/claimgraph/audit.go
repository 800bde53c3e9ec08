package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

// runAudit prints the audit log, newest first, one JSON object a line.
func runAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	var since, user string
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.StringVar(&since, "since", "", "only writes at or after this `time` (RFC 3339, or a duration ago such as 24h)")
	fs.StringVar(&user, "user", "", "only this `user`'s writes")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Sprintf("audit takes no arguments, got %q", rest)}
	}
	q := graph.AuditQuery{User: user}
	if since != "" {
		if d, err := time.ParseDuration(since); err == nil {
			q.Since = time.Now().Add(-d)
		} else if q.Since, err = time.Parse(time.RFC3339Nano, since); err != nil {
			return usageError{fmt.Sprintf("--since %q: want an RFC 3339 time or a duration such as 24h", since)}
		}
	}
	st, _, err := cfg.start(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.AuditLog(ctx, q)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, e := range list {
		type change struct {
			ID     string   `json:"id"`
			Change string   `json:"change"`
			Fields []string `json:"fields,omitempty"`
		}
		line := struct {
			ID        string   `json:"id"`
			User      string   `json:"user,omitempty"`
			At        string   `json:"at"`
			Operation string   `json:"operation"`
			IDs       []string `json:"ids"`
			Changes   []change `json:"changes"`
			Added     int      `json:"added"`
			Changed   int      `json:"changed"`
			Removed   int      `json:"removed"`
		}{ID: e.ID, User: e.User, At: e.At.UTC().Format(time.RFC3339Nano), Operation: e.Operation, IDs: e.IDs(),
			Changes: []change{}, Added: e.Added, Changed: e.Changed, Removed: e.Removed}
		for _, c := range e.Changes {
			line.Changes = append(line.Changes, change(c))
		}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return w.Flush()
}
