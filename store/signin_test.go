package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestSignInLog: failures are counted per key within the window, old
// ones are forgotten as new ones come, a key can be cleared, and an
// account keeps its newest sign-in addresses.
func TestSignInLog(t *testing.T) { eachEngine(t, testSignInLog) }

func testSignInLog(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		if err := db.AddSignInFailure(ctx, []string{"pair:ann:192.0.2.1", "addr:192.0.2.1"}, t0.Add(time.Duration(i)*time.Minute), t0.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.SignInFailures(ctx, "addr:192.0.2.1", t0.Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].Equal(t0.Add(time.Minute)) || !got[1].Equal(t0.Add(2*time.Minute)) {
		t.Errorf("failures since 09:00:30 = %v, want 09:01 and 09:02", got)
	}
	// A failure an hour later forgets what no window counts any more.
	if err := db.AddSignInFailure(ctx, []string{"addr:192.0.2.9"}, t0.Add(time.Hour), t0.Add(90*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.SignInFailures(ctx, "pair:ann:192.0.2.1", time.Time{}); len(got) != 1 {
		t.Errorf("after forgetting up to 09:01:30: %v, want only 09:02", got)
	}
	if err := db.ClearSignInFailures(ctx, "pair:ann:192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.SignInFailures(ctx, "pair:ann:192.0.2.1", time.Time{}); len(got) != 0 {
		t.Errorf("cleared key still counts %v", got)
	}
	if got, _ := db.SignInFailures(ctx, "addr:192.0.2.1", time.Time{}); len(got) != 1 {
		t.Errorf("clearing one key cleared another: %v", got)
	}

	for i, addr := range []string{"a1", "a2", "a3", "a2"} {
		if err := db.RememberSignInAddress(ctx, "ann", addr, t0.Add(time.Duration(i)*time.Minute), 2); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := db.SignInAddresses(ctx, "ann"); err != nil || !slices.Equal(got, []string{"a2", "a3"}) {
		t.Errorf("addresses = %v (%v), want the newest two, a2 then a3", got, err)
	}
	if got, _ := db.SignInAddresses(ctx, "bob"); len(got) != 0 {
		t.Errorf("another account's addresses: %v", got)
	}
}
