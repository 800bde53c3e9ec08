package seed_test

import (
	"context"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

// knowNothing is a graph.Known for batches that must stand alone.
func knowNothing(context.Context, string, string) (string, bool, error) { return "", false, nil }

// check parses inputs and validates the batch on its own, returning the
// positioned error of either step.
func check(tb testing.TB, inputs ...seed.Input) error {
	tb.Helper()
	p, err := seed.Parse(inputs...)
	if err != nil {
		return err
	}
	ont := graph.Ontology{}.Merge(p.Batch.Ontology)
	return p.Locate(graph.ValidateBatch(tb.Context(), ont, &p.Batch, knowNothing))
}

// lines splits an error's message into its lines; nil has none.
func lines(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(graph.ErrorMessage(err), "\n")
}

// header is a small ontology and the entities the cases below refer to.
const header = `ontology:
  entityTypes:
    - {name: Country}
    - {name: Group}
  relationTypes:
    - {name: backs, subject: [Country], object: [Group], attributes: [count]}
sources:
  - {id: s1, title: A report}
entities:
  - {id: india, type: Country, name: India}
  - {id: ttp, type: Group, name: TTP}
`

func TestParseErrorPositions(t *testing.T) {
	tests := []struct {
		name  string
		files []seed.Input
		want  []string
	}{
		{
			name:  "valid file has no errors",
			files: in("f.yaml", header+"statements:\n  - {subject: india, relation: backs, object: ttp, claims: [{source: s1}]}\n"),
		},
		{
			name:  "empty file has no errors",
			files: in("f.yaml", ""),
		},
		// YAML syntax: yaml.v3 tells no column.
		{
			name:  "unclosed list is reported at the line it opens, column 1",
			files: in("f.yaml", "entities:\n  - id: a\n    name: [A\n"),
			want:  []string{"f.yaml:3:1: YAML syntax error: did not find expected ',' or ']'"},
		},
		{
			name:  "misindented key is reported at its line",
			files: in("f.yaml", "entities:\n  - id: a\n   type: T\n"),
			want:  []string{"f.yaml:3:1: YAML syntax error: did not find expected '-' indicator"},
		},
		{
			name:  "tab indentation is reported at its line",
			files: in("f.yaml", "entities:\n  - id: a\n\ttype: T\n"),
			want:  []string{"f.yaml:3:1: YAML syntax error: found a tab character that violates indentation"},
		},
		{
			name:  "unknown anchor is reported at the line that uses it",
			files: in("f.yaml", "entities:\n  - id: a\n    type: *nope\n"),
			want:  []string{"f.yaml:3:1: YAML syntax error: unknown anchor 'nope' referenced"},
		},
		{
			name:  "syntax error in a later document keeps the problems of earlier ones",
			files: in("f.yaml", "entities:\n  - {id: a, tipe: T}\n---\nentities: [\n"),
			want: []string{
				"f.yaml:2:5: missing key \"type\": an entity needs one",
				"f.yaml:2:13: unknown key \"tipe\" in an entity; did you mean \"type\"?",
				"f.yaml:4:1: YAML syntax error: did not find expected node content",
			},
		},

		// Structure: keys, kinds and required values.
		{
			name:  "unknown key is reported at the key with the close known key",
			files: in("f.yaml", "entities:\n  - id: a\n    type: T\n    nmae: A\n"),
			want:  []string{"f.yaml:4:5: unknown key \"nmae\" in an entity; did you mean \"name\"?"},
		},
		{
			name:  "unknown key with nothing close lists the known keys",
			files: in("f.yaml", "people: []\n"),
			want:  []string{"f.yaml:1:1: unknown key \"people\" in a fact file (expected one of: ontology, sources, entities, statements)"},
		},
		{
			name:  "key of another format is reported with ours",
			files: in("f.yaml", "statements:\n  - subject: a\n    relation: r\n    object: b\n    claims:\n      - source: s\n        claimant: c\n"),
			want:  []string{"f.yaml:7:9: unknown key \"claimant\" in a claim; did you mean \"by\"?"},
		},
		{
			name:  "list where a mapping belongs is reported at the list",
			files: in("f.yaml", "entities:\n  - [a, b]\n"),
			want:  []string{"f.yaml:2:5: an entity must be a mapping with the keys id, type, name, aliases, description, createdBy, createdAt, recordedBy, recordedAt, not a list"},
		},
		{
			name:  "mapping where a list belongs is reported at the mapping",
			files: in("f.yaml", "sources:\n  id: s1\n"),
			want:  []string{"f.yaml:2:3: sources must be a list, not a mapping"},
		},
		{
			name:  "list where a single value belongs is reported at the value",
			files: in("f.yaml", "entities:\n  - id: a\n    type: T\n    name: [A, B]\n"),
			want:  []string{"f.yaml:4:11: name must be a single value, not a list"},
		},
		{
			name:  "list as an attribute value is reported at the value",
			files: in("f.yaml", "statements:\n  - subject: a\n    relation: r\n    object: b\n    attributes: {count: [1, 2]}\n"),
			want:  []string{"f.yaml:5:25: attribute \"count\" must be a single value, not a list"},
		},
		{
			name:  "non-boolean symmetric is reported at the value",
			files: in("f.yaml", "ontology:\n  relationTypes:\n    - name: r\n      symmetric: maybe\n"),
			want:  []string{"f.yaml:4:18: symmetric must be true or false, not \"maybe\""},
		},
		{
			name:  "duplicate key is reported at the second one",
			files: in("f.yaml", "entities:\n  - id: a\n    type: T\n    id: b\n"),
			want:  []string{"f.yaml:4:5: key \"id\" is given twice in an entity (first on line 2)"},
		},
		{
			name:  "missing required key is reported at the item",
			files: in("f.yaml", "statements:\n  - relation: r\n    object: b\n    claims: [{source: s}]\n"),
			want:  []string{"f.yaml:2:5: missing key \"subject\": a statement needs one"},
		},
		{
			name:  "empty required value is reported at its key",
			files: in("f.yaml", "entities:\n  - id:\n    type: T\n"),
			want:  []string{"f.yaml:2:5: \"id\" is empty: an entity needs one"},
		},
		{
			name:  "unknown alias key is reported at the key",
			files: in("f.yaml", "entities:\n  - id: a\n    type: T\n    aliases: [{name: A, by: b}]\n"),
			want:  []string{"f.yaml:4:25: unknown key \"by\" in an alias (expected one of: name, usedBy)"},
		},
		{
			name:  "file that is a list is reported at its start",
			files: in("f.yaml", "- a\n- b\n"),
			want:  []string{"f.yaml:1:1: a fact file must be a mapping with the keys ontology, sources, entities, statements, not a list"},
		},
		{
			name:  "merge key is refused at the key",
			files: in("f.yaml", "entities:\n  - <<: {id: a}\n    type: T\n"),
			want: []string{
				"f.yaml:2:5: merge keys (<<) are not supported; write the keys out",
				"f.yaml:2:5: missing key \"id\": an entity needs one",
			},
		},
		{
			name:  "anchors and aliases are followed",
			files: in("f.yaml", header+"statements:\n  - subject: india\n    relation: backs\n    object: ttp\n    claims: &c [{source: s1, quote: q}]\n  - {subject: india, relation: backs, object: ttp, id: second, claims: *c}\n"),
		},

		// Meaning: problems graph.ValidateBatch finds, placed in the file.
		{
			name:  "unknown subject is reported at the value with the close entity",
			files: in("f.yaml", header+"statements:\n  - subject: indai\n    relation: backs\n    object: ttp\n    claims: [{source: s1}]\n"),
			want:  []string{"f.yaml:13:14: unknown entity \"indai\"; did you mean \"india\"?"},
		},
		{
			name:  "unknown relation type is reported at relation",
			files: in("f.yaml", header+"statements:\n  - subject: india\n    relation: bakcs\n    object: ttp\n    claims: [{source: s1}]\n"),
			want:  []string{"f.yaml:14:15: unknown relation type \"bakcs\"; did you mean \"backs\"?"},
		},
		{
			name:  "disallowed entity types are reported at relation",
			files: in("f.yaml", header+"statements:\n  - subject: ttp\n    relation: backs\n    object: india\n    claims: [{source: s1}]\n"),
			want:  []string{"f.yaml:14:15: backs cannot connect a Group (ttp) to a Country (india); allowed: [Country] → [Group]"},
		},
		{
			name:  "unknown claimant is reported at by",
			files: in("f.yaml", header+"statements:\n  - subject: india\n    relation: backs\n    object: ttp\n    claims: [{source: s1, by: pakistn}]\n"),
			want:  []string{"f.yaml:16:31: unknown entity \"pakistn\""},
		},
		{
			name:  "bad stance of the second claim is reported at that claim's stance",
			files: in("f.yaml", header+"statements:\n  - subject: india\n    relation: backs\n    object: ttp\n    claims:\n      - source: s1\n      - source: s1\n        by: india\n        stance: MAYBE\n"),
			want:  []string{"f.yaml:20:17: stance \"MAYBE\" must be ASSERTS or DENIES"},
		},
		{
			name:  "two claims with one id are reported at the second claim",
			files: in("f.yaml", header+"statements:\n  - subject: india\n    relation: backs\n    object: ttp\n    claims:\n      - source: s1\n      - source: s1\n        quote: again\n"),
			want:  []string{"f.yaml:18:9: claim \"india.backs.ttp~s1~source\" is given twice in this statement; give the claims distinct ids"},
		},
		{
			name:  "undeclared attribute is reported at its key",
			files: in("f.yaml", header+"statements:\n  - subject: india\n    relation: backs\n    object: ttp\n    attributes: {role: x}\n    claims: [{source: s1}]\n"),
			want:  []string{"f.yaml:16:18: relation backs has no attribute \"role\" (declared: [count])"},
		},
		{
			name:  "impossible date is reported at since",
			files: in("f.yaml", header+"statements:\n  - subject: india\n    relation: backs\n    object: ttp\n    since: 2021-13\n    claims: [{source: s1}]\n"),
			want:  []string{"f.yaml:16:12: date \"2021-13\" does not exist"},
		},
		{
			name:  "statement without claims is reported at the statement",
			files: in("f.yaml", header+"statements:\n  - subject: india\n    relation: backs\n    object: ttp\n"),
			want:  []string{"f.yaml:13:5: a statement needs at least one claim: who says it, in which source"},
		},
		{
			name:  "unknown entity type in a relation type is reported at that list item",
			files: in("f.yaml", "ontology:\n  entityTypes: [{name: Country}]\n  relationTypes:\n    - {name: r, subject: [Country, Grop], object: Country}\n"),
			want:  []string{"f.yaml:4:36: unknown entity type \"Grop\""},
		},
		{
			name:  "unknown entity type of an entity is reported at type with the close type",
			files: in("f.yaml", header+"  - {id: pakistan, type: Countyr, name: Pakistan}\n"),
			want:  []string{"f.yaml:12:26: unknown entity type \"Countyr\"; did you mean \"Country\"?"},
		},
		{
			name:  "alias used by an unknown entity is reported at usedBy",
			files: in("f.yaml", header+"  - id: bla\n    type: Group\n    name: Baloch Liberation Army\n    aliases:\n      - BLA\n      - {name: Baluchistan Liberation Army, usedBy: pakistan}\n"),
			want:  []string{"f.yaml:17:53: alias \"Baluchistan Liberation Army\" is used by unknown entity \"pakistan\""},
		},
		{
			name:  "source without a title is reported at the source",
			files: in("f.yaml", "sources:\n  - id: s2\n    url: https://example.org/\n"),
			want:  []string{"f.yaml:2:5: a source needs a title"},
		},
		{
			name: "problems in several files are listed by file, then line",
			files: in(
				"types.yaml", header+"  - {id: pakistan, type: Countri, name: Pakistan}\n",
				"facts.yaml", "statements:\n  - {subject: india, relation: backs, object: tttp, claims: [{source: s1}]}\n  - {subject: india, relation: backs, object: ttp, claims: [{source: s9}]}\n",
			),
			want: []string{
				"types.yaml:12:26: unknown entity type \"Countri\"; did you mean \"Country\"?",
				"facts.yaml:2:47: unknown entity \"tttp\"; did you mean \"ttp\"?",
				"facts.yaml:3:70: unknown source \"s9\"; did you mean \"s1\"?",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := check(t, tt.files...)
			got := lines(err)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if err != nil && graph.ErrorCode(err) != graph.Invalid {
				t.Errorf("code = %q, want %q", graph.ErrorCode(err), graph.Invalid)
			}
		})
	}
}

// in makes inputs from name, content pairs.
func in(nameData ...string) []seed.Input {
	var out []seed.Input
	for i := 0; i+1 < len(nameData); i += 2 {
		out = append(out, seed.Input{Name: nameData[i], Data: []byte(nameData[i+1])})
	}
	return out
}

func TestParseRefusesAliasExpansion(t *testing.T) {
	var b strings.Builder
	b.WriteString("x: &c [")
	for range 300 {
		b.WriteString("{source: s},")
	}
	b.WriteString("]\nstatements:\n")
	for range 300 {
		b.WriteString("  - {subject: a, relation: r, object: b, claims: *c}\n")
	}
	_, err := seed.Parse(seed.Input{Name: "f.yaml", Data: []byte(b.String())})
	if !strings.Contains(graph.ErrorMessage(err), "aliases expand the file too much") {
		t.Errorf("Parse = %v, want the expansion refused", err)
	}
}
