package timeline

import (
	"strings"
	"testing"
	"time"

	"policywatch/model"
	"policywatch/tagging"
)

// A measure that only news reports, naming no day for it, is still a
// measure: the event is dated by the report's publication day (the
// publisher's, not UTC's), with the confidence that says so.
func TestNewsMeasureDatedByPublication(t *testing.T) {
	// 07:30 on 11 August in Hong Kong is still 10 August in UTC.
	d := doc(1, model.KindNews, "2020-08-11T07:30:00+08:00", "Media tycoon held after police raid",
		"Police have arrested a media tycoon and several of his executives under the national security law, in the most prominent use of the law so far.",
		"prosecution", "arrested", "hong-kong")
	evs := Cluster([]model.Document{d}, Options{Now: fixedNow})
	if len(evs) != 1 {
		t.Fatalf("events = %v, want one dated by publication", keys(evs))
	}
	e := evs[0]
	if e.Key != "hong-kong/prosecution/2020-08-11" {
		t.Errorf("key = %s, want the publisher's day 2020-08-11", e.Key)
	}
	if len(e.Dates) == 0 || e.Dates[0].Confidence != ConfidencePublication {
		t.Errorf("dates = %+v, want the announced date marked with ConfidencePublication", e.Dates)
	}
	if !e.NewsOnly {
		t.Error("a news-only event is not marked so")
	}
}

// One announcement doing several things is one event with all its
// categories: the order that ends preferential treatment and authorises
// sanctions; China's sanctions filed as its counter-measure.
func TestOneAnnouncementOneEvent(t *testing.T) {
	order := doc(1, model.KindNews, "2020-07-15T08:00:00+08:00", "Trump ends Hong Kong's special status",
		"WASHINGTON — President Trump on Tuesday signed an executive order ending Hong Kong's preferential treatment, and the order authorises sanctions on officials.",
		"export-control", "preferential treatment", "us")
	order.Tags = append(order.Tags, model.Tag{Type: model.TagCategory, Value: "sanction", Score: 2, Matches: []model.Match{
		{Phrase: "sanction*", Field: "text", Offset: strings.Index(order.Text, "sanctions"), Rule: "any"},
		{Rule: tagging.RuleMentioned},
	}})
	reprisal := doc(2, model.KindNews, "2020-08-10T18:00:00+08:00", "Beijing penalises US lawmakers",
		"BEIJING — China on Monday imposed sanctions on eleven Americans, including lawmakers, in retaliation for US measures over Hong Kong.",
		"counter-measure", "retaliation", "china")
	reprisal.Tags = append(reprisal.Tags, model.Tag{Type: model.TagCategory, Value: "sanction", Score: 3, Matches: []model.Match{
		{Phrase: "sanction*", Field: "text", Offset: strings.Index(reprisal.Text, "sanctions"), Rule: "any"},
		{Rule: tagging.RuleWithinPrefix + "counter-measure"},
	}})
	evs := Cluster([]model.Document{order, reprisal}, Options{Now: fixedNow})
	got := map[string]string{}
	for _, e := range evs {
		got[e.Key] = strings.Join(e.Categories, ",")
	}
	want := map[string]string{
		"us/export-control/2020-07-14":     "export-control,sanction",
		"china/counter-measure/2020-08-10": "counter-measure,sanction",
	}
	if len(got) != len(want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("event %s categories %q, want %q (events %v)", k, got[k], v, got)
		}
	}
}

// The day a report names is read by its tense from its publication day
// in the publisher's zone, in English and in Chinese.
func TestEventDayFromReporting(t *testing.T) {
	tests := []struct {
		name, published, text, want string
		effective                   string // "" for none
	}{
		{"a future weekday is when it takes effect, not when it was done",
			"2021-01-29T20:00:00+08:00",
			"Beijing said it will no longer recognise the passports from Sunday, stepping up its response to London's offer of residency.",
			"2021-01-29", "2021-01-31"},
		{"a past weekday before publication",
			"2020-08-03T21:00:00+08:00",
			"BEIJING — China suspended the treaty with New Zealand on Monday, the foreign ministry said.",
			"2020-08-03", ""},
		{"a Chinese relative day with its date",
			"2025-04-22T09:00:00+08:00",
			"外交部發言人昨日(21日)宣布，中方決定對在涉港問題上表現惡劣的美方人員實施制裁。",
			"2025-04-21", ""},
		{"a full Chinese date",
			"2024-03-20T10:00:00+08:00",
			"立法會於2024年3月19日三讀通過維護國家安全條例草案，行政長官隨即簽署。",
			"2024-03-19", ""},
		{"a year in a law's name is not the day",
			"2020-10-23T09:00:00+01:00",
			"The government suspended the treaty under the Extradition Act 1965 on October 13, officials said.",
			"2020-10-13", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			phrase := "suspended"
			switch {
			case strings.Contains(tt.text, "制裁"):
				phrase = "制裁"
			case strings.Contains(tt.text, "通過"):
				phrase = "通過"
			case strings.Contains(tt.text, "recognise"):
				phrase = "recognise"
			}
			d := doc(1, model.KindNews, tt.published, "Report", tt.text, "counter-measure", phrase, "china")
			evs := Cluster([]model.Document{d}, Options{Now: fixedNow})
			if len(evs) != 1 {
				t.Fatalf("events = %v", keys(evs))
			}
			if got := evs[0].Date.Format(time.DateOnly); got != tt.want {
				t.Errorf("event day %s, want %s", got, tt.want)
			}
			eff := ""
			for _, ed := range evs[0].Dates {
				if ed.Kind == model.DateEffective {
					eff = ed.Date.Format(time.DateOnly)
				}
			}
			if eff != tt.effective {
				t.Errorf("effective %q, want %q", eff, tt.effective)
			}
		})
	}
}

