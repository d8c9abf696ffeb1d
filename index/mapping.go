package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"policywatch/query"
)

// Field names in the index. Text is indexed per language so each field
// has one analyzer (Bleve picks one at random when a name is shared), and
// stored once, unanalyzed, for snippets.
const (
	fTitleEn    = "title_en"
	fTextEn     = "text_en"
	fTitleZh    = "title_zh"
	fTextZh     = "text_zh"
	fTitle      = "title"
	fText       = "text"
	fURL        = "url"
	fSource     = "source"
	fKind       = "kind"
	fLang       = "lang"
	fCategories = "categories"
	fActors     = "actors"
	fPublished  = "published"
	fDateSource = "date_source"
	// fFacetKeys holds every value the search page counts, prefixed by
	// its facet (see facetkeys.go), so one doc-value lookup per match
	// counts them all in a single terms facet.
	fFacetKeys = "facet_keys"
)

// Analyzer and char filter names. The zh analyzer is Bleve's cjk chain
// behind a Traditional→Simplified char filter; the query side goes through
// the same analyzer, so 國家安全 and 国家安全 meet in the middle.
const (
	zhAnalyzer     = "policywatch_zh"
	t2sCharFilter  = "policywatch_t2s"
	keywordLowered = "policywatch_keyword_lower"
)

// t2sFilter folds Traditional Chinese to Simplified without changing the
// byte length, so term offsets still point into the stored original text.
type t2sFilter struct{}

func (t2sFilter) Filter(in []byte) []byte { return []byte(query.FoldHan(string(in))) }

func init() {
	// Bleve looks analysis components up by name in its registry, also when
	// it reopens an index, so the char filter has to be registered there.
	err := registry.RegisterCharFilter(t2sCharFilter, func(map[string]any, *registry.Cache) (analysis.CharFilter, error) {
		return t2sFilter{}, nil
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

	if err := im.AddCustomAnalyzer(zhAnalyzer, map[string]any{
		"type":          custom.Name,
		"char_filters":  []any{t2sCharFilter},
		"tokenizer":     unicode.Name,
		"token_filters": []any{cjk.WidthName, lowercase.Name, cjk.BigramName},
	}); err != nil {
		return nil, fmt.Errorf("define %s analyzer: %w", zhAnalyzer, err)
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
		fm.Store = false // the original is stored once in "text"/"title"
		fm.IncludeTermVectors = true
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
	// Keyword fields are searched (filters) and stored (shown on hits);
	// their counts come from facet_keys, so they need no doc values.
	kw := func(analyzer string) *mapping.FieldMapping {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer = analyzer
		fm.Store = true
		fm.DocValues = false
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		return fm
	}

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fTitleEn, text(en.AnalyzerName))
	doc.AddFieldMappingsAt(fTextEn, text(en.AnalyzerName))
	doc.AddFieldMappingsAt(fTitleZh, text(zhAnalyzer))
	doc.AddFieldMappingsAt(fTextZh, text(zhAnalyzer))
	addChangeMappings(doc, text) // changes.go
	doc.AddFieldMappingsAt(fTitle, stored())
	doc.AddFieldMappingsAt(fText, stored())
	doc.AddFieldMappingsAt(fURL, kw(keyword.Name))
	for _, f := range []string{fSource, fKind, fLang, fCategories, fActors, fDateSource} {
		doc.AddFieldMappingsAt(f, kw(keywordLowered))
	}
	keys := bleve.NewKeywordFieldMapping()
	keys.Analyzer = keyword.Name // facetKeys lowercases what needs it
	keys.Store = false
	keys.DocValues = true
	keys.IncludeTermVectors = false
	keys.IncludeInAll = false
	doc.AddFieldMappingsAt(fFacetKeys, keys)
	// Doc values for sorting by date.
	pub := bleve.NewDateTimeFieldMapping()
	pub.Store = true
	pub.DocValues = true
	pub.IncludeInAll = false
	doc.AddFieldMappingsAt(fPublished, pub)

	im.DefaultMapping = doc
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("validate index mapping: %w", err)
	}
	return im, nil
}
