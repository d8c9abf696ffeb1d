package store

import (
	"context"
	"strings"
	"testing"

	"policywatch/model"
)

// A wire story as two outlets carried it: the same paragraphs, one with
// a corrections line the extractor kept.
const wireStory = `Canada suspended its extradition treaty with Hong Kong on Friday, the first country to do so since Beijing imposed a national security law on the territory this week.
Foreign Minister said the law undermined the "one country, two systems" framework, and that Canada would no longer treat Hong Kong separately from mainland China for sensitive exports.
Canada will also stop exporting sensitive military items to the city. Ottawa updated its travel advice to warn Canadians of an increased risk of arbitrary detention on national security grounds.
China's embassy in Ottawa rejected the move. In a statement, an embassy spokesperson said Hong Kong's affairs were China's internal matter and urged Canada to stop interfering.
Canada is the first country to suspend an extradition treaty with Hong Kong since the law took effect on June 30. Several allies have said they are reviewing their own arrangements.
The law punishes secession, subversion, terrorism and collusion with foreign forces, with maximum penalties of life imprisonment. Its critics say the wording is broad enough to cover peaceful protest.`

func TestNearDuplicateSyndicatedCopyIsStoredOnce(t *testing.T) {
	eachEngine(t, testNearDuplicateSyndicatedCopyIsStoredOnce)
}

func testNearDuplicateSyndicatedCopyIsStoredOnce(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	save := func(url, text string) model.SaveOutcome {
		d, c := testDoc(url, text)
		got, err := db.SaveCapture(ctx, d, c)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := save("https://outlet-a.example/canada", wireStory); got != model.OutcomeStored {
		t.Fatalf("first copy: %s", got)
	}
	if got := save("https://outlet-b.example/canada", wireStory+"\nSpotted an error? Tell our corrections desk."); got != model.OutcomeDuplicate {
		t.Errorf("copy with a corrections line: %s, want duplicate", got)
	}
	// A different story on the same subject is not a copy.
	other := strings.ReplaceAll(wireStory, "Canada", "Australia")
	other = strings.ReplaceAll(other, "Ottawa", "Canberra")
	other = strings.ReplaceAll(other, "Friday", "Thursday") + "\nAustralia also extended visas for Hong Kong residents already in the country, with a path to permanent residence for some, and said it would welcome skilled workers and businesses relocating from the city."
	if got := save("https://outlet-b.example/australia", other); got != model.OutcomeStored {
		t.Errorf("a different story: %s, want stored", got)
	}
	// Short notices never match on a few shared words.
	if got := save("https://x.example/1", "Rainstorm warning issued."); got != model.OutcomeStored {
		t.Errorf("short notice: %s", got)
	}
	if got := save("https://x.example/2", "Rainstorm warning cancelled."); got != model.OutcomeStored {
		t.Errorf("second short notice: %s, want stored", got)
	}
}
