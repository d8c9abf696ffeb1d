package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"policywatch/model"
)

// TestChangeLogFollowsEveryChange: each write that changes what the
// index or the timeline shows appends one entry, in the same
// transaction, in commit order; a capture that changes nothing appends
// none.
func TestChangeLogFollowsEveryChange(t *testing.T) { eachEngine(t, testChangeLogFollowsEveryChange) }

func testChangeLogFollowsEveryChange(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	type entry struct {
		doc  int64
		kind model.ChangeKind
		run  int64
	}
	var ids = map[string]int64{}
	save := func(url, text string, run int64) model.SaveOutcome {
		t.Helper()
		d, c := testDoc(url, text)
		c.RunID = run
		out, err := db.SaveCapture(ctx, d, c)
		if err != nil {
			t.Fatal(err)
		}
		ids[url] = d.ID
		return out
	}
	save("https://a.example/1", "first text", 1)
	save("https://a.example/1", "first text", 1)   // unchanged: nothing to log
	save("https://a.example/1", "amended text", 2) // a version
	save("https://b.example/copy", "amended text", 2)
	save("https://b.example/copy", "amended text", 3) // an alias known already: nothing
	if _, marked, err := db.MarkWithdrawn(ctx, "https://a.example/1", 410, time.Now(), 3); err != nil || !marked {
		t.Fatalf("withdraw: %v %v", marked, err)
	}
	save("https://a.example/1", "amended text", 4) // back, unchanged: restored
	if err := db.SetTags(ctx, ids["https://a.example/1"], []model.Tag{{Type: model.TagCategory, Value: "sanction"}}); err != nil {
		t.Fatal(err)
	}
	doc := ids["https://a.example/1"]
	want := []entry{{doc, model.ChangeNew, 1}, {doc, model.ChangeVersion, 2}, {doc, model.ChangeAlias, 2},
		{doc, model.ChangeWithdrawn, 3}, {doc, model.ChangeRestored, 4}, {doc, model.ChangeTags, 0}}
	changes, err := db.ChangesAfter(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []entry
	for i, c := range changes {
		got = append(got, entry{c.DocumentID, c.Kind, c.RunID})
		if i > 0 && c.Seq <= changes[i-1].Seq {
			t.Errorf("change %d has seq %d after %d", i, c.Seq, changes[i-1].Seq)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("change log = %v, want %v", got, want)
	}
	last, err := db.LastChange(ctx)
	if err != nil || last != changes[len(changes)-1].Seq {
		t.Errorf("last change %d (%v), want %d", last, err, changes[len(changes)-1].Seq)
	}
	rest, err := db.ChangesAfter(ctx, changes[2].Seq, 2)
	if err != nil || len(rest) != 2 || rest[0].Seq != changes[3].Seq {
		t.Errorf("a page of the log after %d = %v (%v)", changes[2].Seq, rest, err)
	}
	// New and changed documents only, each once: what a saved search's
	// webhook is told.
	if ids, err := db.ChangedDocuments(ctx, 0, last); err != nil || !slices.Equal(ids, []int64{doc}) {
		t.Errorf("changed documents = %v (%v), want [%d]", ids, err, doc)
	}
	if ids, err := db.ChangedDocuments(ctx, changes[1].Seq, last); err != nil || len(ids) != 0 {
		t.Errorf("changed documents after the version = %v (%v), want none", ids, err)
	}
}

// TestDocumentsByIDAsIndexed: the index gets tags and amendment text.
func TestDocumentsByIDAsIndexed(t *testing.T) { eachEngine(t, testDocumentsByIDAsIndexed) }

func testDocumentsByIDAsIndexed(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	d, c := testDoc("https://a.example/1", "Sanctions on officials in Hong Kong.")
	d.Tags = []model.Tag{{Type: model.TagCategory, Value: "sanction"}}
	if _, err := db.SaveCapture(ctx, d, c); err != nil {
		t.Fatal(err)
	}
	d2, c2 := testDoc("https://a.example/1", "Sanctions on officials.")
	if _, err := db.SaveCapture(ctx, d2, c2); err != nil {
		t.Fatal(err)
	}
	docs, err := db.DocumentsByID(ctx, []int64{d.ID, 999})
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents = %v, %v; want the one stored", docs, err)
	}
	if got := docs[0]; got.Version != 2 || len(got.Tags) != 1 || got.Removed != "in Hong Kong" {
		t.Errorf("document as indexed: version %d, tags %v, removed %q", got.Version, got.Tags, got.Removed)
	}
}

// TestReplaceEventsAsOfKeepsTheNewerClustering: of two clusterings, the
// one that read the newer archive stays, whichever commits last.
func TestReplaceEventsAsOfKeepsTheNewerClustering(t *testing.T) {
	eachEngine(t, testReplaceEventsAsOfKeepsTheNewerClustering)
}

func testReplaceEventsAsOfKeepsTheNewerClustering(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	ev := func(title string) []model.Event {
		return []model.Event{{Key: "us/sanction/2020-07-14", Title: title, Category: "sanction", Actors: []string{"us"},
			Date: time.Date(2020, 7, 14, 0, 0, 0, 0, time.UTC)}}
	}
	if ok, err := db.ReplaceEventsAsOf(ctx, ev("newer"), 5); err != nil || !ok {
		t.Fatalf("as of 5: %v %v", ok, err)
	}
	if ok, err := db.ReplaceEventsAsOf(ctx, ev("older"), 3); err != nil || ok {
		t.Fatalf("as of 3 after 5: written %v (%v), want refused", ok, err)
	}
	events, err := db.Events(ctx, EventFilter{})
	if err != nil || len(events) != 1 || events[0].Title != "newer" {
		t.Errorf("events = %+v (%v), want the clustering as of 5", events, err)
	}
	if seq, err := db.DerivedSeq(ctx, DerivedTimeline); err != nil || seq != 5 {
		t.Errorf("timeline built as of %d (%v), want 5", seq, err)
	}
}
