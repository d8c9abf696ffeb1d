package store

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"policywatch/model"
)

// Search hits show what these documents are now: the current version's
// title and text, and the current tags in order. Ids the store does not
// hold are left out rather than failing the whole page.
func TestHitDocuments(t *testing.T) { eachEngine(t, testHitDocuments) }

func testHitDocuments(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	var ids []int64
	for i := range 3 {
		d, c := testDoc(fmt.Sprintf("https://a.example/%d", i), fmt.Sprintf("text number %d", i))
		d.Tags = []model.Tag{{Type: model.TagCategory, Value: "visa-restriction"}, {Type: model.TagActor, Value: "us"}}
		if _, err := db.SaveCapture(ctx, d, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	d, c := testDoc("https://a.example/1", "text number 1, amended")
	if _, err := db.SaveCapture(ctx, d, c); err != nil {
		t.Fatal(err)
	}
	tags := []model.Tag{{Type: model.TagCategory, Value: "sanction"}, {Type: model.TagCategory, Value: "visa-restriction"}, {Type: model.TagActor, Value: "uk"}}
	if err := db.SetTags(ctx, ids[2], tags); err != nil {
		t.Fatal(err)
	}
	got, err := db.HitDocuments(ctx, append(ids, 9999))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{ids[0]: "text number 0", ids[1]: "text number 1, amended", ids[2]: "text number 2"}
	if len(got) != len(want) {
		t.Fatalf("got %d documents, want %d", len(got), len(want))
	}
	for id, text := range want {
		if g := got[id]; g.Text != text || g.URL == "" || g.Title != "Visa restrictions" || g.Published.IsZero() {
			t.Errorf("document %d: %q %q %q %v, want text %q with its URL, title and date", id, g.URL, g.Title, g.Text, g.Published, text)
		}
	}
	d2 := got[ids[2]]
	if cats, actors := d2.Categories(), d2.Actors(); !slices.Equal(cats, []string{"sanction", "visa-restriction"}) || !slices.Equal(actors, []string{"uk"}) {
		t.Errorf("document %d: categories %v, actors %v; want [sanction visa-restriction] [uk]", ids[2], cats, actors)
	}
}
