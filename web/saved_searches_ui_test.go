package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"policywatch/store"
)

// editorSession signs a new editor in through the store and returns the
// session cookie and its CSRF token.
func editorSession(t *testing.T, db *store.DB, name string) (*http.Cookie, string) {
	t.Helper()
	ctx := context.Background()
	u, err := db.AddUser(ctx, name, store.RoleEditor, "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.CreateSession(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: sessionCookie, Value: s.Token}, s.CSRF
}

func postWith(t *testing.T, h http.Handler, target string, form url.Values, c *http.Cookie) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c != nil {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// TestSavedSearchesInTheWebUI: an editor saves the search on screen,
// finds it listed with its feed, and deletes it; readers can do none of it.
func TestSavedSearchesInTheWebUI(t *testing.T) {
	hs := newVocabularyHarness(t)
	cookie, csrf := editorSession(t, hs.db, "ed")

	// A reader sees no save form and cannot reach the list.
	if body := hs.get(t, "/?q=sanctions", 200); strings.Contains(body, `action="/saved-searches"`) {
		t.Error("a reader is offered the save form")
	}
	res, _ := get(t, hs.h, "/saved-searches")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
		t.Errorf("a reader opening /saved-searches: %d %s, want the sign-in page", res.StatusCode, res.Header.Get("Location"))
	}
	if res := postWith(t, hs.h, "/saved-searches", url.Values{"name": {"x"}, "q": {"visa"}}, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a reader saving: %d, want 403", res.StatusCode)
	}

	// The search page offers an editor to save what is shown.
	_, body := getWithCookies(t, hs.h, "/?q=sanctions&category=Sanctions", cookie)
	form := regexp.MustCompile(`(?s)<form method="post" action="/saved-searches" class="save-search">(.*?)</form>`).FindStringSubmatch(body)
	if form == nil {
		t.Fatal("no save form on the search page for an editor")
	}
	fields := url.Values{"name": {"Sanctions watch"}}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(form[1], -1) {
		fields.Add(m[1], m[2])
	}
	if fields.Get("csrf") != csrf || fields.Get("q") != "sanctions" || fields.Get("category") != "sanction" {
		t.Fatalf("save form carries %v", fields)
	}
	res = postWith(t, hs.h, "/saved-searches", fields, cookie)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	_, body = getWithCookies(t, hs.h, res.Header.Get("Location"), cookie)
	for _, want := range []string{"Saved “Sanctions watch”", `href="/?category=sanction&amp;q=sanctions">Sanctions watch</a>`,
		"sanctions · category: Sanctions", `href="/feeds/search.atom?category=sanction&amp;q=sanctions"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the list lacks %s", want)
		}
	}
	list, err := hs.db.SavedSearches(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("stored: %v %v", list, err)
	}

	// A search that cannot run is refused with the reason, not saved.
	for _, bad := range []url.Values{
		{"name": {"Broken"}, "q": {`"unclosed`}},
		{"name": {"Unknown"}, "category": {"immigration"}},
		{"name": {""}, "q": {"visa"}},
		{"name": {"Hook"}, "q": {"visa"}, "webhook": {"ftp://x"}},
	} {
		bad.Set("csrf", csrf)
		res := postWith(t, hs.h, "/saved-searches", bad, cookie)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("saving %v: %d, want 400", bad, res.StatusCode)
		}
	}
	if list, _ := hs.db.SavedSearches(context.Background()); len(list) != 1 {
		t.Errorf("%d saved searches after refused ones, want 1", len(list))
	}

	// Delete: without the token refused, with it gone.
	del := "/saved-searches/" + itoa(list[0].ID) + "/delete"
	if res := postWith(t, hs.h, del, url.Values{}, cookie); res.StatusCode != http.StatusForbidden {
		t.Errorf("delete without CSRF: %d, want 403", res.StatusCode)
	}
	if res := postWith(t, hs.h, del, url.Values{"csrf": {csrf}}, cookie); res.StatusCode != http.StatusSeeOther {
		t.Errorf("delete: %d", res.StatusCode)
	}
	if list, _ := hs.db.SavedSearches(context.Background()); len(list) != 0 {
		t.Errorf("still %d saved searches after delete", len(list))
	}
}

// TestHeaderSaysWhoIsSignedIn: readers get a sign-in link that comes back
// to the page; a signed-in editor sees their name, saved searches and a
// sign-out button.
func TestHeaderSaysWhoIsSignedIn(t *testing.T) {
	hs := newVocabularyHarness(t)
	body := hs.get(t, "/timeline?category=sanction", 200)
	if !strings.Contains(body, `<a href="/login?next=%2ftimeline%3fcategory%3dsanction">Sign in</a>`) {
		t.Errorf("no sign-in link back to the page:\n%.1500s", body)
	}
	cookie, csrf := editorSession(t, hs.db, "alice")
	_, body = getWithCookies(t, hs.h, "/timeline", cookie)
	for _, want := range []string{"Signed in as <strong>alice</strong>", `href="/saved-searches"`, `action="/logout"`, `value="` + csrf + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("signed-in header lacks %s", want)
		}
	}
	if strings.Contains(body, ">Sign in</a>") {
		t.Error("a signed-in editor is offered to sign in")
	}
}
