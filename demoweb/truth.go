package demoweb

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"policywatch/model"
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
	docs, err := Documents()
	if err != nil {
		return nil, err
	}
	out := make([]PageTruth, len(docs))
	for i, d := range docs {
		out[i] = d.Truth
	}
	return out, nil
}

// PageURL is the absolute URL of a truth page on the running web.
func (w *Web) PageURL(pt PageTruth) string {
	return w.URL(pt.Site) + pt.Path
}

// PageDocument is a demo page as a crawl would store it, with its ground
// truth: what the tagger and the clustering are measured on without
// running a crawl.
type PageDocument struct {
	Doc   model.Document
	Truth PageTruth
}

// Documents returns every page with a sidecar as a document: title, plain
// text (paragraphs separated by "\n"), language, the site's own name as
// publisher, the kind of the site, and the published date with the
// provenance its date markup gives.
func Documents() ([]PageDocument, error) {
	var out []PageDocument
	for _, s := range sites {
		files, err := fs.Glob(content, path.Join("sites", s.ID, "pages", "*.truth.json"))
		if err != nil {
			return nil, err
		}
		for _, file := range files {
			tf, err := readTruth(content, file)
			if err != nil {
				return nil, err
			}
			md := strings.TrimSuffix(file, ".truth.json") + ".md"
			data, err := fs.ReadFile(content, md)
			if err != nil {
				return nil, fmt.Errorf("sidecar %s has no page: %w", file, err)
			}
			p, err := parsePage(s.ID, md, data)
			if err != nil {
				return nil, err
			}
			lang := p.Lang
			if lang == "" {
				lang = s.Lang
			}
			dateSource := model.DateFromMeta
			if p.DateMarkup == "text" {
				dateSource = model.DateFromText
			}
			out = append(out, PageDocument{
				Doc: model.Document{
					ID: int64(len(out) + 1), URL: s.ID + p.Path, Source: s.ID, Site: s.Name,
					Kind: model.DocKind(s.Kind), Title: p.Title, Text: strings.TrimSuffix(p.Text(), "\n"),
					Lang: lang, Published: p.Published, DateSource: dateSource, DocNumber: p.DocNumber,
				},
				Truth: PageTruth{
					Site: s.ID, Path: p.Path, Title: p.Title, Topic: tf.Topic,
					Categories: tf.Categories, Actors: tf.Actors,
					EventDate: tf.EventDate, Published: tf.Published, Syndication: tf.Syndication,
				},
			})
		}
	}
	return out, nil
}
