package store

import (
	"context"
	"fmt"
	"testing"
)

// The search index cuts its snippets from these texts: they must be the
// documents' current versions, and ids the store does not hold are left
// out rather than failing the whole page.
func TestDocumentTexts(t *testing.T) { eachEngine(t, testDocumentTexts) }

func testDocumentTexts(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	var ids []int64
	for i := range 3 {
		d, c := testDoc(fmt.Sprintf("https://a.example/%d", i), fmt.Sprintf("text number %d", i))
		if _, err := db.SaveCapture(ctx, d, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	d, c := testDoc("https://a.example/1", "text number 1, amended")
	if _, err := db.SaveCapture(ctx, d, c); err != nil {
		t.Fatal(err)
	}
	got, err := db.DocumentTexts(ctx, append(ids, 9999))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{ids[0]: "text number 0", ids[1]: "text number 1, amended", ids[2]: "text number 2"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for id, text := range want {
		if got[id] != text {
			t.Errorf("document %d: %q, want %q", id, got[id], text)
		}
	}
}
