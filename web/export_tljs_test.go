package web

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// TimelineJS renders a slide's headline as HTML, like its text: a crawled
// event title (or a filter echoed into the title slide) must reach it
// escaped. The JSON encoder's \u003c hides raw markup from a plain
// substring check, so the test decodes first.
func TestTimelineJSONHeadlinesAreEscapedHTML(t *testing.T) {
	_, ix := fixtures()
	h := newTestServer(t, timelineFixtures(), ix, nil)
	for _, target := range []string{
		"/timeline.json",
		"/timeline.json?category=" + url.QueryEscape(`<img src=x onerror=alert(9)>`),
	} {
		res, body := get(t, h, target)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: status %d", target, res.StatusCode)
		}
		var got struct {
			Title struct {
				Text struct{ Headline string } `json:"text"`
			} `json:"title"`
			Events []struct {
				Text struct{ Headline string } `json:"text"`
			} `json:"events"`
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		heads := []string{got.Title.Text.Headline}
		for _, e := range got.Events {
			heads = append(heads, e.Text.Headline)
		}
		sawHostile := false
		for _, hd := range heads {
			if strings.ContainsAny(hd, "<>") {
				t.Errorf("GET %s: headline carries markup: %q", target, hd)
			}
			sawHostile = sawHostile || strings.Contains(hd, "&lt;")
		}
		if !sawHostile {
			t.Errorf("GET %s: no hostile headline to check (fixtures changed?): %q", target, heads)
		}
	}
}

// Links to crawled pages in the events feed and TimelineJS text leave our
// site: like the pages' own, they carry rel="noopener noreferrer nofollow".
func TestExportedOutboundLinksCarryRel(t *testing.T) {
	_, ix := fixtures()
	h := newTestServer(t, timelineFixtures(), ix, nil)
	for _, target := range []string{"/timeline.json", "/feeds/events.atom"} {
		_, body := get(t, h, target)
		body = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\"`, `"`, "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&quot;", `"`).Replace(body)
		n := 0
		for _, link := range strings.Split(body, `<a href="`)[1:] {
			if !strings.HasPrefix(link, "https://") {
				continue // our own permalinks
			}
			n++
			end := strings.IndexByte(link, '>')
			if end < 0 || !strings.Contains(link[:end], `rel="noopener noreferrer nofollow"`) {
				t.Errorf("%s: outbound link without rel: %.120s", target, link)
			}
		}
		if n == 0 {
			t.Errorf("%s: no outbound link found to check", target)
		}
	}
}
