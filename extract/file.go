package extract

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
)

// maxFile bounds how much of a file (after decompression) ExtractFile reads.
const maxFile = 64 << 20

// ExtractFile reads one saved page, plain or gzip-compressed (recognised
// by its magic bytes, whatever the file name), decodes it to UTF-8 and
// extracts it. It is what `policywatch extract FILE` needs.
func ExtractFile(path, pageURL string) (*Result, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read page: %w", err)
	}
	if bytes.HasPrefix(raw, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("gunzip %s: %w", path, err)
		}
		raw, err = io.ReadAll(io.LimitReader(zr, maxFile))
		if err != nil {
			return nil, fmt.Errorf("gunzip %s: %w", path, err)
		}
	}
	page, _, err := DecodeHTML(raw, "")
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	r, err := Extract(page, pageURL)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", path, err)
	}
	return r, nil
}
