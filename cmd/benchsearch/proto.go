package main

// Prototypes of changes to the index package, measured here so its owner
// can see what each would buy before changing anything. They drive Bleve
// directly with the index package's own mapping (read back from an index
// that index.Open created) and a copy of its document layout; queries are
// built the way index.Search builds them, minus the part under test.
//
//	benchsearch -sizes 20000 -engines bleve,proto-novec,proto-2shards,proto-1pass
//
// proto-novec    no term vectors on the text fields (snippets would
//                re-analyze the 20 shown hits' text instead)
// proto-2shards  two indexes behind a bleve.IndexAlias, filled in parallel
// proto-unsafe   unsafe_batch: batches are not fsynced one by one (the index
//                is derived data, rebuildable from the store)
// proto-1pass    the index as built by index.Put, searched in one pass: no
//                dateEdges (year facet over the years the index holds,
//                found once at open) and no separate undated count
// proto-1pass-nobonus  the same without the official-source bonus, which
//                evaluates the query a second time inside the main pass
// proto-1pass-hist  proto-1pass with the chart's monthly histogram in the
//                same pass, as date-range facets (as the search page asks)
// proto-monthfield  an index with the publication month as a keyword field
//                with doc values, searched like proto-1pass-hist but with
//                the histogram as a term facet on that field
// proto-1pass-lazyloc  proto-1pass without term locations in the main pass;
//                a second, small search fetches them for the 20 shown hits
//
// All proto-* engines are searched the proto-1pass way, so their query
// rows compare with proto-1pass (not with bleve, which is index.Search).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"policywatch/index"
	"policywatch/model"
	"policywatch/query"
)

// protoEngine is a raw Bleve index (or two behind an alias).
type protoEngine struct {
	variant string
	shards  []bleve.Index
	alias   bleve.IndexAlias
	years   []int // proto-1pass: years present in the index
}

func isProto(name string) bool { return strings.HasPrefix(name, "proto-") }

// policywatchMapping returns a deep copy of the mapping index.Open uses.
func policywatchMapping() (*mapping.IndexMappingImpl, error) {
	tmp, err := os.MkdirTemp("", "benchsearch-mapping-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	ix, err := index.Open(filepath.Join(tmp, "ix"))
	if err != nil {
		return nil, err
	}
	if err := ix.Close(); err != nil {
		return nil, err
	}
	bi, err := bleve.Open(filepath.Join(tmp, "ix"))
	if err != nil {
		return nil, fmt.Errorf("reopen index to read its mapping: %w", err)
	}
	defer bi.Close()
	data, err := json.Marshal(bi.Mapping())
	if err != nil {
		return nil, err
	}
	var m mapping.IndexMappingImpl
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("copy mapping: %w", err)
	}
	return &m, nil
}

func openProto(variant, dir string) (*protoEngine, error) {
	e := &protoEngine{variant: variant}
	if strings.HasPrefix(variant, "proto-1pass") {
		// Query side only: the index is the one the bleve engine built.
		bi, err := bleve.OpenUsing(dir, map[string]any{"bolt_timeout": "2s"})
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", dir, err)
		}
		e.shards = []bleve.Index{bi}
		e.alias = bleve.NewIndexAlias(bi)
		if err := e.findYears(); err != nil {
			bi.Close()
			return nil, err
		}
		return e, nil
	}
	shards := 1
	if variant == "proto-2shards" {
		shards = 2
	}
	cfg := map[string]any{"bolt_timeout": "2s"}
	existing := true
	if variant == "proto-unsafe" {
		cfg["unsafe_batch"] = true
	}
	for i := range shards {
		sd := filepath.Join(dir, "shard"+strconv.Itoa(i))
		var bi bleve.Index
		var err error
		if _, statErr := os.Stat(filepath.Join(sd, "index_meta.json")); statErr == nil {
			bi, err = bleve.OpenUsing(sd, cfg)
		} else {
			existing = false
			var m *mapping.IndexMappingImpl
			if m, err = policywatchMapping(); err != nil {
				return nil, err
			}
			if variant == "proto-monthfield" {
				// The publication month as a keyword with doc values: a
				// histogram becomes a term facet, one map increment per
				// match instead of a comparison with every bucket.
				fm := bleve.NewKeywordFieldMapping()
				fm.DocValues = true
				fm.IncludeInAll = false
				fm.IncludeTermVectors = false
				m.DefaultMapping.AddFieldMappingsAt("pub_month", fm)
			}
			if variant == "proto-novec" {
				for _, f := range []string{"title_en", "text_en", "title_zh", "text_zh"} {
					if fm := m.DefaultMapping.Properties[f]; fm != nil {
						for _, x := range fm.Fields {
							x.IncludeTermVectors = false
						}
					}
				}
			}
			bi, err = bleve.NewUsing(sd, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, cfg)
		}
		if err != nil {
			e.close()
			return nil, fmt.Errorf("open %s shard %d: %w", variant, i, err)
		}
		e.shards = append(e.shards, bi)
	}
	e.alias = bleve.NewIndexAlias(e.shards...)
	if existing { // the query phase: searched like proto-1pass
		if err := e.findYears(); err != nil {
			e.close()
			return nil, err
		}
	}
	return e, nil
}

