package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"policywatch/model"
)

// One announcement of several kinds is one event that keeps all its
// categories across reopening and re-clustering, and is found under each.
func TestEventCategoriesPersist(t *testing.T) { eachEngine(t, testEventCategoriesPersist) }

func testEventCategoriesPersist(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	d, c := testDoc("https://a.example/order", "text")
	if _, err := db.SaveCapture(ctx, d, c); err != nil {
		t.Fatal(err)
	}
	order := model.Event{Key: "us/export-control/2020-07-14", Title: "The President ends Hong Kong's special status",
		Category: "export-control", Categories: []string{"export-control", "sanction"}, Actors: []string{"us"},
		Date: time.Date(2020, 7, 14, 0, 0, 0, 0, time.UTC), Documents: []model.EventDocument{{DocumentID: d.ID, Primary: true}}}
	single := model.Event{Key: "us/visa-restriction/2020-06-26", Title: "Visa restrictions", Category: "visa-restriction",
		Actors: []string{"us"}, Date: time.Date(2020, 6, 26, 0, 0, 0, 0, time.UTC)}
	if err := db.ReplaceEvents(ctx, []model.Event{order, single}); err != nil {
		t.Fatal(err)
	}
	all, err := db.Events(ctx, EventFilter{})
	if err != nil || len(all) != 2 {
		t.Fatalf("events = %d (%v)", len(all), err)
	}
	byKey := map[string]model.Event{}
	for _, e := range all {
		byKey[e.Key] = e
	}
	if got := strings.Join(byKey[order.Key].Categories, ","); got != "export-control,sanction" {
		t.Errorf("categories = %q, want export-control,sanction", got)
	}
	if got := byKey[single.Key].Categories; len(got) != 0 {
		t.Errorf("a single-category event has categories %v, want none", got)
	}
	sanctions, err := db.Events(ctx, EventFilter{Category: "sanction"})
	if err != nil || len(sanctions) != 1 || sanctions[0].Key != order.Key {
		t.Errorf("events filed under sanction = %v (%v), want the order", sanctions, err)
	}
	one, err := db.Event(ctx, byKey[order.Key].ID)
	if err != nil || len(one.Categories) != 2 {
		t.Errorf("event %+v (%v), want its categories", one, err)
	}
	// Re-clustering that no longer finds the second kind drops it, and the
	// event says it changed.
	before := byKey[order.Key].UpdatedAt
	db.Now = func() time.Time { return before.Add(time.Hour) }
	order.Categories = nil
	if err := db.ReplaceEvents(ctx, []model.Event{order, single}); err != nil {
		t.Fatal(err)
	}
	again, err := db.Event(ctx, byKey[order.Key].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Categories) != 0 || !again.UpdatedAt.After(before) {
		t.Errorf("after re-clustering: categories %v updated %v (was %v)", again.Categories, again.UpdatedAt, before)
	}
}
