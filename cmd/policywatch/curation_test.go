package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"policywatch/demoweb"
	"policywatch/model"
	"policywatch/store"
	"policywatch/topic"
)

// TestEditsSurviveRecrawlAndRecluster is the issue's "an edit by an editor
// survives a full re-crawl and re-cluster": the demo web is crawled into
// a data directory of its own, an editor curates, the same directory is
// crawled again and every event re-clustered, and the edits still read.
func TestEditsSurviveRecrawlAndRecluster(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo web twice")
	}
	ctx := context.Background()
	web, err := demoweb.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	tp, err := topic.Parse(web.TopicYAML(), "demo-topic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tax, err := loadTaxonomy(tp)
	if err != nil {
		t.Fatal(err)
	}
	a, err := openApp(ctx, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.allowPrivate = true // the demo web listens on 127.0.0.1
	if _, err := a.crawl(ctx, tp, tax, nil); err != nil {
		t.Fatalf("first crawl: %v", err)
	}

	events, err := a.db.Events(ctx, store.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) < 2 {
		t.Fatalf("the demo crawl made %d events; need two to curate", len(events))
	}
	// The event to edit and the one to attach a document to: two with
	// official evidence, and a document the second does not have yet.
	edited, target := events[0], events[len(events)-1]
	var attach int64
	if err := a.db.EachDocument(ctx, func(d *model.Document) error {
		if attach == 0 && !slices.ContainsFunc(target.Documents, func(ed model.EventDocument) bool { return ed.DocumentID == d.ID }) {
			attach = d.ID
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	editor, err := a.db.AddUser(ctx, "editor", store.RoleEditor, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}

	// The retitle goes over HTTP through the app's own server, signed in,
	// so the wiring of sign-in and curation is tested too; the rest goes
	// through the store, as the web handlers do.
	srv, err := a.newWeb(tax)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	sess, err := a.db.CreateSession(ctx, editor)
	if err != nil {
		t.Fatal(err)
	}
	const title = "Editor's title: the measure in plain words"
	form := url.Values{"csrf": {sess.CSRF}, "title": {title}}
	req := httptest.NewRequest("POST", "/events/"+strconv.FormatInt(edited.ID, 10)+"/retitle", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "pw_session", Value: sess.Token})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("retitle over HTTP: status %d\n%s", rec.Code, rec.Body)
	}
	announced := edited.Date.AddDate(0, 0, -3)
	for _, e := range []store.Edit{
		{Action: store.ActionRedate, EventID: edited.ID, DateKind: model.DateAnnounced, Date: announced},
		{Action: store.ActionHide, EventID: edited.ID},
		{Action: store.ActionAttach, EventID: target.ID, DocumentIDs: []int64{attach}},
	} {
		if _, err := a.db.Curate(ctx, editor, e); err != nil {
			t.Fatalf("%s: %v", e.Action, err)
		}
	}

	check := func(when string) {
		t.Helper()
		all, err := a.db.Events(ctx, store.EventFilter{IncludeHidden: true})
		if err != nil {
			t.Fatal(err)
		}
		byKey := map[string]model.Event{}
		for _, e := range all {
			byKey[e.Key] = e
		}
		e, ok := byKey[edited.Key]
		if !ok {
			t.Fatalf("%s: the edited event %s is gone", when, edited.Key)
		}
		if e.ID != edited.ID || e.Title != title || !e.Hidden || !e.Date.Equal(announced) {
			t.Errorf("%s: edited event reads id %d %q hidden=%v date %s; want id %d %q hidden on %s", when,
				e.ID, e.Title, e.Hidden, e.Date.Format(time.DateOnly), edited.ID, title, announced.Format(time.DateOnly))
		}
		tg, ok := byKey[target.Key]
		if !ok {
			t.Fatalf("%s: the event a document was attached to (%s) is gone", when, target.Key)
		}
		if !slices.ContainsFunc(tg.Documents, func(d model.EventDocument) bool { return d.DocumentID == attach }) {
			t.Errorf("%s: document %d no longer attached to %s", when, attach, target.Key)
		}
		// Readers do not see the hidden event: not on the timeline's API.
		res := httptest.NewRecorder()
		h.ServeHTTP(res, httptest.NewRequest("GET", "/api/timeline", nil))
		body, _ := io.ReadAll(res.Body)
		if res.Code != http.StatusOK || bytes.Contains(body, []byte(strconv.Quote(title))) {
			t.Errorf("%s: /api/timeline status %d shows the hidden event", when, res.Code)
		}
		var api struct {
			Events []json.RawMessage `json:"events"`
		}
		if err := json.Unmarshal(body, &api); err != nil || len(api.Events) != len(all)-countHidden(all) {
			t.Errorf("%s: /api/timeline lists %d events, want the %d visible (%v)", when, len(api.Events),
				len(all)-countHidden(all), err)
		}
	}
	check("after editing")

	if _, err := a.crawl(ctx, tp, tax, nil); err != nil {
		t.Fatalf("second crawl: %v", err)
	}
	if _, err := a.reindex(ctx); err != nil {
		t.Fatalf("re-index and re-cluster: %v", err)
	}
	check("after a second crawl and a full re-cluster")

	log, err := a.db.Audit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	if want := []string{"attach", "hide", "redate", "retitle"}; !slices.Equal(actions, want) {
		t.Errorf("audit log %v, want %v (newest first)", actions, want)
	}
}

func countHidden(evs []model.Event) int {
	n := 0
	for _, e := range evs {
		if e.Hidden {
			n++
		}
	}
	return n
}

func TestUserCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var out, errs bytes.Buffer
	if err := cmdUser(ctx, []string{"add", "--data", dir, "--role", "admin", "alice"},
		strings.NewReader("a long enough password\n"), &out, &errs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "added admin alice") {
		t.Errorf("user add said %q", out.String())
	}
	for _, tc := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"add", "--data", dir, "alice"}, "another long password\n", "already exists"},
		{[]string{"add", "--data", dir, "bob"}, "short\n", "at least"},
		{[]string{"add", "--data", dir, "bob"}, "", "no password"},
		{[]string{"add", "--data", dir, "--role", "owner", "bob"}, "another long password\n", "role"},
		{[]string{"add", "--data", dir}, "", "one user NAME"},
		{[]string{"delete", "--data", dir, "bob"}, "", `unknown command "user delete"`},
	} {
		err := cmdUser(ctx, tc.args, strings.NewReader(tc.stdin), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("user %v: %v, want %q", tc.args, err, tc.want)
		}
	}
	out.Reset()
	if err := cmdUser(ctx, []string{"list", "--data", dir}, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "alice") || !strings.Contains(out.String(), "admin") || strings.Contains(out.String(), "bob") {
		t.Errorf("user list:\n%s", out.String())
	}
	db, err := store.Open(ctx, dir+"/policywatch.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Authenticate(ctx, "alice", "a long enough password"); err != nil {
		t.Errorf("alice cannot sign in with the password given on stdin: %v", err)
	}
}
