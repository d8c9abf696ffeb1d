package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"policywatch/index"
	"policywatch/model"
	"policywatch/query"
	"policywatch/store"
)

// searchHarness is the server over a real store and index holding a small
// archive: official and news documents in English and Chinese, one dated
// only by its crawl, one with hostile markup.
type searchHarness struct {
	db  *store.DB
	ix  *index.Index
	srv *Server
	h   http.Handler
	ids map[string]int64 // by URL path
}

func newSearchHarness(t *testing.T) *searchHarness {
	t.Helper()
	if testing.Short() {
		t.Skip("opens SQLite and Bleve")
	}
	ctx := context.Background()
	db, ix := openArchive(t)
	hs := &searchHarness{db: db, ix: ix, ids: map[string]int64{}}
	fetched := time.Date(2024, 5, 5, 8, 0, 0, 0, time.UTC)
	type src struct {
		path, source, title, text, lang, dateSrc, byline string
		kind                                             model.DocKind
		published                                        string
	}
	for _, d := range []src{
		{"/visa", "us-state", "Visa restrictions on officials " + hostile, "The Secretary imposes visa restrictions on officials undermining Hong Kong's autonomy under the national security law.", "en", model.DateFromJSONLD, "Office of the Spokesperson", model.KindOfficial, "2020-06-26"},
		{"/treasury", "us-treasury", "Treasury sanctions Hong Kong officials", "Treasury sanctions eleven officials over the national security law; property is blocked.", "en", model.DateFromMeta, "", model.KindOfficial, "2020-08-07"},
		{"/canada", "harbourpost", "Canada suspends extradition treaty", "Canada suspended its extradition treaty with Hong Kong, citing the NSL. Sanctions may follow {braces} & 100% \\ back.", "en", model.DateFromTime, "Jane Doe", model.KindNews, "2020-07-03"},
		{"/hk", "hkgov-zh", "維護國家安全法刊憲", "香港特別行政區政府刊憲公布國安法，即時生效。外國制裁無效。", "zh-Hant", model.DateFromMeta, "", model.KindOfficial, "2020-06-30"},
		{"/undated", "metrodaily", "Commentary on sanctions", "An opinion piece about sanctions and asylum.", "en", model.DateFromCrawl, "", model.KindNews, "2024-05-05"},
	} {
		doc := &model.Document{URL: "https://" + d.source + ".example" + d.path, Source: d.source, Kind: d.kind,
			Title: d.title, Text: d.text, Lang: d.lang, Byline: d.byline, Published: day(d.published), DateSource: d.dateSrc,
			FetchedAt: fetched, ContentHash: "h" + d.path}
		c := &model.Capture{FetchedAt: fetched, RequestURL: doc.URL, FinalURL: doc.URL, Status: 200,
			Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<p>" + d.text + "</p>"),
			BodySHA256: fmt.Sprintf("%064x", len(d.path)), ContentHash: doc.ContentHash}
		if _, err := db.SaveCapture(ctx, doc, c); err != nil {
			t.Fatal(err)
		}
		hs.ids[d.path] = doc.ID
		hs.index(t, doc.ID)
	}
	ix.SetGlossary([][]string{{"國安法", "NSL", "national security law"}})
	srv, err := New(Config{Store: db, Index: ix, Accounts: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	hs.srv, hs.h = srv, srv.Handler()
	return hs
}

// index puts the store's copy of a document into the index.
func (hs *searchHarness) index(t *testing.T, id int64) {
	t.Helper()
	d, err := hs.db.Document(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if err := hs.ix.Put(context.Background(), *d); err != nil {
		t.Fatal(err)
	}
}

func (hs *searchHarness) get(t *testing.T, target string, wantStatus int) string {
	t.Helper()
	res, body := get(t, hs.h, target)
	if res.StatusCode != wantStatus {
		t.Fatalf("GET %s: status %d, want %d\n%.600s", target, res.StatusCode, wantStatus, body)
	}
	return body
}

func TestHelpExamplesParse(t *testing.T) {
	n := 0
	for _, sec := range searchHelp {
		for _, ex := range sec.Examples {
			n++
			if _, err := query.Parse(ex.Query); err != nil {
				t.Errorf("help example %q (%s) does not parse: %v", ex.Query, sec.Title, err)
			}
		}
	}
	if n < 15 {
		t.Errorf("only %d examples on the help page", n)
	}
}

func TestHelpPageAndSyntaxErrorsNeverFail(t *testing.T) {
	hs := newSearchHarness(t)
	body := hs.get(t, "/help/search", 200)
	for _, want := range []string{"published:", "title:", "AND", "sanction*", "國家安全", `href="/?q=%22national%20security%20law%22"`} {
		if !strings.Contains(body, want) {
			t.Errorf("help page lacks %q", want)
		}
	}
	if !strings.Contains(hs.get(t, "/?q=visa", 200), `href="/help/search"`) {
		t.Error("search page does not link the help page")
	}
	// A broken query is a 400 pointing at the position on every surface
	// that takes a query; never a 500.
	for _, q := range []string{`visa AND (sanctions`, `"unclosed phrase`, `published:>=2020-13-01`, `title:`, `a OR`, `*`, `((((`, `sanctions)`} {
		for _, path := range []string{"/", "/api/search", "/api/search/histogram", "/feeds/search.atom", "/export/search.csv",
			"/export/search.jsonl", "/export/search.bib", "/export/search.ris", "/export/search.csl.json", "/search/histogram.svg"} {
			res, body := get(t, hs.h, path+"?q="+url.QueryEscape(q))
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s?q=%s: status %d, want 400", path, q, res.StatusCode)
				continue
			}
			if path == "/" {
				if !strings.Contains(body, `class="caret"`) {
					t.Errorf("%s?q=%s: no caret under the query", path, q)
				}
			} else if !strings.Contains(body, `"position"`) {
				t.Errorf("%s?q=%s: no position in %s", path, q, body)
			}
		}
	}
}

func TestSearchShowsDatesHistogramAndUndatedCount(t *testing.T) {
	hs := newSearchHarness(t)
	body := hs.get(t, "/?q=sanctions", 200)
	if !strings.Contains(body, "1 document without a reliable publication date") {
		t.Errorf("search page does not count the crawl-dated match:\n%s", body)
	}
	if !strings.Contains(body, "from page metadata") || !strings.Contains(body, "no reliable date (crawl time") {
		t.Error("hits do not say where their date came from")
	}
	svg := regexp.MustCompile(`(?s)<svg .*?</svg>`).FindString(body)
	if svg == "" {
		t.Fatal("no inline SVG histogram on the search page")
	}
	checkSVG(t, svg, 2) // canada (3 July) and treasury (7 August): a day per bar
	if !strings.Contains(svg, `2020-07-03: 1 document`) {
		t.Errorf("histogram bars are not labelled by day: %s", svg)
	}

	// The API says the same.
	var api struct {
		Total   int `json:"total"`
		Undated int `json:"undated"`
		Hits    []struct {
			DateSource   string `json:"date_source"`
			DateReliable bool   `json:"date_reliable"`
			Published    string `json:"published"`
		} `json:"hits"`
	}
	if err := json.Unmarshal([]byte(hs.get(t, "/api/search?q=sanctions", 200)), &api); err != nil {
		t.Fatal(err)
	}
	reliable := 0
	for _, h := range api.Hits {
		if h.DateSource == "" {
			t.Errorf("API hit without date_source: %+v", h)
		}
		if h.DateReliable {
			reliable++
		} else if h.Published != "" {
			t.Errorf("unreliable hit shows a published date: %+v", h)
		}
	}
	if api.Total != 3 || api.Undated != 1 || reliable != 2 {
		t.Errorf("API: total %d, undated %d, reliable %d; want 3, 1, 2", api.Total, api.Undated, reliable)
	}
	// A standalone chart and its numbers.
	res, img := get(t, hs.h, "/search/histogram.svg?q=sanctions")
	if ct := res.Header.Get("Content-Type"); ct != "image/svg+xml" {
		t.Errorf("histogram.svg Content-Type %q", ct)
	}
	checkSVG(t, img, 2)
	var hist struct {
		Bucket  string `json:"bucket"`
		Buckets []struct {
			Start string `json:"start"`
			Count int    `json:"count"`
		} `json:"buckets"`
	}
	if err := json.Unmarshal([]byte(hs.get(t, "/api/search/histogram?q=sanctions", 200)), &hist); err != nil {
		t.Fatal(err)
	}
	if hist.Bucket != index.BucketDay || len(hist.Buckets) != 36 || hist.Buckets[0].Start != "2020-07-03" {
		t.Errorf("histogram API = %+v", hist)
	}
	// A date filter excludes the undated match instead of counting it.
	if body := hs.get(t, "/?q=sanctions&from=2020-01-01", 200); strings.Contains(body, "without a reliable publication date") {
		t.Error("with a date filter the undated note still shows")
	}
}

// checkSVG parses an SVG chart as XML and counts the bars drawn for
// matches (rect elements with a non-zero height).
func checkSVG(t *testing.T, svg string, wantMatches int) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	bars, total := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("histogram is not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			bars++
		}
		if cd, ok := tok.(xml.CharData); ok {
			if m := regexp.MustCompile(`: (\d+) documents?$`).FindStringSubmatch(string(cd)); m != nil {
				n, _ := strconv.Atoi(m[1])
				total += n
			}
		}
	}
	if bars == 0 || total != wantMatches {
		t.Errorf("histogram has %d bars counting %d matches, want %d matches", bars, total, wantMatches)
	}
	if regexp.MustCompile(`(?i)<script|style=|on\w+=`).MatchString(svg) {
		t.Error("histogram SVG carries script or inline style")
	}
}

