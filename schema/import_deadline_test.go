package schema

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

// TestImportDeadlineFollowsProgress serves POST /import with a server read
// timeout of one second, as a short one for every other route, and an idle
// limit of 400 ms: an upload that keeps sending for longer than the
// server's timeout succeeds, one that pauses past the idle limit is
// answered 408 with the limit named.
func TestImportDeadlineFollowsProgress(t *testing.T) {
	var got int64
	imp := func(_ context.Context, req ImportRequest) (graph.Summary, error) {
		n, err := io.Copy(io.Discard, req.Body)
		got = n
		if err != nil {
			return graph.Summary{}, err
		}
		return graph.Summary{Added: 1}, nil
	}
	h := handlerOn(t, seeded(t), Options{Token: "t0ken", Import: imp, ImportIdle: 400 * time.Millisecond})
	srv := httptest.NewUnstartedServer(h.ImportHandler())
	srv.Config.ReadTimeout = time.Second
	srv.Start()
	t.Cleanup(srv.Close)

	upload := func(chunks int, every, pauseAfterFirst time.Duration) (int, map[string]any) {
		t.Helper()
		pr, pw := io.Pipe()
		go func() {
			for i := range chunks {
				if _, err := pw.Write(make([]byte, 1024)); err != nil {
					return
				}
				if i == 0 {
					time.Sleep(pauseAfterFirst)
				}
				time.Sleep(every)
			}
			pw.Close()
		}()
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/import?format=yaml", pr)
		req.Header.Set("Authorization", "Bearer t0ken")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST /import: %v", err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		pw.CloseWithError(io.ErrClosedPipe)
		return resp.StatusCode, body
	}

	start := time.Now()
	status, body := upload(25, 100*time.Millisecond, 0)
	if status != http.StatusOK || got != 25*1024 {
		t.Fatalf("a steady upload of %s: status %d, %d bytes imported, body %v; want 200 and every byte", time.Since(start), status, got, body)
	}
	if took := time.Since(start); took < 2*time.Second {
		t.Fatalf("the steady upload took %s: it must outlast the server's read timeout to test anything", took)
	}

	status, body = upload(3, 10*time.Millisecond, 1500*time.Millisecond)
	e, _ := body["error"].(map[string]any)
	if status != http.StatusRequestTimeout || e["code"] != CodeRequestTimeout {
		t.Fatalf("a stalled upload: status %d, body %v; want 408 %s", status, body, CodeRequestTimeout)
	}
	t.Logf("stalled: %v", e["message"])
}