// Two suspensions a few days apart are two measures: a report dated only
// by its publication cannot be the report of a measure taken after it.
func TestReportPublishedBeforeTheMeasure(t *testing.T) {
	first := doc(1, model.KindNews, "2020-07-29T09:00:00+05:00", "China suspends Hong Kong's extradition treaty with Britain",
		"China has suspended Hong Kong's extradition treaty with Britain in a tit-for-tat response to London's move.",
		"extradition", "extradition", "china")
	second := doc(2, model.KindNews, "2020-08-03T20:00:00+08:00", "China suspends Hong Kong's extradition treaty with New Zealand",
		"China suspended Hong Kong's extradition treaty with New Zealand on Monday, a week after suspending Britain's.",
		"extradition", "extradition", "china")
	got := strings.Join(keys(Cluster([]model.Document{first, second}, Options{Now: fixedNow})), " ")
	if got != "china/extradition/2020-07-29 china/extradition/2020-08-03" {
		t.Errorf("keys = %s, want two measures on their own days", got)
	}
}

// A measure the body of a report gives to the actor its opening reports
// acting is part of the same news (one announcement: an event of each
// category, linked); another actor's, mentioned further down, is not an event
// of this report.
func TestMeasuresOfTheSameNews(t *testing.T) {
	d := doc(1, model.KindNews, "2020-07-03T20:00:00-04:00", "Canada suspends extradition treaty with Hong Kong",
		"OTTAWA — Canada suspended its extradition treaty with Hong Kong on Friday over Beijing's new law.\n"+
			"The minister added that Canada will no longer permit exports of sensitive military items to the city.\n"+
			"New Zealand has also tightened its exports of military goods, officials there said.",
		"extradition", "extradition", "canada")
	d.Tags = append(d.Tags,
		model.Tag{Type: model.TagCategory, Value: "export-control", Score: 2, Matches: []model.Match{
			{Phrase: "export*", Field: "text", Offset: strings.Index(d.Text, "exports of sensitive"), Rule: "all[0]"},
			{Phrase: "Canada", Field: "text", Offset: strings.Index(d.Text, "Canada will"), Rule: tagging.RuleActorPrefix + "canada"}}},
		model.Tag{Type: model.TagCategory, Value: "export-control", Score: 2, Matches: []model.Match{
			{Phrase: "export*", Field: "text", Offset: strings.Index(d.Text, "exports of military"), Rule: "all[0]"},
			{Phrase: "New Zealand", Field: "text", Offset: strings.Index(d.Text, "New Zealand"), Rule: tagging.RuleActorPrefix + "new-zealand"}}})
	evs := Cluster([]model.Document{d}, Options{Now: fixedNow})
	got := strings.Join(keys(evs), " ")
	if got != "canada/export-control/2020-07-03 canada/extradition/2020-07-03" {
		t.Fatalf("keys = %s, want Canada's two measures and not New Zealand's", got)
	}
	for _, e := range evs {
		if e.Announcement != "canada/extradition/2020-07-03" || strings.Join(e.Categories, ",") != "extradition,export-control" {
			t.Errorf("%s: announcement %q categories %v, want one announcement of both of Canada's measures",
				e.Key, e.Announcement, e.Categories)
		}
	}
}

// A measure a government the taxonomy does not list took is nobody's
// known event: not the page's issuer's, whoever else the page names.
func TestUnknownActorsMeasure(t *testing.T) {
	d := doc(1, model.KindNews, "2020-10-17T09:00:00+02:00", "China warns Finland over treaty",
		"China warned Finland on Friday after Helsinki suspended its extradition agreement with Hong Kong.",
		"extradition", "extradition", "china")
	d.Tags[0].Matches = append(d.Tags[0].Matches, model.Match{Rule: tagging.RuleActorPrefix + tagging.UnknownActor})
	if evs := Cluster([]model.Document{d}, Options{Now: fixedNow}); len(evs) != 0 {
		t.Errorf("events = %v, want none: Finland is not China", keys(evs))
	}
}

// A day in a sentence that only mentions a measure ("sanctioned six
// officials on Jan. 15 in response to the arrests") is another act's day;
// the sentence that reports the measure dates it.
func TestDayOfTheSentenceThatReportsTheMeasure(t *testing.T) {
	text := "The United States on Jan. 15 sanctioned six officials in response to the mass arrests of opposition figures.\n" +
		"Hong Kong police arrested 53 politicians and activists on Jan. 6 on suspicion of subversion."
	d := doc(1, model.KindNews, "2021-01-15T18:00:00-05:00", "US sanctions six officials over Hong Kong arrests",
		text, "prosecution", "arrests", "us")
	d.Tags[0].Matches[0].Rule = "any" + tagging.RuleMentionSuffix
	d.Tags[0].Matches = append(d.Tags[0].Matches,
		model.Match{Phrase: "arrest*", Field: "text", Offset: strings.Index(text, "arrested"), Rule: "any"},
		model.Match{Phrase: "police", Field: "text", Offset: strings.Index(text, "Hong Kong police"), Rule: tagging.RuleActorPrefix + "hong-kong"})
	got := strings.Join(keys(Cluster([]model.Document{d}, Options{Now: fixedNow})), " ")
	if got != "hong-kong/prosecution/2021-01-06" {
		t.Errorf("keys = %s, want the arrests on their day", got)
	}
}