func TestSimilarDocumentsOnDocumentPage(t *testing.T) {
	hs := newSearchHarness(t)
	body := hs.get(t, "/documents/"+itoa(hs.ids["/visa"]), 200)
	if !strings.Contains(body, "Similar documents") || !strings.Contains(body, "/documents/"+itoa(hs.ids["/treasury"])) {
		t.Errorf("document page does not list the similar Treasury release:\n%s", body)
	}
	if strings.Count(body, `href="/documents/`+itoa(hs.ids["/visa"])+`"`) > 0 {
		t.Error("a document is listed as similar to itself")
	}
}

func TestSearchFeedParsesWithGofeed(t *testing.T) {
	hs := newSearchHarness(t)
	res, body := get(t, hs.h, "/feeds/search.atom?q=NSL")
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Errorf("Content-Type %q", ct)
	}
	if executableScript.MatchString(body) {
		t.Error("the feed's XML carries an unescaped <script")
	}
	feed, err := gofeed.NewParser().ParseString(body)
	if err != nil {
		t.Fatalf("gofeed cannot parse the search feed: %v\n%s", err, body)
	}
	if feed.FeedType != "atom" || !strings.Contains(feed.Title, "NSL") {
		t.Errorf("feed type %q, title %q", feed.FeedType, feed.Title)
	}
	// The glossary: NSL also finds "national security law" and 國安法.
	if len(feed.Items) != 4 {
		t.Fatalf("feed has %d entries, want 4", len(feed.Items))
	}
	var prev time.Time
	for _, it := range feed.Items {
		if !strings.Contains(it.Content, "<mark>") {
			t.Errorf("entry %q: content has no highlighted match: %q", it.Title, it.Content)
		}
		// Content is HTML: crawled text in it stays escaped text.
		if executableScript.MatchString(it.Content) {
			t.Errorf("entry %q carries live markup: %q", it.Title, it.Content)
		}
		if it.PublishedParsed == nil || it.UpdatedParsed == nil {
			t.Errorf("entry %q: published %q, updated %q", it.Title, it.Published, it.Updated)
			continue
		}
		if !prev.IsZero() && it.PublishedParsed.After(prev) {
			t.Errorf("entries are not newest first: %v after %v", it.PublishedParsed, prev)
		}
		prev = *it.PublishedParsed
		if !strings.HasPrefix(it.Link, "http://example.com/documents/") {
			t.Errorf("entry link %q is not our permalink", it.Link)
		}
	}
	if feed, err := gofeed.NewParser().ParseString(hs.get(t, "/feeds/search.atom?q=nothingmatchesthis", 200)); err != nil || len(feed.Items) != 0 {
		t.Errorf("empty feed: %v, %d items", err, len(feed.Items))
	}
	if !strings.Contains(hs.get(t, "/?q=NSL", 200), `href="/feeds/search.atom?q=NSL"`) {
		t.Error("search page does not link its feed")
	}
}

