package seed_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// TestBackupsRestoreAfterAnyWrites is a property test: after a random
// sequence of valid writes through the store API (sources, entities and
// their edits, statements, claims, retractions, bulk imports), the
// N-Quads export restores into an empty store that exports the same
// quads, and the JSON export seeds a store that exports the same JSON.
// The seed is logged; CLAIMGRAPH_TEST_RESTORE_SEED replays one.
func TestBackupsRestoreAfterAnyWrites(t *testing.T) {
	seedValue := uint64(time.Now().UnixNano())
	if s := os.Getenv("CLAIMGRAPH_TEST_RESTORE_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seedValue = v
	}
	t.Logf("seed %d (CLAIMGRAPH_TEST_RESTORE_SEED replays it)", seedValue)
	rng := rand.New(rand.NewPCG(seedValue, 0))
	rounds := 12
	if testing.Short() {
		rounds = 3
	}
	for round := range rounds {
		t.Run(fmt.Sprintf("round %d", round), func(t *testing.T) {
			src := seededStore(t)
			w := writer{t: t, rng: rng, st: src}
			for range 10 + rng.IntN(40) {
				w.step()
			}
			t.Logf("%d writes: %v", w.writes, w.kinds)

			nq := exportOf(t, src)
			dst := seededStoreEmpty(t)
			if _, err := seed.Import(t.Context(), dst, []seed.Input{{Name: "backup.nq", R: strings.NewReader(nq)}}, seed.Options{}); err != nil {
				t.Fatalf("restoring the N-Quads export: %v", err)
			}
			if again := exportOf(t, dst); again != nq {
				t.Errorf("the restored store exports other N-Quads:\n%s", firstDifference(nq, again))
			}

			js := jsonOf(t, src)
			dst = seededStoreEmpty(t)
			if _, err := seed.Load(t.Context(), dst, graph.ApplyOptions{}, seed.Input{Name: "backup.json", Data: []byte(js)}); err != nil {
				t.Fatalf("seeding the JSON export: %v", err)
			}
			if again := jsonOf(t, dst); again != js {
				t.Errorf("the seeded store exports other JSON:\n%s", firstDifference(js, again))
			}
		})
	}
}

func jsonOf(tb testing.TB, st graph.Store) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := seed.WriteJSON(tb.Context(), st, &buf); err != nil {
		tb.Fatal(err)
	}
	return buf.String()
}

func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines against %d", len(al), len(bl))
}

// writer makes random valid writes to a store.
type writer struct {
	t      *testing.T
	rng    *rand.Rand
	st     *cayley.Store
	n      int
	writes int
	kinds  map[string]int
}

// text returns random text of the kind a field may hold: letters of
// several scripts, quotes, backslashes and, in paragraphs, line feeds and
// tabs.
func (w *writer) text(paragraphs bool) string {
	parts := []string{"Quetta", "Quétta", "کوئٹہ", "“quoted”", `say "no"`, `back\slash`, "ß", "漢字", "x", "a b", "<tag>", "#1", "🙂"}
	if paragraphs {
		parts = append(parts, "\n", "\t", "line one\nline two")
	}
	var b strings.Builder
	for i := range 1 + w.rng.IntN(4) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(parts[w.rng.IntN(len(parts))])
	}
	return b.String()
}

func (w *writer) id(prefix string) string {
	w.n++
	return fmt.Sprintf("%s-%d", prefix, w.n)
}

func (w *writer) pick(list []string) string { return list[w.rng.IntN(len(list))] }

func (w *writer) date() graph.Date {
	switch w.rng.IntN(4) {
	case 0:
		return ""
	case 1:
		return graph.Date(strconv.Itoa(1990 + w.rng.IntN(30)))
	case 2:
		return graph.Date(fmt.Sprintf("%d-%02d", 1990+w.rng.IntN(30), 1+w.rng.IntN(12)))
	}
	return graph.Date(fmt.Sprintf("%d-%02d-%02d", 1990+w.rng.IntN(30), 1+w.rng.IntN(12), 1+w.rng.IntN(28)))
}

func (w *writer) apply(kind string, b graph.Batch) {
	w.t.Helper()
	if _, err := w.st.Apply(w.t.Context(), b, graph.ApplyOptions{}); err != nil {
		w.t.Fatalf("%s: %v\nbatch: %+v", kind, err, b)
	}
	w.done(kind)
}

func (w *writer) done(kind string) {
	if w.kinds == nil {
		w.kinds = map[string]int{}
	}
	w.kinds[kind]++
	w.writes++
}

