package schema

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/graphql-go/graphql"

	"github.com/claimgraph/claimgraph/graph"
)

// Writes. Every mutation builds a graph.Batch and hands it to Store.Apply,
// so it is validated against the ontology exactly like a seed file and is
// all or nothing; retractions go to Store.RetractClaim and RetractSource,
// deletions to the store's graph.Deleter.
// Each mutation needs the role mutationRoles gives it (see auth.go); the
// store records the request's user as the author of what it writes. A dry
// run of an import writes nothing, so it needs no role (only what reads
// need).

// mutationRoles is the role each mutation needs: the one place where
// writes are given to roles. Every field of Mutation is in it.
var mutationRoles = map[string]Role{
	"addSource":     RoleEditor,
	"addEntity":     RoleEditor,
	"updateEntity":  RoleEditor,
	"addStatement":  RoleEditor,
	"addClaim":      RoleEditor,
	"retractClaim":  RoleEditor,
	"importFacts":   RoleEditor, // not its dry runs, which write nothing (see write)
	"retractSource": RoleAdmin,
	"deleteEntity":  RoleAdmin, // not its dry runs, which write nothing
	// Entity resolution (xref.go).
	"judgeCandidate":  RoleEditor,
	"mergeEntities":   RoleEditor,
	"unmergeEntities": RoleEditor,
}

// queryRoles is the role the queries that need more than a reader's need.
var queryRoles = map[string]Role{
	"auditLog": RoleAdmin,
}

