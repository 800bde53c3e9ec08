package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
)

// runDelete deletes one entity, refused while statements, claims or aliases
// still name it unless --cascade removes them with it; --dry-run counts
// what would go and writes nothing.
func runDelete(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commandFlags
	var opts graph.DeleteOptions
	fs := flag.NewFlagSet("delete", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.BoolVar(&opts.Cascade, "cascade", false, "also remove the statements the entity is an end of (with their claims), the claims it makes and its name as the user of other entities' aliases")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "count what would be removed and write nothing")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError{"delete takes one entity ID\n" + flagUsage(fs)}
	}
	id := rest[0]
	var del graph.Deletion
	if c, err := cfg.client(fs); err != nil {
		return err
	} else if c != nil {
		var data struct{ DeleteEntity graph.Deletion }
		const q = `mutation Delete($id: ID!, $cascade: Boolean, $dryRun: Boolean) {
  deleteEntity(id: $id, cascade: $cascade, dryRun: $dryRun) { entity statements claims aliases redirects judgements dryRun }
}`
		if _, err := c.graphQL(ctx, q, map[string]any{"id": id, "cascade": opts.Cascade, "dryRun": opts.DryRun}, &data); err != nil {
			return err
		}
		del = data.DeleteEntity
	} else {
		ctx = graph.WithAuthor(ctx, cfg.author(getenv))
		st, _, err := cfg.start(ctx, stderr)
		if err != nil {
			return err
		}
		defer st.Close()
		if del, err = st.DeleteEntity(ctx, id, opts); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, deletionText(del))
	return nil
}

// deletionText says what a deletion removed, or would remove.
func deletionText(d graph.Deletion) string {
	parts := []string{fmt.Sprintf("%d statements", d.Statements), fmt.Sprintf("%d claims", d.Claims)}
	for _, p := range []struct {
		n    int
		what string
	}{{d.Redirects, "merged ids"}, {d.Judgements, "judgements"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	text := strings.Join(parts, ", ")
	if d.Aliases > 0 {
		text += fmt.Sprintf("; %d aliases of other entities no longer name it as their user", d.Aliases)
	}
	if d.DryRun {
		return fmt.Sprintf("dry run, nothing written: deleting %s would remove it with %s", d.Entity, text)
	}
	return fmt.Sprintf("deleted %s with %s", d.Entity, text)
}
