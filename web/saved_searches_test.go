package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"policywatch/store"
)

// TestSavedSearchesListNeedsSignIn: the list of saved searches (names and
// queries an editor chose) is for signed-in editors and admins; a reader
// or a script without a session gets 401 and learns nothing, while the
// feed each saved search points subscribers to keeps working for anyone.
func TestSavedSearchesListNeedsSignIn(t *testing.T) {
	hs := newSearchHarness(t)
	ctx := context.Background()
	saved := &store.SavedSearch{Name: "Watch: extradition treaties", Params: "q=extradition&kind=news", Webhook: "https://hooks.example/secret-token"}
	if err := hs.db.SaveSearch(ctx, saved); err != nil {
		t.Fatal(err)
	}
	admin := sessionCookieFor(t, hs.db, "root", store.RoleAdmin)
	for _, tc := range []struct {
		name       string
		cookie     *http.Cookie
		wantStatus int
	}{
		{"no session", nil, http.StatusUnauthorized},
		{"unknown session", &http.Cookie{Name: sessionCookie, Value: "not-a-session"}, http.StatusUnauthorized},
		{"editor", editorCookie(t, hs.db), http.StatusOK},
		{"admin", admin, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cookies []*http.Cookie
			if tc.cookie != nil {
				cookies = append(cookies, tc.cookie)
			}
			res, body := getWithCookies(t, hs.h, "/api/saved-searches", cookies...)
			if res.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d\n%s", res.StatusCode, tc.wantStatus, body)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q, want JSON for an API client", ct)
			}
			if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("Cache-Control %q: a shared cache could keep the list or its refusal", cc)
			}
			listed := strings.Contains(body, saved.Name) || strings.Contains(body, "extradition")
			if tc.wantStatus != http.StatusOK {
				if listed {
					t.Errorf("refused response still shows the saved search:\n%s", body)
				}
				if !strings.Contains(body, "Sign in") {
					t.Errorf("refusal does not say to sign in:\n%s", body)
				}
				return
			}
			var out struct {
				SavedSearches []struct {
					Name string `json:"name"`
					Feed string `json:"feed"`
				} `json:"saved_searches"`
			}
			if err := json.Unmarshal([]byte(body), &out); err != nil || len(out.SavedSearches) != 1 || out.SavedSearches[0].Name != saved.Name {
				t.Fatalf("list %s (%v), want the saved search", body, err)
			}
			if strings.Contains(body, "secret-token") {
				t.Errorf("the webhook address is listed:\n%s", body)
			}
			// A subscriber follows the feed without any account.
			feedRes, feed := get(t, hs.h, out.SavedSearches[0].Feed)
			if feedRes.StatusCode != http.StatusOK || !strings.Contains(feedRes.Header.Get("Content-Type"), "atom") || !strings.Contains(feed, "extradition") {
				t.Errorf("feed %s without a session: status %d, Content-Type %q\n%.500s", out.SavedSearches[0].Feed,
					feedRes.StatusCode, feedRes.Header.Get("Content-Type"), feed)
			}
		})
	}
}

// editorCookie adds an editor account to db and returns a signed-in
// session cookie for it.
func editorCookie(t *testing.T, db *store.DB) *http.Cookie {
	t.Helper()
	users, err := db.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sessionCookieFor(t, db, "editor"+strconv.Itoa(len(users)+1), store.RoleEditor)
}

func sessionCookieFor(t *testing.T, db *store.DB, name, role string) *http.Cookie {
	t.Helper()
	ctx := context.Background()
	u, err := db.AddUser(ctx, name, role, "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.CreateSession(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: sessionCookie, Value: s.Token}
}

func getWithCookies(t *testing.T, h http.Handler, target string, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// checkUnauthorized asserts that target, fetched without a session,
// answers 401 as documented, with the documented error shape.
func checkUnauthorized(t *testing.T, doc *openAPIDoc, h http.Handler, target string, responses map[string]json.RawMessage) {
	t.Helper()
	res, body := get(t, h, target)
	raw, documented := responses["401"]
	if res.StatusCode != http.StatusUnauthorized || !documented {
		t.Errorf("GET %s without a session: %d (401 documented: %v)", target, res.StatusCode, documented)
		return
	}
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Errorf("GET %s without a session: not JSON: %v", target, err)
		return
	}
	if errs := validate(doc, responseSchema(t, doc, raw), v, "$"); len(errs) > 0 {
		t.Errorf("GET %s without a session does not match its 401 schema:\n%s", target, strings.Join(errs, "\n"))
	}
}