func (r *resolver) mutationType(ts *types) *graphql.Object {
	importChange := graphql.NewObject(graphql.ObjectConfig{
		Name:        "ImportChange",
		Description: "One field of a stored item that an import replaces.",
		Fields: graphql.Fields{
			"kind":            &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "source, entity, statement or claim."},
			"id":              &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Description: "The item's own id (a claim's as its fact file names it)."},
			"field":           &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The field, as fact files name it (quote, by, since, attributes.count, …)."},
			"old":             &graphql.Field{Type: graphql.String, Description: "The stored value; null when there was none."},
			"new":             &graphql.Field{Type: graphql.String, Description: "The imported value; null when the import leaves none."},
			"removesEvidence": &graphql.Field{Type: graphql.NewNonNull(graphql.Boolean), Description: "True when the change drops evidence: a claim's quote, claimant, date or grade, a source's publisher, URL, date or reliability."},
		},
	})
	importSummary := graphql.NewObject(graphql.ObjectConfig{
		Name:        "ImportSummary",
		Description: "What an import did, or with dryRun would do, in items (types, sources, entities, statements, claims).",
		Fields: graphql.Fields{
			"added":     &graphql.Field{Type: graphql.NewNonNull(graphql.Int)},
			"changed":   &graphql.Field{Type: graphql.NewNonNull(graphql.Int)},
			"unchanged": &graphql.Field{Type: graphql.NewNonNull(graphql.Int)},
			"removed":   &graphql.Field{Type: graphql.NewNonNull(graphql.Int)},
			"dryRun":    &graphql.Field{Type: graphql.NewNonNull(graphql.Boolean), Description: "True when nothing was written."},

			"changes": &graphql.Field{Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(importChange))),
				Description: "What the changed items change, field by field (fact files; not bulk RDF imports)."},
			"removesEvidence": &graphql.Field{Type: graphql.NewNonNull(graphql.Boolean), Description: "True when a change drops evidence (see ImportChange)."},
		},
	})
	count := func(desc string) *graphql.Field {
		return &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: desc}
	}
	deletion := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Deletion",
		Description: "What deleting an entity removed, or with dryRun would remove.",
		Fields: graphql.Fields{
			"entity":     &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Description: "The id of the entity deleted."},
			"statements": count("Statements removed: those the entity was an end of, and those left without claims."),
			"claims":     count("Claims removed: those of the statements removed, and those the entity made on others."),
			"aliases":    count("Aliases of other entities that named it as their user, and no longer do (the aliases stay)."),
			"redirects":  count("Merged ids that led to the entity, removed with it."),
			"judgements": count("Judgements on pairs with the entity, removed with it."),
			"dryRun":     &graphql.Field{Type: graphql.NewNonNull(graphql.Boolean), Description: "True when nothing was written."},
		},
	})
	aliasInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "AliasInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"name":   &graphql.InputObjectFieldConfig{Type: graphql.NewNonNull(graphql.String)},
			"usedBy": &graphql.InputObjectFieldConfig{Type: graphql.ID, Description: "The entity that uses this name."},
		},
	})
	attributeInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "AttributeInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"key":   &graphql.InputObjectFieldConfig{Type: graphql.NewNonNull(graphql.String)},
			"value": &graphql.InputObjectFieldConfig{Type: graphql.NewNonNull(graphql.String)},
		},
	})
	claimInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name:        "ClaimInput",
		Description: "A claim: who says it (none when the source states it itself), in which source, asserting or denying.",
		Fields: graphql.InputObjectConfigFieldMap{
			"id":          &graphql.InputObjectFieldConfig{Type: graphql.ID, Description: "Defaults to STATEMENT~SOURCE~CLAIMANT."},
			"source":      &graphql.InputObjectFieldConfig{Type: graphql.NewNonNull(graphql.ID)},
			"claimant":    &graphql.InputObjectFieldConfig{Type: graphql.ID},
			"stance":      &graphql.InputObjectFieldConfig{Type: ts.stance, DefaultValue: string(graph.Asserts), Description: "Defaults to ASSERTS."},
			"quote":       &graphql.InputObjectFieldConfig{Type: graphql.String},
			"said":        &graphql.InputObjectFieldConfig{Type: graphql.String},
			"credibility": &graphql.InputObjectFieldConfig{Type: graphql.String},
		},
	})
	str := func(desc string) *graphql.ArgumentConfig {
		return &graphql.ArgumentConfig{Type: graphql.String, Description: desc}
	}
	req := func(t graphql.Input) *graphql.ArgumentConfig {
		return &graphql.ArgumentConfig{Type: graphql.NewNonNull(t)}
	}
	return graphql.NewObject(graphql.ObjectConfig{
		Name: "Mutation",
		Fields: graphql.Fields{
			"addSource": &graphql.Field{Type: graphql.NewNonNull(ts.source), Description: "Adds a source; CONFLICT when the id is taken. " + createContract,
				Args: graphql.FieldConfigArgument{"id": req(graphql.ID), "title": req(graphql.String), "publisher": str(""), "url": str(""),
					"published": str("YYYY, YYYY-MM or YYYY-MM-DD."), "reliability": str("A to F.")},
				Resolve: r.write("addSource", r.addSource)},
			"addEntity": &graphql.Field{Type: graphql.NewNonNull(ts.entity), Description: "Adds an entity; CONFLICT when the id is taken. " + createContract,
				Args: graphql.FieldConfigArgument{"id": req(graphql.ID), "type": req(graphql.String), "name": req(graphql.String),
					"aliases": &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(aliasInput))}, "description": str("")},
				Resolve: r.write("addEntity", r.addEntity)},
			"updateEntity": &graphql.Field{Type: graphql.NewNonNull(ts.entity), Description: "Changes the given fields of an entity; the others keep their values. " + updateContract,
				Args: graphql.FieldConfigArgument{"id": req(graphql.ID), "name": str(""),
					"aliases":     &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(aliasInput)), Description: "Replaces every alias."},
					"description": str("")},
				Resolve: r.write("updateEntity", r.updateEntity)},
			"addStatement": &graphql.Field{Type: graphql.NewNonNull(ts.relation), Description: "Adds a statement with its first claim; CONFLICT when the id is taken. " + createContract,
				Args: graphql.FieldConfigArgument{"id": &graphql.ArgumentConfig{Type: graphql.ID, Description: "Defaults to SUBJECT.TYPE.OBJECT."},
					"subject": req(graphql.ID), "type": req(graphql.String), "object": req(graphql.ID),
					"attributes": &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(attributeInput))},
					"validFrom":  str(""), "validUntil": str(""), "claim": req(claimInput)},
				Resolve: r.write("addStatement", r.addStatement)},
			"addClaim": &graphql.Field{Type: graphql.NewNonNull(ts.relation), Description: "Adds a claim to a statement, which keeps everything else it has; NOT_FOUND when there is no such statement, CONFLICT when the claim id is taken. " + createContract,
				Args:    graphql.FieldConfigArgument{"relation": req(graphql.ID), "claim": req(claimInput)},
				Resolve: r.write("addClaim", r.addClaim)},
			"retractClaim": &graphql.Field{Type: graphql.NewNonNull(ts.retraction), Description: "Removes a claim, and its statement when no claim is left.",
				Args: graphql.FieldConfigArgument{"id": req(graphql.ID)},
				Resolve: r.write("retractClaim", func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					id := p.Args["id"].(string)
					if rest, ok := strings.CutPrefix(id, claimPrefix); ok {
						id = rest // a claim's own id after the prefix
						if stID, cID, ok := strings.Cut(rest, "#"); ok {
							id = claimIDIn(stID, cID)
						}
					}
					if err := graph.CheckItemID(id); err != nil {
						return nil, graph.Errorf(graph.Invalid, "retractClaim: %q is not a claim id (claim:STATEMENT#CLAIM as Claim.id gives it, or the claim's own id): %v", p.Args["id"], err)
					}
					return retraction(r.store.RetractClaim(ctx, id))
				})},
			"importFacts": &graphql.Field{Type: graphql.NewNonNull(importSummary),
				Description: "Imports a fact file, all or nothing; each item replaces the stored item of its id (the last import to write an item wins): format yaml (seed/FORMAT.md), json (a fact file as JSON, as claimgraph export writes it), csv or nquads (claimgraph's own export); with a mapping, nquads or jsonld read through it (RDF from other tools); without a format, it is told from the data. With dryRun it only checks and counts, and needs no role since it writes nothing. A bad file is BAD_USER_INPUT listing every problem as input:LINE:COL (mapping:LINE:COL in the mapping).",
				Args: graphql.FieldConfigArgument{
					"format":  &graphql.ArgumentConfig{Type: graphql.String, Description: "yaml, json, csv, nquads or jsonld; told from the data when left out."},
					"data":    req(graphql.String),
					"mapping": &graphql.ArgumentConfig{Type: graphql.String, Description: "An ontology mapping file (YAML, as seed/examples/movie-mapping.yaml) for nquads or jsonld data."},
					"dryRun":  &graphql.ArgumentConfig{Type: graphql.Boolean, DefaultValue: false},
				},
				Resolve: r.write("importFacts", r.importFacts)},
			"deleteEntity": &graphql.Field{Type: graphql.NewNonNull(deletion),
				Description: "Deletes an entity with its names, aliases and attribution, the ids merged into it (they resolve to nothing from then on, and those merges can no longer be undone) and the judgements on its pairs, in one step. " +
					"CONFLICT, naming how many, while statements it is an end of, claims it makes or other entities' aliases it uses still name it, unless cascade, which removes those statements with their claims, its claims elsewhere (and statements left without claims) and its name from those aliases. " +
					"A merged id is NOT_FOUND (delete the entity it names); an entity of a bulk import is BAD_USER_INPUT. With dryRun it only counts, and needs no role since it writes nothing.",
				Args: graphql.FieldConfigArgument{
					"id":      req(graphql.ID),
					"cascade": &graphql.ArgumentConfig{Type: graphql.Boolean, DefaultValue: false, Description: "Remove what still names the entity with it."},
					"dryRun":  &graphql.ArgumentConfig{Type: graphql.Boolean, DefaultValue: false, Description: "Count what would be removed, and write nothing."},
				},
				Resolve: r.write("deleteEntity", r.deleteEntity)},
			"retractSource": &graphql.Field{Type: graphql.NewNonNull(ts.retraction), Description: "Removes a source, its claims and the statements left without claims.",
				Args: graphql.FieldConfigArgument{"id": req(graphql.ID)},
				Resolve: r.write("retractSource", func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					return retraction(r.store.RetractSource(ctx, strings.TrimPrefix(p.Args["id"].(string), sourcePrefix)))
				})},
		},
	})
}

