package web

import (
	"context"
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

	"policywatch/model"
	"policywatch/store"
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
	eventID, runID := hs.eventAndRun(t)
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
		target := sampleTarget(hs, path, *op.Sample, rel.ID, eventID, runID)
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
	// Answers whose fields only some requests bring out.
	for _, tc := range []struct{ target, schema string }{
		{"/api/search?lang=fr", "SearchResult"}, // notes
		{"/api/search?q=visa&lang=en&source=us-state&kind=official&sort=date", "SearchResult"},
		{"/api/runs/" + itoa(runID), "Run"},
	} {
		res, got := get(t, hs.h, tc.target)
		var v any
		if err := json.Unmarshal([]byte(got), &v); err != nil || res.StatusCode != 200 {
			t.Errorf("GET %s: %d %v", tc.target, res.StatusCode, err)
			continue
		}
		if errs := validate(doc, map[string]any{"$ref": "#/components/schemas/" + tc.schema}, v, "$"); len(errs) > 0 {
			t.Errorf("GET %s does not match %s:\n%s", tc.target, tc.schema, strings.Join(errs, "\n"))
		}
	}
	// The error shape too: a syntax error is a documented 400.
	_, got := get(t, hs.h, "/api/search?q="+url.QueryEscape("(visa"))
	var v any
	_ = json.Unmarshal([]byte(got), &v)
	if errs := validate(doc, map[string]any{"$ref": "#/components/schemas/Error"}, v, "$"); len(errs) > 0 {
		t.Errorf("error response: %v", errs)
	}
	// A query over the search budget is a documented 400 too, every
	// field of it (limit, max, position) described.
	var parts []string
	for i := range 200 {
		parts = append(parts, string(rune('a'+i%26))+string(rune('a'+i/26))+"*")
	}
	res, got := get(t, hs.h, "/api/search?q="+url.QueryEscape(strings.Join(parts, " OR ")))
	var budget map[string]any
	_ = json.Unmarshal([]byte(got), &budget)
	if res.StatusCode != http.StatusBadRequest || budget["limit"] == nil {
		t.Errorf("a query of 200 prefixes: %d %s, want a 400 naming the limit", res.StatusCode, got)
	}
	if errs := validate(doc, map[string]any{"$ref": "#/components/schemas/Error"}, any(budget), "$"); len(errs) > 0 {
		t.Errorf("budget error response: %v", errs)
	}
	var errSchema struct {
		Components struct {
			Schemas struct {
				Error struct {
					Properties map[string]any `json:"properties"`
				} `json:"Error"`
			} `json:"schemas"`
		} `json:"components"`
	}
	_ = json.Unmarshal([]byte(body), &errSchema)
	for k := range budget {
		if _, ok := errSchema.Components.Schemas.Error.Properties[k]; !ok {
			t.Errorf("the budget's 400 answers %q, which the Error schema does not describe", k)
		}
	}

	// The validator itself catches what it should.
	bad := map[string]any{"total": "many", "hits": []any{map[string]any{"id": 1.5}}}
	if errs := validate(doc, map[string]any{"$ref": "#/components/schemas/SearchResult"}, bad, "$"); len(errs) < 3 {
		t.Errorf("validator accepted a wrong search result: %v", errs)
	}
}

// sampleTarget is the request an operation's x-sample stands for.
func sampleTarget(hs *searchHarness, path, sample, releaseID string, eventID, runID int64) string {
	switch sample {
	case "{doc}":
		return strings.Replace(path, "{id}", itoa(hs.ids["/visa"]), 1)
	case "{release}":
		return strings.Replace(path, "{id}", releaseID, 1)
	case "{source}":
		return strings.Replace(path, "{name}", "us-state", 1)
	case "{event}":
		return strings.Replace(path, "{id}", itoa(eventID), 1)
	case "{run}":
		return strings.Replace(path, "{id}", itoa(runID), 1)
	}
	return path + sample
}

