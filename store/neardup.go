package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"strings"
	"unicode"
)

// Near-duplicate detection. A wire story republished by several outlets
// differs by a line of boilerplate the extractor kept, a corrected typo or
// a dropped sentence, so an exact content hash misses it. We compare the
// sets of 3-word shingles of two texts (Jaccard similarity), estimated by
// MinHash signatures; locality-sensitive hashing over bands of the
// signature finds candidates by index lookups instead of a scan.
const (
	minhashSize = 32 // signature length
	bandRows    = 4  // signature values per band: 8 bands
	// nearJaccard is the estimated share of shingles two texts must have
	// in common to be one story. Copies with a corrections line or a
	// dropped paragraph score above 0.85; different stories on the same
	// event, written separately, score far below.
	nearJaccard = 0.8
	// minShingles keeps short texts (a two-line notice) out of matching,
	// where a few shared words mean little.
	minShingles = 60
)

// signature returns the MinHash signature of text, or nil when the text
// is too short to be matched.
func signature(text string) []uint64 {
	toks := shingleTokens(text)
	if len(toks) < minShingles+2 {
		return nil
	}
	sig := make([]uint64, minhashSize)
	for i := range sig {
		sig[i] = ^uint64(0)
	}
	for i := 0; i+3 <= len(toks); i++ {
		h := fnv.New64a()
		h.Write([]byte(toks[i] + "\x00" + toks[i+1] + "\x00" + toks[i+2]))
		base := h.Sum64()
		for j := range sig {
			if v := mix(base + uint64(j)*0x9e3779b97f4a7c15); v < sig[j] {
				sig[j] = v
			}
		}
	}
	return sig
}

// mix is splitmix64's finalizer: a cheap, well-spread family of hashes.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

func similarity(a, b []uint64) float64 {
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	return float64(same) / float64(len(a))
}

func bands(sig []uint64) []int64 {
	out := make([]int64, 0, len(sig)/bandRows)
	for i := 0; i < len(sig); i += bandRows {
		h := fnv.New64a()
		var buf [8]byte
		for _, v := range sig[i : i+bandRows] {
			binary.LittleEndian.PutUint64(buf[:], v)
			h.Write(buf[:])
		}
		out = append(out, int64(h.Sum64()))
	}
	return out
}

func encodeSig(sig []uint64) []byte {
	if sig == nil {
		return nil
	}
	b := make([]byte, 8*len(sig))
	for i, v := range sig {
		binary.LittleEndian.PutUint64(b[8*i:], v)
	}
	return b
}

func decodeSig(b []byte) []uint64 {
	if len(b) != 8*minhashSize {
		return nil
	}
	sig := make([]uint64, minhashSize)
	for i := range sig {
		sig[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return sig
}

// shingleTokens splits text into lower-case words; Han, kana and hangul
// runs become overlapping character pairs, as they have no spaces.
func shingleTokens(text string) []string {
	var (
		toks []string
		word strings.Builder
		prev rune
	)
	flush := func() {
		if word.Len() > 0 {
			toks = append(toks, word.String())
			word.Reset()
		}
	}
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r):
			flush()
			if prev != 0 {
				toks = append(toks, string([]rune{prev, r}))
			}
			prev = r
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
		prev = 0
	}
	flush()
	return toks
}

// setSignature stores a document's signature and bands.
func setSignature(ctx context.Context, tx *dbTx, id int64, text string) error {
	sig := signature(text)
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET minhash = ? WHERE id = ?`, encodeSig(sig), id); err != nil {
		return fmt.Errorf("store signature of document %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM document_bands WHERE document_id = ?`, id); err != nil {
		return err
	}
	for i, h := range bands(sig) {
		if sig == nil {
			break
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO document_bands (document_id, band, hash) VALUES (?, ?, ?)`,
			id, i, h); err != nil {
			return fmt.Errorf("store signature of document %d: %w", id, err)
		}
	}
	return nil
}

// nearDuplicate finds a stored document whose text is a near copy of text.
func nearDuplicate(ctx context.Context, tx *dbTx, text string) (int64, bool, error) {
	sig := signature(text)
	if sig == nil {
		return 0, false, nil
	}
	seen := map[int64]bool{}
	for i, h := range bands(sig) {
		rows, err := tx.QueryContext(ctx, `SELECT d.id, d.minhash FROM document_bands b JOIN documents d ON d.id = b.document_id
			WHERE b.band = ? AND b.hash = ? ORDER BY d.id`, i, h)
		if err != nil {
			return 0, false, fmt.Errorf("find near duplicates: %w", err)
		}
		for rows.Next() {
			var (
				id    int64
				other []byte
			)
			if err := rows.Scan(&id, &other); err != nil {
				rows.Close()
				return 0, false, err
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			if o := decodeSig(other); o != nil && similarity(sig, o) >= nearJaccard {
				rows.Close()
				return id, true, nil
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, false, err
		}
	}
	return 0, false, nil
}