// The write contract, stated in the API's descriptions: every ok answer
// means the write is committed and read by every later request, on every
// instance sharing the store.
const (
	createContract = "Creates of one id at the same time, also through other instances sharing the store: exactly one is ok, the others CONFLICT, and what is stored is what the ok'd one wrote."
	updateContract = "Concurrent updates are last writer wins field by field: each ok'd update is stored, and a field holds the value of the last ok'd update that set it, never an older value an update read before another's write."
)

// write wraps the resolver of the mutation name: it refuses requests whose
// user lacks the role mutationRoles gives it, except a dry run (a dryRun
// argument set), which writes nothing.
func (r *resolver) write(name string, fn func(ctx context.Context, p graphql.ResolveParams) (any, error)) graphql.FieldResolveFn {
	role, ok := mutationRoles[name]
	if !ok {
		panic("schema: mutation " + name + " has no role in mutationRoles")
	}
	return r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
		if dry, _ := p.Args["dryRun"].(bool); !dry {
			if err := need(ctx, role); err != nil {
				return nil, err
			}
		}
		return fn(graph.WithOperation(ctx, name), p)
	})
}

func retraction(sum graph.Summary, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return map[string]any{"removed": sum.Removed}, nil
}

func (r *resolver) apply(ctx context.Context, b graph.Batch, opts graph.ApplyOptions) error {
	_, err := r.store.Apply(ctx, b, opts)
	return argumentProblems(err)
}

