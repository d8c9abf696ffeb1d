package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"policywatch/model"
	"policywatch/query"
	"policywatch/store"
)

// changeEntry is one amendment or withdrawal as the changes page and the
// Atom feed show it: what happened, when, and the word diff.
type changeEntry struct {
	store.Change
	Link string        // the diff of an amendment, the kept version of a withdrawal
	Diff template.HTML // amendments only
}

// changesView is what templates/changes.html renders.
type changesView struct {
	Entries    []changeEntry
	Sources    []string
	Categories []string
	DocKind    string
	FeedURL    string
}

// changesLimit bounds the page and the feed: each entry carries a diff.
const changesLimit = 50

// changesFilter reads ?source=, ?category=, ?change= (amended, withdrawn)
// and ?kind= (official by default, as the feed follows official pages;
// "all" for news pages too).
func (s *Server) changesFilter(q url.Values) (store.ChangeFilter, string, error) {
	f := store.ChangeFilter{
		Sources: values(q, "source"),
		Kinds:   values(q, "change"),
		Limit:   changesLimit,
	}
	var err error
	if f.Categories, err = s.resolveAll(q, "category", query.FieldCategory, values(q, "category")); err != nil {
		return f, "", err
	}
	for _, k := range f.Kinds {
		if k != store.ChangeAmended && k != store.ChangeWithdrawn {
			return f, "", badParam("change", "want amended or withdrawn, got %q", k)
		}
	}
	kind := q.Get("kind")
	switch kind {
	case "":
		kind = string(model.KindOfficial)
		f.DocKinds = []string{kind}
	case "all":
	case string(model.KindOfficial), string(model.KindNews):
		f.DocKinds = []string{kind}
	default:
		return f, "", badParam("kind", "want official, news or all, got %q", kind)
	}
	return f, kind, nil
}

// changeEntries loads the changes matching f with their diffs.
func (s *Server) changeEntries(ctx context.Context, a ArchiveStore, f store.ChangeFilter) ([]changeEntry, error) {
	changes, err := a.Changes(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]changeEntry, 0, len(changes))
	for _, c := range changes {
		e := changeEntry{Change: c}
		switch c.Kind {
		case store.ChangeAmended:
			e.Link = fmt.Sprintf("/documents/%d/diff?from=%d&to=%d", c.DocumentID, c.From, c.To)
			from, err := a.Version(ctx, c.DocumentID, c.From)
			if err != nil {
				return nil, err
			}
			to, err := a.Version(ctx, c.DocumentID, c.To)
			if err != nil {
				return nil, err
			}
			e.Diff = diffHTML(onlyChanged(diffVersions(from, to)))
		default:
			e.Link = fmt.Sprintf("/documents/%d/versions/%d", c.DocumentID, c.To)
		}
		out = append(out, e)
	}
	return out, nil
}

// onlyChanged shortens the unchanged runs of a diff to a few words of
// context each side, so a feed entry shows the edit, not the whole page.
func onlyChanged(parts []store.DiffPart) []store.DiffPart {
	const context = 12 // words
	out := make([]store.DiffPart, 0, len(parts))
	for i, p := range parts {
		words := strings.Fields(p.Text)
		if p.Op != store.DiffEqual || len(words) <= 2*context {
			out = append(out, p)
			continue
		}
		// Keep the run's own edges: "effect</ins>, and" must not become
		// "effect</ins> , and".
		lead, trail := "", ""
		if strings.TrimLeft(p.Text, " \n\t") != p.Text {
			lead = " "
		}
		if strings.TrimRight(p.Text, " \n\t") != p.Text {
			trail = " "
		}
		var text string
		if i > 0 {
			text += lead + strings.Join(words[:context], " ")
		}
		text += " … "
		if i < len(parts)-1 {
			text += strings.Join(words[len(words)-context:], " ") + trail
		}
		out = append(out, store.DiffPart{Op: store.DiffEqual, Text: text})
	}
	return out
}

// loadChanges is what the changes page and its feed share: the filters in
// the URL and the entries they select.
func (s *Server) loadChanges(r *http.Request) ([]changeEntry, store.ChangeFilter, string, error) {
	a := s.store
	f, kind, err := s.changesFilter(r.URL.Query())
	if err != nil {
		return nil, f, kind, err
	}
	entries, err := s.changeEntries(r.Context(), a, f)
	return entries, f, kind, err
}

func (s *Server) changesPage(w http.ResponseWriter, r *http.Request) {
	entries, f, kind, err := s.loadChanges(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	feed := "/feeds/changes.atom"
	if r.URL.RawQuery != "" {
		feed += "?" + r.URL.RawQuery
	}
	view := changesView{Entries: entries, Sources: f.Sources, Categories: f.Categories, DocKind: kind, FeedURL: feed}
	s.render(w, r, http.StatusOK, "changes", page{Title: "Changes to official pages", Nav: "changes", Data: view})
}

// changesFeed serves the changes as Atom, with the same filters as the
// page; each entry's content is the word diff (HTML, escaped in the XML).
func (s *Server) changesFeed(w http.ResponseWriter, r *http.Request) {
	entries, _, _, err := s.loadChanges(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := s.archiveBase(r)
	self := base + r.URL.RequestURI()
	feed := atomFeed{
		ID:     self,
		Title:  "policywatch: amended and withdrawn pages",
		Links:  []atomLink{{Rel: "self", Href: self, Type: "application/atom+xml"}, {Rel: "alternate", Href: base + "/changes" + querySuffix(r.URL.RawQuery)}},
		Author: atomPerson{Name: "policywatch"},
	}
	updated := time.Unix(0, 0).UTC()
	for _, e := range entries {
		if e.At.After(updated) {
			updated = e.At
		}
		ae := atomEntry{
			ID:      fmt.Sprintf("%s/documents/%d#%s-%d", base, e.DocumentID, e.Kind, e.To),
			Updated: e.At.UTC().Format(time.RFC3339),
			Links:   []atomLink{{Rel: "alternate", Href: base + e.Link}},
		}
		if isWebURL(e.URL) { // never a javascript: or data: link in a feed reader
			ae.Links = append(ae.Links, atomLink{Rel: "related", Href: e.URL})
		}
		for _, c := range e.Categories {
			ae.Category = append(ae.Category, atomCategory{Term: c})
		}
		switch e.Kind {
		case store.ChangeAmended:
			ae.Title = "Amended: " + e.Title
			ae.Summary = fmt.Sprintf("%s changed %s from version %d to %d.", e.Source, e.URL, e.From, e.To)
			ae.Content = atomContent{Type: "html", Body: string(e.Diff)}
		default:
			ae.Title = "Withdrawn: " + e.Title
			ae.Summary = fmt.Sprintf("%s answered HTTP %d; the archive keeps version %d.", e.URL, e.Status, e.To)
			ae.Content = atomContent{Type: "text", Body: ae.Summary}
		}
		feed.Entries = append(feed.Entries, ae)
	}
	feed.Updated = updated.UTC().Format(time.RFC3339)
	s.writeAtom(w, r, feed)
}

func querySuffix(raw string) string {
	if raw == "" {
		return ""
	}
	return "?" + raw
}
