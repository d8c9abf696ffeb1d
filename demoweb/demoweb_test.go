package demoweb

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"policywatch/topic"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"gopkg.in/yaml.v3"
)

func startWeb(t *testing.T) *Web {
	t.Helper()
	w, err := Start(t.Context())
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, url string, hdr ...string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

// pageText decodes a page as a browser would (BOM, header, then <meta>)
// and returns its visible text and <title>.
func pageText(t *testing.T, r response) (text, title string) {
	t.Helper()
	rd, err := charset.NewReader(bytes.NewReader(r.body), r.header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	doc, err := html.Parse(rd)
	if err != nil {
		t.Fatalf("parse html: %v", err)
	}
	var sb strings.Builder
	var walk func(n *html.Node, inTitle bool)
	walk = func(n *html.Node, inTitle bool) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		if n.Type == html.TextNode {
			if inTitle {
				title += n.Data
			} else {
				sb.WriteString(n.Data)
				sb.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inTitle || (n.Type == html.ElementNode && n.Data == "title"))
		}
	}
	walk(doc, false)
	return strings.Join(strings.Fields(sb.String()), " "), title
}

func TestEverySiteAnswersDiscoveryURLs(t *testing.T) {
	w := startWeb(t)
	if len(w.Sites()) != 14 {
		t.Errorf("Sites() = %d sites, want 14", len(w.Sites()))
	}
	for _, id := range w.Sites() {
		spec, _ := siteByID(id)
		base := w.URL(id)
		t.Run(id, func(t *testing.T) {
			home := get(t, base+"/")
			if home.status != 200 || !bytes.Contains(home.body, []byte("<html lang=")) {
				t.Errorf("home: status %d, body without <html lang>", home.status)
			}
			robots := get(t, base+"/robots.txt")
			if robots.status != 200 || !bytes.Contains(robots.body, []byte("User-agent: *\n")) {
				t.Errorf("robots.txt: status %d body %q", robots.status, robots.body)
			}
			if bytes.Contains(robots.body, []byte("{base}")) {
				t.Errorf("robots.txt has an unreplaced placeholder: %s", robots.body)
			}
			for _, src := range spec.Sources {
				r := get(t, base+src.Path)
				if r.status != 200 {
					t.Errorf("%s %s: status %d", src.Kind, src.Path, r.status)
					continue
				}
				switch src.Kind {
				case "feed", "sitemap":
					if err := xml.Unmarshal(r.body, new(struct{})); err != nil {
						t.Errorf("%s is not XML: %v", src.Path, err)
					}
				case "federalregister":
					var fr frResponse
					if err := json.Unmarshal(r.body, &fr); err != nil {
						t.Errorf("%s is not FR JSON: %v", src.Path, err)
					}
				}
			}
			if r := get(t, base+"/no/such/page/"); r.status != 404 {
				t.Errorf("unknown path: status %d, want 404", r.status)
			}
			if spec.Private != "" {
				if r := get(t, base+spec.Private); r.status != 403 {
					t.Errorf("private area %s: status %d, want 403", spec.Private, r.status)
				}
				if !strings.Contains(string(robots.body), "Disallow: "+spec.Private) {
					t.Errorf("robots.txt does not disallow the private area %s", spec.Private)
				}
				if n := w.Hits(id, spec.Private); n != 1 {
					t.Errorf("Hits(%s) = %d, want 1", spec.Private, n)
				}
			}
		})
	}
}

var (
	knownCategories = []string{"legislation", "visa-restriction", "export-control", "sanction", "extradition",
		"safe-haven", "statement", "counter-measure", "prosecution"}
	knownActors = []string{"us", "uk", "canada", "australia", "new-zealand", "germany", "eu", "japan", "g7",
		"china", "hong-kong"}
	dayRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// Every sidecar must describe a page a crawler can fetch, with values the
// evaluation understands.
func TestTruthPagesRenderWithTheirTitles(t *testing.T) {
	truth, err := Truth()
	if err != nil {
		t.Fatalf("Truth: %v", err)
	}
	if len(truth) < 33 {
		t.Errorf("Truth() = %d pages, want at least the 33 of state, treasury, commerce and fedreg", len(truth))
	}
	w := startWeb(t)
	for _, pt := range truth {
		r := get(t, w.PageURL(pt))
		if r.status != 200 {
			t.Errorf("%s %s: status %d", pt.Site, pt.Path, r.status)
			continue
		}
		text, title := pageText(t, r)
		if !strings.Contains(text, pt.Title) || !strings.Contains(title, pt.Title) {
			t.Errorf("%s %s: title %q not shown (title element %q)", pt.Site, pt.Path, pt.Title, title)
		}
		for _, c := range pt.Categories {
			if !slices.Contains(knownCategories, c) {
				t.Errorf("%s %s: unknown category %q", pt.Site, pt.Path, c)
			}
		}
		for _, a := range pt.Actors {
			if !slices.Contains(knownActors, a) {
				t.Errorf("%s %s: unknown actor %q", pt.Site, pt.Path, a)
			}
		}
		if pt.EventDate != "" && !dayRE.MatchString(pt.EventDate) {
			t.Errorf("%s %s: event_date %q is not YYYY-MM-DD", pt.Site, pt.Path, pt.EventDate)
		}
		if !dayRE.MatchString(pt.Published) {
			t.Errorf("%s %s: published %q is not YYYY-MM-DD", pt.Site, pt.Path, pt.Published)
		}
		// An on-topic page reports a measure, or is background with no
		// event of its own (the 2019 marches: no government's act).
		if pt.Topic && len(pt.Categories) == 0 && pt.EventDate != "" {
			t.Errorf("%s %s: on-topic page with an event but without categories", pt.Site, pt.Path)
		}
	}
}

// The sidecar's published day must be the day the page itself states, or
// the evaluation would blame the extractor for a content mistake.
func TestTruthPublishedMatchesPage(t *testing.T) {
	truth, err := Truth()
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]*page{}
	for _, s := range sites {
		ps, err := loadSite(content, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			pages[s.ID+p.Path] = p
		}
	}
	for _, pt := range truth {
		p := pages[pt.Site+pt.Path]
		if got := p.Published.Format("2006-01-02"); got != pt.Published {
			t.Errorf("%s %s: sidecar published %s, page says %s", pt.Site, pt.Path, pt.Published, got)
		}
	}
}

func TestOwnSitesHaveRequiredContent(t *testing.T) {
	truth, err := Truth()
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ site, day string }
	events := map[key]bool{}
	count := map[string]int{}
	offTopic := map[string]int{}
	for _, pt := range truth {
		count[pt.Site]++
		if !pt.Topic {
			offTopic[pt.Site]++
		}
		events[key{pt.Site, pt.EventDate}] = true
	}
	for site, n := range map[string]int{"state": 14, "treasury": 7, "commerce": 6, "fedreg": 6} {
		if count[site] < n {
			t.Errorf("%s has %d pages, want at least %d", site, count[site], n)
		}
		if offTopic[site] < 2 {
			t.Errorf("%s has %d off-topic pages, want at least 2", site, offTopic[site])
		}
	}
	for _, k := range []key{
		{"state", "2020-05-27"}, {"state", "2020-06-26"}, {"state", "2020-06-29"}, {"state", "2020-08-19"},
		{"state", "2020-10-14"}, {"state", "2021-03-17"}, {"state", "2021-07-16"}, {"state", "2024-03-29"},
		{"state", "2025-03-31"}, {"treasury", "2020-08-07"}, {"treasury", "2020-11-09"}, {"treasury", "2020-12-07"},
		{"treasury", "2021-01-15"}, {"treasury", "2021-07-16"}, {"commerce", "2020-06-29"},
		{"commerce", "2020-12-23"}, {"commerce", "2020-08-11"}, {"fedreg", "2020-07-14"}, {"fedreg", "2020-08-11"},
		{"fedreg", "2020-12-23"},
	} {
		if !events[k] {
			t.Errorf("%s has no page about the event of %s", k.site, k.day)
		}
	}
}