// argumentProblems names, in the problems of a rejected mutation, the
// mutation's arguments rather than the fields of a fact file: validFrom
// for since, claim.stance for claims[0].stance. A mutation writes one item,
// so its problems need no item index.
func argumentProblems(err error) error {
	var ge *graph.Error
	if !errors.As(err, &ge) || len(ge.Problems) == 0 {
		return err
	}
	var b strings.Builder
	b.WriteString(strings.Replace(ge.Message, "in the input", "in the arguments", 1))
	for _, p := range ge.Problems {
		field := map[string]string{"since": "validFrom", "until": "validUntil", "claims": "claim"}[p.Field]
		if field == "" {
			field = p.Field
		}
		if p.Claim >= 0 {
			field = "claim." + field
		}
		b.WriteString("\n  ")
		if field != "" {
			b.WriteString(field + ": ")
		}
		b.WriteString(p.Message)
	}
	return &graph.Error{Code: ge.Code, Message: b.String()}
}

// create returns the options of an Apply that creates the items refs name:
// the store refuses it as Conflict when one is there already, checked
// atomically with the write, so that of concurrent creates of one id
// exactly one succeeds.
func create(refs ...graph.Ref) graph.ApplyOptions {
	return graph.ApplyOptions{Create: refs}
}

func (r *resolver) addSource(ctx context.Context, p graphql.ResolveParams) (any, error) {
	src := graph.Source{
		ID:          strings.TrimPrefix(p.Args["id"].(string), sourcePrefix),
		Title:       p.Args["title"].(string),
		Publisher:   argString(p, "publisher"),
		URL:         argString(p, "url"),
		Published:   graph.Date(argString(p, "published")),
		Reliability: argString(p, "reliability"),
	}
	if err := r.apply(ctx, graph.Batch{Sources: []graph.Source{src}}, create(graph.Ref{Kind: graph.KindSource, ID: src.ID})); err != nil {
		return nil, err
	}
	return r.store.Source(ctx, src.ID)
}

