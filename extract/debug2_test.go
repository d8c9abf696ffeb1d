package extract

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestDumpDates(t *testing.T) {
	dir := os.Getenv("DUMPDIR")
	if dir == "" {
		t.Skip()
	}
	files, _ := filepath.Glob(dir + "/*.html.gz")
	out, _ := os.Create("/tmp/datecands.jsonl")
	defer out.Close()
	for _, f := range files {
		fh, _ := os.Open(f)
		zr, _ := gzip.NewReader(fh)
		b, _ := io.ReadAll(zr)
		fh.Close()
		b, _, _ = DecodeHTML(b, "")
		doc, err := html.Parse(bytes.NewReader(b))
		if err != nil {
			continue
		}
		p := collect(doc)
		c := map[string]string{"id": strings.TrimSuffix(filepath.Base(f), ".html.gz")}
		for _, o := range p.ldArticles() {
			if tm, ok := parseDate(ldString(o["datePublished"])); ok && c["ld"] == "" {
				c["ld"] = FormatDate(tm)
			}
		}
		for _, k := range publishedMetaKeys {
			for _, v := range p.meta[k] {
				if tm, ok := parseDate(v); ok && c["meta"] == "" {
					c["meta"] = FormatDate(tm)
					c["metakey"] = k
				}
			}
		}
		for _, te := range p.times {
			if tm, ok := parseDate(firstNonEmpty(te.datetime, te.text)); ok {
				if te.pubdate && c["timepub"] == "" {
					c["timepub"] = FormatDate(tm)
				}
				if te.inArticle && c["timeart"] == "" {
					c["timeart"] = FormatDate(tm)
				}
			}
		}
		hd := runHTMLDate(doc, nil)
		if !hd.IsZero() {
			c["hd"] = hd.DateTime.Format("2006-01-02")
		}
		c["mod"] = FormatDate(p.modified())
		js, _ := json.Marshal(c)
		fmt.Fprintln(out, string(js))
	}
}
