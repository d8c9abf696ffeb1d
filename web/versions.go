package web

import (
	"context"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"policywatch/model"
	"policywatch/store"
)

// ArchiveStore is the part of the store behind versions, diffs and the
// changes feed.
type ArchiveStore interface {
	Versions(ctx context.Context, docID int64) ([]store.Version, error)
	Version(ctx context.Context, docID int64, n int) (*store.Version, error)
	Withdrawals(ctx context.Context, docID int64) ([]store.Withdrawal, error)
	Aliases(ctx context.Context, docID int64) ([]store.Alias, error)
	Changes(ctx context.Context, f store.ChangeFilter) ([]store.Change, error)
}

// archivedDocument is the start of every per-document archive handler:
// the archive, and the document the path's {id} names.
func (s *Server) archivedDocument(r *http.Request) (ArchiveStore, *model.Document, error) {
	a := s.store
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	doc, err := s.store.Document(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	return a, doc, nil
}

// archiveView is the document page's archive section: every version with
// its capture times, withdrawals, and the other places the same text was
// published (syndicated copies stored as aliases).
type archiveView struct {
	Versions    []store.Version
	Withdrawals []store.Withdrawal
	Aliases     []store.Alias
}

// archiveInfo loads the archive section of a document page.
func (s *Server) archiveInfo(ctx context.Context, docID int64) (*archiveView, error) {
	a := s.store
	var (
		v   archiveView
		err error
	)
	if v.Versions, err = a.Versions(ctx, docID); err != nil {
		return nil, err
	}
	if v.Withdrawals, err = a.Withdrawals(ctx, docID); err != nil {
		return nil, err
	}
	if v.Aliases, err = a.Aliases(ctx, docID); err != nil {
		return nil, err
	}
	return &v, nil
}

// versionView is a version's permalink page: exactly what the page said
// from CapturedAt on, with the capture that is its evidence.
type versionView struct {
	Doc        *model.Document
	Version    *store.Version
	Newest     int
	Prev       int // the version before, 0 for the first
	Paragraphs []string
}

func (s *Server) versionPage(w http.ResponseWriter, r *http.Request) {
	a, doc, err := s.archivedDocument(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		s.fail(w, r, errNotFound)
		return
	}
	v, err := a.Version(r.Context(), doc.ID, n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := versionView{Doc: doc, Version: v, Newest: doc.Version, Prev: n - 1, Paragraphs: paragraphs(v.Text)}
	title := v.Title
	if title == "" {
		title = doc.URL
	}
	s.render(w, r, http.StatusOK, "version", page{Title: title + " (version " + strconv.Itoa(n) + ")", Data: view})
}

// diffView compares two versions of a document word by word.
type diffView struct {
	Doc      *model.Document
	From, To *store.Version
	Versions []store.Version
	Diff     template.HTML
	Added    int // runs of words added
	Removed  int
}

func (s *Server) diffPage(w http.ResponseWriter, r *http.Request) {
	a, doc, err := s.archivedDocument(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := doc.ID
	q := r.URL.Query()
	from, err := versionParam(q.Get("from"), "from", max(doc.Version-1, 1))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	to, err := versionParam(q.Get("to"), "to", doc.Version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vf, err := a.Version(r.Context(), id, from)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vt, err := a.Version(r.Context(), id, to)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := a.Versions(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	parts := diffVersions(vf, vt)
	added, removed := store.AddedRemoved(parts)
	view := diffView{Doc: doc, From: vf, To: vt, Versions: all, Diff: diffHTML(parts), Added: len(added), Removed: len(removed)}
	s.render(w, r, http.StatusOK, "diff", page{Title: "Changes to " + doc.Title, Data: view})
}

func versionParam(v, name string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, badParam(name, "want a version number (1, 2, …), got %q", v)
	}
	return n, nil
}

// diffVersions compares the title and text of two versions.
func diffVersions(from, to *store.Version) []store.DiffPart {
	return store.DiffWords(from.Title+"\n"+from.Text, to.Title+"\n"+to.Text)
}

// diffHTML renders a word diff: removed words in <del>, added in <ins>,
// paragraph breaks as <br>. Every piece of crawled text is escaped.
func diffHTML(parts []store.DiffPart) template.HTML {
	var b strings.Builder
	for _, p := range parts {
		text := strings.ReplaceAll(html.EscapeString(p.Text), "\n", "<br>\n")
		switch p.Op {
		case store.DiffInsert:
			b.WriteString(`<ins>` + text + `</ins>`)
		case store.DiffDelete:
			b.WriteString(`<del>` + text + `</del>`)
		default:
			b.WriteString(text)
		}
	}
	return template.HTML(b.String())
}
