package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"
)

// ErrNotFound is returned for a document ID the index does not hold.
var ErrNotFound = errors.New("index: document not found")

// Histogram bucket sizes.
const (
	BucketDay   = "day"
	BucketMonth = "month"
	BucketYear  = "year"
)

// maxBuckets keeps a day histogram over decades from asking Bleve for
// tens of thousands of ranges.
const maxBuckets = 5000

// Bucket is one period of a histogram: matches published in [Start, End).
type Bucket struct {
	Start, End time.Time
	Count      int
}

// Histogram counts the matches of r (query and filters; paging and sort
// are ignored) per day, month or year, from the oldest to the newest
// dated match, including empty periods so a chart has no gaps. Documents
// without a publication date are not counted.
func (ix *Index) Histogram(ctx context.Context, r Request, bucket string) ([]Bucket, error) {
	if _, _, err := bucketSteps(bucket); err != nil {
		return nil, err
	}
	sum, err := ix.summaryOf(ctx, r)
	if err != nil {
		return nil, err
	}
	return sum.histogram(bucket)
}

// AutoHistogram is Histogram with the bucket chosen by BucketFor from the
// span of the matches' dates.
func (ix *Index) AutoHistogram(ctx context.Context, r Request) (string, []Bucket, error) {
	sum, err := ix.summaryOf(ctx, r)
	if err != nil {
		return "", nil, err
	}
	first, last := sum.span()
	if first.IsZero() {
		return "", nil, nil
	}
	bucket := BucketFor(first, last)
	buckets, err := sum.histogram(bucket)
	return bucket, buckets, err
}

// summaryOf counts the matches of r, or takes the count from the cache.
func (ix *Index) summaryOf(ctx context.Context, r Request) (*summary, error) {
	n, err := ix.parse(r) // budget.go: parsed and held to the limits
	if err != nil {
		return nil, err
	}
	summaries := ix.summaries.Load()
	key := ix.summaryKey(r)
	if sum, ok := summaries.get(key); ok {
		return sum, nil
	}
	pass, err := ix.rankOrFallback(ctx, ix.filtered(ix.translate(n, 1), r), 0, 0, []string{"-_score"}, "none", true)
	if err != nil {
		return nil, fmt.Errorf("count matches of %q: %w", r.Query, err)
	}
	sum := summarize(pass.total, pass.counts)
	summaries.put(key, sum)
	return sum, nil
}

func bucketSteps(bucket string) (step, trunc func(time.Time) time.Time, err error) {
	switch bucket {
	case BucketDay:
		step = func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
		trunc = func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	case BucketMonth:
		step = func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
		trunc = func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC) }
	case BucketYear:
		step = func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }
		trunc = func(t time.Time) time.Time { return yearStart(t.Year()) }
	default:
		return nil, nil, fmt.Errorf("histogram: unknown bucket %q (want day, month or year)", bucket)
	}
	return step, trunc, nil
}

// Similarity tuning: how many of a document's terms make up the query,
// and how many of them another document must share.
const (
	similarTerms    = 25
	similarMinShare = 3
)

