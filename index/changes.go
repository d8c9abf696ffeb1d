package index

import (
	"github.com/blevesearch/bleve/v2/mapping"

	"policywatch/model"
	"policywatch/query"
)

// Amended pages are searchable by what their amendments added and
// removed (query fields added: and removed:), e.g. official statements
// from which "Hong Kong" was removed after publication. The text comes
// from model.Document.Added/Removed, which the store fills from the
// word diffs between consecutive versions.
const (
	fAddedEn   = "added_en"
	fRemovedEn = "removed_en"
	fAddedZh   = "added_zh"
	fRemovedZh = "removed_zh"
)

var changeFields = map[string]struct{ en, zh textField }{
	query.FieldAdded:   {textField{fAddedEn, enAnalyzer, 1}, textField{fAddedZh, zhAnalyzer, 1}},
	query.FieldRemoved: {textField{fRemovedEn, enAnalyzer, 1}, textField{fRemovedZh, zhAnalyzer, 1}},
}

// addChangeMappings maps the added/removed fields like the text fields.
func addChangeMappings(doc *mapping.DocumentMapping, text func(analyzer string) *mapping.FieldMapping) {
	doc.AddFieldMappingsAt(fAddedEn, text(enAnalyzer))
	doc.AddFieldMappingsAt(fRemovedEn, text(enAnalyzer))
	doc.AddFieldMappingsAt(fAddedZh, text(zhAnalyzer))
	doc.AddFieldMappingsAt(fRemovedZh, text(zhAnalyzer))
}

// addChangeFields puts a document's amendment text into m.
func addChangeFields(m map[string]any, d *model.Document) {
	for _, f := range []struct{ en, zh, text string }{
		{fAddedEn, fAddedZh, d.Added},
		{fRemovedEn, fRemovedZh, d.Removed},
	} {
		if f.text == "" {
			continue
		}
		m[f.en] = f.text
		if hasHan(f.text) {
			m[f.zh] = f.text
		}
	}
}

// changeQueryFields are the fields a word or phrase restricted to added:
// or removed: is searched in; ok is false for other restrictions.
func changeQueryFields(n query.Node, han bool) ([]textField, bool) {
	cf, ok := changeFields[n.Field]
	if !ok {
		return nil, false
	}
	if han {
		return []textField{cf.zh}, true
	}
	return []textField{cf.en, cf.zh}, true
}
