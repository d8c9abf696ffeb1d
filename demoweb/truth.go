package demoweb

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// PageTruth is the ground truth about one demo page, read from its
// *.truth.json sidecar and the page's front matter. Tests compare what
// the crawler, extractor, tagger and timeline produce against it.
type PageTruth struct {
	Site        string   // site id, e.g. "state"
	Path        string   // URL path on the site
	Title       string   // the page's title as rendered
	Topic       bool     // false for off-topic pages, which must not be stored
	Categories  []string // taxonomy category ids
	Actors      []string // actor ids, issuer first
	EventDate   string   // YYYY-MM-DD of the reported event, "" when none
	Published   string   // YYYY-MM-DD the page was published
	Syndication string   // same id on every copy of a syndicated story
}

// Truth reads every sidecar of every site. A sidecar without its page is
// an error, so ground truth can never point at a page nobody can fetch.
func Truth() ([]PageTruth, error) {
	return truthFrom(content)
}

func truthFrom(fsys fs.FS) ([]PageTruth, error) {
	var out []PageTruth
	for _, s := range sites {
		dir := path.Join("sites", s.ID, "pages")
		matches, err := fs.Glob(fsys, dir+"/*.truth.json")
		if err != nil {
			return nil, fmt.Errorf("list sidecars of %s: %w", s.ID, err)
		}
		for _, file := range matches {
			tf, err := readTruth(fsys, file)
			if err != nil {
				return nil, err
			}
			md := strings.TrimSuffix(file, ".truth.json") + ".md"
			data, err := fs.ReadFile(fsys, md)
			if err != nil {
				return nil, fmt.Errorf("sidecar %s has no page: %w", file, err)
			}
			p, err := parsePage(s.ID, md, data)
			if err != nil {
				return nil, err
			}
			out = append(out, PageTruth{
				Site: s.ID, Path: p.Path, Title: p.Title, Topic: tf.Topic,
				Categories: tf.Categories, Actors: tf.Actors,
				EventDate: tf.EventDate, Published: tf.Published, Syndication: tf.Syndication,
			})
		}
	}
	return out, nil
}

// PageURL is the absolute URL of a truth page on the running web.
func (w *Web) PageURL(pt PageTruth) string {
	return w.URL(pt.Site) + pt.Path
}
