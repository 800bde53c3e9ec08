package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
)

// ImportHandler serves POST /import: the request body is one fact file,
// streamed to the importer, in the format the query names
// (?format=yaml|csv|nquads, default yaml; ?dryRun=true only checks and
// counts; ?name= names the input in error positions). It needs the same
// bearer token as mutations. The answer is JSON: the summary, or an error
// with its code and, for a bad file, every problem as NAME:LINE:COL.
func (h *Handler) ImportHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeImportError(w, http.StatusMethodNotAllowed, CodeBadUserInput, "send the fact file with POST", nil)
			return
		}
		if err := mayWrite(withAuth(r.Context(), h.authorize(r))); err != nil {
			writeImportError(w, http.StatusUnauthorized, CodeUnauthenticated, graph.ErrorMessage(err), nil)
			return
		}
		if h.opts.Import == nil {
			writeImportError(w, http.StatusNotImplemented, CodeBadUserInput, "this server takes no imports", nil)
			return
		}
		q := r.URL.Query()
		format := q.Get("format")
		if format == "" {
			format = "yaml"
		}
		dryRun, err := strconv.ParseBool(orDefault(q.Get("dryRun"), "false"))
		if err != nil {
			writeImportError(w, http.StatusBadRequest, CodeBadUserInput, "dryRun must be true or false", nil)
			return
		}
		name := orDefault(q.Get("name"), "body")
		body := http.MaxBytesReader(w, r.Body, h.opts.MaxImportBytes)
		sum, err := h.opts.Import(r.Context(), format, name, body, dryRun)
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			writeImportError(w, http.StatusRequestEntityTooLarge, CodeBadUserInput, fmt.Sprintf("the body is larger than %d bytes", h.opts.MaxImportBytes), nil)
		case err != nil:
			var ce *clientError
			errors.As(toClient(r.Context(), h.log, err), &ce)
			status := http.StatusInternalServerError
			switch ce.code {
			case CodeBadUserInput:
				status = http.StatusBadRequest
			case CodeConflict:
				status = http.StatusConflict
			case CodeServiceUnavailable:
				status = http.StatusServiceUnavailable
			}
			writeImportError(w, status, ce.code, ce.msg, problemLines(ce.msg))
		default:
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			json.NewEncoder(w).Encode(importResult(sum, dryRun))
		}
	})
}

// problemLines picks the FILE:LINE:COL lines out of an error message.
func problemLines(msg string) []string {
	var out []string
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); strings.Count(l, ":") >= 3 {
			out = append(out, l)
		}
	}
	return out
}

func writeImportError(w http.ResponseWriter, status int, code, msg string, problems []string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": msg, "problems": problems}})
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
