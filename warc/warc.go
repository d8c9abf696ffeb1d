// Package warc writes and reads policywatch captures as WARC 1.1 files
// (ISO 28500), the format web archives exchange: each capture becomes a
// request record and a response record holding the HTTP status line,
// headers and the body as received. Reading accepts the response records
// of other archivers' files (Heritrix, Browsertrix, ArchiveBox, wget),
// plain or gzipped per record, and undoes chunked transfer coding and
// gzip/deflate content coding so the body is what a browser would read.
//
// The records are built and parsed with github.com/nlnwa/gowarc/v3.
package warc

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// Capture is one HTTP exchange as archived.
type Capture struct {
	RequestURL string      // URL asked for; "" means FinalURL
	FinalURL   string      // URL the body came from (WARC-Target-URI)
	FetchedAt  time.Time   // WARC-Date
	Status     int         // HTTP status code
	Header     http.Header // response headers
	Body       []byte      // body as the application saw it (no transfer or content coding)
	BodySHA256 string      // hex SHA-256 of Body; computed when empty
	Source     string      // policywatch source name, when known
	DocKind    string      // "official" or "news", when known
}

// RequestedURIField names the URL a capture was requested from when a
// redirect led elsewhere. It is an extension field, which WARC readers
// that do not know it ignore.
const RequestedURIField = "WARC-Policywatch-Requested-URI"

// BodySHA256Field carries policywatch's SHA-256 of the body, so an
// import can check it received exactly the bytes that were exported.
const BodySHA256Field = "WARC-Policywatch-Body-SHA256"

// SourceField and DocKindField say which configured source a capture was
// crawled for, so a re-import files it under the same source.
const (
	SourceField  = "WARC-Policywatch-Source"
	DocKindField = "WARC-Policywatch-Kind"
)

// Writer writes WARC records to a stream, each record gzipped on its
// own when compression is on (the usual .warc.gz layout, which lets
// readers seek to a record).
type Writer struct {
	w        io.Writer
	compress bool
	m        gowarc.Marshaler
	infoID   string
}

// NewWriter returns a Writer on w. Call WriteInfo first.
func NewWriter(w io.Writer, compress bool) *Writer {
	return &Writer{w: w, compress: compress, m: gowarc.NewMarshaler()}
}

func recordOpts() []gowarc.WarcRecordOption {
	return []gowarc.WarcRecordOption{
		gowarc.WithVersion(gowarc.V1_1),
		gowarc.WithAddMissingRecordId(true),
		gowarc.WithAddMissingContentLength(true),
		gowarc.WithAddMissingDigest(true),
		gowarc.WithDefaultDigestAlgorithm("sha256"),
	}
}

// WriteInfo writes the warcinfo record describing the file.
func (w *Writer) WriteInfo(filename, software string, fields map[string]string) error {
	rb := gowarc.NewRecordBuilder(gowarc.Warcinfo, recordOpts()...)
	rb.AddWarcHeaderTime(gowarc.WarcDate, time.Now().UTC())
	if filename != "" {
		rb.AddWarcHeader(gowarc.WarcFilename, filename)
	}
	rb.AddWarcHeader(gowarc.ContentType, "application/warc-fields")
	var b strings.Builder
	fmt.Fprintf(&b, "software: %s\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n", software)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\r\n", k, strings.ReplaceAll(fields[k], "\n", " "))
	}
	if _, err := rb.WriteString(b.String()); err != nil {
		return fmt.Errorf("build warcinfo: %w", err)
	}
	rec, _, err := rb.Build()
	if err != nil {
		return fmt.Errorf("build warcinfo: %w", err)
	}
	w.infoID = rec.RecordId()
	return w.write(rec)
}