func TestExportCSVAndJSONL(t *testing.T) {
	hs := newSearchHarness(t)
	res, body := get(t, hs.h, "/export/search.csv?q=sanctions")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if !slices.Equal(rows[0], exportColumns) {
		t.Errorf("CSV header %v", rows[0])
	}
	if len(rows) != 4 {
		t.Fatalf("CSV has %d documents, want 3", len(rows)-1)
	}
	col := func(name string) int { return slices.Index(exportColumns, name) }
	byURL := map[string][]string{}
	for _, r := range rows[1:] {
		if len(r) != len(exportColumns) {
			t.Fatalf("row with %d fields", len(r))
		}
		byURL[r[col("url")]] = r
	}
	canada := byURL["https://harbourpost.example/canada"]
	if canada == nil || !strings.Contains(canada[col("text")], "{braces} & 100% \\ back") ||
		canada[col("published")] != "2020-07-03" || canada[col("date_source")] != "time" || canada[col("capture_sha256")] == "" ||
		canada[col("permalink")] != "http://example.com/documents/"+itoa(hs.ids["/canada"]) {
		t.Errorf("Canada row = %v", canada)
	}
	if u := byURL["https://metrodaily.example/undated"]; u == nil || u[col("date_reliable")] != "false" {
		t.Errorf("undated row = %v", u)
	}

	res, body = get(t, hs.h, "/export/search.jsonl?q=sanctions")
	if res.StatusCode != 200 {
		t.Fatalf("JSONL: %d", res.StatusCode)
	}
	sc := bufio.NewScanner(strings.NewReader(body))
	n := 0
	for sc.Scan() {
		var e exportDoc
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("JSONL line %d: %v", n+1, err)
		}
		if e.ID == 0 || e.Text == "" || e.URL == "" || e.CapturedAt == "" {
			t.Errorf("JSONL line %d lacks fields: %+v", n+1, e)
		}
		n++
	}
	if n != 3 {
		t.Errorf("JSONL has %d lines, want 3", n)
	}
}

