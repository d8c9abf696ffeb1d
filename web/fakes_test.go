package web

import (
	"context"
	"errors"
	"html/template"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"policywatch/index"
	"policywatch/model"
	"policywatch/query"
	"policywatch/store"
)

// fakeStore is an in-memory Store.
type fakeStore struct {
	docs     map[int64]*model.Document
	captures map[int64]*model.Capture
	events   []model.Event
	runs     []model.CrawlRun
	err      error // returned by every call when set
}

func (f *fakeStore) Document(ctx context.Context, id int64) (*model.Document, error) {
	if f.err != nil {
		return nil, f.err
	}
	d, ok := f.docs[id]
	if !ok {
		return nil, store.ErrNotFound
	}
	return d, nil
}

func (f *fakeStore) Captures(ctx context.Context, docID int64) ([]model.Capture, error) {
	if f.err != nil {
		return nil, f.err
	}
	var out []model.Capture
	for _, c := range f.captures {
		if c.DocumentID == docID {
			cc := *c
			cc.Body = nil // like the store: bodies are not loaded in lists
			out = append(out, cc)
		}
	}
	slices.SortFunc(out, func(a, b model.Capture) int { return int(a.ID - b.ID) })
	return out, nil
}

func (f *fakeStore) Capture(ctx context.Context, id int64) (*model.Capture, error) {
	if f.err != nil {
		return nil, f.err
	}
	c, ok := f.captures[id]
	if !ok {
		return nil, store.ErrNotFound
	}
	return c, nil
}

func (f *fakeStore) Events(ctx context.Context, fl store.EventFilter) ([]model.Event, error) {
	if f.err != nil {
		return nil, f.err
	}
	var out []model.Event
	for _, e := range f.events {
		if fl.Category != "" && e.Category != fl.Category && !slices.Contains(e.Categories, fl.Category) {
			continue // like the store: an announcement of several kinds is under each
		}
		if fl.Actor != "" && !slices.Contains(e.Actors, fl.Actor) {
			continue
		}
		if !fl.From.IsZero() && e.Date.Before(fl.From) {
			continue
		}
		if !fl.To.IsZero() && e.Date.After(fl.To) {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

func (f *fakeStore) Event(ctx context.Context, id int64) (*model.Event, error) {
	if f.err != nil {
		return nil, f.err
	}
	for i := range f.events {
		if f.events[i].ID == id {
			return &f.events[i], nil
		}
	}
	return nil, store.ErrNotFound
}

func (f *fakeStore) Runs(ctx context.Context, limit int) ([]model.CrawlRun, error) {
	if f.err != nil {
		return nil, f.err
	}
	return f.runs[:min(limit, len(f.runs))], nil
}

func (f *fakeStore) Run(ctx context.Context, id int64) (*model.CrawlRun, error) {
	if f.err != nil {
		return nil, f.err
	}
	for i := range f.runs {
		if f.runs[i].ID == id {
			return &f.runs[i], nil
		}
	}
	return nil, store.ErrNotFound
}

// The archive, coverage, saved-search and release parts of the fake hold
// nothing: the pages that need them are tested on the real store
// (openArchive).

func (f *fakeStore) Versions(ctx context.Context, docID int64) ([]store.Version, error) {
	return nil, f.err
}

func (f *fakeStore) Version(ctx context.Context, docID int64, n int) (*store.Version, error) {
	return nil, store.ErrNotFound
}

func (f *fakeStore) Withdrawals(ctx context.Context, docID int64) ([]store.Withdrawal, error) {
	return nil, f.err
}

func (f *fakeStore) Aliases(ctx context.Context, docID int64) ([]store.Alias, error) {
	return nil, f.err
}

func (f *fakeStore) Changes(ctx context.Context, fl store.ChangeFilter) ([]store.Change, error) {
	return nil, f.err
}

func (f *fakeStore) SourceCoverages(ctx context.Context) ([]store.Coverage, error) {
	return nil, f.err
}

func (f *fakeStore) SourceCoverage(ctx context.Context, name string) (*store.Coverage, error) {
	return nil, store.ErrNotFound
}

func (f *fakeStore) SavedSearches(ctx context.Context) ([]store.SavedSearch, error) {
	return nil, f.err
}

func (f *fakeStore) SaveSearch(ctx context.Context, s *store.SavedSearch) error {
	return errors.New("the fake store keeps no saved searches")
}

func (f *fakeStore) DeleteSavedSearch(ctx context.Context, id int64) error {
	return store.ErrNotFound
}

// WithdrawnAmong knows of no withdrawn pages.
func (f *fakeStore) WithdrawnAmong(ctx context.Context, ids []int64) (map[int64]time.Time, error) {
	return nil, f.err
}

// ArchivedAt knows of no archived links: every link stays live.
func (f *fakeStore) ArchivedAt(ctx context.Context, urls []string, at time.Time) (map[string]store.ArchivedLink, error) {
	return nil, f.err
}

// HasSource knows the sources of its documents.
func (f *fakeStore) HasSource(ctx context.Context, name string) (bool, error) {
	names, err := f.SourceNames(ctx)
	return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, name) }), err
}