// Similar returns up to limit documents (default 10, at most MaxPerPage)
// that share the most distinctive terms with document id: a
// more-like-this query of its top terms by tf-idf, in the language fields
// it was indexed in. The document itself is not among them.
func (ix *Index) Similar(ctx context.Context, id int64, limit int) ([]Hit, error) {
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, MaxPerPage)
	src := bleve.NewSearchRequestOptions(bq.NewDocIDQuery([]string{docID(id)}), 1, 0, false)
	res, err := ix.bi.SearchInContext(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("similar to %d: load document: %w", id, err)
	}
	docs, err := ix.documentsOf(ctx, []int64{id})
	if err != nil {
		return nil, fmt.Errorf("similar to %d: %w", id, err)
	}
	d, ok := docs[id]
	if len(res.Hits) == 0 || !ok {
		return nil, fmt.Errorf("similar to %d: %w", id, ErrNotFound)
	}
	title, lang, text := d.Title, d.Lang, d.Text

	var fields []textField
	zhLang := strings.HasPrefix(strings.ToLower(lang), "zh")
	if !zhLang {
		fields = append(fields, textField{fTextEn, enAnalyzer, 1})
	}
	if zhLang || hasHan(title) || hasHan(text) {
		fields = append(fields, textField{fTextZh, zhAnalyzer, 1})
	}
	terms, err := ix.topTerms(ctx, fields, title+"\n"+text)
	if err != nil {
		return nil, fmt.Errorf("similar to %d: %w", id, err)
	}
	if len(terms) == 0 {
		return nil, nil
	}
	var should []bq.Query
	for _, t := range terms {
		tq := bq.NewTermQuery(t.term)
		tq.SetField(t.field)
		tq.SetBoost(t.weight)
		should = append(should, tq)
	}
	dq := bq.NewDisjunctionQuery(should)
	dq.SetMin(float64(min(similarMinShare, len(should))))
	q := bq.NewBooleanQuery([]bq.Query{dq}, nil, []bq.Query{bq.NewDocIDQuery([]string{docID(id)})})

	req := bleve.NewSearchRequestOptions(q, limit, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err = ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("similar to %d: %w", id, err)
	}
	// The snippets mark the shared terms.
	hl := &highlighter{ix: ix}
	for _, t := range terms {
		l := leaf{slots: [][]string{{t.term}}}
		if t.field == fTextZh {
			hl.zh = append(hl.zh, l)
		} else {
			hl.en = append(hl.en, l)
		}
	}
	hits, err := ix.hitsOf(ctx, res.Hits, hl)
	if err != nil {
		return nil, fmt.Errorf("similar to %d: %w", id, err)
	}
	return hits, nil
}

type weightedTerm struct {
	field, term string
	weight      float64
}

// topTerms returns the terms of s that best characterize it against the
// index: frequent here, rare elsewhere. Terms only this document has find
// nothing and are skipped, as are very short Latin tokens and numbers.
func (ix *Index) topTerms(ctx context.Context, fields []textField, s string) ([]weightedTerm, error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("open index reader: %w", err)
	}
	rd, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("open index reader: %w", err)
	}
	defer rd.Close()
	total, err := rd.DocCount()
	if err != nil {
		return nil, fmt.Errorf("count documents: %w", err)
	}
	var out []weightedTerm
	for _, f := range fields {
		tf := map[string]int{}
		for _, t := range ix.analyze(f.analyzer, s) {
			if utf8.RuneCountInString(t) < 2 || isNumber(t) {
				continue
			}
			tf[t]++
		}
		for term, n := range tf {
			r, err := rd.TermFieldReader(ctx, []byte(term), f.name, false, false, false)
			if err != nil {
				return nil, fmt.Errorf("read term %q: %w", term, err)
			}
			df := r.Count()
			r.Close()
			if df <= 1 || df > total/2+1 {
				continue
			}
			idf := math.Log(float64(total+1) / float64(df))
			out = append(out, weightedTerm{f.name, term, math.Sqrt(float64(n)) * idf})
		}
	}
	slices.SortFunc(out, func(a, b weightedTerm) int {
		return cmp.Or(cmp.Compare(b.weight, a.weight), strings.Compare(a.term, b.term))
	})
	return out[:min(len(out), similarTerms)], nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// makeBuckets lays out the periods from first's to last's, inclusive.
func makeBuckets(first, last time.Time, bucket string) ([]Bucket, error) {
	step, trunc, err := bucketSteps(bucket)
	if err != nil {
		return nil, err
	}
	var buckets []Bucket
	for t := trunc(first.UTC()); !t.After(last); t = step(t) {
		if len(buckets) == maxBuckets {
			return nil, fmt.Errorf("histogram: more than %d %s buckets from %s to %s; use a coarser bucket or a date filter",
				maxBuckets, bucket, first.Format(time.DateOnly), last.Format(time.DateOnly))
		}
		buckets = append(buckets, Bucket{Start: t, End: step(t)})
	}
	return buckets, nil
}