// bibEntry is one parsed BibTeX entry.
type bibEntry struct {
	Type, Key string
	Fields    map[string]string
}

// parseBibTeX is a strict parser for the BibTeX we write: @type{key,
// then name = {value} fields with balanced braces, then }. Anything else
// is an error, so a stray brace or an unescaped % in a value fails.
func parseBibTeX(s string) ([]bibEntry, error) {
	var out []bibEntry
	i := 0
	skipSpace := func() {
		for i < len(s) && strings.ContainsRune(" \t\r\n", rune(s[i])) {
			i++
		}
	}
	ident := func() string {
		j := i
		for i < len(s) && (s[i] == '-' || s[i] == '_' || s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z') {
			i++
		}
		return s[j:i]
	}
	for {
		skipSpace()
		if i == len(s) {
			return out, nil
		}
		if s[i] != '@' {
			return nil, fmt.Errorf("offset %d: want @", i)
		}
		i++
		e := bibEntry{Type: ident(), Fields: map[string]string{}}
		if i >= len(s) || s[i] != '{' {
			return nil, fmt.Errorf("offset %d: want { after @%s", i, e.Type)
		}
		i++
		e.Key = ident()
		if e.Key == "" || i >= len(s) || s[i] != ',' {
			return nil, fmt.Errorf("offset %d: want key and comma", i)
		}
		i++
		for {
			skipSpace()
			if i < len(s) && s[i] == '}' {
				i++
				break
			}
			name := ident()
			skipSpace()
			if name == "" || i >= len(s) || s[i] != '=' {
				return nil, fmt.Errorf("offset %d: want field = ", i)
			}
			i++
			skipSpace()
			if i >= len(s) || s[i] != '{' {
				return nil, fmt.Errorf("field %s: value not in braces", name)
			}
			depth, start := 0, i+1
			for ; i < len(s); i++ {
				switch s[i] {
				case '\\':
					i++ // an escaped character
				case '{':
					depth++
				case '}':
					depth--
				case '%':
					if name != "url" {
						return nil, fmt.Errorf("field %s: unescaped %% would start a comment", name)
					}
				}
				if depth == 0 {
					break
				}
			}
			if depth != 0 {
				return nil, fmt.Errorf("field %s: unbalanced braces", name)
			}
			if _, dup := e.Fields[name]; dup {
				return nil, fmt.Errorf("field %s twice", name)
			}
			e.Fields[name] = s[start:i]
			i++
			skipSpace()
			if i < len(s) && s[i] == ',' {
				i++
			}
		}
		out = append(out, e)
	}
}

// parseRIS is a strict parser for RIS: every line is "XX  - value", each
// record starts with TY and ends with ER.
func parseRIS(s string) ([]map[string][]string, error) {
	var out []map[string][]string
	var cur map[string][]string
	tagLine := regexp.MustCompile(`^([A-Z][A-Z0-9])  - (.*)$`)
	for n, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if line == "" {
			continue
		}
		m := tagLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("line %d is not a RIS tag line: %q", n+1, line)
		}
		switch {
		case m[1] == "TY":
			if cur != nil {
				return nil, fmt.Errorf("line %d: TY inside a record", n+1)
			}
			cur = map[string][]string{}
		case cur == nil:
			return nil, fmt.Errorf("line %d: %s before TY", n+1, m[1])
		case m[1] == "ER":
			out = append(out, cur)
			cur = nil
			continue
		}
		cur[m[1]] = append(cur[m[1]], m[2])
	}
	if cur != nil {
		return nil, fmt.Errorf("record without ER")
	}
	return out, nil
}

