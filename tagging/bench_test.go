package tagging

import (
	"path/filepath"
	"testing"
)

// BenchmarkTagDemo: tagging runs once per stored document version.
func BenchmarkTagDemo(b *testing.B) {
	pages := loadDemoPages(b)
	if len(pages) == 0 {
		b.Skip("no demo pages")
	}
	tax, err := LoadTaxonomy(filepath.Join("..", "topics", "hk-nsl.taxonomy.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	tg := New(tax)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := pages[i%len(pages)].Doc
		tg.Tag(&d)
	}
}
