package main

import (
	"context"
	"fmt"

	"policywatch/index"
	"policywatch/model"
)

// bleveEngine is our index, used only through its exported API, as the
// crawler (Put) and the search page (Search) use it.
type bleveEngine struct {
	ix *index.Index
}

func openBleve(dir string) (*bleveEngine, error) {
	ix, err := index.Open(dir)
	if err != nil {
		return nil, err
	}
	return &bleveEngine{ix: ix}, nil
}

func (e *bleveEngine) put(ctx context.Context, docs []model.Document) error {
	return e.ix.Put(ctx, docs...)
}

func (e *bleveEngine) finish(context.Context) error { return nil }

func (e *bleveEngine) close() error { return e.ix.Close() }

func (e *bleveEngine) search(ctx context.Context, q benchQuery) (int, error) {
	r := index.Request{Query: q.Query, From: q.From, To: q.To, Page: q.Page, PerPage: 20, Sort: index.SortRelevance}
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

// bleveEngine.page runs what the search page needs from the index for
// one request: the search, then the histogram of the chart (with the
// bucket chosen from the matches' date range, AutoHistogram). The engine
// comparison uses search alone, since FTS5 draws no chart; this shows what
// a page view costs in the index; web-page measures the real page.
func (e *bleveEngine) page(ctx context.Context, q benchQuery) (int, error) {
	total, err := e.search(ctx, q)
	if err != nil || total == 0 {
		return total, err
	}
	r := index.Request{Query: q.Query, From: q.From, To: q.To}
	if q.Category != "" {
		r.Categories = []string{q.Category}
	}
	if q.Kind != "" {
		r.Kinds = []string{q.Kind}
	}
	if _, _, err := e.ix.AutoHistogram(ctx, r); err != nil {
		return 0, fmt.Errorf("bleve histogram %q: %w", q.Query, err)
	}
	return total, nil
}

// blevePage is the engine name for bleveEngine.page: it queries an index
// built by the bleve engine.
type blevePage struct{ *bleveEngine }

func (e blevePage) search(ctx context.Context, q benchQuery) (int, error) { return e.page(ctx, q) }
