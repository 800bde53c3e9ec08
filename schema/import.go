package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/claimgraph/claimgraph/graph"
)

// ImportHandler serves POST /import: the request body is one fact file,
// streamed to the importer, in the format the query names
// (?format=yaml|csv|nquads, default yaml; ?dryRun=true only checks and
// counts; ?name= names the input in error positions). RDF through an
// ontology mapping comes as multipart/form-data: a part "mapping" (the
// mapping file) first, then a part "data" (?format=nquads or jsonld,
// named by its file name), which is streamed. Several fact files that
// belong together (a CSV file of entities and one of statements) come as
// multipart/form-data parts "file", each named by its file name, and are
// imported as one change. A gzip-compressed input is
// read as such. It needs the same bearer token as mutations, except for a
// dry run, which writes nothing. The answer
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
		req := ImportRequest{Format: orDefault(q.Get("format"), "yaml"), Name: orDefault(q.Get("name"), "body")}
		var err error
		if req.DryRun, err = strconv.ParseBool(orDefault(q.Get("dryRun"), "false")); err != nil {
			writeImportError(w, http.StatusBadRequest, CodeBadUserInput, "dryRun must be true or false", nil)
			return
		}
		if err := mayChange(withAuth(r.Context(), h.authorize(r)), req.DryRun); err != nil {
			writeImportError(w, http.StatusUnauthorized, CodeUnauthenticated, graph.ErrorMessage(err), nil)
			return
		}
		if h.opts.Import == nil {
			writeImportError(w, http.StatusNotImplemented, CodeBadUserInput, "this server takes no imports", nil)
			return
		}
		body := http.MaxBytesReader(w, r.Body, h.opts.MaxImportBytes)
		req.Body = body
		if ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
			if msg := multipartParts(multipart.NewReader(body, params["boundary"]), &req); msg != "" {
				writeImportError(w, http.StatusBadRequest, CodeBadUserInput, msg, nil)
				return
			}
		}
		sum, err := h.importNow(r.Context(), req)
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
			json.NewEncoder(w).Encode(importResult(sum, req.DryRun))
		}
	})
}

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