func TestVisaRestrictionStatementSaysSo(t *testing.T) {
	w := startWeb(t)
	truth, err := Truth()
	if err != nil {
		t.Fatal(err)
	}
	for _, pt := range truth {
		if pt.Site == "state" && pt.EventDate == "2020-06-26" {
			text, _ := pageText(t, get(t, w.PageURL(pt)))
			if !strings.Contains(text, "visa restrictions") {
				t.Errorf("the 2020-06-26 statement does not say %q", "visa restrictions")
			}
			return
		}
	}
	t.Error("no state page about 2020-06-26")
}

// A Big5 page served the way older government sites do: charset only in
// <meta>, none in the header.
func TestBig5PageDecodes(t *testing.T) {
	const want = "國家安全法於今日刊憲生效"
	fsys := fstest.MapFS{
		"sites/hkgov/pages/zh.md": {Data: []byte("---\npath: /tc/press/2020/06/30/p1.htm\ntitle: 政府新聞公報測試\npublished: 2020-06-30T23:00:00+08:00\ndate_markup: text\nlang: zh-Hant\ncharset: big5\n---\n" + want + "。\n")},
	}
	w, err := startFS(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	check := func(t *testing.T, url, want string) {
		r := get(t, url)
		if ct := r.header.Get("Content-Type"); ct != "text/html" {
			t.Errorf("Content-Type = %q, want text/html without charset", ct)
		}
		if !bytes.Contains(r.body, []byte(`<meta charset="big5">`)) {
			t.Error(`body lacks <meta charset="big5">`)
		}
		if bytes.Contains(r.body, []byte(want)) {
			t.Error("body is UTF-8, want Big5 bytes")
		}
		text, _ := pageText(t, r)
		if !strings.Contains(text, want) {
			t.Errorf("decoded text lacks %q: %.300s", want, text)
		}
	}
	check(t, w.URL("hkgov")+"/tc/press/2020/06/30/p1.htm", want)

	// And whatever Big5 pages the shipped content has.
	real := startWeb(t)
	for _, s := range sites {
		ps, err := loadSite(content, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Charset == "big5" {
				check(t, real.URL(s.ID)+p.Path, p.Title)
			}
		}
	}
}

func TestSidecarsAreNotServed(t *testing.T) {
	w := startWeb(t)
	truth, err := Truth()
	if err != nil {
		t.Fatal(err)
	}
	for _, pt := range truth {
		base := w.URL(pt.Site)
		slug := strings.TrimSuffix(path.Base(pt.Path), path.Ext(pt.Path))
		for _, p := range []string{
			strings.TrimSuffix(pt.Path, "/") + ".truth.json",
			"/sites/" + pt.Site + "/pages/" + slug + ".truth.json",
		} {
			r := get(t, base+p)
			if r.status == 200 || bytes.Contains(r.body, []byte(`"event_date"`)) {
				t.Errorf("%s %s: status %d, sidecar reachable", pt.Site, p, r.status)
			}
		}
	}
	// Nor do they leak into anything a crawler discovers.
	for _, id := range w.Sites() {
		for _, p := range []string{"/sites/" + id + "/pages/", "/pages/", "/sites/"} {
			if r := get(t, w.URL(id)+p); r.status != 404 {
				t.Errorf("%s %s: status %d, want 404", id, p, r.status)
			}
		}
		spec, _ := siteByID(id)
		for _, src := range spec.Sources {
			if r := get(t, w.URL(id)+src.Path); bytes.Contains(r.body, []byte("truth")) {
				t.Errorf("%s %s mentions sidecars", id, src.Path)
			}
		}
	}
}

func TestFederalRegisterAPIPages(t *testing.T) {
	w := startWeb(t)
	base := w.URL("fedreg")
	all := get(t, base+"/api/v1/documents.json?per_page=1000")
	var whole frResponse
	if err := json.Unmarshal(all.body, &whole); err != nil {
		t.Fatal(err)
	}
	if whole.Count < 6 || len(whole.Results) != whole.Count || whole.NextPageURL != nil {
		t.Fatalf("one big page: count %d, %d results, next %v", whole.Count, len(whole.Results), whole.NextPageURL)
	}
	var oldest frResponse
	if err := json.Unmarshal(get(t, base+"/api/v1/documents.json?per_page=1000&order=oldest").body, &oldest); err != nil {
		t.Fatal(err)
	}
	if len(oldest.Results) != whole.Count || oldest.Results[0].HTMLURL != whole.Results[whole.Count-1].HTMLURL {
		t.Error("order=oldest does not reverse the newest-first order")
	}
	if r := get(t, base+"/api/v1/documents.json?page=zero"); r.status != http.StatusBadRequest {
		t.Errorf("page=zero: status %d, want 400", r.status)
	}
	tests := []struct {
		name, query string
		want        func(frDoc) bool
	}{
		{"all", "per_page=2", func(frDoc) bool { return true }},
		{"term", "conditions[term]=hong+kong&per_page=2", func(d frDoc) bool {
			p := get(t, d.HTMLURL)
			text, _ := pageText(t, p)
			return strings.Contains(strings.ToLower(text), "hong kong")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := base + "/api/v1/documents.json?" + tt.query
			var got []string
			pages, total := 0, -1
			for next != "" {
				var fr frResponse
				if err := json.Unmarshal(get(t, next).body, &fr); err != nil {
					t.Fatalf("%s: %v", next, err)
				}
				pages++
				if total < 0 {
					total = fr.Count
				}
				if len(fr.Results) > 2 {
					t.Errorf("page %d has %d results, per_page=2", pages, len(fr.Results))
				}
				for i, d := range fr.Results {
					if !tt.want(d) {
						t.Errorf("%s does not belong in %q", d.HTMLURL, tt.query)
					}
					if i > 0 && d.PublicationDate > fr.Results[i-1].PublicationDate {
						t.Errorf("results not newest first: %s after %s", d.PublicationDate, fr.Results[i-1].PublicationDate)
					}
					if d.Title == "" || len(d.Agencies) == 0 || !dayRE.MatchString(d.PublicationDate) {
						t.Errorf("incomplete result %+v", d)
					}
					if r := get(t, d.HTMLURL); r.status != 200 {
						t.Errorf("html_url %s: status %d", d.HTMLURL, r.status)
					}
					got = append(got, d.HTMLURL)
				}
				if fr.TotalPages != (fr.Count+1)/2 {
					t.Errorf("total_pages %d for count %d", fr.TotalPages, fr.Count)
				}
				next = ""
				if fr.NextPageURL != nil {
					next = *fr.NextPageURL
				}
			}
			if len(got) != total || total == 0 {
				t.Errorf("followed %d pages to %d documents, count says %d", pages, len(got), total)
			}
			slices.Sort(got)
			if len(slices.Compact(got)) != len(got) {
				t.Error("a document came back on two pages")
			}
			if tt.name == "term" && total >= whole.Count {
				t.Errorf("term search returned %d of %d documents; off-topic ones should not match", total, whole.Count)
			}
		})
	}
}

func TestListingsPaginateNewestFirst(t *testing.T) {
	w := startWeb(t)
	base := w.URL("state")
	first, second := get(t, base+"/press-releases/"), get(t, base+"/press-releases/?page=2")
	if first.status != 200 || second.status != 200 {
		t.Fatalf("listing pages: %d, %d", first.status, second.status)
	}
	links := regexp.MustCompile(`class="item-title" href="([^"]+)"`)
	n1, n2 := links.FindAllSubmatch(first.body, -1), links.FindAllSubmatch(second.body, -1)
	if len(n1) != perPage || len(n2) == 0 {
		t.Errorf("page 1 lists %d, page 2 lists %d", len(n1), len(n2))
	}
	if !bytes.Contains(first.body, []byte(`href="/press-releases/?page=2"`)) {
		t.Error("page 1 does not link to page 2")
	}
	pages, _ := loadSite(content, "state")
	if string(n1[0][1]) != pages[0].Path || string(n2[0][1]) != pages[perPage].Path {
		t.Errorf("listing order: page 1 starts %s, page 2 starts %s", n1[0][1], n2[0][1])
	}
	if r := get(t, base+"/press-releases/?page=99"); r.status != 404 {
		t.Errorf("page 99: status %d, want 404", r.status)
	}
}

// How each page states its date decides which extractor path it tests, so
// a page must show its date only in its declared form.
func TestDateMarkup(t *testing.T) {
	w := startWeb(t)
	for _, s := range sites {
		ps, err := loadSite(content, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			b := get(t, w.URL(s.ID)+p.Path).body
			has := map[string]bool{
				"jsonld": bytes.Contains(b, []byte(`"datePublished"`)),
				"meta":   bytes.Contains(b, []byte(`article:published_time`)),
				"time":   bytes.Contains(b, []byte(`<time`)),
			}
			for _, m := range ldRE.FindAllSubmatch(b, -1) {
				if !json.Valid(m[1]) {
					t.Errorf("%s %s: invalid JSON-LD %s", s.ID, p.Path, m[1])
				}
			}
			for form, ok := range has {
				if ok != (form == p.DateMarkup) {
					t.Errorf("%s %s (%s): %s date present = %v", s.ID, p.Path, p.DateMarkup, form, ok)
				}
			}
		}
	}
}

var ldRE = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// Revisits can be conditional: pages and feeds carry validators and
// answer 304 when nothing changed.
func TestConditionalGet(t *testing.T) {
	w := startWeb(t)
	truth, err := Truth()
	if err != nil || len(truth) == 0 {
		t.Fatalf("Truth: %d pages, %v", len(truth), err)
	}
	for _, u := range []string{
		w.PageURL(truth[0]),
		w.URL("state") + "/rss/press-releases.xml",
		w.URL("canada") + "/feeds/statements.atom",
		w.URL("commerce") + "/sitemap.xml",
	} {
		r := get(t, u)
		etag, lm := r.header.Get("ETag"), r.header.Get("Last-Modified")
		if etag == "" || lm == "" {
			t.Errorf("%s: ETag %q, Last-Modified %q", u, etag, lm)
			continue
		}
		if again := get(t, u, "If-None-Match", etag); again.status != http.StatusNotModified {
			t.Errorf("%s If-None-Match: status %d, want 304", u, again.status)
		}
		if again := get(t, u, "If-Modified-Since", lm); again.status != http.StatusNotModified {
			t.Errorf("%s If-Modified-Since: status %d, want 304", u, again.status)
		}
		if again := get(t, u, "If-None-Match", `"stale"`); again.status != 200 {
			t.Errorf("%s stale ETag: status %d, want 200", u, again.status)
		}
	}
}

func TestTopicYAMLPointsAtRunningSites(t *testing.T) {
	w := startWeb(t)
	y := w.TopicYAML()
	var cfg struct {
		Topic struct {
			Name, Query, Taxonomy string
		}
		Crawler map[string]any
		Sources []struct {
			Name, Kind, URL string
			DocKind         string `yaml:"doc_kind"`
			Include         []string
			Exclude         []string
			Depth           int
			Schedule        string
		}
	}
	if err := yaml.Unmarshal(y, &cfg); err != nil {
		t.Fatalf("TopicYAML is not YAML: %v\n%s", err, y)
	}
	if _, err := topic.Parse(y, "demo-topic.yaml"); err != nil {
		t.Errorf("topic.Parse rejects TopicYAML: %v", err)
	}
	if cfg.Topic.Query != shippedQuery() || cfg.Topic.Taxonomy != "builtin:hk-nsl" {
		t.Errorf("topic = %+v", cfg.Topic)
	}
	seenSites := map[string]bool{}
	names := map[string]bool{}
	for _, src := range cfg.Sources {
		if names[src.Name] {
			t.Errorf("duplicate source name %s", src.Name)
		}
		names[src.Name] = true
		if !slices.Contains([]string{"feed", "sitemap", "seed", "federalregister"}, src.Kind) ||
			(src.DocKind != "official" && src.DocKind != "news") || src.Depth < 1 || src.Schedule == "" {
			t.Errorf("bad source %+v", src)
		}
		if r := get(t, src.URL); r.status != 200 {
			t.Errorf("%s: %s answers %d", src.Name, src.URL, r.status)
		}
		for _, inc := range src.Include {
			if !regexp.MustCompile(inc).MatchString(src.URL) {
				t.Errorf("%s: include %s does not match its own URL", src.Name, inc)
			}
		}
		for _, id := range w.Sites() {
			if strings.HasPrefix(src.URL, w.URL(id)+"/") {
				seenSites[id] = true
			}
		}
	}
	if len(seenSites) != len(w.Sites()) {
		t.Errorf("sources cover %d of %d sites", len(seenSites), len(w.Sites()))
	}
}

func TestCloseStopsServers(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	w, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u := w.URL("state") + "/"
	cancel()
	if err := w.Close(); err != nil {
		t.Errorf("Close after cancel: %v", err)
	}
	if resp, err := http.Get(u); err == nil {
		resp.Body.Close()
		t.Errorf("server still answers after Close")
	}
}

// links returns the same-host URLs a page or an XML document points to:
// <a href> in HTML; <loc>, <link> and Atom link hrefs in XML.
func links(t *testing.T, pageURL string, r response) []string {
	t.Helper()
	base, err := url.Parse(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	var raw []string
	ct := r.header.Get("Content-Type")
	switch {
	case strings.Contains(ct, "xml"):
		for _, m := range xmlLinkRE.FindAllSubmatch(r.body, -1) {
			raw = append(raw, html.UnescapeString(string(m[1])+string(m[2])+string(m[3])))
		}
	case strings.Contains(ct, "json"):
		var fr frResponse
		if err := json.Unmarshal(r.body, &fr); err == nil {
			for _, d := range fr.Results {
				raw = append(raw, d.HTMLURL)
			}
			if fr.NextPageURL != nil {
				raw = append(raw, *fr.NextPageURL)
			}
		}
	case strings.Contains(ct, "html"):
		rd, err := charset.NewReader(bytes.NewReader(r.body), ct)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(rd)
		if err != nil {
			t.Fatal(err)
		}
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "a" {
				for _, a := range n.Attr {
					if a.Key == "href" {
						raw = append(raw, a.Val)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	}
	var out []string
	for _, h := range raw {
		u, err := base.Parse(strings.TrimSpace(h))
		if err != nil || u.Host != base.Host || (u.Scheme != "http" && u.Scheme != "https") {
			continue
		}
		u.Fragment = ""
		out = append(out, u.String())
	}
	return out
}

var xmlLinkRE = regexp.MustCompile(`<loc>([^<]+)</loc>|<link>([^<]+)</link>|<link href="([^"]+)"`)

// disallowed reports whether robots.txt's "User-agent: *" group disallows p.
func disallowed(robots, p string) bool {
	group := false
	for _, line := range strings.Split(robots, "\n") {
		k, v, _ := strings.Cut(line, ":")
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		switch {
		case k == "user-agent":
			group = v == "*"
		case group && k == "disallow" && v != "" && strings.HasPrefix(p, v):
			return true
		}
	}
	return false
}

// A crawler following each configured source as far as its depth allows
// must reach every page of every site, on-topic or not, without a single
// broken link on the way.
func TestSourcesReachEveryPageWithoutBrokenLinks(t *testing.T) {
	w := startWeb(t)
	for _, id := range w.Sites() {
		spec, _ := siteByID(id)
		base := w.URL(id)
		robots := string(get(t, base+"/robots.txt").body)
		pages, err := loadSite(content, id)
		if err != nil {
			t.Fatal(err)
		}
		reached := map[string]bool{}
		checked := map[string]int{}
		fetch := func(u string) response {
			r := get(t, u)
			checked[u] = r.status
			return r
		}
		for _, src := range spec.Sources {
			type item struct {
				url   string
				depth int
			}
			queue := []item{{base + src.Path, 0}}
			seen := map[string]bool{}
			for len(queue) > 0 {
				it := queue[0]
				queue = queue[1:]
				if seen[it.url] {
					continue
				}
				seen[it.url] = true
				u, _ := url.Parse(it.url)
				if disallowed(robots, u.Path) {
					continue
				}
				r := fetch(it.url)
				if r.status != 200 {
					continue
				}
				reached[u.Path] = true
				// Feeds, sitemaps and API pages are not a link hop.
				ct := r.header.Get("Content-Type")
				next := it.depth + 1
				if !strings.Contains(ct, "html") {
					next = it.depth
				}
				if next > max(src.Depth, 1) && strings.Contains(ct, "html") {
					continue
				}
				for _, l := range links(t, it.url, r) {
					queue = append(queue, item{l, next})
				}
			}
		}
		for _, p := range pages {
			if !reached[p.Path] {
				t.Errorf("%s: %s is not reachable from the configured sources", id, p.Path)
			}
		}
		for u, status := range checked {
			if status != 200 {
				t.Errorf("%s: broken link %s (status %d)", id, u, status)
			}
		}
	}
}
