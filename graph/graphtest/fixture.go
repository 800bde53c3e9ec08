package graphtest

import "github.com/claimgraph/claimgraph/graph"

// Statement ids of the fixture, one per status, plus one that carries an
// attribute and one whose id is derived by graph.NormalizeBatch.
const (
	StDisputed  = "india-backs-ttp"       // pakistan asserts, india denies
	StAlleged   = "afghanistan-backs-ttp" // only pakistan asserts
	StReported  = "ttp-allied-taliban"    // the source states it
	StDenied    = "india-backs-bla"       // only india denies
	StOfficial  = "chaudhry-official-of"  // reported, with a role attribute
	StDefaultID = "afghan-taliban.allied-with.bla"
)

// SourceID is the fixture's source.
const SourceID = "dawn-2025-03-02"

// FixtureItems is the number of items Fixture holds, as Summary counts
// them: 6 types, 1 source, 7 entities, 6 statements and 7 claims.
const FixtureItems = 27

// FixtureOntology returns the fixture's own small ontology.
func FixtureOntology() graph.Ontology {
	return graph.Ontology{
		EntityTypes: []graph.EntityType{
			{Name: "Country", Description: "A sovereign state."},
			{Name: "Group", Description: "An armed or political group."},
			{Name: "Official"},
		},
		RelationTypes: []graph.RelationType{
			{Name: "allied-with", Label: "allied with", Subject: []string{"Group"}, Object: []string{"Group"}, Symmetric: true},
			{Name: "backs", Label: "backs", Inverse: "backed by", Subject: []string{"Country"}, Object: []string{"Group"},
				Description: "Gives money, arms or shelter.", Cues: []string{"backs", "support for", "^backed by"}},
			{Name: "official-of", Label: "official of", Subject: []string{"Official"}, Object: []string{"Country"},
				Attributes: []string{"role", "since"}},
		},
	}
}

// FixtureSource returns the fixture's source, with every field set.
func FixtureSource() graph.Source {
	return graph.Source{
		ID:          SourceID,
		Title:       "Pakistan accuses Afghanistan and India of backing militants",
		Publisher:   "Dawn",
		URL:         "https://example.org/dawn/2025-03-02",
		Published:   "2025-03-02",
		Reliability: "B",
	}
}

// FixtureEntities returns the fixture's entities, ordered by id.
func FixtureEntities() []graph.Entity {
	return []graph.Entity{
		{ID: "afghan-taliban", Type: "Group", Name: "Afghan Taliban", Description: "Rulers of Afghanistan since 2021."},
		{ID: "afghanistan", Type: "Country", Name: "Afghanistan"},
		{ID: "bla", Type: "Group", Name: "Balochistan Liberation Army", Aliases: []graph.Alias{{Name: "BLA"}}},
		{ID: "india", Type: "Country", Name: "India"},
		{ID: "pakistan", Type: "Country", Name: "Pakistan", Aliases: []graph.Alias{{Name: "Islamic Republic of Pakistan"}}},
		{ID: "talal-chaudhry", Type: "Official", Name: "Talal Chaudhry", Description: "Minister of State for Interior."},
		{ID: "ttp", Type: "Group", Name: "Tehrik-i-Taliban Pakistan", Aliases: []graph.Alias{
			{Name: "TTP"},
			{Name: "Fitna al-Khawarij", UsedBy: "pakistan"},
		}},
	}
}

// FixtureStatements returns the fixture's statements with their claims
// ordered by claim id, as a Store returns them.
func FixtureStatements() []graph.Statement {
	return []graph.Statement{
		{ID: StDisputed, Subject: "india", Type: "backs", Object: "ttp", Claims: []graph.Claim{
			{ID: "c-india-denies", Source: SourceID, Claimant: "india", Stance: graph.Denies,
				Quote: "India rejects the baseless allegations.", Said: "2025-03-01"},
			{ID: "c-pakistan-accuses-india", Source: SourceID, Claimant: "pakistan", Stance: graph.Asserts,
				Quote: "India is backing the TTP.", Said: "2025-03", Credibility: "5"},
		}},
		{ID: StAlleged, Subject: "afghanistan", Type: "backs", Object: "ttp", Claims: []graph.Claim{
			{ID: "c-pakistan-accuses-afghanistan", Source: SourceID, Claimant: "pakistan", Stance: graph.Asserts},
		}},
		{ID: StReported, Subject: "ttp", Type: "allied-with", Object: "afghan-taliban", ValidFrom: "2021-08", Claims: []graph.Claim{
			{ID: "c-dawn-reports-alliance", Source: SourceID, Stance: graph.Asserts, Credibility: "2"},
		}},
		{ID: StDenied, Subject: "india", Type: "backs", Object: "bla", Claims: []graph.Claim{
			{ID: "c-india-denies-bla", Source: SourceID, Claimant: "india", Stance: graph.Denies},
		}},
		{ID: StOfficial, Subject: "talal-chaudhry", Type: "official-of", Object: "pakistan",
			Attributes: map[string]string{"role": "Minister of State for Interior", "since": "2025"},
			ValidFrom:  "2025-01", ValidUntil: "2025-12-31",
			Claims: []graph.Claim{
				{ID: "c-dawn-chaudhry", Source: SourceID, Stance: graph.Asserts, Quote: "Talal Chaudhry, the minister of state"},
			}},
		// No ids: graph.NormalizeBatch derives StDefaultID and the claim id.
		{Subject: "afghan-taliban", Type: "allied-with", Object: "bla", Claims: []graph.Claim{
			{Source: SourceID, Claimant: "pakistan", Stance: graph.Asserts},
		}},
	}
}

// Fixture returns a batch that exercises every field and every status.
func Fixture() graph.Batch {
	return graph.Batch{
		Ontology:   FixtureOntology(),
		Sources:    []graph.Source{FixtureSource()},
		Entities:   FixtureEntities(),
		Statements: FixtureStatements(),
	}
}

// wantStatements returns the fixture statements as a Store returns them:
// with their derived ids.
func wantStatements() []graph.Statement {
	sts := FixtureStatements()
	b := graph.Batch{Statements: sts}
	graph.NormalizeBatch(&b)
	return b.Statements
}