// sources returns the ids of the stored sources, writing one when there
// is none.
func (w *writer) sources() []string {
	list, err := w.st.Sources(w.t.Context(), graph.Page{})
	if err != nil {
		w.t.Fatal(err)
	}
	if len(list) == 0 {
		s := graph.Source{ID: w.id("src"), Title: w.text(false)}
		w.apply("source", graph.Batch{Sources: []graph.Source{s}})
		return []string{s.ID}
	}
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids
}

func (w *writer) entities() []graph.Entity {
	list, err := w.st.Entities(w.t.Context(), graph.EntityQuery{})
	if err != nil {
		w.t.Fatal(err)
	}
	return list
}

func (w *writer) statements() []graph.Statement {
	var out []graph.Statement
	for _, e := range w.entities() {
		rels, err := w.st.Relations(w.t.Context(), e.ID, graph.RelationQuery{Direction: graph.Out})
		if err != nil {
			w.t.Fatal(err)
		}
		for _, r := range rels {
			if r.Subject == e.ID {
				out = append(out, r)
			}
		}
	}
	return out
}

func (w *writer) claim(sources []string, entities []graph.Entity) graph.Claim {
	c := graph.Claim{Source: w.pick(sources), Stance: graph.Asserts, Said: w.date()}
	if w.rng.IntN(2) == 0 {
		c.Stance = graph.Denies
	}
	if w.rng.IntN(2) == 0 {
		c.Claimant = entities[w.rng.IntN(len(entities))].ID
	}
	if w.rng.IntN(3) > 0 {
		c.Quote = w.text(true)
		if src, err := w.st.Source(w.t.Context(), c.Source); err == nil && src.Text != "" {
			// A quote of a source with text is a stretch of it, placed by
			// its position (it may occur more than once).
			runes := []rune(src.Text)
			start := w.rng.IntN(len(runes))
			end := start + 1 + w.rng.IntN(min(20, len(runes)-start))
			c.Quote, c.Anchor = string(runes[start:end]), graph.Anchor{Start: start, End: end}
		}
	}
	if w.rng.IntN(3) == 0 {
		c.Credibility = strconv.Itoa(1 + w.rng.IntN(6))
	}
	return c
}