// WriteCapture writes a capture as a request record and a response
// record that name each other (WARC-Concurrent-To).
func (w *Writer) WriteCapture(c Capture) error {
	if c.FinalURL == "" {
		return errors.New("write capture: no URL")
	}
	if _, err := url.Parse(c.FinalURL); err != nil {
		return fmt.Errorf("write capture %s: %w", c.FinalURL, err)
	}
	if c.BodySHA256 == "" {
		sum := sha256.Sum256(c.Body)
		c.BodySHA256 = hex.EncodeToString(sum[:])
	}
	date := c.FetchedAt.UTC()
	if date.IsZero() {
		date = time.Now().UTC()
	}

	resp := gowarc.NewRecordBuilder(gowarc.Response, recordOpts()...)
	resp.AddWarcHeader(gowarc.WarcTargetURI, c.FinalURL)
	resp.AddWarcHeaderTime(gowarc.WarcDate, date)
	resp.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
	resp.AddWarcHeader(BodySHA256Field, c.BodySHA256)
	if c.RequestURL != "" && c.RequestURL != c.FinalURL {
		resp.AddWarcHeader(RequestedURIField, c.RequestURL)
	}
	if c.Source != "" {
		resp.AddWarcHeader(SourceField, c.Source)
	}
	if c.DocKind != "" {
		resp.AddWarcHeader(DocKindField, c.DocKind)
	}
	if w.infoID != "" {
		resp.AddWarcHeader(gowarc.WarcWarcinfoID, "<"+w.infoID+">")
	}
	if _, err := resp.Write(responseBlock(c)); err != nil {
		return fmt.Errorf("write capture %s: %w", c.FinalURL, err)
	}
	respRec, _, err := resp.Build()
	if err != nil {
		return fmt.Errorf("write capture %s: build response: %w", c.FinalURL, err)
	}

	req := gowarc.NewRecordBuilder(gowarc.Request, recordOpts()...)
	req.AddWarcHeader(gowarc.WarcTargetURI, c.FinalURL)
	req.AddWarcHeaderTime(gowarc.WarcDate, date)
	req.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=request")
	req.AddWarcHeader(gowarc.WarcConcurrentTo, "<"+respRec.RecordId()+">")
	if w.infoID != "" {
		req.AddWarcHeader(gowarc.WarcWarcinfoID, "<"+w.infoID+">")
	}
	if _, err := req.Write(requestBlock(c.FinalURL)); err != nil {
		return fmt.Errorf("write capture %s: %w", c.FinalURL, err)
	}
	reqRec, _, err := req.Build()
	if err != nil {
		return fmt.Errorf("write capture %s: build request: %w", c.FinalURL, err)
	}
	if err := w.write(reqRec); err != nil {
		return err
	}
	return w.write(respRec)
}