func TestCitationsParseBack(t *testing.T) {
	hs := newSearchHarness(t)
	canadaID := itoa(hs.ids["/canada"])
	permalink := "http://example.com/documents/" + canadaID

	bib, err := parseBibTeX(hs.get(t, "/documents/"+canadaID+"/cite.bib", 200))
	if err != nil || len(bib) != 1 {
		t.Fatalf("BibTeX: %v, %d entries", err, len(bib))
	}
	f := bib[0].Fields
	if bib[0].Type != "online" || f["url"] != "https://harbourpost.example/canada" || f["urldate"] != "2024-05-05" ||
		f["date"] != "2020-07-03" || f["author"] != "{Jane Doe}" || !strings.Contains(f["note"], permalink+"/captures/") {
		t.Errorf("BibTeX entry = %+v", bib[0])
	}
	if f["title"] != "{Canada suspends extradition treaty}" {
		t.Errorf("BibTeX title = %q", f["title"])
	}

	recs, err := parseRIS(hs.get(t, "/documents/"+canadaID+"/cite.ris", 200))
	if err != nil || len(recs) != 1 {
		t.Fatalf("RIS: %v, %d records", err, len(recs))
	}
	r := recs[0]
	if r["TY"][0] != "NEWS" || r["UR"][0] != "https://harbourpost.example/canada" || r["Y2"][0] != "2024/05/05/" ||
		r["DA"][0] != "2020/07/03/" || r["AU"][0] != "Jane Doe" || !strings.HasPrefix(r["L2"][0], permalink) {
		t.Errorf("RIS record = %v", r)
	}

	var items []cslItem
	body := hs.get(t, "/documents/"+canadaID+"/cite.json", 200)
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&items); err != nil || len(items) != 1 {
		t.Fatalf("CSL-JSON: %v, %d items", err, len(items))
	}
	it := items[0]
	if it.Type != "article-newspaper" || it.URL != "https://harbourpost.example/canada" || !strings.HasPrefix(it.ArchiveLocation, permalink) ||
		it.Issued == nil || !slices.Equal(it.Issued.DateParts[0], []int{2020, 7, 3}) || !slices.Equal(it.Accessed.DateParts[0], []int{2024, 5, 5}) {
		t.Errorf("CSL item = %+v", it)
	}

	// Whole result sets, including the hostile title and the undated one.
	bib, err = parseBibTeX(hs.get(t, "/export/search.bib?q=sanctions", 200))
	if err != nil || len(bib) != 3 {
		t.Fatalf("BibTeX export: %v, %d entries", err, len(bib))
	}
	for _, e := range bib {
		if e.Fields["url"] == "https://metrodaily.example/undated" && e.Fields["date"] != "" {
			t.Errorf("undated document cited with a date: %+v", e)
		}
	}
	recs, err = parseRIS(hs.get(t, "/export/search.ris?q=sanctions", 200))
	if err != nil || len(recs) != 3 {
		t.Fatalf("RIS export: %v, %d records", err, len(recs))
	}
	if err := json.Unmarshal([]byte(hs.get(t, "/export/search.csl.json?q=visa", 200)), &items); err != nil || len(items) != 1 ||
		!strings.Contains(items[0].Title, hostile) || items[0].Author[0].Literal != "Office of the Spokesperson" {
		t.Errorf("CSL export: %v %+v", err, items)
	}
	if err := json.Unmarshal([]byte(hs.get(t, "/export/search.csl.json?q=nothingmatchesthis", 200)), &items); err != nil || len(items) != 0 {
		t.Errorf("empty CSL export: %v, %d items", err, len(items))
	}
	if err := json.Unmarshal([]byte(hs.get(t, "/export/search.csl.json?q=sanctions", 200)), &items); err != nil || len(items) != 3 {
		t.Errorf("CSL export of three: %v, %d items", err, len(items))
	}
	hs.get(t, "/documents/999999/cite.bib", 404)
}

func TestBibTeXEscapesSpecialCharacters(t *testing.T) {
	c := citation{Key: "policywatch-1", Title: `50% of {all} cases & $costs # under_score ~ ^ \ end`, Publisher: "Org",
		URL: "https://x.example/a%20b?q={x}", Permalink: "http://h/documents/1", Captured: day("2024-01-02")}
	entries, err := parseBibTeX(bibtex(c))
	if err != nil || len(entries) != 1 {
		t.Fatalf("parse: %v\n%s", err, bibtex(c))
	}
	if u := entries[0].Fields["url"]; u != "https://x.example/a%20b?q=%7Bx%7D" {
		t.Errorf("url = %q", u)
	}
	for _, raw := range []string{"50%", "& $", "{all}"} {
		if strings.Contains(entries[0].Fields["title"], raw) {
			t.Errorf("title keeps %q unescaped: %q", raw, entries[0].Fields["title"])
		}
	}
}