// protoDoc mirrors what index.Put indexes for d (index.go's indexDoc).
func protoDoc(d *model.Document) map[string]any {
	m := map[string]any{
		"title": d.Title, "text": d.Text, "url": d.URL, "source": d.Source,
		"kind": string(d.Kind), "lang": d.Lang, "date_source": d.DateSource,
	}
	zh := strings.HasPrefix(strings.ToLower(d.Lang), "zh")
	if zh || hasHan(d.Title) || hasHan(d.Text) {
		m["title_zh"], m["text_zh"] = d.Title, d.Text
	}
	if !zh {
		m["title_en"], m["text_en"] = d.Title, d.Text
	}
	if c := d.Categories(); len(c) > 0 {
		m["categories"] = c
	}
	if a := d.Actors(); len(a) > 0 {
		m["actors"] = a
	}
	if d.HasReliableDate() {
		m["published"] = d.Published.UTC().Format(time.RFC3339)
	}
	return m
}

const protoBatch = 500 // as index.Put

func (e *protoEngine) put(ctx context.Context, docs []model.Document) error {
	if strings.HasPrefix(e.variant, "proto-1pass") {
		return errors.New("proto-1pass is query-only: index with the bleve engine")
	}
	// Each shard gets its share of every batch, filled concurrently.
	var wg sync.WaitGroup
	errs := make([]error, len(e.shards))
	for s, bi := range e.shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := bi.NewBatch()
			for i := range docs {
				if int(docs[i].ID)%len(e.shards) != s {
					continue
				}
				pd := protoDoc(&docs[i])
				if e.variant == "proto-monthfield" && docs[i].HasReliableDate() {
					pd["pub_month"] = docs[i].Published.UTC().Format("2006-01")
				}
				if err := b.Index(strconv.FormatInt(docs[i].ID, 10), pd); err != nil {
					errs[s] = err
					return
				}
				if b.Size() >= protoBatch {
					if errs[s] = bi.Batch(b); errs[s] != nil {
						return
					}
					b.Reset()
				}
			}
			if b.Size() > 0 {
				errs[s] = bi.Batch(b)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (e *protoEngine) finish(context.Context) error { return nil }

func (e *protoEngine) close() error {
	var errs []error
	for _, bi := range e.shards {
		errs = append(errs, bi.Close())
	}
	return errors.Join(errs...)
}

// findYears reads the oldest and newest date once, as an index could
// after each batch, instead of twice per search.
func (e *protoEngine) findYears() error {
	edge := func(sort string) (time.Time, error) {
		req := bleve.NewSearchRequestOptions(bq.NewMatchAllQuery(), 1, 0, false)
		req.Fields = []string{"published"}
		req.SortBy([]string{sort})
		res, err := e.alias.Search(req)
		if err != nil || len(res.Hits) == 0 {
			return time.Time{}, err
		}
		s, _ := res.Hits[0].Fields["published"].(string)
		t, _ := time.Parse(time.RFC3339, s)
		return t, nil
	}
	first, err := edge("published")
	if err != nil {
		return err
	}
	last, err := edge("-published")
	if err != nil {
		return err
	}
	for y := first.Year(); !first.IsZero() && y <= last.Year(); y++ {
		e.years = append(e.years, y)
	}
	return nil
}

// search is index.Search in one pass: the same query translation (for
// the syntax the mix uses), official bonus, filters, facets, year facet,
// 20 hits with stored fields and term locations for snippets.
func (e *protoEngine) search(ctx context.Context, q benchQuery) (int, error) {
	n, err := query.Parse(q.Query)
	if err != nil {
		return 0, err
	}
	base := protoFiltered(protoTranslate(n, 1), q)
	official := bq.NewTermQuery("official")
	official.SetField("kind")
	official.SetBoost(0)
	qq := bq.NewBooleanQuery([]bq.Query{base}, []bq.Query{bq.NewConjunctionQuery([]bq.Query{protoTranslate(n, 0.5), official})}, nil)
	var top bq.Query = qq
	if q.ByDate || e.variant == "proto-1pass-nobonus" {
		top = base
	}
	page := max(q.Page, 1)
	req := bleve.NewSearchRequestOptions(top, 20, (page-1)*20, false)
	req.Fields = []string{"title", "text", "url", "source", "kind", "lang", "published", "date_source", "categories", "actors"}
	lazy := e.variant == "proto-1pass-lazyloc"
	req.IncludeLocations = !lazy
	if q.ByDate {
		req.SortBy([]string{"-published", "_id"})
	} else {
		req.SortBy([]string{"-_score", "_id"})
	}
	for name, field := range map[string]string{"category": "categories", "actor": "actors", "source": "source", "kind": "kind", "lang": "lang"} {
		req.AddFacet(name, bleve.NewFacetRequest(field, 100))
	}
	if len(e.years) > 0 {
		fr := bleve.NewFacetRequest("published", len(e.years))
		for _, y := range e.years {
			fr.AddDateTimeRange(strconv.Itoa(y), time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC))
		}
		req.AddFacet("year", fr)
	}
	// The chart's histogram in the same pass, by month over the years the
	// index holds: as date ranges (what index.Search does) or, in
	// proto-monthfield, as a term facet on the month field.
	switch {
	case e.variant == "proto-monthfield":
		req.AddFacet("histogram", bleve.NewFacetRequest("pub_month", 12*len(e.years)))
	case e.variant == "proto-1pass-hist" && len(e.years) > 0:
		fr := bleve.NewFacetRequest("published", 12*len(e.years))
		for _, y := range e.years {
			for m := time.January; m <= time.December; m++ {
				start := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
				fr.AddDateTimeRange(start.Format("2006-01"), start, start.AddDate(0, 1, 0))
			}
		}
		req.AddFacet("histogram", fr)
	}
	res, err := e.alias.SearchInContext(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("%s search %q: %w", e.variant, q.Query, err)
	}
	// The undated count comes free: matches minus those in a year bucket.
	_ = res.Facets["year"]
	if lazy && len(res.Hits) > 0 {
		// Term locations for the shown hits only: the same query limited
		// to their IDs, no facets, no stored fields.
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		loc := bleve.NewSearchRequestOptions(bq.NewConjunctionQuery([]bq.Query{base, bq.NewDocIDQuery(ids)}), len(ids), 0, false)
		loc.IncludeLocations = true
		if _, err := e.alias.SearchInContext(ctx, loc); err != nil {
			return 0, fmt.Errorf("%s locations %q: %w", e.variant, q.Query, err)
		}
	}
	return int(res.Total), nil
}

func protoFiltered(q bq.Query, b benchQuery) bq.Query {
	must := []bq.Query{q}
	if b.Category != "" {
		t := bq.NewTermQuery(b.Category)
		t.SetField("categories")
		must = append(must, t)
	}
	if b.Kind != "" {
		t := bq.NewTermQuery(b.Kind)
		t.SetField("kind")
		must = append(must, t)
	}
	if !b.From.IsZero() || !b.To.IsZero() {
		incl := true
		d := bq.NewDateRangeInclusiveQuery(b.From, b.To, &incl, &incl)
		d.SetField("published")
		must = append(must, d)
	}
	if len(must) == 1 {
		return q
	}
	return bq.NewConjunctionQuery(must)
}

// protoTranslate covers the operators of the mix: AND, OR, NOT, words,
// phrases, prefixes; Chinese goes to the _zh fields only.
func protoTranslate(n query.Node, boost float64) bq.Query {
	switch n.Op {
	case query.OpAnd:
		var must, not []bq.Query
		for _, c := range n.Children {
			if c.Op == query.OpNot && len(c.Children) == 1 {
				not = append(not, protoTranslate(c.Children[0], boost))
			} else {
				must = append(must, protoTranslate(c, boost))
			}
		}
		if len(not) == 0 {
			return bq.NewConjunctionQuery(must)
		}
		return bq.NewBooleanQuery(must, nil, not)
	case query.OpOr:
		var qs []bq.Query
		for _, c := range n.Children {
			qs = append(qs, protoTranslate(c, boost))
		}
		return bq.NewDisjunctionQuery(qs)
	case query.OpNot:
		return bq.NewBooleanQuery([]bq.Query{bq.NewMatchAllQuery()}, nil, []bq.Query{protoTranslate(n.Children[0], boost)})
	case query.OpTerm, query.OpPhrase, query.OpPrefix:
		fields := []struct {
			name  string
			boost float64
		}{{"title_en", 2}, {"text_en", 1}, {"title_zh", 2}, {"text_zh", 1}}
		if hasHan(n.Value) {
			fields = fields[2:]
		}
		var qs []bq.Query
		for _, f := range fields {
			var q bq.Query
			switch {
			case n.Op == query.OpPrefix:
				p := bq.NewPrefixQuery(strings.ToLower(n.Value))
				p.SetField(f.name)
				p.SetBoost(f.boost * boost)
				q = p
			case strings.Contains(n.Value, " ") || hasHan(n.Value):
				p := bq.NewMatchPhraseQuery(n.Value)
				p.SetField(f.name)
				p.SetBoost(f.boost * boost)
				q = p
			default:
				m := bq.NewMatchQuery(n.Value)
				m.SetField(f.name)
				m.SetBoost(f.boost * boost)
				q = m
			}
			qs = append(qs, q)
		}
		return bq.NewDisjunctionQuery(qs)
	}
	return bq.NewMatchAllQuery()
}
