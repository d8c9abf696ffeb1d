package extract

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
	"time"
)

// hostileBudget is how long one hostile page may take. Generous, because
// the test machine is shared; a real hang takes far longer.
const hostileBudget = 30 * time.Second

// runBounded runs Extract on page and fails the test if it does not end
// within the budget. Either a result or an error is acceptable.
func runBounded(t *testing.T, page []byte) (*Result, error, time.Duration) {
	t.Helper()
	type out struct {
		r   *Result
		err error
	}
	done := make(chan out, 1)
	start := time.Now()
	go func() {
		r, err := Extract(page, "https://example.org/hostile")
		done <- out{r, err}
	}()
	select {
	case o := <-done:
		return o.r, o.err, time.Since(start)
	case <-time.After(hostileBudget):
		t.Fatalf("Extract did not finish within %v", hostileBudget)
		return nil, nil, 0
	}
}

func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile inputs are slow")
	}
	// A 10 MB page: one article followed by megabytes of paragraphs.
	var big bytes.Buffer
	big.WriteString("<html><head><title>Big page</title></head><body><article><h1>Big page</h1>")
	para := "<p>" + strings.Repeat("The council met again to discuss the ordinance and its consequences. ", 8) + "</p>\n"
	for big.Len() < 10<<20 {
		big.WriteString(para)
	}
	big.WriteString("</article></body></html>")

	// Just under the size handed to the content extractor.
	var mid bytes.Buffer
	mid.WriteString("<html><body><article>")
	for mid.Len() < maxWork-len(para)-100 {
		mid.WriteString(para)
	}
	mid.WriteString("</article></body></html>")

	// 50,000 nested divs around a paragraph.
	var deep bytes.Buffer
	deep.WriteString("<html><body>")
	deep.WriteString(strings.Repeat("<div>", 50000))
	deep.WriteString("<p>Deep inside the nesting there is a sentence that should not crash anything at all.</p>")
	deep.WriteString(strings.Repeat("</div>", 50000))
	deep.WriteString("</body></html>")

	// Binary garbage.
	rnd := rand.New(rand.NewSource(1))
	garbage := make([]byte, 1<<20)
	rnd.Read(garbage)

	tests := []struct {
		name     string
		page     []byte
		wantText bool // the page has text a result should keep
	}{
		{"10 MB page", big.Bytes(), true},
		{"1 MB of paragraphs", mid.Bytes(), true},
		{"50000 nested divs", deep.Bytes(), true},
		{"binary garbage", garbage, false},
		{"empty", nil, false},
		{"unclosed tags", []byte(strings.Repeat("<table><tr><td><a><b><i>", 5000)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err, took := runBounded(t, tt.page)
			t.Logf("%s: %v (err=%v)", tt.name, took, err)
			if err == nil && r == nil {
				t.Fatal("nil result without error")
			}
			if tt.wantText && (err != nil || r.Text == "") {
				t.Errorf("want some text, got err=%v", err)
			}
		})
	}
}
