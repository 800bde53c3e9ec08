package schema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

// ImportHandler serves POST /import: the request body is one input,
// streamed to the importer, in the format the query names
// (?format=yaml|json|csv|nquads|jsonld|article|annotations; told from
// the content when left out; ?dryRun=true only checks and counts; ?name=
// names the input in error positions). RDF through an
// ontology mapping comes as multipart/form-data: a part "mapping" (the
// mapping file) first, then a part "data" (?format=nquads or jsonld,
// named by its file name), which is streamed. Several fact files that
// belong together (a CSV file of entities and one of statements) come as
// multipart/form-data parts "file", each named by its file name, and are
// imported as one change. A gzip-compressed input is read as such. It
// needs a user with the editor role (see mutationRoles), except for a dry
// run, which writes nothing. The answer
// is JSON: the summary, or an error with its code and, for a bad file,
// every problem as NAME:LINE:COL.
func (h *Handler) ImportHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeImportError(w, http.StatusMethodNotAllowed, CodeBadUserInput, "send the fact file with POST", nil)
			return
		}
		q := r.URL.Query()
		req := ImportRequest{Format: q.Get("format"), Name: orDefault(q.Get("name"), "body")}
		var err error
		if req.DryRun, err = strconv.ParseBool(orDefault(q.Get("dryRun"), "false")); err != nil {
			writeImportError(w, http.StatusBadRequest, CodeBadUserInput, "dryRun must be true or false", nil)
			return
		}
		ctx, ok := h.authorizeImport(w, r, req.DryRun)
		if !ok {
			return
		}
		if h.opts.Import == nil {
			writeImportError(w, http.StatusNotImplemented, CodeBadUserInput, "this server takes no imports", nil)
			return
		}
		// The server's read and write timeouts suit small requests; an
		// import may stream for long, so its deadlines follow its progress
		// instead: reading fails only when no byte came for ImportIdle, and
		// the answer gets its own time once the import is done.
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Time{})
		body := &bodyLimit{r: http.MaxBytesReader(w, r.Body, h.opts.MaxImportBytes), max: h.opts.MaxImportBytes, rc: rc, idle: h.opts.ImportIdle}
		body.extend()
		req.Body = body
		if ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
			if msg := multipartParts(multipart.NewReader(body, params["boundary"]), &req); msg != "" {
				writeImportError(w, http.StatusBadRequest, CodeBadUserInput, msg, nil)
				return
			}
		}
		sum, err := h.importNow(ctx, req)
		_ = rc.SetWriteDeadline(time.Now().Add(time.Minute))
		switch {
		case body.stalled.Load():
			writeImportError(w, http.StatusRequestTimeout, CodeRequestTimeout,
				fmt.Sprintf("no data arrived for %s, the longest an import may pause (serve --import-idle); nothing was written", h.opts.ImportIdle), nil)
		case err != nil:
			var ce *clientError
			errors.As(toClient(ctx, h.log, err), &ce)
			status := http.StatusInternalServerError
			switch ce.code {
			case CodeBadUserInput:
				status = http.StatusBadRequest
			case CodeConflict:
				status = http.StatusConflict
			case CodeServiceUnavailable:
				status = http.StatusServiceUnavailable
			case CodeTooLarge:
				status = http.StatusRequestEntityTooLarge
			}
			writeImportError(w, status, ce.code, ce.msg, problemLines(ce.msg))
		default:
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			json.NewEncoder(w).Encode(importResult(sum, req.DryRun))
		}
	})
}

// bodyLimit reads an import's body: it turns the error of reading past
// its limit into a graph.TooLarge error that says which limit it is, and
// moves the connection's read deadline idle ahead whenever bytes arrive,
// noting when the deadline passed (stalled).
type bodyLimit struct {
	r       io.Reader
	max     int64
	rc      *http.ResponseController
	idle    time.Duration
	stalled atomic.Bool
}

func (b *bodyLimit) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if n > 0 {
		b.extend()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		err = graph.Errorf(graph.TooLarge, "the body is larger than %d bytes, the most an import may send (serve --max-import-body)", b.max)
	case errors.Is(err, os.ErrDeadlineExceeded):
		b.stalled.Store(true)
		err = graph.Errorf(graph.Invalid, "no data arrived for %s", b.idle)
	}
	return n, err
}

// extend moves the read deadline idle ahead. A connection that cannot set
// deadlines (a test recorder) keeps none.
func (b *bodyLimit) extend() { _ = b.rc.SetReadDeadline(time.Now().Add(b.idle)) }

