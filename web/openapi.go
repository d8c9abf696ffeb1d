package web

import (
	_ "embed"
	"net/http"
)

// openAPISpec describes the JSON API. It is written by hand and checked
// against the routes and the handlers' responses by TestOpenAPI.
//
//go:embed openapi.json
var openAPISpec []byte

// openAPI is GET /api/openapi.json.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(openAPISpec)
}
