package draft

import (
	"fmt"

	"github.com/claimgraph/claimgraph/graph"
)

// Score measures a draft against the statements an analyst recorded.
type Score struct {
	// Statements counts statements matched on subject, relation and object
	// (either way round for symmetric types).
	Statements Tally
	// Claims counts claims matched on their statement, claimant and stance.
	Claims Tally
}

// Tally counts matches between what was wanted and what was drafted.
type Tally struct {
	Want, Got, Matched int
}

// Recall is the share of what was wanted that the draft has; 1 when
// nothing was wanted.
func (t Tally) Recall() float64 {
	if t.Want == 0 {
		return 1
	}
	return float64(t.Matched) / float64(t.Want)
}

// Precision is the share of the draft that was wanted; 1 for an empty
// draft.
func (t Tally) Precision() float64 {
	if t.Got == 0 {
		return 1
	}
	return float64(t.Matched) / float64(t.Got)
}

func (t Tally) String() string {
	return fmt.Sprintf("recall %.2f (%d of %d), precision %.2f (%d of %d)",
		t.Recall(), t.Matched, t.Want, t.Precision(), t.Matched, t.Got)
}

// Compare scores the draft d against want, reading symmetric relation
// types from ont.
func Compare(d Draft, want []graph.Statement, ont graph.Ontology) Score {
	sym := ont.SymmetricTypes()
	key := func(s, rel, o string) string {
		if sym[rel] && o < s {
			s, o = o, s
		}
		return s + "\x00" + rel + "\x00" + o
	}
	wantSt, wantCl := map[string]bool{}, map[string]bool{}
	for _, s := range want {
		k := key(s.Subject, s.Type, s.Object)
		wantSt[k] = true
		for _, c := range s.Claims {
			wantCl[k+"\x00"+c.Claimant+"\x00"+string(claimStance(c.Stance))] = true
		}
	}
	gotSt, gotCl := map[string]bool{}, map[string]bool{}
	for _, s := range d.Statements {
		k := key(s.Subject, s.Relation, s.Object)
		gotSt[k] = true
		for _, c := range s.Claims {
			gotCl[k+"\x00"+c.Claimant+"\x00"+string(claimStance(c.Stance))] = true
		}
	}
	tally := func(want, got map[string]bool) Tally {
		t := Tally{Want: len(want), Got: len(got)}
		for k := range got {
			if want[k] {
				t.Matched++
			}
		}
		return t
	}
	return Score{Statements: tally(wantSt, gotSt), Claims: tally(wantCl, gotCl)}
}

func claimStance(s graph.Stance) graph.Stance {
	if s == "" {
		return graph.Asserts
	}
	return s
}
