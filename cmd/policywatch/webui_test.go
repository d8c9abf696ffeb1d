package main

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"policywatch/model"
)

// getURL fetches a URL of the test server and returns its status and body.
func getURL(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	status, body := getURL(t, u)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d\n%.500s", u, status, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

// TestDemoVocabulary: on the demo archive the names the UI shows find
// what the ids find, and every example of the help page finds something.
func TestDemoVocabulary(t *testing.T) {
	d := crawlDemo(t)
	ts := d.serveUI(t)
	total := func(target string) int {
		var res struct {
			Total int `json:"total"`
		}
		getJSON(t, ts.URL+target, &res)
		return res.Total
	}
	events := func(target string) int {
		var res struct {
			Events []json.RawMessage `json:"events"`
		}
		getJSON(t, ts.URL+target, &res)
		return len(res.Events)
	}
	for _, pair := range [][2]string{
		{"category:Sanctions", "category:sanction"},
		{`actor:"United Kingdom"`, "actor:uk"},
		{`category:"Statements and reactions" actor:japan`, "category:statement actor:japan"},
	} {
		byLabel, byID := total("/api/search?q="+url.QueryEscape(pair[0])), total("/api/search?q="+url.QueryEscape(pair[1]))
		if byLabel == 0 || byLabel != byID {
			t.Errorf("%s finds %d, %s finds %d", pair[0], byLabel, pair[1], byID)
		}
	}
	if n, want := events("/api/timeline?category=Sanctions"), events("/api/timeline?category=sanction"); n == 0 || n != want {
		t.Errorf("/api/timeline?category=Sanctions: %d events, the id finds %d", n, want)
	}
	if n := total("/api/search?actor=" + url.QueryEscape("united kingdom")); n == 0 {
		t.Errorf("?actor=united kingdom finds nothing")
	}

	// The help page: every category and actor of the taxonomy, and every
	// example finds something in the demo.
	tax, err := defaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	_, help := getURL(t, ts.URL+"/help/search")
	for _, c := range tax.Categories() {
		if !strings.Contains(help, "category:"+c.ID) || !strings.Contains(help, html.EscapeString(c.Label)) {
			t.Errorf("help page lacks category %s (%s)", c.ID, c.Label)
		}
	}
	for _, a := range tax.Actors() {
		if !strings.Contains(help, "actor:"+a.ID) || !strings.Contains(help, html.EscapeString(a.Label)) {
			t.Errorf("help page lacks actor %s (%s)", a.ID, a.Label)
		}
	}
	examples := regexp.MustCompile(`<a href="/\?q=([^"]+)"><code>`).FindAllStringSubmatch(help, -1)
	if len(examples) < 15 {
		t.Fatalf("found %d examples on the help page", len(examples))
	}
	for _, m := range examples {
		q, err := url.QueryUnescape(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		if n := total("/api/search?q=" + url.QueryEscape(q)); n == 0 {
			t.Errorf("help example %q finds nothing in the demo", q)
		}
	}
}

// TestSearchCommandTakesLabels: `policywatch search` takes labels in the
// query and in --category/--actor, and refuses unknown ones with the list.
func TestSearchCommandTakesLabels(t *testing.T) {
	a, dir := searchApp(t)
	ctx := context.Background()
	id := addDoc(t, a, "https://treasury.example/sanctions", "Treasury sanctions officials", "Treasury sanctions eleven officials.", model.DateFromMeta, "2020-08-07")
	if err := a.db.SetTags(ctx, id, []model.Tag{{Type: model.TagCategory, Value: "sanction", Score: 3}, {Type: model.TagActor, Value: "us", Score: 3}}); err != nil {
		t.Fatal(err)
	}
	doc, err := a.db.Document(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.ix.Put(ctx, *doc); err != nil {
		t.Fatal(err)
	}
	a.Close()
	for _, args := range [][]string{
		{"category:Sanctions"},
		{`actor:"United States"`},
		{"--category", "Sanctions"},
		{"--actor", "united states", "officials"},
	} {
		out, err := runSearch(t, dir, args...)
		if err != nil || !strings.Contains(out, "1 matching documents") {
			t.Errorf("search %q: %v\n%s", args, err, out)
		}
	}
	for _, args := range [][]string{{"category:immigration"}, {"--category", "immigration"}, {"--actor", "narnia"}} {
		_, err := runSearch(t, dir, args...)
		if err == nil || !strings.Contains(err.Error(), "Sanctions") && !strings.Contains(err.Error(), "United States") {
			t.Errorf("search %q: %v, want an error listing the valid values", args, err)
		}
	}
}
