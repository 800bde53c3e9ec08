package seed_test

import (
	"context"

	"github.com/claimgraph/claimgraph/graph"
)

// The graph.Store methods the GraphQL API added, which Load never calls.
// They live in a file of their own so that the fake's main file stays as
// the seed tests need it; a fake that implements them for real replaces
// these.

func (f *fakeStore) OntologyVersion(context.Context) (string, error) { return "", nil }

func (f *fakeStore) EntitiesByID(_ context.Context, ids []string) (map[string]graph.Entity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]graph.Entity{}
	for _, id := range ids {
		if e, ok := f.entities[id]; ok {
			out[id] = e
		}
	}
	return out, nil
}

func (f *fakeStore) Sources(context.Context, graph.Page) ([]graph.Source, error) {
	return nil, notInFake("Sources")
}

func (f *fakeStore) ClaimsBySource(context.Context, string) ([]graph.StatementClaim, error) {
	return nil, notInFake("ClaimsBySource")
}

func (f *fakeStore) Disputes(context.Context, graph.Page) ([]graph.Statement, error) {
	return nil, notInFake("Disputes")
}

func (f *fakeStore) RetractClaim(context.Context, string) (graph.Summary, error) {
	return graph.Summary{}, notInFake("RetractClaim")
}

func notInFake(method string) error {
	return graph.Errorf(graph.Internal, "fakeStore does not implement %s", method)
}
