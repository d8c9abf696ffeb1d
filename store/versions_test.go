package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"policywatch/model"
)

func TestVersionsWithdrawalsAndChanges(t *testing.T) {
	eachEngine(t, testVersionsWithdrawalsAndChanges)
}

func testVersionsWithdrawalsAndChanges(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	save := func(url, text string) model.SaveOutcome {
		t.Helper()
		clock = clock.Add(time.Hour)
		d, c := testDoc(url, text)
		d.Tags = []model.Tag{{Type: model.TagCategory, Value: "sanctions"}}
		out, err := db.SaveCapture(ctx, d, c)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	save("https://a.example/1", "The measures apply to Hong Kong and Macau.")
	save("https://a.example/1", "The measures apply to Hong Kong and Macau.")
	save("https://a.example/1", "The measures apply to Macau.")
	save("https://a.example/2", "Another statement.")
	d1, err := db.DocumentByURL(ctx, "https://a.example/1")
	if err != nil {
		t.Fatal(err)
	}
	vs, err := db.Versions(ctx, d1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Number != 1 || vs[1].Number != 2 || vs[0].Captures != 2 || vs[1].Captures != 1 {
		t.Fatalf("versions = %+v, want v1 with two captures and v2 with one", vs)
	}
	if !vs[0].LastSeenAt.After(vs[0].CapturedAt) || vs[0].CaptureID == 0 {
		t.Errorf("v1 first seen %v, last seen %v, capture %d", vs[0].CapturedAt, vs[0].LastSeenAt, vs[0].CaptureID)
	}
	if _, err := db.Version(ctx, d1.ID, 3); err == nil {
		t.Error("version 3 exists?")
	}
	added, removed, err := db.ChangeText(ctx, d1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if added != "" || !strings.Contains(removed, "Hong Kong") {
		t.Errorf("change text added %q removed %q, want only Hong Kong removed", added, removed)
	}

	// Withdrawal: first 404 marks it; a second changes nothing; unknown URLs are ignored.
	for i, want := range []bool{true, false} {
		id, marked, err := db.MarkWithdrawn(ctx, "https://a.example/2", 410, clock.Add(time.Duration(i+1)*time.Hour), 0)
		if err != nil || marked != want || id == 0 {
			t.Fatalf("withdraw #%d: id %d marked %v err %v, want marked %v", i+1, id, marked, err, want)
		}
	}
	if id, marked, err := db.MarkWithdrawn(ctx, "https://a.example/never", 404, clock, 0); id != 0 || marked || err != nil {
		t.Errorf("unknown URL: %d %v %v", id, marked, err)
	}
	d2, _ := db.DocumentByURL(ctx, "https://a.example/2")
	if !d2.Withdrawn || d2.Text != "Another statement." {
		t.Errorf("withdrawn doc = %+v, want withdrawn with its text kept", d2)
	}
	ch, err := db.Changes(ctx, ChangeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ch) != 2 || ch[0].Kind != ChangeWithdrawn || ch[0].Status != 410 || ch[1].Kind != ChangeAmended ||
		ch[1].From != 1 || ch[1].To != 2 || len(ch[1].Categories) != 1 {
		t.Fatalf("changes = %+v", ch)
	}
	for _, tc := range []struct {
		f    ChangeFilter
		want int
	}{
		{ChangeFilter{Sources: []string{"state"}}, 2},
		{ChangeFilter{Sources: []string{"other"}}, 0},
		{ChangeFilter{Categories: []string{"sanctions"}}, 2},
		{ChangeFilter{Categories: []string{"protest"}}, 0},
		{ChangeFilter{Kinds: []string{ChangeAmended}}, 1},
		{ChangeFilter{DocKinds: []string{"news"}}, 0},
		{ChangeFilter{DocumentID: d1.ID}, 1},
	} {
		got, err := db.Changes(ctx, tc.f)
		if err != nil || len(got) != tc.want {
			t.Errorf("Changes(%+v) = %d changes (%v), want %d", tc.f, len(got), err, tc.want)
		}
	}
	// A page that comes back is no longer withdrawn, and can be withdrawn again.
	save("https://a.example/2", "Another statement.")
	if d2, _ = db.DocumentByURL(ctx, "https://a.example/2"); d2.Withdrawn {
		t.Error("page answered again but is still withdrawn")
	}
	if _, marked, _ := db.MarkWithdrawn(ctx, "https://a.example/2", 404, clock, 0); !marked {
		t.Error("second withdrawal not recorded")
	}
}

func TestDiffWords(t *testing.T) {
	cases := []struct {
		from, to       string
		added, removed []string
	}{
		{"Sanctions on Hong Kong officials.", "Sanctions on officials.", nil, []string{"Hong Kong"}},
		{"The law took effect on 30 June.", "The law took effect on 1 July.", []string{"1 July"}, []string{"30 June"}},
		{"same text", "same text", nil, nil},
		{"香港國安法", "香港基本法", []string{"基本"}, []string{"國安"}},
	}
	for _, c := range cases {
		parts := DiffWords(c.from, c.to)
		var back strings.Builder
		for _, p := range parts {
			if p.Op != DiffInsert {
				back.WriteString(p.Text)
			}
		}
		if back.String() != c.from {
			t.Errorf("diff %q→%q does not rebuild the old text: %q", c.from, c.to, back.String())
		}
		a, r := AddedRemoved(parts)
		if strings.Join(a, "|") != strings.Join(c.added, "|") || strings.Join(r, "|") != strings.Join(c.removed, "|") {
			t.Errorf("diff %q→%q: added %q removed %q, want %q %q", c.from, c.to, a, r, c.added, c.removed)
		}
	}
}

func TestVerifyVersions(t *testing.T) { eachEngine(t, testVerifyVersions) }

func testVerifyVersions(t *testing.T, e testEngine) {
	ctx := context.Background()
	cases := []struct {
		name   string
		damage string
		want   string
	}{
		{"intact", "", ""},
		{"a version's capture deleted", `DELETE FROM captures WHERE version = 2`, "has no capture"},
		{"document points past its versions", `UPDATE documents SET version = 3 WHERE url = 'https://a.example/1'`, "newest stored version"},
		{"a version deleted", `DELETE FROM document_versions WHERE version = 1`, "belongs to no stored version"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := e.open(t)
			for _, text := range []string{"first", "first", "second"} {
				d, cp := testDoc("https://a.example/1", text)
				if _, err := db.SaveCapture(ctx, d, cp); err != nil {
					t.Fatal(err)
				}
			}
			if c.damage != "" {
				if _, err := db.write.ExecContext(ctx, c.damage); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			n, err := db.VerifyVersions(ctx, func(m Mismatch) { got = append(got, m.Reason) })
			if err != nil || n != 1 {
				t.Fatalf("VerifyVersions: %d, %v", n, err)
			}
			joined := strings.Join(got, "; ")
			if (c.want == "") != (len(got) == 0) || !strings.Contains(joined, c.want) {
				t.Errorf("reports %q, want one containing %q", joined, c.want)
			}
		})
	}
}
