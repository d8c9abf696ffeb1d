package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"policywatch/model"
	"policywatch/query"
	"policywatch/store"
)

// Editorial curation: the controls on the event page, the forms behind
// them, adding an event by hand and the audit log. The store keeps every
// change as an override keyed by the event's stable key, so re-crawls and
// re-clustering do not undo it.

// curationView is the event page's editor panel; nil for readers.
type curationView struct {
	CSRF      string
	User      string
	Admin     bool // may read the audit log
	DateKinds []string
	History   []auditView
}

type auditView struct {
	store.AuditEntry
	Changes []string // what differed, in words
}

// curationFor builds the event page's editor panel when the request is an
// editor's.
func (s *Server) curationFor(r *http.Request, ev *model.Event) *curationView {
	sess := sessionFrom(r)
	if sess == nil || !sess.User.CanCurate() || s.curator == nil {
		return nil
	}
	v := &curationView{CSRF: sess.CSRF, User: sess.User.Name, Admin: sess.User.IsAdmin(), DateKinds: store.DateKinds}
	entries, err := s.curator.Audit(r.Context(), store.AuditFilter{EventKey: ev.Key, Limit: 50})
	if err != nil {
		s.log.Error("read event history", "event", ev.Key, "err", err)
	}
	for _, e := range entries {
		v.History = append(v.History, auditView{AuditEntry: e, Changes: describeChange(e.Before, e.After)})
	}
	return v
}

// merger is the part of a Curator that says where a merged event went.
type merger interface {
	MergedInto(ctx context.Context, key string) (*model.Event, error)
}

// mergedInto is the event a hidden event was merged into, for a link on
// its page; nil when it was not merged.
func (s *Server) mergedInto(r *http.Request, ev *model.Event) *model.Event {
	if s.curator == nil || !ev.Hidden {
		return nil
	}
	into, err := s.curator.MergedInto(r.Context(), ev.Key)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("read merge", "event", ev.Key, "err", err)
		}
		return nil
	}
	return into
}

// curate handles POST /events/{id}/ACTION for one action.
func (s *Server) curate(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := sessionFrom(r)
		if s.curator == nil {
			s.fail(w, r, errNotFound)
			return
		}
		if sess == nil || !sess.User.CanCurate() {
			s.forbidden(w, r, "Only editors can change events.")
			return
		}
		id, err := pathID(r, "id")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		e := store.Edit{Action: action, EventID: id, Title: r.PostFormValue("title"),
			DateKind: r.PostFormValue("kind"), Announcement: r.PostFormValue("announcement") == "1"}
		if action == store.ActionRedate {
			if e.Date, err = formDate(r, "date"); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if action == store.ActionMerge {
			if e.IntoID, err = formRef(r.PostFormValue("into"), "/events/"); err != nil {
				s.fail(w, r, badParam("into", "give the number or permalink of the event to merge into"))
				return
			}
		}
		if e.DocumentIDs, err = formDocuments(r); err != nil {
			s.fail(w, r, err)
			return
		}
		s.applyEdit(w, r, sess, e)
	}
}

func (s *Server) applyEdit(w http.ResponseWriter, r *http.Request, sess *store.Session, e store.Edit) {
	ev, err := s.curator.Curate(r.Context(), &sess.User, e)
	var ee *store.EditError
	if errors.As(err, &ee) {
		s.fail(w, r, badParam(e.Action, "%s", ee.Msg))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("curated", "user", sess.User.Name, "action", e.Action, "event", ev.Key)
	http.Redirect(w, r, "/events/"+itoa(ev.ID), http.StatusSeeOther)
}

// formDate reads a YYYY-MM-DD form field.
func formDate(r *http.Request, name string) (time.Time, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, badParam(name, "want a date as YYYY-MM-DD, got %q", v)
	}
	return d, nil
}

// formRef reads a row id given as a number or as a permalink such as
// "/events/12" or "http://host/events/12".
func formRef(v, prefix string) (int64, error) {
	v = strings.TrimSpace(v)
	if i := strings.Index(v, prefix); i >= 0 {
		v = v[i+len(prefix):]
		if j := strings.IndexAny(v, "/?#"); j >= 0 {
			v = v[:j]
		}
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, errors.New("not an id")
	}
	return id, nil
}

// formDocuments reads the "document" fields: checkboxes of the event's
// documents, or ids and /documents/N permalinks typed in, several per
// field separated by spaces or commas.
func formDocuments(r *http.Request) ([]int64, error) {
	var out []int64
	for _, v := range r.PostForm["document"] {
		for _, f := range strings.FieldsFunc(v, func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' }) {
			id, err := formRef(f, "/documents/")
			if err != nil {
				return nil, badParam("document", "%q is not a document number or permalink", f)
			}
			out = append(out, id)
		}
	}
	return out, nil
}

// newEventView is what templates/curate_new.html renders.
type newEventView struct {
	CSRF       string
	Lanes      []Lane
	Categories []string
}

