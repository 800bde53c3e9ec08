package schema

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestWritesShowTheirAuthor(t *testing.T) {
	srv, _ := roleServer(t, Options{})
	for _, m := range []string{
		`mutation { addSource(id: "wire-1", title: "A wire report") { id } }`,
		`mutation { addEntity(id: "iran", type: "Country", name: "Iran") { id } }`,
		`mutation { addStatement(subject: "iran", type: "accused-of-backing", object: "bla", claim: {source: "wire-1", claimant: "pakistan", stance: ASSERTS}) { id } }`,
		`mutation { importFacts(data: "entities:\n  - {id: lashkar, type: Group, name: Lashkar}\n") { added } }`,
	} {
		if _, resp := post(t, srv.URL, "ed-token", m); len(resp.Errors) > 0 {
			t.Fatalf("%s: %+v", m, resp.Errors)
		}
	}
	if _, resp := post(t, srv.URL, "ada-token", `mutation { updateEntity(id: "iran", description: "A country.") { id } }`); len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	_, resp := post(t, srv.URL, "", `{
		iran: entity(id: "iran") { createdBy createdAt recordedBy recordedAt }
		lashkar: entity(id: "lashkar") { recordedBy }
		india: entity(id: "india") { recordedBy }
		relation(id: "iran.accused-of-backing.bla") { createdBy recordedBy claims { recordedBy recordedAt } }
		source(id: "wire-1") { recordedBy }
	}`)
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	var d struct {
		Iran     struct{ CreatedBy, CreatedAt, RecordedBy, RecordedAt string }
		Lashkar  struct{ RecordedBy string }
		India    struct{ RecordedBy *string }
		Relation struct {
			CreatedBy, RecordedBy string
			Claims                []struct{ RecordedBy, RecordedAt string }
		}
		Source struct{ RecordedBy string }
	}
	if err := json.Unmarshal(resp.Data, &d); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ what, got, want string }{
		{"iran created by", d.Iran.CreatedBy, "ed"},
		{"iran changed by", d.Iran.RecordedBy, "ada"},
		{"lashkar, imported, by", d.Lashkar.RecordedBy, "ed"},
		{"relation created by", d.Relation.CreatedBy, "ed"},
		{"relation changed by", d.Relation.RecordedBy, "ed"},
		{"source by", d.Source.RecordedBy, "ed"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if len(d.Relation.Claims) != 1 || d.Relation.Claims[0].RecordedBy != "ed" {
		t.Errorf("claims %+v, want one recorded by ed", d.Relation.Claims)
	}
	if d.India.RecordedBy != nil {
		t.Errorf("india, seeded with no author, recorded by %q, want null", *d.India.RecordedBy)
	}
	for _, at := range []string{d.Iran.CreatedAt, d.Iran.RecordedAt, d.Relation.Claims[0].RecordedAt} {
		if ts, err := time.Parse(time.RFC3339Nano, at); err != nil || time.Since(ts) > time.Hour || !strings.HasSuffix(at, "Z") {
			t.Errorf("time %q is not a recent RFC 3339 UTC time", at)
		}
	}
}
