package tagging

import (
	"testing"
	"time"

	"policywatch/model"
)

func TestIsBackground(t *testing.T) {
	pub := time.Date(2023, 7, 3, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		sentence string
		want     bool
	}{
		{"Canada suspended its extradition treaty with Hong Kong in 2020.", true},
		{"Washington announced visa restrictions in July 2020.", true},
		{"The treaty was suspended on 3 July 2020.", true},
		{"加拿大於2020年暫停與香港的引渡條約。", true},
		{"Canada suspended its extradition treaty on Monday.", false},       // no date named
		{"The rule takes effect on July 14, 2023.", false},                  // near publication
		{"In May 2023, the council met; in 2020 it had acted.", false},      // a recent date counts
		{"Hong Kong has had special treatment since 1997.", false},          // a span reaching now
		{"The order of July 14, 2020 is amended today, June 2023.", false},  // mixed
		{"Officials said 2,000 visas were refused.", false},                 // a number, not a year
		{"The measure dates from January 2023 and is under review.", true},  // five months back
		{"香港自2020年以來實施國安法。", false},                                         // a span reaching now
		{"Under the Extradition Act 2003, the request was refused.", false}, // a law's name, not a time
	}
	for _, tt := range tests {
		if got := isBackground(tt.sentence, pub); got != tt.want {
			t.Errorf("isBackground(%q) = %v, want %v", tt.sentence, got, tt.want)
		}
	}
	if isBackground("It was suspended in 2020.", time.Time{}) {
		t.Error("a document of unknown date has no background sentences")
	}
}

// A report on one measure that recalls an earlier one in passing is not
// tagged with the earlier one's category; the same sentences in a report
// of their own time are.
func TestBackgroundSentencesDoNotTag(t *testing.T) {
	tg := testTagger(t)
	text := "Police issued arrest warrants on Monday for eight activists who live overseas, officials in the city said.\n" +
		"Canada suspended its extradition treaty with Hong Kong in 2020, so the warrants cannot be served. " +
		"Australia ended its extradition treaty with the city in July 2020."
	tests := []struct {
		name string
		pub  time.Time
		want bool
	}{
		{"three years later", time.Date(2023, 7, 3, 0, 0, 0, 0, time.UTC), false},
		{"the same month", time.Date(2020, 7, 20, 0, 0, 0, 0, time.UTC), true},
		{"date unknown", time.Time{}, true},
	}
	for _, tt := range tests {
		d := model.Document{Title: "Bounties for activists", Text: text, Published: tt.pub}
		got := false
		for _, c := range values(tg.Tag(&d), model.TagCategory) {
			got = got || c == "extradition"
		}
		if got != tt.want {
			t.Errorf("%s: tagged extradition %v, want %v", tt.name, got, tt.want)
		}
	}
}
