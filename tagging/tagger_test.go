package tagging

import (
	"strings"
	"sync"
	"testing"

	"policywatch/model"
)

const testTaxonomy = `
categories:
  - id: extradition
    rules:
      any: [extradition treat*, 引渡]
      not: [extradition bill]
  - id: export-control
    rules:
      any: [arms embargo]
      all:
        - [export*]
        - [military, dual-use]
  - id: legislation
    rules:
      any: [pass* * law]
  - id: statement
    min_score: 4
    title_weight: 4
    sole_if_title: [statement by]
    rules:
      any: [statement by, condemn*]
actors:
  - id: us
    aliases: [United States, U.S., =US, Washington]
  - id: uk
    aliases: [United Kingdom, Britain]
  - id: canada
    aliases: [Canada, Ottawa]
  - id: australia
    aliases: [Australia]
  - id: china
    aliases: [China, Beijing]
    not: [mainland China]
`

func testTagger(t *testing.T) *Tagger {
	t.Helper()
	tax, err := ParseTaxonomy([]byte(testTaxonomy), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return New(tax)
}

func values(tags []model.Tag, typ string) []string {
	var out []string
	for _, tg := range tags {
		if tg.Type == typ {
			out = append(out, tg.Value)
		}
	}
	return out
}

func TestTagCategories(t *testing.T) {
	tg := testTagger(t)
	tests := []struct {
		name        string
		title, text string
		want        string // categories, comma-separated, strongest first
	}{
		{"title match", "Canada suspends extradition treaty", "Officials spoke on Friday.", "extradition"},
		{"case and inflection", "", "EXTRADITION TREATIES were suspended.\nThe extradition treaty is gone.", "extradition"},
		{"lead paragraph alone", "News", "Canada suspended its extradition treaty with Hong Kong today, officials in Ottawa said on Friday.\nOther things.", "extradition"},
		{"a short line at the top is not the lead", "News", "By a staff writer with extradition treaty news\nOfficials in Ottawa said on Friday that the government had made a decision today.\nOther things.", ""},
		{"one passing mention is not enough", "Weather", "Sunny.\nRain later. An extradition treaty was mentioned once.", ""},
		{"two later sentences are", "Weather", "Sunny.\nThe extradition treaty is gone. Another extradition treaty too.", "extradition"},
		{"two mentions in one sentence count once", "Weather", "Sunny.\nThe extradition treaty and the extradition treaty.", ""},
		{"not masks", "Crowds march against extradition bill", "Sunny.\nThe extradition bill was withdrawn.", ""},
		{"word boundary", "Extraditions treatises", "Sunny.\nExtradition treatment of arms embargoes.", ""},
		{"all group in one sentence", "", "Sunny.\nIt halted exports of military items.", "export-control"},
		{"all group split across sentences", "", "Sunny.\nIt halted exports. Military items are fine.", ""},
		{"chinese substring", "暫停與香港的引渡協定", "", "extradition"},
		{"wildcard gap", "Beijing passes sweeping security law", "", "legislation"},
		{"wildcard gap too wide", "Beijing passes a very long and sweeping new security law", "", ""},
		{"sole if title", "Statement by the Minister on the extradition treaty", "We condemn it.\nMore.", "statement"},
		{"strongest first", "UK imposes arms embargo", "Britain also suspended its extradition treaty with Hong Kong, the Foreign Secretary told parliament on Monday.", "export-control,extradition"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := &model.Document{Title: tt.title, Text: tt.text}
			got := strings.Join(values(tg.Tag(doc), model.TagCategory), ",")
			if got != tt.want {
				t.Errorf("categories = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTagEvidence(t *testing.T) {
	tg := testTagger(t)
	doc := &model.Document{Title: "Canada suspends extradition treaty", Text: "Sunny.\nOttawa said the extradition treaty is suspended."}
	tags := tg.Tag(doc)
	if len(tags) == 0 || tags[0].Value != "extradition" {
		t.Fatalf("tags = %+v", tags)
	}
	ms := tags[0].Matches
	if len(ms) != 3 {
		t.Fatalf("matches = %+v, want 2 phrases and who acts", ms)
	}
	if a := ms[2]; a.Rule != RuleActorPrefix+"canada" || doc.Title[a.Offset:a.Offset+len("Canada")] != "Canada" {
		t.Errorf("actor match = %+v, want Canada in the title", a)
	}
	if ms[0].Field != "title" || doc.Title[ms[0].Offset:ms[0].Offset+len("extradition treaty")] != "extradition treaty" {
		t.Errorf("title match = %+v", ms[0])
	}
	if ms[1].Field != "text" || !strings.HasPrefix(doc.Text[ms[1].Offset:], "extradition treaty") || ms[1].Rule != "any" {
		t.Errorf("text match = %+v", ms[1])
	}
	if tags[0].Score <= 0 {
		t.Errorf("score = %v", tags[0].Score)
	}
}

func TestTagActors(t *testing.T) {
	tg := testTagger(t)
	tests := []struct {
		name                string
		title, text, source string
		want                string
	}{
		{"issuer in title, target further down", "Canada suspends extradition treaty",
			"OTTAWA — Canada acted on Friday over the law Beijing imposed.\nChina's embassy objected. China said so. China again.", "", "canada"},
		{"an official page's publisher is the issuer", "Suspension of extradition agreement", "The government suspended the agreement.", "australia", "australia"},
		{"case-sensitive alias", "US imposes visa restrictions", "Officials told us nothing.", "", "us"},
		{"lower-case us is not the country", "They told us", "Nothing to see.", "", ""},
		{"masked alias", "Sunny", "Goods from mainland China.", "", ""},
		{"the title names the speaker before the publisher", "Statement by the foreign minister of Canada on the law",
			"Sunny.", "australia", "canada,australia"}, // the official publisher that carries it stays second
		{"targets of a measure are not its issuer", "China announces sanctions on U.S. lawmakers and on Canada",
			"BEIJING — China said it would sanction the United States officials. Measures against Canada too.", "", "china"},
		{"co-signers joined by a bridging phrase", "Joint statement on arrests",
			"The Minister of Foreign Affairs of Canada, together with the foreign ministers of Australia and the United Kingdom, issued a statement.", "canada",
			"canada,australia,uk"},
		{"joint statement lists co-issuers", "Joint statement by Canada, Australia, the United Kingdom and the United States",
			"Canada and partners said they condemn the law. Canada again.", "canada",
			"canada,australia,uk,us"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The tests' sources are governments' own sites.
			doc := &model.Document{Title: tt.title, Text: tt.text, Source: tt.source, Kind: model.KindOfficial}
			got := strings.Join(values(tg.Tag(doc), model.TagActor), ",")
			if got != tt.want {
				t.Errorf("actors = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSentences(t *testing.T) {
	text := "The U.S. acted on Jan. 5. Mr. Smith agreed! Next?\n第一句。第二句。"
	var got []string
	for _, s := range sentences(text) {
		got = append(got, text[s.start:s.end])
	}
	want := []string{"The U.S. acted on Jan. 5.", "Mr. Smith agreed!", "Next?", "第一句。", "第二句。"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sentences = %q, want %q", got, want)
	}
}

// The crawler tags pages from several workers with one Tagger.
func TestTagConcurrent(t *testing.T) {
	tg := testTagger(t)
	want := strings.Join(values(tg.Tag(&model.Document{Title: "Canada suspends extradition treaty"}), model.TagCategory), ",")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				got := strings.Join(values(tg.Tag(&model.Document{Title: "Canada suspends extradition treaty"}), model.TagCategory), ",")
				if got != want {
					t.Errorf("got %q, want %q", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
