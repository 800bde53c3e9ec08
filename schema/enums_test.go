package schema

import (
	"sync"
	"testing"
)

// TestConcurrentRequestsWithEnums runs requests that parse enum variables
// and serialize enum results at the same time; under -race it fails if
// graphql-go's lazily built enum tables are not filled before serving.
func TestConcurrentRequestsWithEnums(t *testing.T) {
	h := newHandler(t)
	const query = `query($status: [Status!], $direction: Direction) {
		entity(id: "india") { relations(status: $status, direction: $direction) { status claims { stance } } } }`
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			vars := map[string]any{"status": []any{"DISPUTED", "REPORTED"}, "direction": []string{"OUT", "IN", "BOTH"}[i%3]}
			resp, _ := h.Do(t.Context(), Request{Query: query, Variables: vars})
			if len(resp.Errors) > 0 {
				t.Errorf("errors: %+v", resp.Errors)
			}
		})
	}
	wg.Wait()
}
