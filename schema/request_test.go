package schema

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestRequestJSONIsStrict checks that a request whose JSON has bytes after
// the value, or an object with a key twice, is refused as malformed, with
// POST and in the variables of a GET.
func TestRequestJSONIsStrict(t *testing.T) {
	srv := httptest.NewServer(newHandler(t))
	t.Cleanup(srv.Close)
	const q = `query($id: ID!) { entity(id: $id) { name } }`
	for _, tc := range []struct {
		name, method, body string
		want               int
	}{
		{"a plain POST is answered", "POST", `{"query":"{ entityTypes }"}`, 200},
		{"spaces after the body are fine", "POST", "{\"query\":\"{ entityTypes }\"} \r\n\t", 200},
		{"bytes after the body are refused", "POST", `{"query":"{ entityTypes }"} x`, 400},
		{"a second JSON value after the body is refused", "POST", `{"query":"{ entityTypes }"}{"query":"{ relationTypes }"}`, 400},
		{"a duplicate query key is refused", "POST", `{"query":"{ entityTypes }","query":"{ relationTypes }"}`, 400},
		{"a duplicate key in the variables is refused", "POST", `{"query":"` + q + `","variables":{"id":"india","id":"pakistan"}}`, 400},
		{"a duplicate key deeper down is refused", "POST", `{"query":"{ entityTypes }","extensions":{"a":[{"b":1,"b":2}]}}`, 400},
		{"the same key in two objects is fine", "POST", `{"query":"` + q + `","variables":{"id":"india"},"extensions":{"id":[{"id":1},{"id":2}]}}`, 200},
		{"a string value equal to a key is fine", "POST", `{"query":"` + q + `","variables":{"id":"id"}}`, 200},
		{"GET variables with a duplicate key are refused", "GET", `{"id":"india","id":"pakistan"}`, 400},
		{"GET variables with bytes after them are refused", "GET", `{"id":"india"} x`, 400},
		{"GET variables are answered", "GET", `{"id":"india"}`, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var req *http.Request
			if tc.method == "POST" {
				req, _ = http.NewRequestWithContext(t.Context(), "POST", srv.URL, strings.NewReader(tc.body))
				req.Header.Set("Content-Type", "application/json")
			} else {
				v := url.Values{"query": {q}, "variables": {tc.body}}
				req, _ = http.NewRequestWithContext(t.Context(), "GET", srv.URL+"?"+v.Encode(), nil)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.want || (tc.want == 400 && !strings.Contains(string(b), CodeBadUserInput)) || (tc.want == 200 && strings.Contains(string(b), `"errors"`)) {
				t.Errorf("status %d, body %.300s; want %d", resp.StatusCode, b, tc.want)
			}
		})
	}
}
