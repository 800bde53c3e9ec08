package seed_test

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

// csvOntology is a small ontology the CSV cases below refer to.
const csvOntology = `ontology:
  entityTypes: [{name: Country}, {name: Group}]
  relationTypes:
    - {name: backs, subject: [Country], object: [Group], attributes: [count]}
`

func TestParseCSV(t *testing.T) {
	entities := "id,type,name,aliases\nindia,Country,India,Bhārat; Hindustan\nttp,Group,TTP,\n"
	sources := "id,title,reliability\ns1,A report,B\n"
	tests := []struct {
		name  string
		files []seed.Input
		want  []string // problems; none means the files must load
	}{
		{
			name:  "valid files of each kind have no errors",
			files: in("o.yaml", csvOntology, "e.csv", entities, "s.csv", sources, "st.csv", "subject,relation,object,source\nindia,backs,ttp,s1\n"),
		},
		{
			name:  "byte order mark and CRLF line ends are accepted",
			files: in("o.yaml", csvOntology, "e.csv", "\ufeffid,type,name\r\nindia,Country,India\r\nttp,Group,TTP\r\n", "s.csv", sources, "st.csv", "subject,relation,object,source\r\nindia,backs,ttp,s1\r\n"),
		},
		{
			name:  "header without a required column names the column",
			files: in("st.csv", "subject,object,source\nindia,ttp,s1\n"),
			want:  []string{`st.csv:1:16: the header lacks the column "relation" that a statements file needs (required: subject, relation, object, source)`},
		},
		{
			name:  "unknown column is reported at its header cell with a suggestion",
			files: in("e.csv", "id,type,nmae\nindia,Country,India\n"),
			want: []string{
				`e.csv:1:9: unknown column "nmae" in an entities file; did you mean "name"?`,
				`e.csv:1:9: the header lacks the column "name" that an entities file needs (required: id, type, name)`,
			},
		},
		{
			name:  "column after multi-byte characters counts characters",
			files: in("o.yaml", csvOntology, "s.csv", sources, "e.csv", "id,name,type\nbharat,Bhārat,Cuntry\n"),
			want:  []string{`e.csv:2:15: unknown entity type "Cuntry"; did you mean "Country"?`},
		},
		{
			name:  "row with too few cells is reported",
			files: in("e.csv", "id,type,name\nindia,Country\n"),
			want:  []string{"e.csv:2:7: row has 2 cells, the header 3"},
		},
		{
			name:  "empty required cell is reported at the cell",
			files: in("e.csv", "id,type,name\n,Country,India\n"),
			want:  []string{`e.csv:2:1: "id" is empty: an entity needs one`},
		},
		{
			name: "rows of one statement that disagree are reported at the later row",
			files: in("o.yaml", csvOntology, "e.csv", entities, "s.csv", sources,
				"st.csv", "subject,relation,object,source,attr.count\nindia,backs,ttp,s1,19\nindia,backs,ttp,s1,20\n"),
			want: []string{`st.csv:3:1: statement "india.backs.ttp" differs from its row on line 2 in subject, relation, object, valid time or attributes; repeat them exactly`},
		},
		{
			name:  "attribute the relation does not declare is reported at its cell",
			files: in("o.yaml", csvOntology, "e.csv", entities, "s.csv", sources, "st.csv", "subject,relation,object,source,attr.role\nindia,backs,ttp,s1,chief\n"),
			want:  []string{`st.csv:2:20: relation backs has no attribute "role" (declared: [count])`},
		},
		{
			name:  "quote error is a syntax error at its place",
			files: in("e.csv", "id,type,name\nindia,Country,\"India\n"),
			want:  []string{`e.csv:2:21: CSV syntax error: extraneous or missing " in quoted-field`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lines(check(t, tt.files...))
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseCSVContent(t *testing.T) {
	inputs, err := seed.ReadFiles(filepath.Join("testdata", "good", "csv"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := seed.Parse(inputs...)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("entity aliases are split on semicolons", func(t *testing.T) {
		want := []graph.Entity{{ID: "lashkar", Type: "Group", Name: "Lashkar-e-Taiba",
			Aliases:     []graph.Alias{{Name: "LeT"}, {Name: "Lashkar"}},
			Description: "A militant group, based in Pakistan."}}
		if !reflect.DeepEqual(p.Batch.Entities, want) {
			t.Errorf("entities = %+v, want %+v", p.Batch.Entities, want)
		}
	})
	t.Run("rows of one statement become its claims", func(t *testing.T) {
		if len(p.Batch.Statements) != 1 {
			t.Fatalf("statements = %+v, want one", p.Batch.Statements)
		}
		st := p.Batch.Statements[0]
		want := []graph.Claim{
			{ID: "lashkar.operating-from.pakistan~src-csv-1~india", Source: "src-csv-1", Claimant: "india", Stance: graph.Asserts,
				Quote: `India says "Lashkar" operates from Pakistan.`, Said: "2024-05-01", Credibility: "3"},
			{ID: "lashkar.operating-from.pakistan~src-csv-1~pakistan", Source: "src-csv-1", Claimant: "pakistan", Stance: graph.Denies,
				Quote: "Pakistan denies it."},
		}
		if st.ValidFrom != "2001" || !reflect.DeepEqual(st.Claims, want) {
			t.Errorf("statement = %+v, want since 2001 and claims %+v", st, want)
		}
	})
	t.Run("the files load on top of the built-in seed", func(t *testing.T) {
		st := newFakeStore()
		sum, err := seed.Load(t.Context(), st, graph.ApplyOptions{}, append(seed.Builtin(), inputs...)...)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Added == 0 {
			t.Errorf("summary = %+v, want additions", sum)
		}
		got, err := st.Statement(t.Context(), "lashkar.operating-from.pakistan")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status() != graph.Disputed {
			t.Errorf("status = %s, want %s", got.Status(), graph.Disputed)
		}
	})
}
