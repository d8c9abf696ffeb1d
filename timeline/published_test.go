package timeline

import (
	"testing"

	"policywatch/model"
)

func TestPublishedDate(t *testing.T) {
	release := doc(1, model.KindOfficial, "2020-07-14T20:00:00-04:00", "The President signs an executive order on Hong Kong",
		"The President signed an executive order today ending preferential treatment.", "export-control", "executive order", "us")
	register := doc(2, model.KindOfficial, "2020-07-17T09:00:00-04:00", "The President's Executive Order on Hong Kong Normalization",
		"By the authority vested in me, the executive order directs agencies to end preferential treatment.", "export-control", "executive order", "us")
	register.DocNumber = "2020-15646"
	news := doc(3, model.KindNews, "2020-07-01T10:00:00+08:00", "Canada warns travellers",
		"Canada on Thursday told travellers about visa rules for Hong Kong.", "visa", "visa", "ca")

	for _, tc := range []struct {
		name    string
		docs    []model.Document
		want    string // "" when the event has no published date
		fromDoc int64
	}{
		{"the gazette's day over the release's", []model.Document{release, register}, "2020-07-17", 2},
		{"a release alone is published the day it is issued", []model.Document{release}, "2020-07-14", 1},
		{"news publishes no measure", []model.Document{news}, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs := Cluster(tc.docs, Options{Now: fixedNow})
			if len(evs) != 1 {
				t.Fatalf("events = %v", keys(evs))
			}
			var got *model.EventDate
			for i, d := range evs[0].Dates {
				if d.Kind == model.DatePublished {
					got = &evs[0].Dates[i]
				}
			}
			switch {
			case tc.want == "" && got != nil:
				t.Errorf("published %v, want none", got.Date)
			case tc.want != "" && got == nil:
				t.Errorf("no published date, want %s", tc.want)
			case got != nil && (got.Date.Format("2006-01-02") != tc.want || got.DocumentID != tc.fromDoc):
				t.Errorf("published %s from document %d, want %s from %d", got.Date.Format("2006-01-02"), got.DocumentID, tc.want, tc.fromDoc)
			}
			if evs[0].Date.Format("2006-01-02") == "2020-07-17" && len(tc.docs) > 1 {
				t.Errorf("the gazette's day moved the announced date")
			}
		})
	}
}
