package warc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	iawarc "github.com/internetarchive/gowarc"
)

func sampleCaptures() []Capture {
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	return []Capture{
		{RequestURL: "http://127.0.0.1:1/a", FinalURL: "http://127.0.0.1:1/a/", FetchedAt: t0, Status: 200,
			Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Content-Encoding": {"gzip"}, "Etag": {`"x"`}},
			Body:   []byte("<html><body><p>Sanctions on Hong Kong officials.</p></body></html>")},
		{FinalURL: "http://127.0.0.1:2/big5", FetchedAt: t0.Add(time.Minute), Status: 200, Source: "hk-gov", DocKind: "official",
			Header: http.Header{"Content-Type": {"text/html"}},
			Body:   []byte{0xad, 0xbb, 0xb4, 0xe4, '\r', '\n', 0, 0xff}}, // Big5 bytes and binary: must survive untouched
		{FinalURL: "http://127.0.0.1:4/long", FetchedAt: t0.Add(3 * time.Minute), Status: 200,
			Header: http.Header{"Content-Type": {"text/html"}},
			Body:   []byte("<html><body>" + strings.Repeat("<p>A long statement on the national security law. </p>\n", 2000) + "</body></html>")},
		{FinalURL: "http://127.0.0.1:3/empty", FetchedAt: t0.Add(2 * time.Minute), Status: 204, Header: http.Header{}},
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func writeAll(t *testing.T, compress bool, caps []Capture) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, compress)
	if err := w.WriteInfo("test.warc", "policywatch-test", map[string]string{"description": "unit test"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range caps {
		if err := w.WriteCapture(c); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// TestOtherReaderReadsOurFiles reads what we write (with nlnwa/gowarc)
// back with the Internet Archive's independent WARC reader.
func TestOtherReaderReadsOurFiles(t *testing.T) {
	caps := sampleCaptures()
	for _, compress := range []bool{false, true} {
		t.Run(fmt.Sprintf("gzip=%v", compress), func(t *testing.T) {
			data := writeAll(t, compress, caps)
			if compress && !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
				t.Fatal("compressed file does not start with a gzip member")
			}
			r, err := iawarc.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			types := map[string]int{}
			var got []string
			for {
				rec, err := r.ReadRecord()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("other reader: %v", err)
				}
				if rec.Version != "WARC/1.1" {
					t.Errorf("record version %q", rec.Version)
				}
				typ := rec.Header.Get("WARC-Type")
				types[typ]++
				if typ == "response" {
					if _, err := rec.Content.Seek(0, io.SeekStart); err != nil {
						t.Fatal(err)
					}
					resp, err := http.ReadResponse(bufio.NewReader(rec.Content), nil)
					if err != nil {
						t.Fatalf("response block is not HTTP: %v", err)
					}
					body, err := io.ReadAll(resp.Body)
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, rec.Header.Get("WARC-Target-URI")+" "+sha(body))
					if resp.Header.Get("Content-Encoding") != "" {
						t.Errorf("record claims a content coding the stored body does not have")
					}
					if d := rec.Header.Get("WARC-Payload-Digest"); !strings.HasPrefix(d, "sha256:") {
						t.Errorf("payload digest %q", d)
					}
				}
				rec.Content.Close()
			}
			if types["warcinfo"] != 1 || types["request"] != len(caps) || types["response"] != len(caps) {
				t.Errorf("record types %v, want 1 warcinfo and %d request/response pairs", types, len(caps))
			}
			var want []string
			for _, c := range caps {
				want = append(want, c.FinalURL+" "+sha(c.Body))
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("bodies read back:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestReadRoundTrip(t *testing.T) {
	caps := sampleCaptures()
	data := writeAll(t, true, caps)
	var got []Capture
	st, err := Read(bytes.NewReader(data), func(c Capture) error { got = append(got, c); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if st.Responses != len(caps) || st.Skipped != len(caps)+1 {
		t.Errorf("stats %+v", st)
	}
	if len(got) != len(caps) {
		t.Fatalf("read %d captures, want %d", len(got), len(caps))
	}
	for i, c := range got {
		w := caps[i]
		if sha(c.Body) != sha(w.Body) || c.BodySHA256 != sha(w.Body) || c.Status != w.Status ||
			!c.FetchedAt.Equal(w.FetchedAt) || c.FinalURL != w.FinalURL || c.Source != w.Source || c.DocKind != w.DocKind {
			t.Errorf("capture %d: got %+v, want %+v", i, c, w)
		}
		wantReq := w.RequestURL
		if wantReq == "" {
			wantReq = w.FinalURL
		}
		if c.RequestURL != wantReq {
			t.Errorf("capture %d: requested URL %q, want %q", i, c.RequestURL, wantReq)
		}
	}
	if got[0].Header.Get("Etag") != `"x"` {
		t.Errorf("headers not kept: %v", got[0].Header)
	}
}

// TestReadForeignRecord reads a record as a crawler that stores wire
// bytes writes it: WARC/1.0, chunked and gzipped body.
func TestReadForeignRecord(t *testing.T) {
	page := "<html><body>Statement on Hong Kong</body></html>"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(page))
	zw.Close()
	var chunked bytes.Buffer
	half := gz.Len() / 2
	fmt.Fprintf(&chunked, "%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n", half, gz.Bytes()[:half], gz.Len()-half, gz.Bytes()[half:])
	block := "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n" + chunked.String()
	rec := "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://gov.example/statement\r\n" +
		"WARC-Date: 2020-07-01T12:00:00Z\r\nWARC-Record-ID: <urn:uuid:4f3a3a4e-7a55-4c55-9f7d-0d8a3b1e2f11>\r\n" +
		"Content-Type: application/http; msgtype=response\r\nContent-Length: " + fmt.Sprint(len(block)) + "\r\n\r\n" + block + "\r\n\r\n"
	var got []Capture
	if _, err := Read(strings.NewReader(rec), func(c Capture) error { got = append(got, c); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || string(got[0].Body) != page || got[0].FetchedAt.Year() != 2020 {
		t.Fatalf("got %+v", got)
	}
	if got[0].Header.Get("Content-Encoding") != "" || got[0].Header.Get("Transfer-Encoding") != "" {
		t.Errorf("decoded body still labelled with its codings: %v", got[0].Header)
	}
}
