package extract

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"testing"

	"golang.org/x/net/html"
	"bytes"
)

func TestDebugLD(t *testing.T) {
	f := os.Getenv("PAGE")
	if f == "" {
		t.Skip()
	}
	fh, _ := os.Open(f)
	zr, _ := gzip.NewReader(fh)
	b, _ := io.ReadAll(zr)
	doc, _ := html.Parse(bytes.NewReader(b))
	p := collect(doc)
	for _, o := range p.ld {
		fmt.Println(ldTypes(o), ldRank(o), o["datePublished"], o["headline"], o["name"])
	}
	r, err := Extract(b, "")
	fmt.Println(r.Title, "|", r.Byline, "|", r.Published, r.PublishedSource, err)
}
