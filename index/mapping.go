package index

import (
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"policywatch/query"
)

// Field names in the index. Text is indexed per language so each field
// has one analyzer (Bleve picks one at random when a name is shared). The
// text itself is not stored, nor anything a hit shows: the store has
// them, and hits and their snippets are read from it (Archive).
const (
	fTitleEn    = "title_en"
	fTextEn     = "text_en"
	fTitleZh    = "title_zh"
	fTextZh     = "text_zh"
	fSource     = "source"
	fKind       = "kind"
	fLang       = "lang"
	fCategories = "categories"
	fActors     = "actors"
	// fPublished is the publisher's wall-clock date and time, written as
	// if it were UTC (see wallClock), as one sortable term (publishedKey):
	// what date filters, the date facets and the sort by date compare.
	fPublished = "published"
	// fFingerprint is Fingerprint(title, text), stored so that verify can
	// compare the index with the store without the index keeping the text.
	fFingerprint = "fingerprint"
	// fFacetKeys holds every value the search page counts, prefixed by
	// its facet (see facetkeys.go), so one doc-value lookup per match
	// counts them all in a single terms facet.
	fFacetKeys = "facet_keys"
)

// Analyzer, filter and char filter names. The en analyzer is Bleve's en
// chain; the zh analyzer is Bleve's cjk chain behind a
// Traditional→Simplified char filter; the query side goes through the same
// analyzers, so 國家安全 and 国家安全 meet in the middle. The indexed
// fields' analyzers end with positionsOnly; the snippet analyzers
// (en.AnalyzerName, zhTextAnalyzer) are the same chains without it, so
// they give the offsets of what a query matched in the store's text.
const (
	enAnalyzer     = "policywatch_en"
	zhAnalyzer     = "policywatch_zh"
	zhTextAnalyzer = "policywatch_zh_text"
	t2sCharFilter  = "policywatch_t2s"
	positionsOnly  = "policywatch_positions_only"
	keywordLowered = "policywatch_keyword_lower"
)

// t2sFilter folds Traditional Chinese to Simplified without changing the
// byte length, so term offsets still point into the stored original text.
type t2sFilter struct{}

func (t2sFilter) Filter(in []byte) []byte { return []byte(query.FoldHan(string(in))) }

// positionsFilter zeroes every token's byte offsets, keeping its
// position. Bleve writes a term's positions and offsets together for
// every occurrence: positions are what exact phrase matching needs, while
// the offsets only served highlighting, which re-analyzes the shown hits'
// text instead (highlight.go). Zero offsets take one byte each instead of
// two or three, a sixth of the index.
type positionsFilter struct{}

func (positionsFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		t.Start, t.End = 0, 0
	}
	return in
}

func init() {
	// Bleve looks analysis components up by name in its registry, also when
	// it reopens an index, so our filters have to be registered there.
	err := registry.RegisterCharFilter(t2sCharFilter, func(map[string]any, *registry.Cache) (analysis.CharFilter, error) {
		return t2sFilter{}, nil
	})
	if err != nil {
		panic(err)
	}
	err = registry.RegisterTokenFilter(positionsOnly, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return positionsFilter{}, nil
	})
	if err != nil {
		panic(err)
	}
}

func newMapping() (mapping.IndexMapping, error) {
	im := bleve.NewIndexMapping()
	im.ScoringModel = "bm25"
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	im.DefaultAnalyzer = en.AnalyzerName

	enChain := []any{en.PossessiveName, lowercase.Name, en.StopName, porter.Name}
	zhChain := []any{cjk.WidthName, lowercase.Name, cjk.BigramName}
	for _, a := range []struct {
		name  string
		chars []any
		chain []any
	}{
		{enAnalyzer, nil, append(slices.Clone(enChain), positionsOnly)},
		{zhAnalyzer, []any{t2sCharFilter}, append(slices.Clone(zhChain), positionsOnly)},
		{zhTextAnalyzer, []any{t2sCharFilter}, zhChain},
	} {
		def := map[string]any{"type": custom.Name, "tokenizer": unicode.Name, "token_filters": a.chain}
		if a.chars != nil {
			def["char_filters"] = a.chars
		}
		if err := im.AddCustomAnalyzer(a.name, def); err != nil {
			return nil, fmt.Errorf("define %s analyzer: %w", a.name, err)
		}
	}
	// Keyword values are compared case-insensitively, like query.Match does.
	if err := im.AddCustomAnalyzer(keywordLowered, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []any{lowercase.Name},
	}); err != nil {
		return nil, fmt.Errorf("define %s analyzer: %w", keywordLowered, err)
	}

	text := func(analyzer string) *mapping.FieldMapping {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = analyzer
		fm.Store = false
		fm.IncludeTermVectors = true // positions, for phrases (offsets are zero)
		fm.IncludeInAll = false
		fm.DocValues = false
		return fm
	}
	stored := func() *mapping.FieldMapping {
		fm := bleve.NewTextFieldMapping()
		fm.Index = false
		fm.Store = true
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		fm.DocValues = false
		return fm
	}
	// Keyword fields are searched (filters); their counts come from
	// facet_keys, so they need no doc values.
	kw := func(analyzer string) *mapping.FieldMapping {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer = analyzer
		fm.Store = false
		fm.DocValues = false
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		return fm
	}

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fTitleEn, text(enAnalyzer))
	doc.AddFieldMappingsAt(fTextEn, text(enAnalyzer))
	doc.AddFieldMappingsAt(fTitleZh, text(zhAnalyzer))
	doc.AddFieldMappingsAt(fTextZh, text(zhAnalyzer))
	addChangeMappings(doc, text) // changes.go
	// Hits are read from the archive (Archive), so nothing they show is
	// stored here; only what verify compares.
	doc.AddFieldMappingsAt(fFingerprint, stored())
	for _, f := range []string{fSource, fKind, fLang, fCategories, fActors} {
		fm := kw(keywordLowered)
		// The official-source bonus reads the kind of the best matches
		// when the reader is not a scorch snapshot (rankWithBleve).
		fm.Store = f == fKind
		doc.AddFieldMappingsAt(f, fm)
	}
	keys := bleve.NewKeywordFieldMapping()
	keys.Analyzer = keyword.Name // facetKeys lowercases what needs it
	keys.Store = false
	keys.DocValues = true
	keys.IncludeTermVectors = false
	keys.IncludeInAll = false
	doc.AddFieldMappingsAt(fFacetKeys, keys)
	// One sortable term a document (publishedKey), with doc values: the
	// key table reads the times from them for date filters and the sort
	// by date.
	pub := bleve.NewKeywordFieldMapping()
	pub.Analyzer = keyword.Name
	pub.Store = false
	pub.DocValues = true
	pub.IncludeTermVectors = false
	pub.IncludeInAll = false
	doc.AddFieldMappingsAt(fPublished, pub)

	im.DefaultMapping = doc
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("validate index mapping: %w", err)
	}
	return im, nil
}
