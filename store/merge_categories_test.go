package store

import (
	"context"
	"slices"
	"testing"
)

// Merging one event into another files the result under both events'
// categories, as one announcement of several kinds is filed: the merged
// event's category does not vanish from its lane. The union survives
// re-clustering, and undoing the merge gives the event its own
// categories back.
func TestMergeUnionsCategories(t *testing.T) { eachEngine(t, testMergeUnionsCategories) }

func testMergeUnionsCategories(t *testing.T, e testEngine) {
	ctx := context.Background()
	f := newCurationFixture(t, e)
	a, b := f.byKey(t, "us/visa/2020-07-01"), f.byKey(t, "uk/extradition/2020-07-02")
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionMerge, EventID: a.ID, IntoID: b.ID}); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		got := f.byKey(t, b.Key)
		if !slices.Equal(got.Categories, []string{"extradition", "visa"}) {
			t.Errorf("%s: categories of the merged event %v, want [extradition visa]", when, got.Categories)
		}
		visa, err := f.db.Events(ctx, EventFilter{Category: "visa"})
		if err != nil {
			t.Fatal(err)
		}
		if len(visa) != 1 || visa[0].ID != b.ID {
			t.Errorf("%s: events filed under visa %v, want the merged event %d", when, visa, b.ID)
		}
	}
	check("after the merge")
	if err := f.db.ReplaceEvents(ctx, f.events()); err != nil {
		t.Fatal(err)
	}
	check("after re-clustering")

	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionUnhide, EventID: a.ID}); err != nil {
		t.Fatal(err)
	}
	if got := f.byKey(t, b.Key).Categories; len(got) != 0 {
		t.Errorf("after undoing the merge: categories %v, want only its own", got)
	}
}

// Events that share a document are related: two governments' acts one
// page reports, or an editor's split. Each lists the other, most shared
// documents first; hidden (merged) events are not listed.
func TestRelatedEvents(t *testing.T) { eachEngine(t, testRelatedEvents) }

func testRelatedEvents(t *testing.T, e testEngine) {
	ctx := context.Background()
	f := newCurationFixture(t, e)
	evs := f.events()
	evs[1].Documents = append(evs[1].Documents, evs[0].Documents[1]) // the news page reports both
	if err := f.db.ReplaceEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	a, b := f.byKey(t, "us/visa/2020-07-01"), f.byKey(t, "uk/extradition/2020-07-02")
	rel, err := f.db.RelatedEvents(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rel) != 1 || rel[0].ID != b.ID || rel[0].Shared != 1 {
		t.Errorf("related to A: %+v, want B sharing one document", rel)
	}
	if rel, _ := f.db.RelatedEvents(ctx, b.ID); len(rel) != 1 || rel[0].ID != a.ID {
		t.Errorf("related to B: %+v, want A", rel)
	}
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionHide, EventID: b.ID}); err != nil {
		t.Fatal(err)
	}
	if rel, _ := f.db.RelatedEvents(ctx, a.ID); len(rel) != 0 {
		t.Errorf("related to A after hiding B: %+v, want none", rel)
	}
}