func (w *Writer) write(rec gowarc.WarcRecord) error {
	defer rec.Close()
	if !w.compress {
		if _, _, err := w.m.Marshal(w.w, rec, 0); err != nil {
			return fmt.Errorf("write %s record: %w", rec.Type(), err)
		}
		return nil
	}
	zw := gzip.NewWriter(w.w)
	if _, _, err := w.m.Marshal(zw, rec, 0); err != nil {
		return fmt.Errorf("write %s record: %w", rec.Type(), err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write %s record: %w", rec.Type(), err)
	}
	return nil
}

// hopHeaders describe how bytes travelled, not what they are; the stored
// body has none of these codings applied, so the record must not claim
// them or readers would decode it twice.
var hopHeaders = []string{"Content-Encoding", "Transfer-Encoding", "Content-Length", "Connection", "Keep-Alive"}

// responseBlock is the HTTP response as a WARC response block.
func responseBlock(c Capture) []byte {
	var b bytes.Buffer
	status := c.Status
	if status == 0 {
		status = http.StatusOK
	}
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	h := c.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	for _, k := range hopHeaders {
		h.Del(k)
	}
	h.Set("Content-Length", strconv.Itoa(len(c.Body)))
	_ = h.Write(&b)
	b.WriteString("\r\n")
	b.Write(c.Body)
	return b.Bytes()
}

func requestBlock(target string) []byte {
	u, err := url.Parse(target)
	if err != nil {
		return nil
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: policywatch\r\nAccept: text/html\r\n\r\n", u.RequestURI(), u.Host)
	return b.Bytes()
}

// ReadStats says what Read met besides the captures it returned.
type ReadStats struct {
	Records   int // every record
	Responses int // response records handed to fn
	Skipped   int // requests, revisits, metadata, warcinfo and others
}

// Read calls fn for each response record in r (plain or per-record
// gzipped WARC), with the body decoded. A record that cannot be parsed
// ends the read with an error naming its offset.
func Read(r io.Reader, fn func(Capture) error) (ReadStats, error) {
	var st ReadStats
	// The default policies (warn, do not fail) on purpose: with errors
	// ignored, gowarc v3.1.0 hands out payloads cut short at its buffer
	// size when reading a stream.
	fr, err := gowarc.NewWarcFileReaderFromStream(r, 0)
	if err != nil {
		return st, fmt.Errorf("read WARC: %w", err)
	}
	defer fr.Close()
	for {
		rec, err := fr.Next()
		if errors.Is(err, io.EOF) {
			return st, nil
		}
		if err != nil {
			return st, fmt.Errorf("read WARC record at offset %d: %w", rec.Offset, err)
		}
		st.Records++
		c, ok, err := captureOf(rec.WarcRecord)
		rec.Close()
		if err != nil {
			return st, fmt.Errorf("read WARC record at offset %d: %w", rec.Offset, err)
		}
		if !ok {
			st.Skipped++
			continue
		}
		st.Responses++
		if err := fn(c); err != nil {
			return st, err
		}
	}
}

// captureOf reads an HTTP response record; ok is false for other records.
func captureOf(rec gowarc.WarcRecord) (Capture, bool, error) {
	if rec.Type() != gowarc.Response {
		return Capture{}, false, nil
	}
	hb, ok := rec.Block().(gowarc.HttpResponseBlock)
	if !ok {
		return Capture{}, false, nil // a response of another protocol (dns:, ftp:)
	}
	wh := rec.WarcHeader()
	c := Capture{
		FinalURL:   strings.Trim(wh.Get(gowarc.WarcTargetURI), "<>"),
		RequestURL: wh.Get(RequestedURIField),
		Status:     hb.HttpStatusCode(),
		Header:     http.Header{},
		BodySHA256: wh.Get(BodySHA256Field),
		Source:     wh.Get(SourceField),
		DocKind:    wh.Get(DocKindField),
	}
	if t, err := rec.Date(); err == nil {
		c.FetchedAt = t.UTC()
	}
	// The header as written, not as net/http parsed it: that moves
	// Transfer-Encoding out of the header, and we need it to decode.
	if h, err := rawHeader(hb.ProtocolHeaderBytes()); err == nil {
		c.Header = h
	} else if h := hb.HttpHeader(); h != nil {
		c.Header = h.Clone()
	}
	pr, err := hb.PayloadBytes()
	if err != nil {
		return c, false, fmt.Errorf("payload of %s: %w", c.FinalURL, err)
	}
	raw, err := io.ReadAll(pr)
	if err != nil {
		return c, false, fmt.Errorf("payload of %s: %w", c.FinalURL, err)
	}
	if c.Body, err = decodeBody(raw, c.Header); err != nil {
		return c, false, fmt.Errorf("payload of %s: %w", c.FinalURL, err)
	}
	if c.RequestURL == "" {
		c.RequestURL = c.FinalURL
	}
	return c, true, nil
}

// rawHeader parses an HTTP status line and header block.
func rawHeader(b []byte) (http.Header, error) {
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(b)))
	if _, err := tp.ReadLine(); err != nil {
		return nil, err
	}
	h, err := tp.ReadMIMEHeader()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return http.Header(h), nil
}

// decodeBody undoes the transfer and content codings other archivers
// keep in their records (they store bytes as they came off the wire).
func decodeBody(raw []byte, h http.Header) ([]byte, error) {
	body := raw
	if strings.EqualFold(strings.TrimSpace(h.Get("Transfer-Encoding")), "chunked") {
		b, err := io.ReadAll(httputil.NewChunkedReader(bufio.NewReader(bytes.NewReader(body))))
		if err != nil {
			return nil, fmt.Errorf("chunked body: %w", err)
		}
		body = b
		h.Del("Transfer-Encoding")
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding"))) {
	case "gzip", "x-gzip":
		if !bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
			// Some tools store the decoded body but keep the header.
			h.Del("Content-Encoding")
			break
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		h.Del("Content-Encoding")
	case "deflate":
		b, err := io.ReadAll(flate.NewReader(bytes.NewReader(body)))
		if err != nil {
			return nil, fmt.Errorf("deflate body: %w", err)
		}
		body = b
		h.Del("Content-Encoding")
	}
	return body, nil
}
