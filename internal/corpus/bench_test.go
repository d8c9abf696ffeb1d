package corpus

import "testing"

func BenchmarkDoc(b *testing.B) {
	g, err := New(1)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		_ = g.Doc(i)
	}
}
