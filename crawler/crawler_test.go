package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/traditionalchinese"

	"policywatch/model"
)

const htmlType = "text/html; charset=utf-8"

func TestFeedSources(t *testing.T) {
	tests := []struct {
		name, ctype string
		feed        func(base string) string
	}{
		{"rss", "application/rss+xml", func(base string) string {
			return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Press</title><link>` + base + `/</link>
<item><title>Visa restrictions</title><link>` + base + `/news/visa/</link><pubDate>Fri, 26 Jun 2020 16:30:00 -0400</pubDate></item>
<item><title>Flower show</title><link>` + base + `/news/flowers/</link><pubDate>Wed, 01 Jul 2020 10:00:00 +0000</pubDate></item>
<item><title>Undated statement</title><link>/news/undated/?utm_source=rss</link><pubDate>Thu, 02 Jul 2020 21:00:00 -0500</pubDate></item>
</channel></rss>`
		}},
		{"atom", "application/atom+xml", func(base string) string {
			return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Statements</title><id>` + base + `/</id><updated>2020-07-02T09:00:00Z</updated>
<entry><title>Visa restrictions</title><id>a1</id><link href="` + base + `/news/visa/"/><published>2020-06-26T16:30:00-04:00</published><updated>2020-06-26T16:30:00-04:00</updated></entry>
<entry><title>Flower show</title><id>a2</id><link href="` + base + `/news/flowers/"/><updated>2020-07-01T10:00:00Z</updated></entry>
<entry><title>Undated statement</title><id>a3</id><link href="` + base + `/news/undated/?utm_source=atom"/><published>2020-07-02T21:00:00-05:00</published><updated>2020-07-02T21:00:00-05:00</updated></entry>
</feed>`
		}},
		{"jsonfeed", "application/feed+json", func(base string) string {
			return `{"version":"https://jsonfeed.org/version/1.1","title":"News","items":[
{"id":"1","url":"` + base + `/news/visa/","title":"Visa restrictions","date_published":"2020-06-26T16:30:00-04:00"},
{"id":"2","url":"` + base + `/news/flowers/","title":"Flower show","date_published":"2020-07-01T10:00:00Z"},
{"id":"3","url":"` + base + `/news/undated/","title":"Undated statement","date_published":"2020-07-02T21:00:00-05:00"}]}`
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := newSite(t)
			site.add("/feed", tc.ctype, tc.feed(site.srv.URL))
			site.add("/news/visa/", htmlType, article("Visa restrictions on officials", "2020-06-26T16:30:00-04:00", prose("visa restrictions", 5)))
			site.add("/news/flowers/", htmlType, offTopic("Flower show opens"))
			site.add("/news/undated/", htmlType, article("A statement without a date", "", prose("an undated statement", 5)))
			sink := newMemSink()
			sink.tag = func(d *model.Document) { d.Tags = append(d.Tags, model.Tag{Type: model.TagActor, Value: "us"}) }
			run := crawl(t, sink, Options{}, model.Source{Name: "press", Kind: model.SourceFeed, URL: site.url("/feed"), DocKind: model.KindOfficial, Lang: "en"})

			if run.Stored != 2 || run.Dropped != 1 || run.Skipped+run.Failed != 0 {
				t.Fatalf("stored/dropped/skipped/failed = %d/%d/%d/%d, want 2/1/0/0 (errors %v)", run.Stored, run.Dropped, run.Skipped, run.Failed, run.Log)
			}
			if r := sink.logged(model.OutcomeDropped)["/news/flowers/"]; r != "off-topic" {
				t.Errorf("the off-topic page is logged as dropped with reason %q, want off-topic", r)
			}
			if sink.doc("/news/flowers/") != nil {
				t.Errorf("off-topic page was stored")
			}
			visa := sink.doc("/news/visa/")
			if visa == nil {
				t.Fatalf("visa article not stored; have %v", sink.paths())
			}
			if len(visa.Tags) != 1 {
				t.Errorf("tags %v, want the one Tag gave", visa.Tags)
			}
			if visa.Source != "press" || visa.Kind != model.KindOfficial || visa.Title != "Visa restrictions on officials" {
				t.Errorf("visa doc = source %q kind %q title %q", visa.Source, visa.Kind, visa.Title)
			}
			if got := visa.Published.UTC().Format(time.RFC3339); got != "2020-06-26T20:30:00Z" || visa.DateSource == model.DateFromFeed {
				t.Errorf("visa published %s from %q, want the page's own date", got, visa.DateSource)
			}
			undated := sink.doc("/news/undated/")
			if undated == nil {
				t.Fatalf("undated article not stored (tracking parameter not dropped?); have %v", sink.paths())
			}
			// 21:00 in Washington is the next day in UTC; the feed's own
			// day is the publication day.
			if undated.DateSource != model.DateFromFeed || undated.Published.Format("2006-01-02") != "2020-07-02" {
				t.Errorf("undated doc published %v from %q, want the feed's 2020-07-02 -05:00", undated.Published, undated.DateSource)
			}
			if undated.ContentHash == "" || undated.Lang != "en" || undated.FetchedAt.IsZero() {
				t.Errorf("undated doc hash %q lang %q fetched %v", undated.ContentHash, undated.Lang, undated.FetchedAt)
			}
		})
	}
}

