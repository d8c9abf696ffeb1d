package extract

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/saintfish/chardet"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

// metaCharset finds <meta charset=...> and the charset parameter of
// <meta http-equiv="Content-Type" content="...; charset=...">.
var metaCharset = regexp.MustCompile(`(?i)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)`)

// prescanLen is how far into the body we look for a <meta charset>. The
// HTML spec says 1024 bytes, but real pages often put a long <title> or
// scripts first, so we look a little further.
const prescanLen = 4096

// DecodeHTML converts an HTML body to UTF-8. The charset is taken, in
// order, from a byte-order mark, the Content-Type header, a <meta charset>
// or http-equiv declaration near the start, and finally statistical
// detection when the bytes are not valid UTF-8. It returns the name of the
// charset used.
func DecodeHTML(body []byte, contentType string) ([]byte, string, error) {
	name := sniffCharset(body, contentType)
	if name == "utf-8" {
		// Strip a UTF-8 BOM and repair invalid sequences so downstream
		// code never sees broken UTF-8.
		b := bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
		if !utf8.Valid(b) {
			b = bytes.ToValidUTF8(b, []byte("\uFFFD"))
		}
		return b, name, nil
	}
	enc, err := htmlindex.Get(name)
	if err != nil {
		return nil, "", fmt.Errorf("decode html: unknown charset %q: %w", name, err)
	}
	out, err := decodeWith(enc, body)
	if err != nil {
		return nil, "", fmt.Errorf("decode html as %s: %w", name, err)
	}
	return out, name, nil
}

func decodeWith(enc encoding.Encoding, body []byte) ([]byte, error) {
	out, _, err := transform.Bytes(enc.NewDecoder(), body)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	return out, nil
}

// sniffCharset returns the canonical (WHATWG) name of the body's charset.
func sniffCharset(body []byte, contentType string) string {
	switch {
	case bytes.HasPrefix(body, []byte("\xef\xbb\xbf")):
		return "utf-8"
	case bytes.HasPrefix(body, []byte("\xfe\xff")):
		return "utf-16be"
	case bytes.HasPrefix(body, []byte("\xff\xfe")):
		return "utf-16le"
	}
	if name := charsetFromContentType(contentType); name != "" {
		return name
	}
	head := body
	if len(head) > prescanLen {
		head = head[:prescanLen]
	}
	if m := metaCharset.FindSubmatch(head); m != nil {
		if name := canonicalCharset(string(m[1])); name != "" {
			// Pages that declare a legacy charset but are really UTF-8
			// are common (templates copied along, re-encoded archives);
			// non-ASCII text that is valid UTF-8 practically never is
			// anything else, so trust the bytes.
			if name != "utf-8" && utf8.Valid(body) && hasMultiByte(body) {
				return "utf-8"
			}
			if name == "utf-16le" || name == "utf-16be" {
				// A meta tag readable as ASCII cannot be UTF-16.
				return "utf-8"
			}
			return name
		}
	}
	if utf8.Valid(body) {
		return "utf-8"
	}
	return detectCharset(body)
}

func hasMultiByte(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

func charsetFromContentType(ct string) string {
	if ct == "" {
		return ""
	}
	for _, part := range strings.Split(ct, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "charset") {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		return canonicalCharset(v)
	}
	return ""
}

// canonicalCharset maps a label to its WHATWG name, or "" when unknown.
// Labels browsers treat as supersets are widened the same way (GB2312 is
// decoded as GBK, Big5 as Big5-HKSCS) so that pages mislabelling their
// charset still decode.
func canonicalCharset(label string) string {
	label = strings.ToLower(strings.TrimSpace(label))
	if label == "" {
		return ""
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		return ""
	}
	name, err := htmlindex.Name(enc)
	if err != nil {
		return ""
	}
	return name
}

// detectCharset guesses the charset of bytes that are not UTF-8 and carry
// no declaration. Chinese pages without a header are the case we care about
// most (Big5 from Hong Kong and Taiwan, GB18030 from the mainland).
func detectCharset(body []byte) string {
	sample := body
	if len(sample) > 64<<10 {
		sample = sample[:64<<10]
	}
	res, err := chardet.NewHtmlDetector().DetectBest(sample)
	if err == nil && res != nil {
		switch strings.ToLower(res.Charset) {
		case "big5":
			return "big5"
		case "gb-18030", "gb18030", "gb2312", "gbk":
			return "gb18030"
		case "shift_jis":
			return "shift_jis"
		case "euc-jp":
			return "euc-jp"
		case "euc-kr":
			return "euc-kr"
		case "iso-8859-1", "windows-1252":
			return "windows-1252"
		default:
			if n := canonicalCharset(res.Charset); n != "" && n != "utf-8" {
				return n
			}
		}
	}
	return "windows-1252"
}
