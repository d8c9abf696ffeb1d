package index

import (
	"fmt"
	"testing"

	"policywatch/model"
)

func TestSearchAmendments(t *testing.T) {
	docs := []model.Document{
		{ID: 1, URL: "https://a.example/1", Source: "us-state", Kind: model.KindOfficial, Lang: "en",
			Title: "Ending defense exports", Text: "Exports to Hong Kong end today.",
			Removed: "The United States will continue to stand with the people of Hong Kong, and we", Added: "We"},
		{ID: 2, URL: "https://a.example/2", Source: "uk-fcdo", Kind: model.KindOfficial, Lang: "en",
			Title: "Extradition treaty suspended", Text: "The treaty with Hong Kong is suspended.",
			Removed: "immediately and indefinitely", Added: "with immediate effect\nrequests already under way"},
		{ID: 3, URL: "https://a.example/3", Source: "uk-fcdo", Kind: model.KindOfficial, Lang: "en",
			Title: "Hong Kong statement", Text: "Hong Kong, never amended."},
		{ID: 4, URL: "https://a.example/4", Source: "hk-gov", Kind: model.KindOfficial, Lang: "zh-Hant",
			Title: "聲明", Text: "香港特別行政區政府聲明。", Removed: "香港國安法"},
	}
	ix, _ := openTest(t, docs)
	cases := []struct {
		q    string
		want []int64
	}{
		{`removed:"hong kong"`, []int64{1}},
		{`removed:indefinitely`, []int64{2}},
		{`added:"immediate effect"`, []int64{2}},
		{`added:"hong kong"`, nil},
		{`"hong kong" -removed:"hong kong"`, []int64{2, 3}},
		{`removed:國安`, []int64{4}},
		{`source:uk-fcdo added:requests`, []int64{2}},
	}
	for _, c := range cases {
		res := doSearch(t, ix, Request{Query: c.q})
		if got := sorted(ids(res)); fmt.Sprint(got) != fmt.Sprint(sorted(c.want)) {
			t.Errorf("%s: ids %v, want %v", c.q, got, c.want)
		}
	}
}
