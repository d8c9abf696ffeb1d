package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"policywatch/index"
	"policywatch/query"
	"policywatch/store"
)

// paramError is a request parameter we cannot use. Its message names the
// parameter so a user or API client knows what to fix.
type paramError struct {
	Param string
	Msg   string
}

func (e *paramError) Error() string { return fmt.Sprintf("parameter %s: %s", e.Param, e.Msg) }

func badParam(name, format string, args ...any) error {
	return &paramError{Param: name, Msg: fmt.Sprintf(format, args...)}
}

// vocabError is a category or actor value the taxonomy does not know,
// given as a URL parameter (Param) or in the query (Param "q"). Its
// answer lists the valid values, so the reader can pick one.
type vocabError struct {
	Param string
	*query.UnknownValueError
}

func (e *vocabError) Error() string {
	if e.Param == "q" {
		return fmt.Sprintf("query: %s", e.UnknownValueError.Error())
	}
	return fmt.Sprintf("parameter %s: %s", e.Param, e.UnknownValueError.Error())
}

func (e *vocabError) Unwrap() error { return e.UnknownValueError }

// paramVocabError names the parameter an unknown value came in; other
// errors pass through.
func paramVocabError(param string, err error) error {
	var ue *query.UnknownValueError
	if errors.As(err, &ue) {
		return &vocabError{Param: param, UnknownValueError: ue}
	}
	return err
}

// errNotFound is for paths that do not name a row (a non-numeric id, a
// capture of another document); store.ErrNotFound covers missing rows.
var errNotFound = errors.New("not found")

// classify is the one place errors become HTTP statuses. Only internal
// errors are logged (logIt): user mistakes are answered plainly and
// forgotten, and a client that went away is nobody's fault.
func classify(err error) (status int, msg string, logIt bool) {
	var pe *paramError
	var se *query.SyntaxError
	var le *index.LimitError
	var be *busyError
	var ue *query.UnknownValueError
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, errNotFound):
		return http.StatusNotFound, "Not found.", false
	case errors.As(err, &se):
		return http.StatusBadRequest, "Query syntax error: " + se.Msg, false
	case errors.As(err, &le): // index/budget.go
		return http.StatusBadRequest, "Query too large: " + le.Msg + ".", false
	case errors.As(err, &be): // searchlimit.go
		return http.StatusServiceUnavailable, "Busy: " + be.Error() + ".", false
	case errors.As(err, &pe):
		return http.StatusBadRequest, pe.Error(), false
	case errors.As(err, &ue):
		var ve *vocabError
		if errors.As(err, &ve) {
			return http.StatusBadRequest, ve.Error(), false
		}
		return http.StatusBadRequest, "query: " + ue.Error(), false
	case errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, "The request was cancelled.", false
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "The request took too long.", true
	}
	return http.StatusInternalServerError, "Something went wrong on our side.", true
}

// fail answers an HTML page request with an error page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := s.statusFor(r, err)
	s.render(w, r, status, "error", page{Title: http.StatusText(status), Data: errorView{Status: status, Message: msg}})
}

// failJSON answers an API request with {"error": ...}, plus the byte
// position of a query syntax error.
func (s *Server) failJSON(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := s.statusFor(r, err)
	body := map[string]any{"error": msg}
	var se *query.SyntaxError
	var pe *paramError
	var le *index.LimitError
	var ue *query.UnknownValueError
	if errors.As(err, &se) {
		body["position"] = se.Pos
	} else if errors.As(err, &pe) {
		body["parameter"] = pe.Param
	} else if errors.As(err, &le) {
		body["limit"], body["max"] = le.Limit, le.Max
		if le.Pos >= 0 {
			body["position"] = le.Pos
		}
	} else if errors.As(err, &ue) {
		body["parameter"] = "q"
		var ve *vocabError
		if errors.As(err, &ve) {
			body["parameter"] = ve.Param
		}
		if ue.Pos >= 0 {
			body["position"] = ue.Pos
		}
		valid := make([]apiTerm, 0, len(ue.Valid))
		for _, t := range ue.Valid {
			valid = append(valid, apiTerm{ID: t.ID, Label: t.Label})
		}
		body["valid"] = valid
	}
	writeJSON(w, status, body)
}

func (s *Server) statusFor(r *http.Request, err error) (int, string) {
	if de, ok := searchDeadline(r, err); ok { // searchlimit.go
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "search stopped at its deadline",
			slog.String("path", r.URL.Path), slog.String("q", r.URL.Query().Get("q")), slog.Duration("timeout", de.timeout))
		return http.StatusServiceUnavailable, "The search " + de.Error() + "."
	}
	status, msg, logIt := classify(err)
	if logIt {
		s.log.LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", status), slog.Any("err", err))
	}
	return status, msg
}

// serverError is the last resort when rendering itself failed: plain text
// so it cannot recurse.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.LogAttrs(r.Context(), slog.LevelError, "request failed",
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
}

type errorView struct {
	Status  int
	Message string
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
