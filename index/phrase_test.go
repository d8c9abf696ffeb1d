package index

import (
	"context"
	"errors"
	"fmt"
	"testing"

	bq "github.com/blevesearch/bleve/v2/search/query"

	"policywatch/model"
)

// Our phrase searcher must find exactly the documents Bleve's own
// match-phrase query finds, with the same scores: counts are cited, and
// the order of hits must not change because the searcher did.
func TestPhraseMatchesBlevesPhraseQuery(t *testing.T) {
	ix, _ := openTest(t, nil)
	ctx := context.Background()
	texts := []string{
		"the national security law took effect; critics of the law said national security was a pretext",
		"national security and the rule of law, not a national security law",
		"a pathway to citizenship, a pathway for citizenship and a pathway towards citizenship",
		"law and law and law: the law, the law",
		"security law national security law national",
		"香港國家安全法實施，國家安全與法治",
		"国家安全 国家 安全 家安全",
		"export controls on dual-use exports; controls on exports",
		"Hong Kong national security law Hong Kong national security legislation",
	}
	var docs []model.Document
	for i := 0; i < 240; i++ {
		d := model.Document{ID: int64(i + 1), URL: fmt.Sprintf("https://x.example/%d", i), Source: "x", Kind: model.KindNews,
			Lang: "en", Title: texts[(i+3)%len(texts)], Text: texts[i%len(texts)] + " " + texts[(i*7)%len(texts)]}
		if i%len(texts) == 5 || i%len(texts) == 6 {
			d.Lang = "zh-Hant"
		}
		docs = append(docs, d)
	}
	// Several segments, one document replaced and some deleted.
	for start := 0; start < len(docs); start += 60 {
		putTest(t, ix, docs[start:start+60]...)
	}
	docs[10].Text = "national security law"
	putTest(t, ix, docs[10])
	if err := ix.Delete(ctx, 3, 4, 100); err != nil {
		t.Fatal(err)
	}

	phrases := []string{"national security law", "national security", "pathway to citizenship", "law and law",
		"the law", "security law national", "Hong Kong national security law", "export controls", "dual-use exports",
		"no such phrase here",
		// Four terms and more read their positions lazily (termCursor),
		// repeated terms included.
		"law and law and law: the law", "Hong Kong national security legislation", "critics of the law said national security"}
	zhPhrases := []string{"國家安全", "国家安全法", "家安全", "安全与法治"}
	check := func(field, analyzer, phrase string) {
		t.Helper()
		toks := ix.mapping.AnalyzerNamed(analyzer).Analyze([]byte(phrase))
		if len(toks) < 2 {
			return
		}
		ours := &phraseQuery{slots: phraseSlots(toks), field: field, boost: 1.5}
		theirs := bq.NewMatchPhraseQuery(phrase)
		theirs.SetField(field)
		theirs.Analyzer = analyzer
		theirs.SetBoost(1.5)
		for _, score := range []string{"", "none"} {
			got, err := ix.rankWithBleve(ctx, ours, 1000, 0, []string{"-_score", "_id"}, score, false)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ix.rankWithBleve(ctx, theirs, 1000, 0, []string{"-_score", "_id"}, score, false)
			if err != nil {
				t.Fatal(err)
			}
			if got.total != want.total || len(got.hits) != len(want.hits) {
				t.Errorf("%s %q (score %q): %d matches, Bleve %d", field, phrase, score, got.total, want.total)
				continue
			}
			for i := range got.hits {
				if got.hits[i].ID != want.hits[i].ID || got.hits[i].Score != want.hits[i].Score {
					t.Errorf("%s %q hit %d: %s %v, Bleve %s %v", field, phrase, i,
						got.hits[i].ID, got.hits[i].Score, want.hits[i].ID, want.hits[i].Score)
					break
				}
			}
			if want.total == 0 && phrase != "no such phrase here" && (field == fTextEn || field == fTextZh) {
				t.Errorf("%s %q: the test finds nothing", field, phrase)
			}
		}
	}
	for _, p := range phrases {
		check(fTextEn, enAnalyzer, p)
		check(fTitleEn, enAnalyzer, p)
	}
	for _, p := range zhPhrases {
		check(fTextZh, zhAnalyzer, p)
		check(fTitleZh, zhAnalyzer, p)
	}

	// Inside other queries, through the whole search.
	for _, q := range []string{`"national security law" OR "export controls"`, `"national security" NOT "pathway to citizenship"`,
		`"pathway to citizenship" AND law`, "國家安全 OR 出口管制"} {
		res := doSearch(t, ix, Request{Query: q, PerPage: 100})
		if res.Total == 0 {
			t.Errorf("%s: nothing found", q)
		}
	}
}

// A phrase that is checked in many documents and found in none must
// still stop when the search's deadline passes.
func TestPhraseSearchStopsAtTheDeadline(t *testing.T) {
	ix, _ := openTest(t, nil)
	var docs []model.Document
	for i := 1; i <= 3000; i++ {
		docs = append(docs, model.Document{ID: int64(i), URL: fmt.Sprintf("https://x.example/%d", i), Source: "x",
			Kind: model.KindNews, Lang: "en", Title: "t", Text: "law security national, national security and law"})
	}
	putTest(t, ix, docs...)
	if _, err := ix.Search(expiredOnAsking{context.Background()}, Request{Query: `"national security law"`}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("search after the deadline: %v, want context.DeadlineExceeded", err)
	}
}

// expiredOnAsking is a context whose Done channel never closes but whose
// Err says the deadline passed: only code that asks Err notices it.
type expiredOnAsking struct{ context.Context }

func (expiredOnAsking) Done() <-chan struct{} { return nil }
func (expiredOnAsking) Err() error            { return context.DeadlineExceeded }
