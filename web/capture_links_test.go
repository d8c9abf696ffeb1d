package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"policywatch/model"
)

// TestArchivedCaptureLinks: in an archived page, links to pages we hold
// open our copy nearest in time (Wayback-style), keeping the fragment;
// links we do not hold are marked as leading to the live web; a page's
// own classes cannot pose as ours.
func TestArchivedCaptureLinks(t *testing.T) {
	ctx := context.Background()
	db, ix := openArchive(t)
	save := func(u, body string, at time.Time) (docID, capID int64) {
		t.Helper()
		d := &model.Document{URL: u, Source: "gov", Kind: model.KindOfficial, Title: "Page " + u, Text: body + u,
			Lang: "en", Published: day("2020-07-01"), DateSource: model.DateFromMeta, FetchedAt: at, ContentHash: "h" + u + at.String()}
		c := &model.Capture{FetchedAt: at, RequestURL: u, FinalURL: u, Status: 200, Header: http.Header{"Content-Type": {"text/html"}},
			Body: []byte(body), BodySHA256: "b" + u + at.String(), ContentHash: d.ContentHash}
		if _, err := db.SaveCapture(ctx, d, c); err != nil {
			t.Fatal(err)
		}
		caps, err := db.Captures(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		return d.ID, caps[len(caps)-1].ID
	}
	jul, aug, sep := time.Date(2020, 7, 2, 0, 0, 0, 0, time.UTC), time.Date(2020, 8, 2, 0, 0, 0, 0, time.UTC), time.Date(2020, 9, 2, 0, 0, 0, 0, time.UTC)
	otherDoc, otherJul := save("https://gov.example/other", "<p>other</p>", jul)
	_, otherSep := save("https://gov.example/other", "<p>other, amended</p>", sep)
	page := `<html><body><p>
<a id="rel" href="/other#section-2">relative, archived</a>
<a id="slash" href="https://GOV.example/other/">trailing slash, archived</a>
<a id="live" href="https://elsewhere.example/x" class="pw-archived">not archived, posing</a>
<a id="js" href="javascript:alert(1)">script</a>
<a id="skip" href="#main">skip to the text</a>
<a id="top" href="https://gov.example/page#top">top, by the page's own URL</a>
</p><p id="main">text</p></body></html>`
	pageDoc, pageCap := save("https://gov.example/page", page, aug)

	s, err := New(Config{Store: db, Index: ix, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	_, body := get(t, s.Handler(), captureURL(pageDoc, pageCap))
	link := func(id string) string {
		m := regexp.MustCompile(`<a[^>]*id="` + id + `"[^>]*>`).FindString(body)
		if m == "" {
			t.Fatalf("no link %s in:\n%s", id, body)
		}
		return m
	}
	// Fetched in August: the July copy is the newest not after it.
	want := captureURL(otherDoc, otherJul)
	if l := link("rel"); !strings.Contains(l, `href="`+want+`#section-2"`) || !strings.Contains(l, `class="pw-archived"`) {
		t.Errorf("relative link to an archived page: %s, want %s#section-2", l, want)
	}
	if l := link("slash"); !strings.Contains(l, `href="`+want+`"`) {
		t.Errorf("link with a trailing slash and upper-case host: %s", l)
	}
	if l := link("live"); !strings.Contains(l, `class="pw-live"`) || !strings.Contains(l, `href="https://elsewhere.example/x"`) || strings.Contains(l, "pw-archived") {
		t.Errorf("link to a page not archived: %s", l)
	}
	if strings.Contains(body, "javascript:") {
		t.Error("a javascript: link survived")
	}
	// Links within the page stay fragments: they scroll this copy.
	if l := link("skip"); !strings.Contains(l, `href="#main"`) {
		t.Errorf("in-page link: %s, want href=\"#main\"", l)
	}
	if l := link("top"); !strings.Contains(l, `href="#top"`) {
		t.Errorf("link to the page's own URL with a fragment: %s, want href=\"#top\"", l)
	}
	if !strings.Contains(body, `<p id="main">text</p>`) {
		t.Error("the in-page link's target lost its id")
	}
	// A page fetched before every copy of the other opens the earliest.
	earlyDoc, earlyCap := save("https://gov.example/early", `<a id="e" href="https://gov.example/other">x</a>`, jul.AddDate(0, 0, -10))
	caps, _ := db.Captures(ctx, otherDoc)
	if len(caps) != 2 || caps[1].ID != otherSep {
		t.Fatalf("captures of the other page: %v", caps)
	}
	_, body = get(t, s.Handler(), captureURL(earlyDoc, earlyCap))
	if !strings.Contains(body, `href="`+captureURL(otherDoc, otherJul)+`"`) {
		t.Errorf("a page older than every copy does not open the earliest:\n%s", body)
	}
}

// TestDocumentPageListsItsEvents: a document page names the events it is
// evidence for, with the passage, and says when it is the primary source.
func TestDocumentPageListsItsEvents(t *testing.T) {
	hs := newVocabularyHarness(t)
	body := hs.get(t, "/documents/"+itoa(hs.ids["/treasury"]), 200)
	for _, want := range []string{`<h2 id="events-heading">On the timeline</h2>`, ">Treasury sanctions officials</a>", "Sanctions", "primary source"} {
		if !strings.Contains(body, want) {
			t.Errorf("document page lacks %s", want)
		}
	}
	if body := hs.get(t, "/documents/"+itoa(hs.ids["/visa"]), 200); strings.Contains(body, "events-heading") {
		t.Error("a document that evidences no event lists events")
	}
}
