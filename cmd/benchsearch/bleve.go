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
