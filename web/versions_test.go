package web

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"policywatch/model"
	"policywatch/store"
)

// archiveFixture stores an official statement in two versions (the second
// drops "Hong Kong" and adds a sentence with hostile markup), another one
// later withdrawn, and a syndicated copy of the first.
func archiveFixture(t *testing.T) (http.Handler, *model.Document, *model.Document) {
	t.Helper()
	ctx := context.Background()
	db, ix := openArchive(t)
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	save := func(url, source, text string) *model.Document {
		t.Helper()
		at = at.Add(time.Hour)
		d := &model.Document{URL: url, Source: source, Kind: model.KindOfficial, Title: "Defense exports", Text: text,
			Lang: "en", ContentHash: "h-" + text,
			Tags: []model.Tag{{Type: model.TagCategory, Value: "export-control"}}}
		c := &model.Capture{FetchedAt: at, RequestURL: url, FinalURL: url, Status: 200, Body: []byte(text), ContentHash: d.ContentHash}
		if _, err := db.SaveCapture(ctx, d, c); err != nil {
			t.Fatal(err)
		}
		return d
	}
	amended := save("https://state.example/exports", "us-state", "We stand with the people of Hong Kong.\nExports end today.")
	save("https://state.example/exports", "us-state", "Exports end today.\nWe will consider <script>alert(1)</script> further measures.")
	withdrawn := save("https://gov.example/visas", "au-dfat", "Visa measures for passport holders.")
	if _, _, err := db.MarkWithdrawn(ctx, withdrawn.URL, 410, at.Add(time.Hour), 0); err != nil {
		t.Fatal(err)
	}
	// A syndicated copy: same text elsewhere becomes an alias.
	save("https://wire.example/copy", "wire", "Exports end today.\nWe will consider <script>alert(1)</script> further measures.")
	s, err := New(Config{Store: db, Index: ix, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s.Handler(), amended, withdrawn
}

func TestVersionsDiffsAndChanges(t *testing.T) {
	h, amended, withdrawn := archiveFixture(t)
	doc := "/documents/" + itoa(amended.ID)
	gone := "/documents/" + itoa(withdrawn.ID)
	for _, tc := range []struct {
		target  string
		status  int
		want    []string
		notWant []string
	}{
		{doc, 200, []string{doc + "/versions/1", doc + "/versions/2", "diff with version 1", "Also published by", "wire.example/copy",
			"found 2026-11-01 13:00 UTC"}, []string{"found 2026-11-01T"}},
		{doc + "/versions/1", 200, []string{"people of Hong Kong", "earlier version", "version 1 of 2"}, []string{"further measures"}},
		{doc + "/versions/2", 200, []string{"further measures", "&lt;script&gt;"}, []string{"<script>alert"}},
		{doc + "/versions/3", 404, nil, nil},
		{doc + "/versions/x", 404, nil, nil},
		{doc + "/diff?from=1&to=2", 200, []string{"<del>We stand with the people of Hong Kong.", "<ins>", "&lt;script&gt;"}, []string{"<script>alert"}},
		{doc + "/diff", 200, []string{"<del>"}, nil},
		{doc + "/diff?from=0", 400, []string{"from"}, nil},
		{gone, 200, []string{"Withdrawn", "HTTP 410", "version 1 is the last copy"}, nil},
		{"/changes", 200, []string{"Amended: Defense exports", "Withdrawn: Defense exports", "<del>", "HTTP 410", "/feeds/changes.atom"}, nil},
		{"/changes?source=au-dfat", 200, []string{"Withdrawn: "}, []string{"Amended: "}},
		{"/changes?category=export-control&change=amended", 200, []string{"Amended: "}, []string{"Withdrawn: "}},
		{"/changes?category=protest", 200, []string{"No amended or withdrawn pages match"}, nil},
		{"/changes?kind=news", 200, []string{"No amended or withdrawn pages"}, nil},
		{"/changes?change=moved", 400, []string{"change"}, nil},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tc.target, nil))
		body := rec.Body.String()
		if rec.Code != tc.status {
			t.Errorf("GET %s: status %d, want %d", tc.target, rec.Code, tc.status)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: no %q in page", tc.target, w)
			}
		}
		for _, w := range tc.notWant {
			if strings.Contains(body, w) {
				t.Errorf("GET %s: unexpected %q in page", tc.target, w)
			}
		}
	}
}