// step makes one random write.
func (w *writer) step() {
	ctx := w.t.Context()
	ont, err := w.st.Ontology(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	switch w.rng.IntN(9) {
	case 0: // a source
		s := graph.Source{ID: w.id("src"), Title: w.text(false), Published: w.date()}
		if w.rng.IntN(2) == 0 {
			s.Publisher, s.URL = w.text(false), "https://example.org/"+w.id("a")
		}
		if w.rng.IntN(2) == 0 {
			s.Reliability = string(rune('A' + w.rng.IntN(6)))
		}
		if w.rng.IntN(2) == 0 {
			s.Text = w.text(true) + " " + w.text(true) + " " + w.text(true)
		}
		w.apply("source", graph.Batch{Sources: []graph.Source{s}})
		if s.Text != "" && w.rng.IntN(2) == 0 {
			// A new version of the text: some claims may be orphaned.
			w.claimOn(s.ID)
			w.claimOn(s.ID)
			s.Text = w.text(true) + " " + string([]rune(s.Text)[:len([]rune(s.Text))/2])
			s.Digest = ""
			if sum, err := w.st.Apply(w.t.Context(), graph.Batch{Sources: []graph.Source{s}}, graph.ApplyOptions{}); err != nil {
				w.t.Fatalf("new version of %s: %v", s.ID, err)
			} else if len(sum.Orphaned) > 0 {
				w.done("orphaning version")
			} else {
				w.done("new version")
			}
		}
	case 1, 2: // an entity, or an edit of one
		entities := w.entities()
		e := graph.Entity{ID: w.id("ent"), Type: ont.EntityTypes[w.rng.IntN(len(ont.EntityTypes))].Name}
		kind := "entity"
		if w.rng.IntN(3) == 0 {
			e, kind = entities[w.rng.IntN(len(entities))], "entity edit"
		}
		e.Name = w.text(false)
		e.Aliases = nil
		for range w.rng.IntN(3) {
			a := graph.Alias{Name: w.text(false)}
			if w.rng.IntN(2) == 0 {
				a.UsedBy = entities[w.rng.IntN(len(entities))].ID
			}
			e.Aliases = append(e.Aliases, a)
		}
		if w.rng.IntN(2) == 0 {
			e.Description = w.text(true)
		}
		w.apply(kind, graph.Batch{Entities: []graph.Entity{e}})
	case 3, 4: // a statement with its first claim
		entities := w.entities()
		rt := ont.RelationTypes[w.rng.IntN(len(ont.RelationTypes))]
		can := func(allowed []string) []string {
			var ids []string
			for _, e := range entities {
				if len(allowed) == 0 || slices.Contains(allowed, e.Type) {
					ids = append(ids, e.ID)
				}
			}
			return ids
		}
		subjects, objects := can(rt.Subject), can(rt.Object)
		if len(subjects) == 0 || len(objects) == 0 {
			return
		}
		st := graph.Statement{Subject: w.pick(subjects), Type: rt.Name, Object: w.pick(objects), ValidFrom: w.date()}
		if st.Subject == st.Object {
			return
		}
		if st.ValidFrom != "" && w.rng.IntN(2) == 0 {
			st.ValidUntil = graph.Date(strconv.Itoa(2030 + w.rng.IntN(5)))
		}
		for _, a := range rt.Attributes {
			if w.rng.IntN(2) == 0 {
				if st.Attributes == nil {
					st.Attributes = map[string]string{}
				}
				st.Attributes[a] = w.text(true)
			}
		}
		if w.rng.IntN(3) == 0 {
			st.ID = w.id("st")
		}
		if existing, err := w.st.Statement(ctx, graph.DefaultStatementID(st.Subject, st.Type, st.Object)); err == nil && st.ID == "" {
			st = existing // the same triple again: add a claim to it
			st.Claims = nil
		}
		st.Claims = []graph.Claim{w.claim(w.sources(), entities)}
		w.apply("statement", graph.Batch{Statements: []graph.Statement{st}})
	case 5: // a claim on a stored statement
		sts := w.statements()
		if len(sts) == 0 {
			return
		}
		st := sts[w.rng.IntN(len(sts))]
		c := w.claim(w.sources(), w.entities())
		c.ID = w.id("claim")
		st.Claims = []graph.Claim{c}
		w.apply("claim", graph.Batch{Statements: []graph.Statement{st}})
	case 6: // a retracted claim
		sts := w.statements()
		if len(sts) == 0 {
			return
		}
		st := sts[w.rng.IntN(len(sts))]
		c := st.Claims[w.rng.IntN(len(st.Claims))]
		if _, err := w.st.RetractClaim(ctx, c.ID); err != nil && graph.ErrorCode(err) != graph.NotFound {
			w.t.Fatalf("retract claim %s: %v", c.ID, err) // an implicit claim of an import is not a stored claim
		}
		w.done("retracted claim")
	case 7: // a retracted source
		if w.rng.IntN(3) > 0 {
			return
		}
		sources := w.sources()
		switch _, err := w.st.RetractSource(ctx, w.pick(sources)); graph.ErrorCode(err) {
		case "":
			w.done("retracted source")
		case graph.Conflict: // its import's entities are named elsewhere
			w.done("refused retraction")
		default:
			w.t.Fatalf("retract source: %v", err)
		}
	case 8: // a bulk import of a source of its own
		w.bulk(ont)
	}
}

// claimOn adds a claim on the source to a stored statement, if any.
func (w *writer) claimOn(source string) {
	sts := w.statements()
	if len(sts) == 0 {
		return
	}
	st := sts[w.rng.IntN(len(sts))]
	c := w.claim([]string{source}, w.entities())
	c.ID = w.id("claim")
	st.Claims = []graph.Claim{c}
	w.apply("claim", graph.Batch{Statements: []graph.Statement{st}})
}

// bulk imports a few entities and statements as one source's import.
func (w *writer) bulk(ont graph.Ontology) {
	var rt graph.RelationType
	for _, t := range ont.RelationTypes {
		if t.Name == "allied-with" {
			rt = t
		}
	}
	if rt.Name == "" {
		return
	}
	src := graph.Source{ID: w.id("import"), Title: w.text(false)}
	var entities []graph.Entity
	for range 2 + w.rng.IntN(4) {
		entities = append(entities, graph.Entity{ID: w.id("imported"), Type: w.pick(rt.Subject), Name: w.text(false)})
	}
	var statements []graph.Statement
	for i := 1; i < len(entities); i++ {
		statements = append(statements, graph.Statement{Subject: entities[i-1].ID, Type: rt.Name, Object: entities[i].ID})
	}
	imp := graph.BulkImport{Source: src, Digest: w.id("digest"), NumEntities: len(entities), NumStatements: len(statements),
		Entities:   slices.Values(entities),
		Statements: slices.Values(statements),
	}
	if _, err := w.st.Import(w.t.Context(), imp, graph.BulkOptions{}); err != nil {
		w.t.Fatalf("bulk import: %v", err)
	}
	w.done("bulk import")
}
