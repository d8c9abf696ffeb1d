package crawler

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"policywatch/model"
)

// statementPage is an official statement with the boilerplate that
// changes from one fetch to the next on real sites: the footer's "last
// updated" date and a "most read" box.
func statementPage(footerDate string, mostRead []string, lastSentence string) []byte {
	var li strings.Builder
	for _, m := range mostRead {
		fmt.Fprintf(&li, `<li><a href="/news/%s">%s</a></li>`, strings.ReplaceAll(strings.ToLower(m), " ", "-"), m)
	}
	return []byte(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Ending defense exports to Hong Kong | Department of State</title>
<meta property="article:published_time" content="2020-06-29T10:15:00-04:00">
</head><body>
<header><nav><a href="/">Home</a> <a href="/press-releases/">Press Releases</a></nav></header>
<main><article><h1>Ending defense exports to Hong Kong</h1>
<p>The United States is today ending exports of U.S.-origin defense equipment to Hong Kong, and is taking steps toward applying to Hong Kong the same restrictions on defense and dual-use technologies that apply to China.</p>
<p>For years the United States treated Hong Kong differently from the rest of China, on the understanding that the territory governed itself in most matters. The national security law means that understanding no longer holds, and sensitive technology shipped to Hong Kong can no longer be told apart from technology shipped to the mainland.</p>
<p>` + lastSentence + `</p>
</article>
<aside class="most-read"><h2>Most read</h2><ul>` + li.String() + `</ul></aside></main>
<footer><p>Page last updated: ` + footerDate + `</p><p><a href="/privacy/">Privacy</a></p></footer>
</body></html>`)
}

func TestBuildDocumentIgnoresBoilerplateChurn(t *testing.T) {
	src := model.Source{Name: "us-state", DocKind: model.KindOfficial, Lang: "en"}
	hdr := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	build := func(body []byte) *model.Document {
		t.Helper()
		d, c, err := Build(&Fetched{Source: src, FinalURL: "https://state.example/defense-exports/", Status: 200, Header: hdr,
			Body: body, FetchedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if c.BodySHA256 == "" || string(c.Body) != string(body) {
			t.Fatal("capture does not keep the raw body and its hash")
		}
		return d
	}
	last := "We will consider further measures as the situation develops."
	first := build(statementPage("29 June 2020", []string{"Visa restrictions", "Earth Day"}, last))
	cases := []struct {
		name     string
		body     []byte
		sameHash bool
	}{
		{"only the footer date changes", statementPage("3 July 2020", []string{"Visa restrictions", "Earth Day"}, last), true},
		{"the most-read box changes", statementPage("29 June 2020", []string{"Antarctic Treaty", "Business advisory"}, last), true},
		{"the statement is amended", statementPage("29 June 2020", []string{"Visa restrictions", "Earth Day"},
			"The United States will continue to stand with the people of Hong Kong."), false},
	}
	for _, c := range cases {
		d := build(c.body)
		if got := d.ContentHash == first.ContentHash; got != c.sameHash {
			t.Errorf("%s: same content hash = %v, want %v (text %q)", c.name, got, c.sameHash, d.Text)
		}
		if strings.Contains(d.Text, "last updated") || strings.Contains(d.Text, "Most read") {
			t.Errorf("%s: boilerplate in the extracted text: %q", c.name, d.Text)
		}
	}
	_, _, err := Build(&Fetched{Source: src, FinalURL: "https://state.example/x.pdf", Status: 200,
		Header: http.Header{"Content-Type": {"application/pdf"}}, Body: []byte("%PDF-1.4"), FetchedAt: time.Now()})
	if nd := AsNotDocument(err); nd == nil || nd.Outcome != model.OutcomeSkipped {
		t.Errorf("a PDF: %v, want it skipped as not HTML", err)
	}
}
