package main

import (
	"context"
	"fmt"

	"policywatch/index"
	"policywatch/model"
	"policywatch/store"
)

// bleveEngine is our index, used only through its exported API, as the
// crawler (Put) and the search page (Search) use it.
type bleveEngine struct {
	ix    *index.Index
	texts *store.DB // the archive the snippets are cut from; nil in tests
}

// openBleve opens the index in dir; with n > 0 its snippets come from the
// archive of n documents beside it (archive.go), as policywatch's come
// from its store.
func openBleve(dir string, n int) (*bleveEngine, error) {
	ix, err := index.Open(dir)
	if err != nil {
		return nil, err
	}
	// The engine is measured cold: the result caches would answer a
	// query the mix repeats without searching at all.
	ix.SetCacheSize(0)
	e := &bleveEngine{ix: ix}
	if n > 0 {
		if e.texts, err = archiveTexts(dir, n); err != nil {
			ix.Close()
			return nil, err
		}
		ix.SetArchive(e.texts)
	}
	return e, nil
}

func (e *bleveEngine) put(ctx context.Context, docs []model.Document) error {
	return e.ix.Put(ctx, docs...)
}

// finish compacts the index as `policywatch reindex` does after a bulk
// load (index.Compact), inside the timed load, as FTS5's optimize is.
func (e *bleveEngine) finish(ctx context.Context) error { return e.ix.Compact(ctx) }

func (e *bleveEngine) close() error {
	err := e.ix.Close()
	if e.texts != nil {
		e.texts.Close()
	}
	return err
}

func (e *bleveEngine) search(ctx context.Context, q benchQuery) (int, error) {
	return e.run(ctx, q, false)
}

func (e *bleveEngine) run(ctx context.Context, q benchQuery, histogram bool) (int, error) {
	r := index.Request{Query: q.Query, From: q.From, To: q.To, Page: q.Page, PerPage: 20, Sort: index.SortRelevance, Histogram: histogram}
	if q.Category != "" {
		r.Categories = []string{q.Category}
	}
	if q.Kind != "" {
		r.Kinds = []string{q.Kind}
	}
	if q.ByDate {
		r.Sort = index.SortDate
	}
	res, err := e.ix.Search(ctx, r)
	if err != nil {
		return 0, fmt.Errorf("bleve search %q: %w", q.Query, err)
	}
	return int(res.Total), nil
}

// bleveEngine.page asks the index what the search page asks: the search
// with the chart's histogram counted in the same pass (Request.Histogram).
// The engine comparison uses search alone, since FTS5 draws no chart;
// web-page measures the whole page, templates included.
func (e *bleveEngine) page(ctx context.Context, q benchQuery) (int, error) {
	return e.run(ctx, q, true)
}

// blevePage is the engine name for bleveEngine.page: it queries an index
// built by the bleve engine.
type blevePage struct{ *bleveEngine }

func (e blevePage) search(ctx context.Context, q benchQuery) (int, error) { return e.page(ctx, q) }
