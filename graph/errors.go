package graph

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. They are stable: transports map them to HTTP statuses and
// GraphQL extensions.code values.
const (
	Invalid      = "invalid"      // the input breaks the ontology or a format rule
	NotFound     = "not_found"    // the thing asked for does not exist
	Conflict     = "conflict"     // the input contradicts what is stored or itself
	Unauthorized = "unauthorized" // the caller has no (or bad) credentials
	Forbidden    = "forbidden"    // the caller's role does not allow this
	TooLarge     = "too_large"    // the input is larger than a limit allows
	Unavailable  = "unavailable"  // the store cannot be reached or is locked
	Internal     = "internal"     // anything else; details are not for clients
)

// Error is a domain error: a code and a message safe to show to a client.
type Error struct {
	Code    string
	Message string
	// Problems lists every problem found when one operation found several
	// (a batch that breaks the ontology in many places). Message summarises.
	Problems []Problem
}

func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return e.Message
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, "" for a
// nil error and Internal for any other error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ErrorMessage returns the client-safe message of err: the message of the
// first *Error in its chain, or "internal error" for any other error.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return "internal error"
}

// A Problem is one thing wrong with one item of a Batch. Kind and Index name
// the item (Kind "statement", Index 3 is Batch.Statements[3]); Claim is the
// index of the claim within a statement, or -1; Field names the offending
// field ("type", "object", "claims[0].stance", …) or is empty when the item
// as a whole is wrong. Readers of files map these back to line and column.
type Problem struct {
	Kind    string
	Index   int
	Claim   int
	Field   string
	Message string
}

func (p Problem) String() string {
	loc := fmt.Sprintf("%s[%d]", p.Kind, p.Index)
	if p.Claim >= 0 {
		loc += fmt.Sprintf(".claims[%d]", p.Claim)
	}
	if p.Field != "" {
		loc += "." + p.Field
	}
	return loc + ": " + p.Message
}

// Item kinds named by Problem.Kind and Ref.Kind.
const (
	KindEntityType   = "entityType"
	KindRelationType = "relationType"
	KindSource       = "source"
	KindEntity       = "entity"
	KindStatement    = "statement"
	KindClaim        = "claim" // in a Ref only: a problem with a claim names its statement
)