func gz(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSitemapIndexWithGzipChild(t *testing.T) {
	site := newSite(t)
	base := site.srv.URL
	site.add("/sitemap_index.xml", "application/xml", `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>`+base+`/sitemaps/2020.xml.gz</loc></sitemap>
<sitemap><loc>`+base+`/sitemaps/2021.gz</loc></sitemap>
<sitemap><loc>`+base+`/sitemap-news.xml</loc></sitemap>
</sitemapindex>`)
	// colly inflates a .xml.gz path itself; the second child is served as
	// opaque bytes, so the crawler has to notice the gzip magic.
	site.add("/sitemaps/2020.xml.gz", "application/x-gzip", gz(t, `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>`+base+`/2020/06/30/law-passed/</loc><lastmod>2020-06-30</lastmod></url>
<url><loc>`+base+`/2020/07/01/reaction/</loc></url>
<url><loc>`+base+`/</loc></url>
<url><loc>`+base+`/2020/</loc></url>
</urlset>`))
	site.add("/sitemaps/2021.gz", "application/octet-stream", gz(t, `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>`+base+`/2021/01/06/arrests/</loc></url>
<url><loc>`+base+`/private/draft/</loc></url>
</urlset>`))
	site.add("/sitemap-news.xml", "application/xml", `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>`+base+`/2020/08/10/arrest/</loc><news:news><news:publication><news:name>Test</news:name><news:language>en</news:language></news:publication><news:publication_date>2020-08-10T08:00:00+08:00</news:publication_date><news:title>Arrest</news:title></news:news></url>
</urlset>`)
	site.add("/2020/06/30/law-passed/", htmlType, article("Law passed", "2020-06-30T23:00:00+08:00", prose("the law", 5)))
	site.add("/2020/07/01/reaction/", htmlType, article("Reaction", "2020-07-01T09:00:00Z", prose("the reaction", 5)))
	site.add("/2021/01/06/arrests/", htmlType, article("Arrests", "2021-01-06T09:00:00Z", prose("the arrests", 5)))
	site.add("/2020/08/10/arrest/", htmlType, article("Arrest of a publisher", "", prose("the arrest of a publisher", 5)))
	// A home page and a yearly archive: on topic and dated, but indexes.
	site.add("/", htmlType, article("Home", "2021-01-07T09:00:00Z", prose("the home page", 3)+listing("Latest", "/2020/06/30/law-passed/", "/2021/01/06/arrests/")))
	site.add("/2020/", htmlType, article("Archive 2020", "2020-12-31T09:00:00Z", prose("the archive", 3)+
		listing("2020", "/2020/06/30/law-passed/", "/2020/07/01/reaction/", "/2020/08/10/arrest/", "/2020/09/01/a/", "/2020/10/01/b/")))
	site.add("/private/draft/", htmlType, article("Draft", "2021-01-07T09:00:00Z", prose("a draft", 5)))

	sink := newMemSink()
	run := crawl(t, sink, Options{}, model.Source{Name: "ledger", Kind: model.SourceSitemap, URL: site.url("/sitemap_index.xml"), DocKind: model.KindNews, Exclude: []string{`/private/`}})

	want := []string{"/2020/06/30/law-passed/", "/2020/07/01/reaction/", "/2021/01/06/arrests/", "/2020/08/10/arrest/"}
	got := sink.paths()
	for _, p := range want {
		if !got[p] {
			t.Errorf("%s not stored", p)
		}
	}
	if len(got) != len(want) || run.Stored != len(want) {
		t.Errorf("stored %v (run.Stored %d), want exactly %v", got, run.Stored, want)
	}
	if site.count("/private/draft/") != 0 {
		t.Errorf("excluded URL was fetched")
	}
	arrest := sink.doc("/2020/08/10/arrest/")
	if arrest != nil && (arrest.DateSource != model.DateFromFeed || arrest.Published.UTC().Format(time.RFC3339) != "2020-08-10T00:00:00Z") {
		t.Errorf("news sitemap date not used: %v from %q", arrest.Published, arrest.DateSource)
	}
}

// listing renders a listing page with links to the given paths.
func listing(title string, paths ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html><html><head><title>%s</title></head><body><nav><a href=\"/\">Home</a> <a href=\"/about/\">About</a> <a href=\"/private/\">Members</a></nav><main><h1>%s</h1><ul>", title, title)
	for _, p := range paths {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>", p, p)
	}
	b.WriteString("</ul></main></body></html>")
	return b.String()
}