func (r *resolver) addEntity(ctx context.Context, p graphql.ResolveParams) (any, error) {
	e := graph.Entity{
		ID:          p.Args["id"].(string),
		Type:        p.Args["type"].(string),
		Name:        p.Args["name"].(string),
		Aliases:     aliases(p.Args["aliases"]),
		Description: argString(p, "description"),
	}
	if err := r.apply(ctx, graph.Batch{Entities: []graph.Entity{e}}, create(graph.Ref{Kind: graph.KindEntity, ID: e.ID})); err != nil {
		return nil, err
	}
	return r.store.Entity(ctx, e.ID)
}

// updateAttempts bounds how often updateEntity reads and writes again when
// other writes change the entity in between.
const updateAttempts = 50

// updateEntity changes the fields given and leaves the others as they are,
// last writer wins field by field: it writes what it read with its fields
// changed, on condition that the entity is still as read (compare and set),
// and when another write came between it reads again and retries, so that
// no field another update set in the meantime is undone.
func (r *resolver) updateEntity(ctx context.Context, p graphql.ResolveParams) (any, error) {
	id := p.Args["id"].(string)
	for range updateAttempts {
		before, err := r.store.Entity(ctx, id)
		if err != nil {
			return nil, err
		}
		e := before
		e.Aliases = slices.Clone(before.Aliases)
		if v, ok := p.Args["name"].(string); ok {
			e.Name = v
		}
		if v, ok := p.Args["description"].(string); ok {
			e.Description = v
		}
		if _, ok := p.Args["aliases"]; ok {
			e.Aliases = aliases(p.Args["aliases"])
		}
		err = r.apply(ctx, graph.Batch{Entities: []graph.Entity{e}}, graph.ApplyOptions{IfUnchanged: []graph.Entity{before}})
		switch graph.ErrorCode(err) {
		case "":
			return r.store.Entity(ctx, id)
		case graph.Conflict:
			continue // changed since it was read: read it again
		}
		return nil, err
	}
	return nil, graph.Errorf(graph.Conflict, "entity %q kept changing under %d attempts to update it; try again", id, updateAttempts)
}

func (r *resolver) addStatement(ctx context.Context, p graphql.ResolveParams) (any, error) {
	st := graph.Statement{
		ID:         strings.TrimPrefix(argString(p, "id"), relationPrefix),
		Subject:    p.Args["subject"].(string),
		Type:       p.Args["type"].(string),
		Object:     p.Args["object"].(string),
		ValidFrom:  graph.Date(argString(p, "validFrom")),
		ValidUntil: graph.Date(argString(p, "validUntil")),
		Claims:     []graph.Claim{claimArg(p.Args["claim"])},
	}
	if list, ok := p.Args["attributes"].([]any); ok {
		st.Attributes = map[string]string{}
		for _, a := range list {
			m, _ := a.(map[string]any)
			k, _ := m["key"].(string)
			v, _ := m["value"].(string)
			st.Attributes[k] = v
		}
	}
	b := graph.Batch{Statements: []graph.Statement{st}}
	graph.NormalizeBatch(&b)
	st = b.Statements[0]
	opts := create(graph.Ref{Kind: graph.KindStatement, ID: st.ID}, graph.Ref{Kind: graph.KindClaim, ID: st.Claims[0].ID})
	if err := r.apply(ctx, b, opts); err != nil {
		return nil, err
	}
	return r.store.Statement(ctx, st.ID)
}