func (f *fakeStore) SourceNames(ctx context.Context) ([]string, error) {
	var names []string
	for _, d := range f.docs {
		if !slices.Contains(names, d.Source) {
			names = append(names, d.Source)
		}
	}
	slices.Sort(names)
	return names, f.err
}

func (f *fakeStore) SaveRelease(ctx context.Context, r *store.Release) (bool, error) {
	return false, errors.New("the fake store keeps no releases")
}

func (f *fakeStore) Release(ctx context.Context, id string) (*store.Release, error) {
	return nil, store.ErrNotFound
}

func (f *fakeStore) Releases(ctx context.Context, limit int) ([]store.Release, error) {
	return nil, f.err
}

// fakeIndex parses the query with the real parser (so syntax errors are
// the ones users will see) and returns canned hits and facets.
type fakeIndex struct {
	result *index.Result
	err    error
	last   index.Request
	calls  int
}

func (f *fakeIndex) Search(ctx context.Context, r index.Request) (*index.Result, error) {
	f.calls++
	f.last = r
	if f.err != nil {
		return nil, f.err
	}
	if strings.TrimSpace(r.Query) != "" {
		if _, err := query.Parse(r.Query); err != nil {
			return nil, err
		}
	}
	if f.result == nil {
		return &index.Result{}, nil
	}
	return f.result, nil
}

// AutoHistogram draws nothing: the fake has no dates to count.
func (f *fakeIndex) AutoHistogram(ctx context.Context, r index.Request) (string, []index.Bucket, error) {
	return "", nil, nil
}

func (f *fakeIndex) Similar(ctx context.Context, id int64, limit int) ([]index.Hit, error) {
	return nil, index.ErrNotFound
}

// Each lists the canned hits.
func (f *fakeIndex) Each(ctx context.Context, r index.Request, fn func(index.Hit) error) error {
	res, err := f.Search(ctx, r)
	if err != nil {
		return err
	}
	for _, h := range res.Hits {
		if err := fn(h); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeIndex) Count() (uint64, error) {
	if f.result == nil {
		return 0, nil
	}
	return f.result.Total, nil
}

var errBoom = errors.New("disk on fire: /var/lib/secret/path")

// mark builds a snippet the way the index does: escaped text with <mark>.
func mark(before, hit, after string) template.HTML {
	e := template.HTMLEscapeString
	return template.HTML(e(before) + "<mark>" + e(hit) + "</mark>" + e(after))
}

// openArchive opens a real SQLite store and Bleve index in a temporary
// directory, closed when the test ends; tests that need the real packages
// (rather than the fakes above) start here.
func openArchive(t *testing.T) (*store.DB, *index.Index) {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ix.SetArchive(db) // hits and snippets come from the store
	return db, ix
}

func (f *fakeStore) RelatedEvents(ctx context.Context, id int64) ([]store.RelatedEvent, error) {
	if f.err != nil {
		return nil, f.err
	}
	docs := map[int64]bool{}
	for _, e := range f.events {
		if e.ID == id {
			for _, d := range e.Documents {
				docs[d.DocumentID] = true
			}
		}
	}
	var out []store.RelatedEvent
	for _, e := range f.events {
		n := 0
		for _, d := range e.Documents {
			if docs[d.DocumentID] {
				n++
			}
		}
		if e.ID != id && n > 0 && !e.Hidden {
			out = append(out, store.RelatedEvent{Event: e, Shared: n})
		}
	}
	return out, nil
}

func (f *fakeStore) AnnouncementEvents(ctx context.Context, keys ...string) (map[string][]model.Event, error) {
	if f.err != nil {
		return nil, f.err
	}
	out := map[string][]model.Event{}
	for _, e := range f.events {
		if e.Announcement != "" && !e.Hidden && (len(keys) == 0 || slices.Contains(keys, e.Announcement)) {
			out[e.Announcement] = append(out[e.Announcement], e)
		}
	}
	for k, evs := range out {
		if len(evs) < 2 {
			delete(out, k)
			continue
		}
		// Like the store: the main event first, then by category.
		slices.SortStableFunc(evs, func(a, b model.Event) int {
			return boolRank(b.MainOfAnnouncement()) - boolRank(a.MainOfAnnouncement())
		})
	}
	return out, nil
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
