package index

import (
	"container/list"
	"fmt"
	"strings"
	"sync"
	"time"
)

// The index changes only when a crawl or a re-index writes to it, while
// the same searches come back all the time: a page reloaded, the next
// page of the same query (same facets), a feed reader polling a saved
// search. So searches keep two small caches, both keyed by the index's
// generation, which every Put and Delete advances: a cached answer is
// never served once the documents it describes have changed.
//
//   - summaries (facets, day counts, totals) by query and filters, shared
//     by every page and sort order of the same search;
//   - whole results by the complete request.
const defaultCacheEntries = 512

// lru is a small least-recently-used map, safe for concurrent use.
type lru[V any] struct {
	mu    sync.Mutex
	max   int
	order *list.List // front: most recent; values are *lruEntry[V]
	byKey map[string]*list.Element
}

type lruEntry[V any] struct {
	key string
	val V
}

func newLRU[V any](max int) *lru[V] {
	return &lru[V]{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *lru[V]) get(key string) (V, bool) {
	var zero V
	if c == nil || c.max <= 0 {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return zero, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*lruEntry[V]).val, true
}

func (c *lru[V]) put(key string, v V) {
	if c == nil || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		e.Value.(*lruEntry[V]).val = v
		c.order.MoveToFront(e)
		return
	}
	c.byKey[key] = c.order.PushFront(&lruEntry[V]{key, v})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byKey, last.Value.(*lruEntry[V]).key)
	}
}

// SetCacheSize sets how many summaries and how many results the index
// keeps (each); 0 turns caching off, as benchmarks of the engine itself
// want. The caches start empty.
func (ix *Index) SetCacheSize(n int) {
	ix.summaries.Store(newLRU[*summary](n))
	ix.results.Store(newLRU[*Result](n))
}

// changed advances the generation after a write, so no cached answer
// from before it is served again.
func (ix *Index) changed() {
	ix.generation.Add(1)
}

// summaryKey identifies a search's matches: the query and the filters,
// not the page or the sort order.
func (ix *Index) summaryKey(r Request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d\x00%s", ix.generation.Load(), r.Query)
	for _, l := range [][]string{r.Categories, r.Actors, r.Sources, r.Kinds, r.Langs} {
		b.WriteString("\x00")
		b.WriteString(strings.Join(nonBlank(l), "\x01"))
	}
	fmt.Fprintf(&b, "\x00%s\x00%s\x00%v", dayKey(r.From), dayKey(r.To), r.IDs)
	return b.String()
}

// resultKey identifies a whole result.
func (ix *Index) resultKey(r Request, sort string, page, perPage int) string {
	return fmt.Sprintf("%s\x00%s\x00%d\x00%d\x00%t", ix.summaryKey(r), sort, page, perPage, r.Histogram)
}

func dayKey(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