// addClaim adds a claim to a stored statement. The store checks, atomically
// with the write, that the statement is there (NotFound) and that the
// claim id is free (Conflict); the statement keeps what is stored of it
// (ClaimsOnly), so the claim changes nothing else.
func (r *resolver) addClaim(ctx context.Context, p graphql.ResolveParams) (any, error) {
	st := graph.Statement{ID: strings.TrimPrefix(p.Args["relation"].(string), relationPrefix)}
	c := claimArg(p.Args["claim"])
	if c.ID == "" {
		c.ID = graph.DefaultClaimID(st.ID, c.Source, c.Claimant)
	}
	st.Claims = []graph.Claim{c}
	opts := graph.ApplyOptions{ClaimsOnly: true, Create: []graph.Ref{{Kind: graph.KindClaim, ID: c.ID}}}
	if err := r.apply(ctx, graph.Batch{Statements: []graph.Statement{st}}, opts); err != nil {
		return nil, err
	}
	return r.store.Statement(ctx, st.ID)
}

func argString(p graphql.ResolveParams, name string) string {
	s, _ := p.Args[name].(string)
	return s
}

func aliases(v any) []graph.Alias {
	list, _ := v.([]any)
	var out []graph.Alias
	for _, a := range list {
		m, _ := a.(map[string]any)
		name, _ := m["name"].(string)
		usedBy, _ := m["usedBy"].(string)
		out = append(out, graph.Alias{Name: name, UsedBy: usedBy})
	}
	return out
}

func claimArg(v any) graph.Claim {
	m, _ := v.(map[string]any)
	get := func(k string) string { s, _ := m[k].(string); return s }
	return graph.Claim{
		ID:          get("id"),
		Source:      strings.TrimPrefix(get("source"), sourcePrefix),
		Claimant:    get("claimant"),
		Stance:      graph.Stance(cmp.Or(get("stance"), string(graph.Asserts))),
		Quote:       get("quote"),
		Said:        graph.Date(get("said")),
		Credibility: get("credibility"),
	}
}

// importFacts runs the server's importer on the data of the mutation.
func (r *resolver) importFacts(ctx context.Context, p graphql.ResolveParams) (any, error) {
	if r.importer == nil {
		return nil, graph.Errorf(graph.Invalid, "this server takes no imports")
	}
	format, _ := p.Args["format"].(string)
	dryRun, _ := p.Args["dryRun"].(bool)
	mapping, _ := p.Args["mapping"].(string)
	sum, err := r.importer(ctx, ImportRequest{Format: format, Name: "input", Body: strings.NewReader(p.Args["data"].(string)),
		Mapping: []byte(mapping), MappingName: "mapping", DryRun: dryRun})
	if err != nil {
		return nil, err
	}
	return importResult(sum, dryRun), nil
}

func importResult(sum graph.Summary, dryRun bool) map[string]any {
	changes := make([]map[string]any, len(sum.Diff))
	for i, c := range sum.Diff {
		changes[i] = map[string]any{"kind": c.Kind, "id": c.ID, "field": c.Field,
			"old": nullIfEmpty(c.Old), "new": nullIfEmpty(c.New), "removesEvidence": c.RemovesEvidence}
	}
	return map[string]any{"added": sum.Added, "changed": sum.Changed, "unchanged": sum.Unchanged, "removed": sum.Removed, "dryRun": dryRun,
		"changes": changes, "removesEvidence": sum.RemovesEvidence()}
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// deleteEntity deletes an entity through the store's graph.Deleter.
func (r *resolver) deleteEntity(ctx context.Context, p graphql.ResolveParams) (any, error) {
	d, ok := graph.Capability[graph.Deleter](r.store)
	if !ok {
		return nil, graph.Errorf(graph.Invalid, "this store cannot delete entities")
	}
	cascade, _ := p.Args["cascade"].(bool)
	dryRun, _ := p.Args["dryRun"].(bool)
	del, err := d.DeleteEntity(ctx, p.Args["id"].(string), graph.DeleteOptions{Cascade: cascade, DryRun: dryRun})
	if err != nil {
		return nil, err
	}
	return map[string]any{"entity": del.Entity, "statements": del.Statements, "claims": del.Claims, "aliases": del.Aliases,
		"redirects": del.Redirects, "judgements": del.Judgements, "dryRun": del.DryRun}, nil
}