// multipartParts reads a multipart import into req: a mapping and its RDF
// data, or several fact files. It returns what is wrong with the parts, or
// "".
func multipartParts(mr *multipart.Reader, req *ImportRequest) string {
	const want = `send the parts "mapping" (the mapping file) and then "data" (the RDF file), or fact files as parts "file"`
	part, err := mr.NextPart()
	if err != nil {
		return "no part: " + want
	}
	switch part.FormName() {
	case "mapping":
		return mappedParts(mr, part, req)
	case "file":
		return fileParts(mr, part, req)
	}
	return fmt.Sprintf("the first part is %q: %s", part.FormName(), want)
}

// fileParts reads the fact files of a multipart import, the first of them
// part, into req.Files.
func fileParts(mr *multipart.Reader, part *multipart.Part, req *ImportRequest) string {
	for {
		name := part.FileName()
		if name == "" {
			return `a part "file" without a file name: name each file, as its format follows from its extension`
		}
		data, err := io.ReadAll(part)
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return fmt.Sprintf("the body is larger than %d bytes", tooBig.Limit)
			}
			return "reading " + name + ": " + err.Error()
		}
		req.Files = append(req.Files, ImportFile{Name: name, Data: data})
		if part, err = mr.NextPart(); errors.Is(err, io.EOF) {
			req.Body = nil
			return ""
		} else if err != nil {
			return "reading the parts: " + err.Error()
		}
		if part.FormName() != "file" {
			return fmt.Sprintf("a part %q among the files: send every fact file as a part \"file\"", part.FormName())
		}
	}
}

// mappedParts reads the "mapping" part of a multipart import into req and
// points req's body at the "data" part that follows it. It returns what is
// wrong with the parts, or "".
func mappedParts(mr *multipart.Reader, part *multipart.Part, req *ImportRequest) string {
	const want = `send the parts "mapping" (the mapping file) and then "data" (the RDF file)`
	var err error
	req.MappingName = orDefault(part.FileName(), "mapping")
	if req.Mapping, err = io.ReadAll(io.LimitReader(part, 1<<20+1)); err != nil {
		return "reading the mapping: " + err.Error()
	}
	if len(req.Mapping) > 1<<20 {
		return "the mapping is larger than 1 MiB"
	}
	if part, err = mr.NextPart(); err != nil || part.FormName() != "data" {
		return "no \"data\" part after the mapping: " + want
	}
	if name := part.FileName(); name != "" {
		req.Name = name
	}
	req.Body = part
	return ""
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
	e := map[string]any{"code": code, "message": msg}
	if len(problems) > 0 {
		e["problems"] = problems
	}
	json.NewEncoder(w).Encode(map[string]any{"error": e})
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// authorizeImport finds who an import acts for and checks that they may
// import (mutationRoles' importFacts); with ok false it has answered: 429
// for an address that sent too many bad tokens, 401 without (good)
// credentials, 403 for a user whose role is too low.
func (h *Handler) authorizeImport(w http.ResponseWriter, r *http.Request, dryRun bool) (context.Context, bool) {
	c := h.authenticate(r)
	if c.retryAfter > 0 {
		w.Header().Set("Retry-After", retryAfterSeconds(c.retryAfter))
		writeImportError(w, http.StatusTooManyRequests, CodeRateLimited, "too many bad tokens from this address; try again later", nil)
		return nil, false
	}
	if c.failed {
		w.Header().Set("WWW-Authenticate", `Bearer realm="claimgraph"`)
		writeImportError(w, http.StatusUnauthorized, CodeUnauthenticated, "the bearer token is no user's", nil)
		return nil, false
	}
	ctx := graph.WithOperation(WithPrincipal(r.Context(), c.p), "import")
	if dryRun {
		// A dry run writes nothing: it needs what reads need, which the
		// server checked when reads require a user.
		if h.opts.RequireAuthForReads && c.p.Role == RoleNone {
			w.Header().Set("WWW-Authenticate", `Bearer realm="claimgraph"`)
			writeImportError(w, http.StatusUnauthorized, CodeUnauthenticated, "this server answers only its users: send Authorization: Bearer TOKEN", nil)
			return nil, false
		}
		return ctx, true
	}
	if err := need(ctx, mutationRoles["importFacts"]); err != nil {
		status, code := http.StatusUnauthorized, CodeUnauthenticated
		if graph.ErrorCode(err) == graph.Forbidden {
			status, code = http.StatusForbidden, CodeForbidden
		} else {
			w.Header().Set("WWW-Authenticate", `Bearer realm="claimgraph"`)
		}
		writeImportError(w, status, code, graph.ErrorMessage(err), nil)
		return nil, false
	}
	return ctx, true
}