// TestOpenAPIDocumentsEveryParameter: every parameter an endpoint reads
// is in its description. Each endpoint is sent, one at a time, a value no
// parameter takes under every name any endpoint documents (and the
// names the pages read); an endpoint that refuses one, naming it, reads
// it, so it must document it.
func TestOpenAPIDocumentsEveryParameter(t *testing.T) {
	hs := newSearchHarness(t)
	doc := loadOpenAPI(t, openAPISpec)
	rel, _, err := hs.srv.freeze(httptest.NewRequest(http.MethodPost, "/api/releases", nil), url.Values{"q": {"visa"}})
	if err != nil {
		t.Fatal(err)
	}
	eventID, runID := hs.eventAndRun(t)
	documented := func(op map[string]any) map[string]bool {
		names := map[string]bool{}
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			pm, _ := p.(map[string]any)
			pm = resolve(doc, pm)
			if pm["in"] == "query" {
				names[pm["name"].(string)] = true
			}
		}
		return names
	}
	candidates := map[string]bool{"date": true, "zoom": true, "sort": true, "limit": true, "change": true, "format": true}
	paths := doc.Raw["paths"].(map[string]any)
	for _, ops := range paths {
		if get, ok := ops.(map[string]any)["get"].(map[string]any); ok {
			for n := range documented(get) {
				candidates[n] = true
			}
		}
	}
	probed := 0
	for path, ops := range paths {
		op, ok := ops.(map[string]any)["get"].(map[string]any)
		if !ok {
			continue
		}
		sample, _ := op["x-sample"].(string)
		target := sampleTarget(hs, path, sample, rel.ID, eventID, runID)
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		var cookies []*http.Cookie
		if _, ok := op["security"]; ok {
			cookies = append(cookies, editorCookie(t, hs.db))
		}
		has := documented(op)
		for name := range candidates {
			res, body := getWithCookies(t, hs.h, target+sep+name+"="+url.QueryEscape("no such value ¤"), cookies...)
			probed++
			if res.StatusCode != http.StatusBadRequest {
				continue
			}
			var e struct{ Parameter string }
			_ = json.Unmarshal([]byte(body), &e)
			if e.Parameter == name && !has[name] {
				t.Errorf("GET %s reads the parameter %q (a bad value is refused: %.200s), which openapi.json does not list for it", path, name, body)
			}
		}
	}
	if probed < 50 {
		t.Errorf("probed %d parameters", probed)
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
// handler and its description drifting apart. Unlike JSON Schema's
// default, an object may hold only the fields its schema describes
// (unless additionalProperties says otherwise), so a field added to an
// answer and not to openapi.json fails.
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
			} else if s["additionalProperties"] != true {
				// A field the answer has and the description lacks: the
				// two have drifted apart.
				errs = append(errs, fmt.Sprintf("%s: field %q is not in the schema", at, k))
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

// eventAndRun gives the harness's archive an event and a finished crawl
// run with a failure, for the endpoints that show them.
func (hs *searchHarness) eventAndRun(t *testing.T) (eventID, runID int64) {
	t.Helper()
	ctx := context.Background()
	// One announcement of two kinds: an event per category, linked.
	var announced []model.Event
	for _, c := range []string{"visa-restriction", "sanction"} {
		announced = append(announced, model.Event{Key: "us/" + c + "/2020-06-26", Title: "Visa restrictions on officials",
			Category: c, Categories: []string{"visa-restriction", "sanction"}, Announcement: "us/visa-restriction/2020-06-26",
			Actors: []string{"us"}, Date: day("2020-06-26"),
			Dates:     []model.EventDate{{Kind: model.DateAnnounced, Date: day("2020-06-26"), DocumentID: hs.ids["/visa"], Passage: "imposes visa restrictions", Confidence: 0.9}},
			Documents: []model.EventDocument{{DocumentID: hs.ids["/visa"], Primary: true, Passage: "imposes visa restrictions"}}})
	}
	if err := hs.db.ReplaceEvents(ctx, announced); err != nil {
		t.Fatal(err)
	}
	evs, err := hs.db.Events(ctx, store.EventFilter{})
	if err != nil || len(evs) == 0 {
		t.Fatalf("events: %v %v", evs, err)
	}
	run, err := hs.db.StartRun(ctx, []string{"us-state"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hs.db.RecordOutcome(ctx, run.ID, model.URLOutcome{URL: "https://us-state.example/gone", Source: "us-state", Outcome: model.OutcomeFailed, Reason: "HTTP 503", At: day("2024-05-05")}); err != nil {
		t.Fatal(err)
	}
	// A run's counts are added by its URLs' acknowledgements.
	if err := hs.db.Ack(ctx, model.URLDone{RunID: run.ID, Counts: model.CrawlRun{Fetched: 5, Stored: 4, Failed: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := hs.db.FinishRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	return evs[0].ID, run.ID
}

// TestAPIListsPage: every list the API describes takes per_page (and
// refuses one past its bound), says where the page is, and its next and
// prev links lead to the neighbouring pages.
func TestAPIListsPage(t *testing.T) {
	hs := newSearchHarness(t)
	hs.eventAndRun(t)
	if _, _, err := hs.srv.freeze(httptest.NewRequest(http.MethodPost, "/api/releases", nil), url.Values{"q": {"visa"}}); err != nil {
		t.Fatal(err)
	}
	doc := loadOpenAPI(t, openAPISpec)
	lists := 0
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
			t.Fatal(err)
		}
		schema := resolve(doc, responseSchema(t, doc, op.Responses["200"]))
		key, _ := schema["x-list"].(string)
		if key == "" {
			continue
		}
		lists++
		target := path
		switch *op.Sample {
		case "{doc}":
			target = strings.Replace(path, "{id}", itoa(hs.ids["/visa"]), 1) + "?"
		case "":
			target += "?"
		default:
			target += *op.Sample + "&"
		}
		var cookies []*http.Cookie
		if len(op.Security) > 0 {
			cookies = append(cookies, editorCookie(t, hs.db))
		}
		page := func(u string) map[string]any {
			t.Helper()
			res, body := getWithCookies(t, hs.h, u, cookies...)
			if res.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", u, res.StatusCode, body)
			}
			var v map[string]any
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		first := page(target + "per_page=1")
		items, _ := first[key].([]any)
		if first["per_page"] != 1.0 || len(items) > 1 || first["page"] != 1.0 || first["prev"] != nil {
			t.Errorf("%s?per_page=1: per_page %v, page %v, prev %v, %d %s", path, first["per_page"], first["page"], first["prev"], len(items), key)
		}
		total, _ := first["total"].(float64)
		if total > 1 {
			next, ok := first["next"].(string)
			if !ok {
				t.Errorf("%s: %v items but no next link", path, total)
				continue
			}
			second := page(next)
			if second["page"] != 2.0 || second["prev"] == nil {
				t.Errorf("%s: next led to page %v (prev %v)", path, second["page"], second["prev"])
			}
		} else if first["next"] != nil {
			t.Errorf("%s: %v items and a next link", path, total)
		}
		res, _ := getWithCookies(t, hs.h, target+"per_page=100000", cookies...)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s?per_page=100000: status %d, want 400", path, res.StatusCode)
		}
	}
	if lists < 8 {
		t.Errorf("only %d list endpoints declare x-list", lists)
	}
}

// TestJSONForEveryPage: an event, the sources and the runs have JSON of
// their own, with what their pages show.
func TestJSONForEveryPage(t *testing.T) {
	hs := newSearchHarness(t)
	eventID, runID := hs.eventAndRun(t)
	for _, tc := range []struct{ target, want string }{
		{"/api/events/" + itoa(eventID), `"categories": [` + "\n" + `    "visa-restriction"`},
		{"/api/events/" + itoa(eventID), `"passage": "imposes visa restrictions"`},
		{"/api/runs/" + itoa(runID), `"failed": 1`},
		{"/api/runs/" + itoa(runID), `"reason": "HTTP 503"`},
		{"/api/runs", `"id": ` + itoa(runID)},
		{"/api/sources", `"name": "us-state"`},
		{"/api/sources/us-state", `"coverage": "/api/sources/us-state/coverage"`},
	} {
		if body := hs.get(t, tc.target, 200); !strings.Contains(body, tc.want) {
			t.Errorf("%s lacks %s:\n%.800s", tc.target, tc.want, body)
		}
	}
	for _, target := range []string{"/api/events/999999", "/api/runs/999999", "/api/sources/nowhere", "/api/events/x"} {
		hs.get(t, target, 404)
	}
}
