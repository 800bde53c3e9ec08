package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// datedFacts dates the built-in article May 2025 (it carries no date of its
// own) and adds India's denial of the accounts Chaudhry places in India,
// said on 2025-06-10 in a later source.
const datedFacts = `sources:
  - id: src-86013d487e35f14f
    title: Pakistan warns it may block social media platforms for non-compliance
    published: 2025-05
  - id: src-denial
    title: India rejects Pakistan's claims about X accounts
    published: 2025-06-11
statements:
  - subject: x-accounts-india
    relation: operating-from
    object: india
    attributes: {count: at least 19}
    claims:
      - source: src-denial
        by: india
        stance: DENIES
        quote: India rejects the claims.
        said: 2025-06-10
`

// datedStore returns a bolt store holding the built-in seed and datedFacts.
func datedStore(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	facts := filepath.Join(dir, "dated.yaml")
	if err := os.WriteFile(facts, []byte(datedFacts), 0o644); err != nil {
		tb.Fatal(err)
	}
	for _, args := range [][]string{{"seed", "--store", store}, {"seed", "--store", store, facts}} {
		if err := run(tb.Context(), args, noEnv, io.Discard, io.Discard); err != nil {
			tb.Fatalf("%v: %v", args, err)
		}
	}
	return store
}

func TestExportHonoursValidAndReportTime(t *testing.T) {
	store := datedStore(t)
	const (
		allegation = "Chaudhry said Pakistani investigators recently found at least 19 X accounts"
		denial     = "India rejects the claims."
		governs    = "afghan-taliban.governs.afghanistan"
	)
	tests := []struct {
		name       string
		args       []string
		has, lacks []string
	}{
		{"before the denial only the allegation was reported", []string{"--reported-by", "2025-06-09"},
			[]string{allegation, governs}, []string{denial, "src-denial"}},
		{"from the denial on both claims count", []string{"--reported-by", "2025-06-10"},
			[]string{allegation, denial, "src-denial"}, nil},
		{"before the article nothing was reported", []string{"--reported-by", "2025-04"},
			[]string{"talal-chaudhry"}, []string{allegation, governs, "src-86013d487e35f14f"}},
		{"as of before the taliban took over they do not govern", []string{"--as-of", "2021-07"},
			[]string{allegation, denial}, []string{governs}},
		{"as of after it they do", []string{"--as-of", "2021-09"},
			[]string{governs}, nil},
		{"both filters combine", []string{"--as-of", "2021-07", "--reported-by", "2025-06-09"},
			[]string{allegation}, []string{governs, denial}},
	}
	for _, format := range []string{"json", "nquads", "graphml"} {
		for _, tt := range tests {
			t.Run(format+"/"+tt.name, func(t *testing.T) {
				var out bytes.Buffer
				args := append([]string{"export", "--store", store, "--format", format}, tt.args...)
				if err := run(t.Context(), args, noEnv, &out, io.Discard); err != nil {
					t.Fatal(err)
				}
				for _, s := range tt.has {
					if !strings.Contains(out.String(), s) {
						t.Errorf("export lacks %q", s)
					}
				}
				for _, s := range tt.lacks {
					if strings.Contains(out.String(), s) {
						t.Errorf("export holds %q", s)
					}
				}
			})
		}
	}
	t.Run("without filters the export holds everything", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"export", "--store", store, "--format", "json"}, noEnv, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{allegation, denial, governs} {
			if !strings.Contains(out.String(), s) {
				t.Errorf("export lacks %q", s)
			}
		}
	})
}

func TestPathsCommandInTime(t *testing.T) {
	store := datedStore(t)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"time flow explains each hop's valid time", []string{"ttp", "afghanistan", "--time-flow", "P1Y", "--allow-undated", "--k", "3"}, []string{
			"3. ttp → afghan-taliban → afghanistan",
			"   Tehrik-e-Taliban Pakistan —allied with— Afghan Taliban  [REPORTED: reported by “Pakistan warns it may block social media platforms for non-compliance”]  (valid time unknown)",
			"   Afghan Taliban —governs→ Afghanistan  [REPORTED: reported by “Pakistan warns it may block social media platforms for non-compliance”]  (valid from 2021-08)",
		}},
		{"time flow without undated hops finds none here", []string{"ttp", "afghanistan", "--time-flow", "P1Y"}, []string{
			"no path from ttp to afghanistan",
		}},
		{"as reported before the denial the allegation is walked", []string{"x-accounts-india", "india", "--status", "alleged", "--reported-by", "2025-06-09"}, []string{
			"X accounts operating from India —operating from→ India  [ALLEGED: alleged by Talal Chaudhry]",
		}},
		{"after the denial it is not", []string{"x-accounts-india", "india", "--status", "alleged", "--reported-by", "2025-06-10"}, []string{
			"no path from x-accounts-india to india",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(t.Context(), append([]string{"paths", "--store", store}, tt.args...), noEnv, &out, io.Discard); err != nil {
				t.Fatalf("paths: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func TestTimeFlagsRefuseBadValues(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"a gap that is no duration", []string{"paths", "--store", "memory:", "a", "b", "--time-flow", "1y"}},
		{"allow-undated without time flow", []string{"paths", "--store", "memory:", "a", "b", "--allow-undated"}},
		{"reported-by that is no date", []string{"paths", "--store", "memory:", "a", "b", "--reported-by", "June"}},
		{"export as-of that is no date", []string{"export", "--store", "memory:", "--as-of", "2021-13"}},
		{"export reported-by that is no date", []string{"export", "--store", "memory:", "--reported-by", "yesterday"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := run(t.Context(), tt.args, noEnv, io.Discard, io.Discard)
			if _, ok := err.(usageError); !ok {
				t.Errorf("err = %v (%T), want a usage error", err, err)
			}
		})
	}
}
