package extract

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

func TestDebugDates(t *testing.T) {
	ids := os.Getenv("IDS")
	if ids == "" {
		t.Skip()
	}
	for _, id := range strings.Fields(ids) {
		fh, _ := os.Open("/work/shared/bench/metadata/htmldate/html/" + id + ".html.gz")
		zr, _ := gzip.NewReader(fh)
		b, _ := io.ReadAll(zr)
		b, _, _ = DecodeHTML(b, "")
		r, err := Extract(b, "")
		if err != nil {
			fmt.Println(id, err)
			continue
		}
		fmt.Println(id, FormatDate(r.Published), r.PublishedSource)
	}
}
