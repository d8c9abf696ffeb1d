package web

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// apiRoutes reads the /api routes registered in routes.go, as
// "METHOD /path" with Go's {name} wildcards, which OpenAPI writes alike.
func apiRoutes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`"(GET|POST|PUT|PATCH|DELETE) (/api/[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1]+" "+m[2])
	}
	slices.Sort(out)
	return out
}

type openAPIDoc struct {
	OpenAPI string                                `json:"openapi"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
	Raw     map[string]any                        `json:"-"`
}

func loadOpenAPI(t *testing.T, body []byte) *openAPIDoc {
	t.Helper()
	var d openAPIDoc
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if err := json.Unmarshal(body, &d.Raw); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.OpenAPI, "3.") {
		t.Errorf("openapi version %q, want 3.x", d.OpenAPI)
	}
	return &d
}

func TestOpenAPIDescribesEveryAPIRoute(t *testing.T) {
	doc := loadOpenAPI(t, openAPISpec)
	var described []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			described = append(described, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(described)
	routes := apiRoutes(t)
	if len(routes) < 5 {
		t.Fatalf("found only %d /api routes in routes.go: %v", len(routes), routes)
	}
	for _, r := range routes {
		if !slices.Contains(described, r) {
			t.Errorf("route %s is registered but not in openapi.json", r)
		}
	}
	for _, d := range described {
		if !slices.Contains(routes, d) {
			t.Errorf("openapi.json describes %s, which routes.go does not register", d)
		}
	}
}

// TestOpenAPIResponsesMatchSchemas calls every documented GET endpoint
// with its sample request on a real store and index and checks the
// response against the documented schema.
func TestOpenAPIResponsesMatchSchemas(t *testing.T) {
	hs := newSearchHarness(t)
	body := hs.get(t, "/api/openapi.json", 200)
	doc := loadOpenAPI(t, []byte(body))
	rel, _, err := hs.srv.freeze(httptest.NewRequest(http.MethodPost, "/api/releases", nil), url.Values{"q": {"visa"}})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for path, ops := range doc.Paths {
		raw, ok := ops["get"]
		if !ok {
			continue
		}
		var op struct {
			Sample    *string                    `json:"x-sample"`
			Responses map[string]json.RawMessage `json:"responses"`
			Security  []map[string][]string      `json:"security"`
		}
		if err := json.Unmarshal(raw, &op); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if op.Sample == nil {
			t.Errorf("GET %s has no x-sample request to check it with", path)
			continue
		}
		target := path
		switch *op.Sample {
		case "{doc}":
			target = strings.Replace(path, "{id}", itoa(hs.ids["/visa"]), 1)
		case "{release}":
			target = strings.Replace(path, "{id}", rel.ID, 1)
		case "{source}":
			target = strings.Replace(path, "{name}", "us-state", 1)
		case "{run}":
			target = strings.Replace(path, "{id}", "1", 1)
		default:
			target += *op.Sample
		}
		var cookies []*http.Cookie
		if len(op.Security) > 0 {
			// A route that needs a session answers its documented 401
			// without one, then is checked as a signed-in editor.
			checkUnauthorized(t, doc, hs.h, target, op.Responses)
			cookies = append(cookies, editorCookie(t, hs.db))
		}
		res, got := getWithCookies(t, hs.h, target, cookies...)
		if res.StatusCode != 200 {
			t.Errorf("GET %s: %d", target, res.StatusCode)
			continue
		}
		schema := responseSchema(t, doc, op.Responses["200"])
		var v any
		if err := json.Unmarshal([]byte(got), &v); err != nil {
			t.Errorf("GET %s: not JSON: %v", target, err)
			continue
		}
		if errs := validate(doc, schema, v, "$"); len(errs) > 0 {
			t.Errorf("GET %s does not match its schema:\n%s", target, strings.Join(errs, "\n"))
		}
		checked++
	}
	if checked < 6 {
		t.Errorf("checked %d endpoints", checked)
	}
	// The error shape too: a syntax error is a documented 400.
	_, got := get(t, hs.h, "/api/search?q="+url.QueryEscape("(visa"))
	var v any
	_ = json.Unmarshal([]byte(got), &v)
	if errs := validate(doc, map[string]any{"$ref": "#/components/schemas/Error"}, v, "$"); len(errs) > 0 {
		t.Errorf("error response: %v", errs)
	}

	// The validator itself catches what it should.
	bad := map[string]any{"total": "many", "hits": []any{map[string]any{"id": 1.5}}}
	if errs := validate(doc, map[string]any{"$ref": "#/components/schemas/SearchResult"}, bad, "$"); len(errs) < 3 {
		t.Errorf("validator accepted a wrong search result: %v", errs)
	}
}

func responseSchema(t *testing.T, doc *openAPIDoc, raw json.RawMessage) map[string]any {
	t.Helper()
	var r map[string]any
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	r = resolve(doc, r)
	content, _ := r["content"].(map[string]any)
	js, _ := content["application/json"].(map[string]any)
	s, _ := js["schema"].(map[string]any)
	if s == nil {
		t.Fatalf("response without an application/json schema: %s", raw)
	}
	return s
}

// resolve follows a local $ref (#/components/...).
func resolve(doc *openAPIDoc, s map[string]any) map[string]any {
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		var cur any = doc.Raw
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := cur.(map[string]any)
			cur = m[part]
		}
		next, ok := cur.(map[string]any)
		if !ok {
			return map[string]any{"x-broken-ref": ref}
		}
		s = next
	}
}

// validate is a minimal JSON Schema check (type, required, properties,
// items, additionalProperties, enum, nullable): enough to catch a
// handler and its description drifting apart.
func validate(doc *openAPIDoc, s map[string]any, v any, at string) []string {
	s = resolve(doc, s)
	if ref, ok := s["x-broken-ref"]; ok {
		return []string{fmt.Sprintf("%s: unresolvable $ref %v", at, ref)}
	}
	if v == nil {
		if s["nullable"] == true {
			return nil
		}
		return []string{at + ": null"}
	}
	var errs []string
	switch s["type"] {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want object, got %T", at, v)}
		}
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := m[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: missing required %q", at, r))
			}
		}
		props, _ := s["properties"].(map[string]any)
		for k, pv := range m {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, validate(doc, ps, pv, at+"."+k)...)
			} else if ap, ok := s["additionalProperties"].(map[string]any); ok {
				errs = append(errs, validate(doc, ap, pv, at+"."+k)...)
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want array, got %T", at, v)}
		}
		if is, ok := s["items"].(map[string]any); ok {
			for i, e := range a {
				errs = append(errs, validate(doc, is, e, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	case "string":
		if _, ok := v.(string); !ok {
			errs = append(errs, fmt.Sprintf("%s: want string, got %T", at, v))
		}
	case "integer":
		if f, ok := v.(float64); !ok || f != math.Trunc(f) {
			errs = append(errs, fmt.Sprintf("%s: want integer, got %v", at, v))
		}
	case "number":
		if _, ok := v.(float64); !ok {
			errs = append(errs, fmt.Sprintf("%s: want number, got %T", at, v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			errs = append(errs, fmt.Sprintf("%s: want boolean, got %T", at, v))
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v not in %v", at, v, enum))
	}
	return errs
}