func TestSeedWithPaginationAndDepth(t *testing.T) {
	tests := []struct {
		depth int
		want  []string
	}{
		{1, []string{"/press/one/", "/press/two/", "/press/three/", "/press/four/"}},
		{2, []string{"/press/one/", "/press/two/", "/press/three/", "/press/four/", "/press/deep/"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("depth%d", tc.depth), func(t *testing.T) {
			site := newSite(t)
			site.add("/press/", htmlType, listing("Press releases", "/press/one/", "/press/two/", "/press/?page=2", "/elsewhere/"))
			site.add("/press/?page=2", htmlType, listing("Press releases, page 2", "/press/three/", "/press/?page=3"))
			site.add("/press/?page=3", htmlType, listing("Press releases, page 3", "/press/four/", "/press/?page=2"))
			site.add("/about/", htmlType, article("About us", "", "<p>We are a Hong Kong office.</p>"))
			site.add("/press/one/", htmlType, article("One", "2020-07-01T10:00:00Z", prose("release one", 5)+`<p><a href="/press/deep/">More</a></p>`))
			site.add("/press/two/", htmlType, article("Two", "2020-07-02T10:00:00Z", prose("release two", 5)))
			site.add("/press/three/", htmlType, article("Three", "", prose("release three", 5)))
			site.add("/press/four/", htmlType, article("Four", "2020-07-04T10:00:00Z", prose("release four", 5)))
			site.add("/press/deep/", htmlType, article("Deep", "2020-07-05T10:00:00Z", prose("release deep", 5)))
			site.add("/elsewhere/", htmlType, article("Elsewhere", "2020-07-05T10:00:00Z", prose("something elsewhere", 5)))

			sink := newMemSink()
			run := crawl(t, sink, Options{}, model.Source{
				Name: "hk", Kind: model.SourceSeed, URL: site.url("/press/"), DocKind: model.KindOfficial,
				Include: []string{`/press/`, `/about/`}, Exclude: []string{`/private/`}, Depth: tc.depth,
			})
			got := sink.paths()
			for _, p := range tc.want {
				if !got[p] {
					t.Errorf("%s not stored", p)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("stored %v, want exactly %v", got, tc.want)
			}
			for _, p := range []string{"/press/", "/press/?page=2", "/press/?page=3"} {
				if got[p] {
					t.Errorf("listing %s stored as a document", p)
				}
				if n := site.count(p); n != 1 {
					t.Errorf("%s fetched %d times, want once", p, n)
				}
			}
			if site.count("/elsewhere/") != 0 || site.count("/private/") != 0 {
				t.Errorf("fetched a page outside include or inside exclude")
			}
			if site.count("/about/") != 1 || got["/about/"] {
				t.Errorf("/about/ fetched %d times, stored %v: want fetched once, not stored (little text, no date)", site.count("/about/"), got["/about/"])
			}
			if run.Failed != 0 {
				t.Errorf("failures: %v", run.Log)
			}
		})
	}
}

func TestSeedStaysOnItsSite(t *testing.T) {
	a, b := newSite(t), newSite(t) // same 127.0.0.1, different ports
	a.add("/", htmlType, listing("Home", "/news/a/", b.url("/news/b/")))
	a.add("/news/a/", htmlType, article("A", "2020-07-01T10:00:00Z", prose("page a", 5)))
	b.add("/news/b/", htmlType, article("B", "2020-07-01T10:00:00Z", prose("page b", 5)))
	for _, tc := range []struct {
		name    string
		include []string
		wantB   bool
	}{
		{"no include", nil, false},
		{"include names only the path", []string{`/news/`}, false},
		{"include names the other site", []string{`/news/a/`, "^" + regexp.QuoteMeta(b.url("/news/"))}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sink := newMemSink()
			crawl(t, sink, Options{}, model.Source{Name: "a", Kind: model.SourceSeed, URL: a.url("/"), DocKind: model.KindNews, Include: tc.include})
			if sink.doc(a.url("/news/a/")) == nil {
				t.Errorf("on-site page not stored")
			}
			if got := sink.doc(b.url("/news/b/")) != nil; got != tc.wantB {
				t.Errorf("other site's page stored = %v, want %v", got, tc.wantB)
			}
		})
	}
}

func TestFederalRegisterAPI(t *testing.T) {
	site := newSite(t)
	base := site.srv.URL
	site.add("/api/v1/documents.json?conditions%5Bterm%5D=hong+kong&page=1", "application/json", `{"count":3,"total_pages":2,
"next_page_url":"`+base+`/api/v1/documents.json?conditions%5Bterm%5D=hong+kong&page=2",
"results":[
 {"title":"Addition of Entities to the Entity List","type":"Rule","document_number":"2020-15646","html_url":"`+base+`/documents/2020/07/17/2020-15646/entity-list","publication_date":"2020-07-17"},
 {"title":"Hong Kong Normalization","type":"Presidential Document","document_number":"2020-15875","html_url":"`+base+`/documents/2020/07/17/2020-15875/normalization","publication_date":"2020-07-17"}]}`)
	site.add("/api/v1/documents.json?conditions%5Bterm%5D=hong+kong&page=2", "application/json", `{"count":3,"total_pages":2,
"results":[{"title":"Blocking Property","type":"Notice","document_number":"2020-17599","html_url":"`+base+`/documents/2020/08/11/2020-17599/blocking","publication_date":"2020-08-11"}]}`)
	site.add("/documents/2020/07/17/2020-15646/entity-list", htmlType, article("Addition of Entities to the Entity List", "", prose("the entity list", 5)))
	site.add("/documents/2020/07/17/2020-15875/normalization", htmlType, article("The President's Executive Order on Hong Kong Normalization", "", prose("normalization", 5)))
	site.add("/documents/2020/08/11/2020-17599/blocking", htmlType, article("Blocking Property", "", prose("blocking property", 5)))

	sink := newMemSink()
	run := crawl(t, sink, Options{}, model.Source{Name: "fedreg", Kind: model.SourceFederalRegister,
		URL: site.url("/api/v1/documents.json?conditions[term]=hong+kong&page=1"), DocKind: model.KindOfficial})
	if run.Stored != 3 {
		t.Fatalf("stored %d, want 3 (errors %v)", run.Stored, run.Log)
	}
	d := sink.doc("/2020-17599/blocking")
	if d == nil {
		t.Fatalf("second API page not followed: %v", sink.paths())
	}
	if d.DocNumber != "2020-17599" || d.DateSource != model.DateFromAPI || d.Published.Format("2006-01-02") != "2020-08-11" {
		t.Errorf("doc number %q, published %v from %q: want the API's", d.DocNumber, d.Published, d.DateSource)
	}
}

func TestBig5Pages(t *testing.T) {
	page := `<!DOCTYPE html><html lang="zh-Hant"><head><meta charset="big5"><title>政府回應外國制裁</title>
<meta property="article:published_time" content="2020-08-08T12:00:00+08:00"></head>
<body><main><article><h1>政府回應外國制裁</h1>
<p>香港特別行政區政府今日強烈反對美國政府對香港官員實施所謂制裁。發言人表示，維護國家安全是每個國家的主權，香港國家安全法的實施令社會回復穩定。</p>
<p>發言人指出，外國政府不應干預香港事務。特區政府會繼續依法履行維護國家安全的職責，並保障市民的權利和自由。</p>
<p>發言人又說，有關制裁不會影響特區政府的工作，政府會繼續與各界溝通，解釋法律的內容和目的，讓市民了解國家安全的重要。</p>
</article></main></body></html>`
	raw, err := traditionalchinese.Big5.NewEncoder().String(page)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, header, forced string
	}{
		{"charset only in meta", "text/html", ""},
		{"charset in header", "text/html; charset=Big5", ""},
		{"header mislabels, source forces big5", "text/html; charset=utf-8", "big5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := newSite(t)
			site.add("/tc/press/sanctions.htm", tc.header, raw)
			site.add("/sitemap.xml", "application/xml", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>`+site.url("/tc/press/sanctions.htm")+`</loc></url></urlset>`)

			sink := newMemSink()
			crawl(t, sink, Options{}, model.Source{Name: "hkgov", Kind: model.SourceSitemap, URL: site.url("/sitemap.xml"), DocKind: model.KindOfficial, Lang: "zh-Hant", Charset: tc.forced})
			d := sink.doc("/tc/press/sanctions.htm")
			if d == nil {
				t.Fatalf("Big5 page not stored; errors %v", sink.errors)
			}
			if !strings.Contains(d.Title, "制裁") || !strings.Contains(d.Text, "香港國家安全法") {
				t.Errorf("Big5 page not decoded: title %q text %.80q", d.Title, d.Text)
			}
			// The capture is evidence: the bytes and header as received,
			// not colly's conversion of them.
			c := sink.captures[d.URL]
			if c == nil || !bytes.Equal(c.Body, []byte(raw)) || c.Header.Get("Content-Type") != tc.header || c.Status != 200 {
				t.Errorf("capture does not keep the raw Big5 bytes and header as received")
			}
		})
	}
}

func TestSameArticleAtTwoURLsIsDuplicate(t *testing.T) {
	site := newSite(t)
	body := prose("the wire story", 6)
	site.add("/world/wire-story/", htmlType, article("Wire story", "2020-07-01T10:00:00Z", body))
	site.add("/business/wire-story-copy/", htmlType, article("Wire story (copy)", "2020-07-01T11:00:00Z", body))
	site.add("/feed", "application/rss+xml", `<rss version="2.0"><channel><title>x</title>
<item><title>a</title><link>`+site.url("/world/wire-story/")+`</link></item>
<item><title>b</title><link>`+site.url("/business/wire-story-copy/")+`</link></item>
<item><title>a again</title><link>`+site.url("/world/wire-story/#comments")+`</link></item>
</channel></rss>`)
	sink := newMemSink()
	// One worker so the first item is saved first.
	run := crawl(t, sink, Options{Parallelism: 1}, model.Source{Name: "metro", Kind: model.SourceFeed, URL: site.url("/feed"), DocKind: model.KindNews})
	if run.Stored != 1 || run.Dropped != 1 || run.Skipped != 0 {
		t.Errorf("stored %d dropped %d skipped %d, want 1, 1 and 0", run.Stored, run.Dropped, run.Skipped)
	}
	if r := sink.logged(model.OutcomeDropped)["/business/wire-story-copy/"]; r != "duplicate" {
		t.Errorf("the copy is logged as dropped with reason %q, want duplicate", r)
	}
	var dup string
	for u, o := range sink.outcomes {
		if o == model.OutcomeDuplicate {
			dup = u
		}
	}
	if !strings.HasSuffix(dup, "/business/wire-story-copy/") {
		t.Errorf("duplicate reported for %q, want the copy", dup)
	}
	if n := site.count("/world/wire-story/"); n != 1 {
		t.Errorf("same URL fetched %d times in one run", n)
	}
}

func TestFetchErrorsAreRecordedWithReasons(t *testing.T) {
	site := newSite(t)
	site.addRoute("/broken/", route{status: 500, ctype: htmlType, body: []byte("oops")})
	site.addRoute("/slow/", route{ctype: htmlType, body: []byte(article("Slow", "", prose("slow", 5))), delay: 2 * time.Second})
	site.add("/big/", htmlType, article("Big", "2020-07-01T10:00:00Z", prose("a very long page", 40)))
	site.add("/sitemap.xml", "application/xml", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>`+site.url("/missing/")+`</loc></url><url><loc>`+site.url("/broken/")+`</loc></url>
<url><loc>`+site.url("/slow/")+`</loc></url><url><loc>`+site.url("/big/")+`</loc></url></urlset>`)

	sink := newMemSink()
	run := crawl(t, sink, Options{Timeout: 300 * time.Millisecond, MaxBody: 8 << 10},
		model.Source{Name: "s", Kind: model.SourceSitemap, URL: site.url("/sitemap.xml"), DocKind: model.KindNews},
		model.Source{Name: "gone", Kind: model.SourceFeed, URL: site.url("/no-feed.xml"), DocKind: model.KindNews})
	want := map[string]string{
		"/missing/":    "HTTP 404",
		"/broken/":     "HTTP 500 (3 attempts)",
		"/slow/":       "timeout after 300ms (3 attempts)",
		"/big/":        "body over 8 KB",
		"/no-feed.xml": "HTTP 404",
	}
	got := sink.reasons()
	for p, r := range want {
		if got[p] != r {
			t.Errorf("%s: reason %q, want %q", p, got[p], r)
		}
	}
	if run.Failed != len(want) || len(run.Log) != len(want) || run.Stored != 0 {
		t.Errorf("failed %d, errors %d, stored %d; want %d failures and nothing stored", run.Failed, len(run.Log), run.Stored, len(want))
	}
}

func TestBrokenSourceDoesNotStopOthers(t *testing.T) {
	site := newSite(t)
	site.add("/feed", "application/rss+xml", `<rss version="2.0"><channel><title>x</title><item><title>a</title><link>`+site.url("/a/")+`</link></item></channel></rss>`)
	site.add("/a/", htmlType, article("A", "2020-07-01T10:00:00Z", prose("page a", 5)))
	sink := newMemSink()
	run := crawl(t, sink, Options{},
		model.Source{Name: "bad", Kind: model.SourceFeed, URL: site.url("/feed"), Include: []string{"(unclosed"}},
		model.Source{Name: "odd", Kind: "gopher", URL: site.url("/x")},
		model.Source{Name: "good", Kind: model.SourceFeed, URL: site.url("/feed"), DocKind: model.KindNews})
	if run.Stored != 1 || run.Failed != 2 || len(sink.errors) != 2 {
		t.Errorf("stored %d failed %d errors %v; want the good source crawled and two recorded failures", run.Stored, run.Failed, sink.errors)
	}
}

func TestRobotsTxtIsRespected(t *testing.T) {
	site := newSite(t)
	site.add("/robots.txt", "text/plain", "User-agent: *\nAllow: /\n\nUser-agent: policywatch\nDisallow: /private/\n")
	site.add("/feed", "application/rss+xml", `<rss version="2.0"><channel><title>x</title>
<item><title>a</title><link>`+site.url("/news/open/")+`</link></item>
<item><title>b</title><link>`+site.url("/private/secret/")+`</link></item>
</channel></rss>`)
	site.add("/news/open/", htmlType, article("Open", "2020-07-01T10:00:00Z", prose("an open page", 5)))
	site.add("/private/secret/", htmlType, article("Secret", "2020-07-01T10:00:00Z", prose("a secret page", 5)))
	sink := newMemSink()
	run := crawl(t, sink, Options{UserAgent: "policywatch/1.0 (test)"}, model.Source{Name: "s", Kind: model.SourceFeed, URL: site.url("/feed"), DocKind: model.KindNews})
	if site.count("/private/secret/") != 0 {
		t.Fatalf("disallowed page was fetched")
	}
	if n := site.count("/robots.txt"); n != 1 {
		t.Errorf("robots.txt fetched %d times, want once", n)
	}
	if r := sink.logged(model.OutcomeRefused)["/private/secret/"]; r != "robots.txt disallows" {
		t.Errorf("refused %v, want the robots refusal recorded", sink.logged(model.OutcomeRefused))
	}
	if run.Stored != 1 || run.Refused != 1 || run.Skipped+run.Failed != 0 {
		t.Errorf("stored/refused/skipped/failed %d/%d/%d/%d, want 1/1/0/0", run.Stored, run.Refused, run.Skipped, run.Failed)
	}
	for _, a := range site.agents {
		if a != "policywatch/1.0 (test)" {
			t.Errorf("request with User-Agent %q", a)
		}
	}
}

func TestRedirects(t *testing.T) {
	site := newSite(t)
	site.add("/robots.txt", "text/plain", "User-agent: *\nDisallow: /private/\n")
	site.add("/news/new/", htmlType, article("New", "2020-07-01T10:00:00Z", prose("the new page", 5)))
	site.addRoute("/news/old/", route{to: "/news/new/"})
	site.addRoute("/news/moved", route{to: "/news/moved/"})
	site.add("/news/moved/", htmlType, article("Moved", "2020-07-02T10:00:00Z", prose("the moved page", 5)))
	site.addRoute("/news/sneaky/", route{to: "/private/page/"})
	site.add("/private/page/", htmlType, article("Private", "2020-07-03T10:00:00Z", prose("a private page", 5)))
	site.add("/feed", "application/rss+xml", `<rss version="2.0"><channel><title>x</title>
<item><title>a</title><link>`+site.url("/news/new/")+`</link></item>
<item><title>b</title><link>`+site.url("/news/old/")+`</link></item>
<item><title>c</title><link>`+site.url("/news/moved")+`</link></item>
<item><title>d</title><link>`+site.url("/news/sneaky/")+`</link></item>
</channel></rss>`)
	sink := newMemSink()
	run := crawl(t, sink, Options{Parallelism: 1}, model.Source{Name: "s", Kind: model.SourceFeed, URL: site.url("/feed"), DocKind: model.KindNews})
	if n := site.count("/news/new/"); n != 1 {
		t.Errorf("/news/new/ fetched %d times; a redirect to it must not fetch it again", n)
	}
	if site.count("/private/page/") != 0 {
		t.Errorf("followed a redirect into a robots.txt-disallowed path")
	}
	got := sink.paths()
	if !got["/news/new/"] || !got["/news/moved/"] || len(got) != 2 {
		t.Errorf("stored %v, want /news/new/ and /news/moved/ (the redirect's target)", got)
	}
	// The redirect to /news/new/ (fetched already) is skipped; the one
	// into /private/ is refused by robots.txt.
	if run.Stored != 2 || run.Skipped != 1 || run.Refused != 1 || run.Failed != 0 {
		t.Errorf("stored/skipped/refused/failed %d/%d/%d/%d, want 2/1/1/0 (%v)", run.Stored, run.Skipped, run.Refused, run.Failed, run.Log)
	}
}

func TestPerHostDelay(t *testing.T) {
	tests := []struct {
		name   string
		delay  time.Duration
		robots string
		want   time.Duration
	}{
		{"option", 150 * time.Millisecond, "", 150 * time.Millisecond},
		{"crawl-delay", 0, "User-agent: *\nCrawl-delay: 0.25\n", 250 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := newSite(t), newSite(t)
			for _, s := range []*testSite{a, b} {
				if tc.robots != "" {
					s.add("/robots.txt", "text/plain", tc.robots)
				}
				var items strings.Builder
				for i := range 4 {
					p := fmt.Sprintf("/n/%d/", i)
					s.add(p, htmlType, article("N", "2020-07-01T10:00:00Z", prose(fmt.Sprintf("%s item %d", s.srv.URL, i), 4)))
					fmt.Fprintf(&items, "<item><title>n</title><link>%s</link></item>", s.url(p))
				}
				s.add("/feed", "application/rss+xml", `<rss version="2.0"><channel><title>x</title>`+items.String()+`</channel></rss>`)
			}
			sink := newMemSink()
			start := time.Now()
			run := crawl(t, sink, Options{Delay: tc.delay, Parallelism: 4},
				model.Source{Name: "a", Kind: model.SourceFeed, URL: a.url("/feed"), DocKind: model.KindNews},
				model.Source{Name: "b", Kind: model.SourceFeed, URL: b.url("/feed"), DocKind: model.KindNews})
			elapsed := time.Since(start)
			if run.Stored != 8 {
				t.Fatalf("stored %d, want 8 (%v)", run.Stored, run.Log)
			}
			for _, s := range []*testSite{a, b} {
				hits := s.pageHits()
				for i := 1; i < len(hits); i++ {
					if gap := hits[i].at.Sub(hits[i-1].at); gap < tc.want-5*time.Millisecond {
						t.Errorf("requests %s and %s to one host %v apart, want ≥ %v", hits[i-1].uri, hits[i].uri, gap, tc.want)
					}
				}
			}
			// Two hosts are paced independently: each host sees 6 requests
			// (robots.txt, feed, 4 pages), so the run takes about 5 delays,
			// where pacing both hosts as one would take 11.
			if limit := time.Duration(9) * tc.want; elapsed > limit {
				t.Errorf("run took %v; hosts were not crawled in parallel (limit %v)", elapsed, limit)
			}
		})
	}
}

func TestRunStopsPromptlyWhenCancelled(t *testing.T) {
	site := newSite(t)
	var items strings.Builder
	for i := range 20 {
		p := fmt.Sprintf("/n/%d/", i)
		site.add(p, htmlType, article("N", "2020-07-01T10:00:00Z", prose(fmt.Sprintf("item %d", i), 4)))
		fmt.Fprintf(&items, "<item><title>n</title><link>%s</link></item>", site.url(p))
	}
	site.add("/feed", "application/rss+xml", `<rss version="2.0"><channel><title>x</title>`+items.String()+`</channel></rss>`)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	run := &model.CrawlRun{}
	start := time.Now()
	sink := newMemSink()
	err := New(sink, sink, Options{Delay: 5 * time.Second, AllowPrivate: true}).Run(ctx, run, []model.Source{{Name: "s", Kind: model.SourceFeed, URL: site.url("/feed"), DocKind: model.KindNews}})
	if err == nil {
		t.Errorf("Run returned nil after cancellation")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Run took %v to stop after cancellation", d)
	}
}

func TestMaxPagesCapsDocuments(t *testing.T) {
	site := newSite(t)
	var items strings.Builder
	for i := range 6 {
		p := fmt.Sprintf("/n/%d/", i)
		site.add(p, htmlType, article("N", "2020-07-01T10:00:00Z", prose(fmt.Sprintf("item %d", i), 4)))
		fmt.Fprintf(&items, "<item><title>n</title><link>%s</link></item>", site.url(p))
	}
	site.add("/feed", "application/rss+xml", `<rss version="2.0"><channel><title>x</title>`+items.String()+`</channel></rss>`)
	sink := newMemSink()
	var mu sync.Mutex
	var reports []Progress
	progress := func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, p)
	}
	run := crawl(t, sink, Options{MaxPages: 3, Progress: progress}, model.Source{Name: "s", Kind: model.SourceFeed, URL: site.url("/feed"), DocKind: model.KindNews})
	if run.Stored != 3 || len(site.pageHits()) != 4 { // the feed and 3 pages
		t.Errorf("stored %d after %d requests, want 3 documents from 4 requests", run.Stored, len(site.pageHits()))
	}
	maxStored := 0
	for _, p := range reports {
		maxStored = max(maxStored, p.Stored)
		if p.Outcome != model.OutcomeStored || p.Source != "s" {
			t.Errorf("progress %+v, want a stored document of source s", p)
		}
	}
	if len(reports) != 3 || maxStored != 3 {
		t.Errorf("%d progress reports reaching %d stored, want 3 reaching 3", len(reports), maxStored)
	}
}

func TestNormalizeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTP://Example.COM:80/a/b/?utm_source=x&b=2&a=1#frag", "http://example.com/a/b/?a=1&b=2"},
		{"https://example.com:443", "https://example.com/"},
		{"https://example.com/x;jsessionid=ABC?PHPSESSID=1&q=hk", "https://example.com/x?q=hk"},
		{"http://127.0.0.1:8080//a//b", "http://127.0.0.1:8080/a/b"},
		{"http://example.com/a?", "http://example.com/a"},
	}
	for _, tc := range tests {
		got, err := NormalizeURL(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("NormalizeURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"/relative", "mailto:a@b.c", "javascript:void(0)"} {
		if _, err := NormalizeURL(bad); err == nil {
			t.Errorf("NormalizeURL(%q) accepted", bad)
		}
	}
}

func TestTrapGuards(t *testing.T) {
	tests := []struct {
		url  string
		trap bool
	}{
		{"http://e.com/news/2020/07/01/story/", false},
		{"http://e.com/a/b/a/b/a/b/", true},
		{"http://e.com/s?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9", true},
		{"http://e.com/" + strings.Repeat("x", 3000), true},
	}
	for _, tc := range tests {
		if got := trapReason(tc.url) != ""; got != tc.trap {
			t.Errorf("trapReason(%.40q) trap=%v, want %v", tc.url, got, tc.trap)
		}
	}
}

// TestEveryURLHasOneOutcome: one crawl meets each outcome once, and the
// run's counts agree with its log: a page archived before and now gone
// is withdrawn, a never-archived 404 a failure, a PDF link skipped, a
// short undated page reached by links dropped, and a source whose feed
// is missing has failed entirely.
func TestEveryURLHasOneOutcome(t *testing.T) {
	site := newSite(t)
	site.add("/feed", "application/rss+xml", `<rss version="2.0"><channel><title>x</title>
<item><title>a</title><link>`+site.url("/news/kept/")+`</link></item>
<item><title>b</title><link>`+site.url("/news/gone/")+`</link></item>
<item><title>c</title><link>`+site.url("/news/never/")+`</link></item>
<item><title>d</title><link>`+site.url("/files/report.pdf")+`</link></item>
</channel></rss>`)
	site.add("/news/kept/", htmlType, article("Kept", "2020-07-01T10:00:00Z", prose("a kept page", 5)))
	site.add("/files/report.pdf", "application/pdf", "%PDF-1.4")
	site.addRoute("/news/gone/", route{status: 410, ctype: htmlType, body: []byte("gone")})
	site.add("/seed/", htmlType, `<html><body><a href="/seed/short/">short</a></body></html>`)
	site.add("/seed/short/", htmlType, article("Hong Kong note", "", "<p>A short undated note on Hong Kong.</p>"))
	sink := newMemSink()
	gone, _ := NormalizeURL(site.url("/news/gone/"))
	sink.byURL[gone] = &model.Document{URL: gone, ContentHash: "archived before"}
	run := crawl(t, sink, Options{},
		model.Source{Name: "feed", Kind: model.SourceFeed, URL: site.url("/feed"), DocKind: model.KindNews},
		model.Source{Name: "seed", Kind: model.SourceSeed, URL: site.url("/seed/"), DocKind: model.KindNews, Depth: 1},
		model.Source{Name: "missing", Kind: model.SourceFeed, URL: site.url("/no-feed.xml"), DocKind: model.KindNews})
	for o, want := range map[model.Outcome]map[string]string{
		model.OutcomeWithdrawn: {"/news/gone/": "HTTP 410"},
		model.OutcomeFailed:    {"/news/never/": "HTTP 404", "/no-feed.xml": "HTTP 404"},
		model.OutcomeSkipped:   {"/files/report.pdf": "not HTML (application/pdf)"},
		model.OutcomeDropped:   {"/seed/short/": "not an article: no date and little text"},
	} {
		if got := sink.logged(o); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: logged %v, want %v", o, got, want)
		}
		if run.Count(o) != len(want) || len(run.Logged(o)) != len(want) {
			t.Errorf("%s: run counts %d and logs %d, want %d", o, run.Count(o), len(run.Logged(o)), len(want))
		}
	}
	if sink.withdrawn[gone] != 410 {
		t.Errorf("the gone page was not withdrawn: %v", sink.withdrawn)
	}
	if failed := run.FailedSources(); len(failed) != 1 || failed[0].Source != "missing" {
		t.Errorf("sources failed entirely: %+v, want only missing", failed)
	}
}
