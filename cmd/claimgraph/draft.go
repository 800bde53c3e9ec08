package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
	"github.com/claimgraph/claimgraph/seed/draft"
)

// runDraft prints the fact file drafted from an article: what it appears
// to say about the entities the store knows (the built-in seed's, when the
// store holds no ontology yet), for the analyst to edit and seed.
func runDraft(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg commonFlags
	var sourceID, title string
	fs := flag.NewFlagSet("draft", flag.ContinueOnError)
	cfg.register(fs, getenv)
	fs.StringVar(&sourceID, "source", "", "the source `ID` the claims cite (default: the stored source of the same title, else src- and the start of the text's SHA-256)")
	fs.StringVar(&title, "title", "", "the article's `title` (default: its first line)")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usageError{"draft needs one ARTICLE (.txt, .md or .html)\n" + flagUsage(fs)}
	}
	f, err := os.Open(files[0])
	if err != nil {
		if os.IsNotExist(err) {
			return &graph.Error{Code: graph.NotFound, Message: err.Error()}
		}
		return fmt.Errorf("read article: %w", err)
	}
	art, err := seed.ReadArticle(files[0], f)
	f.Close()
	if err != nil {
		return err
	}
	if title == "" {
		title = art.Title
	}
	st, _, err := cfg.start(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	k, err := draftKnowledge(ctx, st)
	if err != nil {
		return err
	}
	declare := true
	if sourceID == "" {
		if id, err := sourceByTitle(ctx, st, title); err != nil {
			return err
		} else if id != "" {
			sourceID, declare = id, false
		} else {
			sourceID = art.ID // the front matter's, or src- and the start of the text's SHA-256
		}
	} else if _, err := st.Source(ctx, sourceID); err == nil {
		declare = false
	}
	d, err := draft.New(k).Extract(ctx, draft.Document{Source: graph.Source{ID: sourceID, Title: title}, Text: art.Text})
	if err != nil {
		return err
	}
	_, err = stdout.Write(draft.Render(d, draft.RenderOptions{Article: filepath.Base(files[0]), DeclareSource: declare}))
	return err
}

// draftKnowledge returns the ontology and entities the draft looks for:
// the store's, or the built-in seed's when the store has no ontology.
func draftKnowledge(ctx context.Context, st graph.Store) (draft.Knowledge, error) {
	ont, err := st.Ontology(ctx)
	if err != nil {
		return draft.Knowledge{}, err
	}
	if len(ont.RelationTypes) == 0 {
		p, err := seed.Parse(seed.Builtin()...)
		if err != nil {
			return draft.Knowledge{}, err
		}
		return draft.Knowledge{Ontology: p.Batch.Ontology, Entities: p.Batch.Entities}, nil
	}
	ents, err := st.Entities(ctx, graph.EntityQuery{})
	if err != nil {
		return draft.Knowledge{}, err
	}
	return draft.Knowledge{Ontology: ont, Entities: ents}, nil
}

// sourceByTitle returns the id of a stored source with the given title, or
// "".
func sourceByTitle(ctx context.Context, st graph.Store, title string) (string, error) {
	page := graph.Page{Limit: 500}
	for {
		srcs, err := st.Sources(ctx, page)
		if err != nil {
			return "", err
		}
		for _, s := range srcs {
			if s.Title == title {
				return s.ID, nil
			}
		}
		if len(srcs) < page.Limit {
			return "", nil
		}
		page.After = srcs[len(srcs)-1].ID
	}
}
