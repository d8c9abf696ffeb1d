package timeline

import (
	"testing"

	"policywatch/model"
	"policywatch/tagging"
)

// An official page that reports another actor's measure (its category tag
// names that actor) is evidence for that actor's event, dated by its text;
// it neither titles the event nor makes a measure of its publisher's.
func TestOtherActorsMeasure(t *testing.T) {
	const off, news = model.KindOfficial, model.KindNews
	reported := func(d model.Document, actor string) model.Document {
		d.Tags[0].Matches = append(d.Tags[0].Matches, model.Match{Phrase: "Police", Field: "text", Rule: tagging.RuleActorPrefix + actor})
		return d
	}
	own := doc(1, off, "2021-01-06T12:00:00+08:00", "Police arrest 53 persons for suspected subversion",
		"Police today arrested 53 persons for suspected subversion.", "prosecution", "arrested", "hong-kong")
	foreign := reported(doc(2, off, "2021-01-07T19:20:00-05:00", "On the mass arrests in Hong Kong",
		"The arrests of 53 activists on Wednesday are an outrage.", "prosecution", "arrests", "us"), "hong-kong")
	report := doc(3, news, "2021-01-06T15:00:00Z", "Hong Kong police arrest 53 opposition figures",
		"Police arrested 53 opposition figures on Wednesday.", "prosecution", "arrested", "hong-kong")

	tests := []struct {
		name      string
		docs      []model.Document
		key       string
		title     string
		order     []int64 // evidence order
		primary   bool    // the first evidence is marked primary
		newsOnly  bool
		numEvents int
	}{
		{"with the actor's own statement", []model.Document{foreign, report, own},
			"hong-kong/prosecution/2021-01-06", "Police arrest 53 persons for suspected subversion", []int64{1, 2, 3}, true, false, 1},
		{"without it: dated by the text, titled by the news", []model.Document{foreign, report},
			"hong-kong/prosecution/2021-01-06", "Hong Kong police arrest 53 opposition figures", []int64{2, 3}, false, false, 1},
		{"alone: the foreign page still dates the actor's event", []model.Document{foreign},
			"hong-kong/prosecution/2021-01-06", "On the mass arrests in Hong Kong", []int64{2}, false, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := Cluster(append(archive(), tt.docs...), Options{Now: fixedNow})
			if len(evs) != tt.numEvents {
				t.Fatalf("events = %v, want %d", keys(evs), tt.numEvents)
			}
			e := evs[0]
			if e.Key != tt.key || e.Title != tt.title || e.NewsOnly != tt.newsOnly {
				t.Errorf("event %s %q news-only %v, want %s %q %v", e.Key, e.Title, e.NewsOnly, tt.key, tt.title, tt.newsOnly)
			}
			if got := docIDs(e); !equalIDs(got, tt.order) {
				t.Errorf("evidence %v, want %v", got, tt.order)
			}
			if e.Documents[0].Primary != tt.primary {
				t.Errorf("first evidence primary %v, want %v", e.Documents[0].Primary, tt.primary)
			}
			for _, a := range e.Actors {
				if a == "us" {
					t.Errorf("actors %v: the page's publisher did not take the measure", e.Actors)
				}
			}
		})
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
