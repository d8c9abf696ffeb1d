package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSavedSearches(t *testing.T) { eachEngine(t, testSavedSearches) }

func testSavedSearches(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	clock := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	db.Now = func() time.Time { return clock }
	s := &SavedSearch{Name: "extradition", Params: "q=extradition&kind=official", Webhook: "http://127.0.0.1:1/hook"}
	if err := db.SaveSearch(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSearch(ctx, &SavedSearch{Params: "q=x"}); err == nil {
		t.Error("a saved search without a name was accepted")
	}
	got, err := db.SavedSearchByID(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Params != s.Params || got.Webhook != s.Webhook || !got.CheckedAt.Equal(clock) {
		t.Errorf("loaded %+v, saved %+v", got, s)
	}
	later := clock.Add(time.Hour)
	if err := db.MarkSearchAlerted(ctx, s.ID, 7, later); err != nil {
		t.Fatal(err)
	}
	// The mark never moves back.
	if err := db.MarkSearchAlerted(ctx, s.ID, 5, later.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	list, err := db.SavedSearches(ctx)
	if err != nil || len(list) != 1 || !list[0].CheckedAt.Equal(later) || list[0].AlertedSeq != 7 {
		t.Errorf("SavedSearches = %+v, %v", list, err)
	}
	if err := db.DeleteSavedSearch(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SavedSearchByID(ctx, s.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
	if err := db.DeleteSavedSearch(ctx, s.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

func TestReleasesAreStoredOnce(t *testing.T) { eachEngine(t, testReleasesAreStoredOnce) }

func testReleasesAreStoredOnce(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	r := &Release{ID: "abc123", Params: "q=visa", Total: 2, Manifest: []byte(`{"documents":[1,2]}`)}
	created, err := db.SaveRelease(ctx, r)
	if err != nil || !created {
		t.Fatalf("first save: created %v, %v", created, err)
	}
	again := &Release{ID: "abc123", Params: "q=other", Total: 9, Manifest: []byte(`{}`)}
	created, err = db.SaveRelease(ctx, again)
	if err != nil || created {
		t.Fatalf("second save: created %v, %v", created, err)
	}
	if string(again.Manifest) != `{"documents":[1,2]}` || again.Total != 2 {
		t.Errorf("saving the same id again returned %+v, want the original", again)
	}
	got, err := db.Release(ctx, "abc123")
	if err != nil || string(got.Manifest) != string(r.Manifest) {
		t.Errorf("Release = %+v, %v", got, err)
	}
	if _, err := db.Release(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing release: %v", err)
	}
	list, err := db.Releases(ctx, 10)
	if err != nil || len(list) != 1 || list[0].ID != "abc123" {
		t.Errorf("Releases = %+v, %v", list, err)
	}
}