func TestReleasesReturnTheFrozenSet(t *testing.T) {
	hs := newSearchHarness(t)
	ctx := context.Background()
	// Handlers directly: the guard in front of every POST (session and
	// CSRF token) is csrf.go's to test.
	post := func(form url.Values) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/releases", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		hs.srv.apiCreateRelease(rec, req)
		return rec
	}
	rec := post(url.Values{"q": {"sanctions"}, "kind": {"official"}, "csrf": {"token"}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	var m releaseManifest
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m.Query != "sanctions" || !slices.Equal(m.Filters.Kinds, []string{"official"}) || m.Counts.Documents != 1 ||
		m.Counts.Official != 1 || strings.Contains(m.Params, "csrf") || m.IndexVersion == "" || !releaseIDPattern.MatchString(m.ID) {
		t.Errorf("manifest = %+v", m)
	}
	for _, d := range m.Documents {
		if d.Version != 1 || d.CaptureSHA256 == "" || d.CaptureID == 0 || d.URL == "" {
			t.Errorf("manifest document lacks its version or capture: %+v", d)
		}
	}
	// Freezing the same set again is the same release.
	if again := post(url.Values{"q": {"sanctions"}, "kind": {"official"}}); again.Code != http.StatusOK {
		t.Errorf("second freeze: %d", again.Code)
	}

	// The archive changes: a new matching document and a new version.
	d := &model.Document{URL: "https://new.example/sanctions", Source: "new", Kind: model.KindOfficial, Title: "New sanctions",
		Text: "More sanctions announced.", Lang: "en", Published: day("2021-01-01"), DateSource: model.DateFromMeta,
		FetchedAt: day("2025-01-01"), ContentHash: "hnew"}
	if _, err := hs.db.SaveCapture(ctx, d, &model.Capture{FetchedAt: day("2025-01-01"), RequestURL: d.URL, FinalURL: d.URL,
		Status: 200, Body: []byte("x"), BodySHA256: "new", ContentHash: "hnew"}); err != nil {
		t.Fatal(err)
	}
	hs.index(t, d.ID)
	if !strings.Contains(hs.get(t, "/api/search?q=sanctions&kind=official", 200), `"total": 2`) {
		t.Fatal("the new document is not found by the live search")
	}

	// The release still answers exactly what was frozen, byte for byte.
	body := hs.get(t, "/api/releases/"+m.ID, 200)
	if body != rec.Body.String() {
		t.Errorf("release JSON changed after a crawl:\n%s\nwas\n%s", body, rec.Body)
	}
	page := hs.get(t, "/releases/"+m.ID, 200)
	if strings.Contains(page, "New sanctions") || !strings.Contains(page, "Treasury sanctions Hong Kong officials") {
		t.Errorf("release page does not show the frozen set:\n%s", page)
	}
	if strings.Contains(page, "<script>alert") {
		t.Error("release page renders a crawled title as markup")
	}
	if !strings.Contains(hs.get(t, "/api/releases", 200), m.ID) {
		t.Error("release list lacks the release")
	}
	// The release cites itself as a dataset.
	bib, err := parseBibTeX(hs.get(t, "/releases/"+m.ID+"/cite.bib", 200))
	if err != nil || len(bib) != 1 || bib[0].Type != "dataset" || bib[0].Fields["url"] != m.Permalink ||
		!strings.Contains(bib[0].Fields["note"], "1 documents") {
		t.Errorf("release BibTeX: %v %+v", err, bib)
	}
	recs, err := parseRIS(hs.get(t, "/releases/"+m.ID+"/cite.ris", 200))
	if err != nil || len(recs) != 1 || recs[0]["TY"][0] != "DATA" || recs[0]["UR"][0] != m.Permalink {
		t.Errorf("release RIS: %v %v", err, recs)
	}
	var items []cslItem
	if err := json.Unmarshal([]byte(hs.get(t, "/releases/"+m.ID+"/cite.json", 200)), &items); err != nil || len(items) != 1 || items[0].Type != "dataset" {
		t.Errorf("release CSL: %v %+v", err, items)
	}
	hs.get(t, "/api/releases/0123456789abcdef", 404)
	hs.get(t, "/releases/not-an-id", 404)
	if rec := post(url.Values{"q": {"(broken"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("freezing a broken query: %d", rec.Code)
	}
}

func TestReleasePostNeedsSession(t *testing.T) {
	hs := newSearchHarness(t)
	for _, path := range []string{"/releases", "/api/releases"} {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader("q=visa"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		hs.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("POST %s without a session: %d, want 403", path, rec.Code)
		}
	}
}

func TestFacetsFollowFiltersInTheAPI(t *testing.T) {
	hs := newSearchHarness(t)
	type facets struct {
		Total  int                        `json:"total"`
		Facets map[string][]apiFacetCount `json:"facets"`
	}
	count := func(f facets, name, term string) int {
		for _, c := range f.Facets[name] {
			if c.Term == term {
				return c.Count
			}
		}
		return 0
	}
	load := func(target string) facets {
		var f facets
		if err := json.Unmarshal([]byte(hs.get(t, target, 200)), &f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	all := load("/api/search?q=NSL")
	if all.Total != 4 || count(all, "kind", "official") != 3 || count(all, "kind", "news") != 1 || count(all, "lang", "zh-hant") != 1 {
		t.Errorf("NSL facets = %+v", all)
	}
	zh := load("/api/search?q=NSL&lang=zh")
	if zh.Total != 1 || count(zh, "lang", "en") != 0 || count(zh, "lang", "zh-hant") != 1 || count(zh, "kind", "news") != 0 || count(zh, "source", "hkgov-zh") != 1 {
		t.Errorf("NSL in Chinese: facets = %+v", zh)
	}
	news := load("/api/search?q=NSL&kind=news")
	if news.Total != 1 || count(news, "source", "harbourpost") != 1 || count(news, "source", "us-state") != 0 || count(news, "year", "2020") != 1 {
		t.Errorf("NSL news: facets = %+v", news)
	}
	page := hs.get(t, "/?q=NSL", 200)
	if !strings.Contains(page, "<h3>Language</h3>") || !strings.Contains(page, "lang=zh-hant") {
		t.Error("search page has no language facet")
	}
}

func TestFreezeFromTheSearchPageWhenSignedIn(t *testing.T) {
	hs := newSearchHarness(t)
	ctx := context.Background()
	u, err := hs.db.AddUser(ctx, "researcher", "editor", "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	sess, err := hs.db.CreateSession(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	cookie := &http.Cookie{Name: sessionCookie, Value: sess.Token}
	req := httptest.NewRequest(http.MethodGet, "/?q=sanctions&kind=official&page=1", nil)
	req.AddCookie(cookie)
	rec := httptest.NewRecorder()
	hs.h.ServeHTTP(rec, req)
	page := rec.Body.String()
	form := regexp.MustCompile(`(?s)<form method="post" action="/releases" class="freeze">(.*?)</form>`).FindStringSubmatch(page)
	if form == nil {
		t.Fatalf("signed in, the search page has no freeze form:\n%s", page)
	}
	// Post exactly the hidden fields the page carries.
	fields := url.Values{}
	for _, m := range regexp.MustCompile(`name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(form[1], -1) {
		fields.Add(m[1], html.UnescapeString(m[2]))
	}
	if fields.Get("csrf") != sess.CSRF || fields.Get("q") != "sanctions" || fields.Get("kind") != "official" || fields.Has("page") {
		t.Errorf("freeze form fields = %v", fields)
	}
	post := httptest.NewRequest(http.MethodPost, "/releases", strings.NewReader(fields.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post.AddCookie(cookie)
	rec = httptest.NewRecorder()
	hs.h.ServeHTTP(rec, post)
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !regexp.MustCompile(`^/releases/[0-9a-f]{16}$`).MatchString(loc) {
		t.Fatalf("freeze: %d to %q\n%s", rec.Code, loc, rec.Body)
	}
	body := hs.get(t, loc, 200)
	if !strings.Contains(body, "Treasury sanctions Hong Kong officials") || strings.Contains(body, "Commentary on sanctions") {
		t.Errorf("release page lists the wrong set:\n%s", body)
	}
	var m releaseManifest
	if err := json.Unmarshal([]byte(hs.get(t, "/api"+loc, 200)), &m); err != nil || strings.Contains(m.Params, "csrf") {
		t.Errorf("manifest: %v, params %q", err, m.Params)
	}
}

// TestExportsFollowThePageOrder: an export lists the matches in the order
// the search page shows them, relevance or date.
func TestExportsFollowThePageOrder(t *testing.T) {
	hs := newSearchHarness(t)
	ids := func(body string) []int64 {
		var out []int64
		for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
			var r struct {
				ID int64 `json:"id"`
			}
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatalf("%v: %s", err, line)
			}
			out = append(out, r.ID)
		}
		return out
	}
	orders := map[string][]int64{}
	for _, sort := range []string{"", "&sort=relevance", "&sort=date"} {
		var page struct {
			Hits []struct {
				ID int64 `json:"id"`
			} `json:"hits"`
		}
		q := "?q=" + url.QueryEscape("sanctions OR visa OR 國安法") + sort
		if err := json.Unmarshal([]byte(hs.get(t, "/api/search"+q+"&per_page=100", 200)), &page); err != nil {
			t.Fatal(err)
		}
		var want []int64
		for _, h := range page.Hits {
			want = append(want, h.ID)
		}
		got := ids(hs.get(t, "/export/search.jsonl"+q, 200))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("sort %q: export lists %v, the page %v", sort, got, want)
		}
		orders[sort] = want
		// The page's export links carry the order.
		m := regexp.MustCompile(`href="/export/search\.csv([^"]*)"`).FindStringSubmatch(hs.get(t, "/"+q, 200))
		if m == nil {
			t.Fatalf("sort %q: no CSV export link", sort)
		}
		lv, _ := url.ParseQuery(strings.TrimPrefix(html.UnescapeString(m[1]), "?"))
		if lv.Get("sort") != strings.TrimPrefix(sort, "&sort=") || lv.Get("q") == "" {
			t.Errorf("sort %q: the page's export link is %s", sort, m[1])
		}
	}
	if fmt.Sprint(orders["&sort=relevance"]) == fmt.Sprint(orders["&sort=date"]) {
		t.Fatalf("relevance and date give one order (%v): the test cannot tell them apart", orders["&sort=date"])
	}
}

// TestWithdrawnHitsAreMarked: a hit whose page went away says so, on the
// page and in the API; the others do not.
func TestWithdrawnHitsAreMarked(t *testing.T) {
	hs := newSearchHarness(t)
	if _, _, err := hs.db.MarkWithdrawn(context.Background(), "https://us-treasury.example/treasury", 410, time.Date(2021, 3, 4, 5, 0, 0, 0, time.UTC), 0); err != nil {
		t.Fatal(err)
	}
	body := hs.get(t, "/?q=sanctions", 200)
	if n := strings.Count(body, `class="withdrawn-mark"`); n != 1 || !strings.Contains(body, ">withdrawn 2021-03-04</span>") {
		t.Errorf("%d withdrawn marks on the page, want 1 dated 2021-03-04", n)
	}
	var res struct {
		Hits []struct {
			ID        int64 `json:"id"`
			Withdrawn bool  `json:"withdrawn"`
		} `json:"hits"`
	}
	if err := json.Unmarshal([]byte(hs.get(t, "/api/search?q=sanctions", 200)), &res); err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.Withdrawn != (h.ID == hs.ids["/treasury"]) {
			t.Errorf("hit %d: withdrawn %v", h.ID, h.Withdrawn)
		}
	}
}

// TestLanguageFacetEqualsTheFilter: the language facet counts a base
// language with its variants, as the lang filter selects them, and lists
// the variants inside.
func TestLanguageFacetEqualsTheFilter(t *testing.T) {
	hs := newSearchHarness(t)
	ctx := context.Background()
	for i, lang := range []string{"en-GB", "en-AU", "en-GB"} {
		u := fmt.Sprintf("https://gov-uk.example/%d", i)
		d := &model.Document{URL: u, Source: "gov-uk", Kind: model.KindOfficial, Title: "Sanctions notice " + lang,
			Text: "Sanctions on officials.", Lang: lang, Published: day("2020-07-20"), DateSource: model.DateFromMeta,
			FetchedAt: day("2024-05-05"), ContentHash: "lang" + u}
		if _, err := hs.db.SaveCapture(ctx, d, &model.Capture{FetchedAt: d.FetchedAt, RequestURL: u, FinalURL: u, Status: 200,
			Body: []byte("x"), BodySHA256: fmt.Sprintf("%064d", i), ContentHash: d.ContentHash}); err != nil {
			t.Fatal(err)
		}
		hs.index(t, d.ID)
	}
	total := func(target string) int {
		var r struct {
			Total  int                        `json:"total"`
			Facets map[string][]apiFacetCount `json:"facets"`
		}
		if err := json.Unmarshal([]byte(hs.get(t, target, 200)), &r); err != nil {
			t.Fatal(err)
		}
		return r.Total
	}
	// The API's lang facet and its lang_group: every value offered,
	// filtered on, returns exactly its count.
	var all struct {
		Facets map[string][]apiFacetCount `json:"facets"`
	}
	if err := json.Unmarshal([]byte(hs.get(t, "/api/search?q=sanctions", 200)), &all); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"lang", "lang_group"} {
		if len(all.Facets[name]) == 0 {
			t.Errorf("no %s facet", name)
		}
		for _, c := range all.Facets[name] {
			if n := total("/api/search?q=sanctions&lang=" + url.QueryEscape(c.Term)); n != c.Count {
				t.Errorf("facet %s offers %s %d; lang=%s returns %d", name, c.Term, c.Count, c.Term, n)
			}
		}
	}
	body := hs.get(t, "/?q=sanctions", 200)
	facet := regexp.MustCompile(`<a href="([^"]*lang=en[^"]*)"[^>]*>en</a> <span class="count">(\d+)</span>`).FindStringSubmatch(body)
	if facet == nil {
		t.Fatalf("no grouped en facet on the page")
	}
	target := "/api/search?" + strings.TrimPrefix(html.UnescapeString(facet[1]), "/?")
	if n := total(target); strconv.Itoa(n) != facet[2] {
		t.Errorf("the facet says en %s, its filter returns %d", facet[2], n)
	}
	variant := regexp.MustCompile(`<ul class="variants"><li><a href="([^"]+)">en-gb</a> <span class="count">(\d+)</span>`).FindStringSubmatch(body)
	if variant == nil || variant[2] != "2" {
		t.Fatalf("en-gb 2 not listed inside en: %v", variant)
	}
	if n := total("/api/search?" + strings.TrimPrefix(html.UnescapeString(variant[1]), "/?")); n != 2 {
		t.Errorf("the en-gb facet's filter returns %d, want 2", n)
	}
	// Chosen, a variant replaces its base (which would still select all).
	body = hs.get(t, "/?q=sanctions&lang=en", 200)
	variant = regexp.MustCompile(`<a href="([^"]+)">en-au</a>`).FindStringSubmatch(body)
	if variant == nil {
		t.Fatal("en-au not listed under an active en")
	}
	if v, _ := url.ParseQuery(strings.TrimPrefix(html.UnescapeString(variant[1]), "/?")); strings.Join(v["lang"], ",") != "en-au" {
		t.Errorf("en-au under an active en links to lang=%v", v["lang"])
	}
}