func TestChangesAtomFeed(t *testing.T) {
	h, amended, _ := archiveFixture(t)
	for _, tc := range []struct {
		target string
		titles []string
	}{
		{"/feeds/changes.atom", []string{"Withdrawn: Defense exports", "Amended: Defense exports"}},
		{"/feeds/changes.atom?source=us-state", []string{"Amended: Defense exports"}},
		{"/feeds/changes.atom?category=sanctions", nil},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tc.target, nil))
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("GET %s: %d %s", tc.target, rec.Code, rec.Header().Get("Content-Type"))
		}
		var feed struct {
			Entries []struct {
				ID    string `xml:"id"`
				Title string `xml:"title"`
				Links []struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Content struct {
					Type string `xml:"type,attr"`
					Body string `xml:",chardata"`
				} `xml:"content"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &feed); err != nil {
			t.Fatalf("GET %s: not XML: %v", tc.target, err)
		}
		var titles []string
		for _, e := range feed.Entries {
			titles = append(titles, e.Title)
			if strings.HasPrefix(e.Title, "Amended") {
				if e.Content.Type != "html" || !strings.Contains(e.Content.Body, "<del>") || strings.Contains(e.Content.Body, "<script>") {
					t.Errorf("amended entry content %q", e.Content.Body)
				}
				if len(e.Links) == 0 || !strings.HasSuffix(e.Links[0].Href, "/documents/"+itoa(amended.ID)+"/diff?from=1&to=2") {
					t.Errorf("amended entry links %v", e.Links)
				}
			}
		}
		if strings.Join(titles, "|") != strings.Join(tc.titles, "|") {
			t.Errorf("GET %s: entries %q, want %q", tc.target, titles, tc.titles)
		}
	}
}

func TestOnlyChangedKeepsEdges(t *testing.T) {
	long := strings.Repeat("word ", 40)
	parts := []store.DiffPart{
		{Op: store.DiffEqual, Text: long + "treaty "},
		{Op: store.DiffDelete, Text: "immediately"},
		{Op: store.DiffInsert, Text: "at once"},
		{Op: store.DiffEqual, Text: ", and " + long + "(Overseas"},
		{Op: store.DiffInsert, Text: "). More."},
	}
	got := string(diffHTML(onlyChanged(parts)))
	for _, want := range []string{"treaty <del>", "</ins>, and word", "(Overseas<ins>"} {
		if !strings.Contains(got, want) {
			t.Errorf("shortened diff %q lacks %q", got, want)
		}
	}
	if strings.Count(got, "word") >= 80 {
		t.Errorf("unchanged runs not shortened: %q", got)
	}
}

func TestArchiveAPI(t *testing.T) {
	h, amended, withdrawn := archiveFixture(t)
	get := func(target string, v any) int {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		if v != nil && rec.Code == 200 {
			if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
				t.Fatalf("GET %s: %v", target, err)
			}
		}
		return rec.Code
	}
	var vs struct {
		Versions []struct {
			Number    int    `json:"number"`
			Permalink string `json:"permalink"`
			Capture   string `json:"capture"`
		} `json:"versions"`
	}
	if code := get("/api/documents/"+itoa(amended.ID)+"/versions", &vs); code != 200 || len(vs.Versions) != 2 ||
		vs.Versions[1].Permalink != "/documents/"+itoa(amended.ID)+"/versions/2" || vs.Versions[0].Capture == "" {
		t.Errorf("versions: %d %+v", code, vs)
	}
	if code := get("/api/documents/999/versions", nil); code != 404 {
		t.Errorf("versions of a missing document: %d", code)
	}
	var ch struct {
		Changes []struct {
			Kind       string   `json:"kind"`
			DocumentID int64    `json:"document_id"`
			Removed    []string `json:"removed"`
			Added      []string `json:"added"`
			Status     int      `json:"status"`
		} `json:"changes"`
	}
	if code := get("/api/changes", &ch); code != 200 || len(ch.Changes) != 2 {
		t.Fatalf("changes: %d %+v", code, ch)
	}
	for _, c := range ch.Changes {
		switch c.Kind {
		case "amended":
			if c.DocumentID != amended.ID || len(c.Removed) == 0 || !strings.Contains(strings.Join(c.Removed, " "), "Hong Kong") || len(c.Added) == 0 {
				t.Errorf("amended change %+v", c)
			}
		case "withdrawn":
			if c.DocumentID != withdrawn.ID || c.Status != 410 {
				t.Errorf("withdrawn change %+v", c)
			}
		}
	}
	if code := get("/api/changes?change=bogus", nil); code != 400 {
		t.Errorf("bad filter: %d", code)
	}
}