func (s *Server) newEventPage(w http.ResponseWriter, r *http.Request) {
	sess := s.requireSignIn(w, r, false)
	if sess == nil {
		return
	}
	s.render(w, r, http.StatusOK, "curate_new", page{Title: "Add an event", Nav: "timeline",
		Data: newEventView{CSRF: sess.CSRF, Lanes: s.lanes, Categories: s.categories()}})
}

// categories are the ids an editor may file an event under: the lanes'
// categories when the taxonomy gives lanes.
func (s *Server) categories() []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range s.lanes {
		for _, c := range l.Categories {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

func (s *Server) addEvent(w http.ResponseWriter, r *http.Request) {
	sess := sessionFrom(r)
	if s.curator == nil {
		s.fail(w, r, errNotFound)
		return
	}
	if sess == nil || !sess.User.CanCurate() {
		s.forbidden(w, r, "Only editors can add events.")
		return
	}
	e := store.Edit{Action: store.ActionAdd, Title: r.PostFormValue("title"),
		Category: strings.TrimSpace(r.PostFormValue("category"))}
	if cats := s.categories(); len(cats) > 0 && !slices.Contains(cats, e.Category) {
		s.fail(w, r, badParam("category", "unknown category %q", e.Category))
		return
	}
	var err error
	if e.Actors, err = s.formActors(r.PostFormValue("actors")); err != nil {
		s.fail(w, r, err)
		return
	}
	if e.Date, err = formDate(r, "date"); err != nil {
		s.fail(w, r, err)
		return
	}
	if e.DocumentIDs, err = formDocuments(r); err != nil {
		s.fail(w, r, err)
		return
	}
	s.applyEdit(w, r, sess, e)
}

// actorIDPattern is what an actor id looks like when no vocabulary lists
// them (Config.Vocabulary nil).
var actorIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// formActors reads the actors an editor typed on an event (ids or
// one-word labels, separated by commas or spaces) and checks each one
// against the taxonomy's vocabulary: what is typed here reaches the
// timeline's actor filter, its exports and its CSV, so "=HYPERLINK(...)"
// or a typo must not become an actor.
func (s *Server) formActors(v string) ([]string, error) {
	var out []string
	for _, a := range strings.FieldsFunc(v, func(c rune) bool { return c == ',' || c == ' ' }) {
		id := strings.ToLower(a)
		if s.vocab.Knows(query.FieldActor) {
			var err error
			if id, err = s.vocab.Resolve(query.FieldActor, a); err != nil {
				return nil, badParam("actors", "%v", err)
			}
		} else if !actorIDPattern.MatchString(id) {
			return nil, badParam("actors", "%q is not an actor id (lower-case letters, digits, - and _)", a)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// describeChange says in words what an audit entry changed, from the
// store's before and after snapshots of the event.
func describeChange(before, after string) []string {
	type snap struct {
		Title     string            `json:"title"`
		Date      string            `json:"date"`
		Dates     map[string]string `json:"dates"`
		Hidden    bool              `json:"hidden"`
		Confirmed bool              `json:"confirmed"`
		Documents []int64           `json:"documents"`
	}
	var b, a snap
	if err := json.Unmarshal([]byte(after), &a); err != nil {
		return nil
	}
	if before == "" {
		return []string{fmt.Sprintf("created %q dated %s with %d documents", a.Title, a.Date, len(a.Documents))}
	}
	if err := json.Unmarshal([]byte(before), &b); err != nil {
		return nil
	}
	var out []string
	if a.Title != b.Title {
		out = append(out, fmt.Sprintf("title %q → %q", b.Title, a.Title))
	}
	for _, k := range store.DateKinds {
		if a.Dates[k] != b.Dates[k] {
			out = append(out, fmt.Sprintf("%s date %s → %s", k, orNone(b.Dates[k]), orNone(a.Dates[k])))
		}
	}
	if a.Hidden != b.Hidden {
		out = append(out, map[bool]string{true: "hidden", false: "shown again"}[a.Hidden])
	}
	if a.Confirmed != b.Confirmed {
		out = append(out, "confirmed")
	}
	var added, removed []string
	for _, d := range a.Documents {
		if !slices.Contains(b.Documents, d) {
			added = append(added, itoa(d))
		}
	}
	for _, d := range b.Documents {
		if !slices.Contains(a.Documents, d) {
			removed = append(removed, itoa(d))
		}
	}
	if len(added) > 0 {
		out = append(out, "documents added: "+strings.Join(added, ", "))
	}
	if len(removed) > 0 {
		out = append(out, "documents removed: "+strings.Join(removed, ", "))
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// auditPageView is what templates/curate_audit.html renders.
type auditPageView struct {
	Entries []auditView
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	if s.curator == nil {
		s.fail(w, r, errNotFound)
		return
	}
	if s.requireSignIn(w, r, true) == nil {
		return
	}
	entries, err := s.curator.Audit(r.Context(), store.AuditFilter{Limit: 500})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var view auditPageView
	for _, e := range entries {
		view.Entries = append(view.Entries, auditView{AuditEntry: e, Changes: describeChange(e.Before, e.After)})
	}
	s.render(w, r, http.StatusOK, "curate_audit", page{Title: "Audit log", Data: view})
}
