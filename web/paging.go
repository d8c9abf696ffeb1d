package web

import (
	"net/http"
	"strconv"
	"strings"
)

// Every list the API returns comes a page at a time: ?page= and
// ?per_page= (bounded) choose it, and the answer says where it is and
// links to its neighbours, so a client walks a list by following next
// until it is null, without knowing how it is cut.
const (
	listPerPage    = 100  // default page size of the API's lists
	listMaxPerPage = 500  // the most a client may ask for
	listCap        = 5000 // lists read from the store hold at most this many rows

	// A topic's timeline is read whole by its clients (TimelineJS, a
	// newsroom's scripts, our scorers), and is hundreds of events, not
	// millions: one page holds it unless a client asks for less.
	timelinePerPage = 2000
)

// apiPaging is where a page sits in its list; every list response
// carries these fields beside its items.
type apiPaging struct {
	Total   int     `json:"total"`
	Page    int     `json:"page"`
	PerPage int     `json:"per_page"`
	Pages   int     `json:"pages"`
	Next    *string `json:"next"` // the next page's URL; null on the last
	Prev    *string `json:"prev"` // the previous page's URL; null on the first
}

// pageReq is the page a request asks for.
type pageReq struct{ Page, PerPage int }

// readPage reads ?page= and ?per_page=, per_page defaulting to def and
// bounded by max.
func readPage(r *http.Request, def, max int) (pageReq, error) {
	pr := pageReq{Page: 1, PerPage: def}
	v := r.URL.Query()
	if raw := strings.TrimSpace(v.Get("per_page")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > max {
			return pr, badParam("per_page", "%q is not a page size from 1 to %d", raw, max)
		}
		pr.PerPage = n
	}
	if raw := strings.TrimSpace(v.Get("page")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return pr, badParam("page", "%q is not a page number (1 or more)", raw)
		}
		pr.Page = n
	}
	return pr, nil
}

// slice is the part of a list of n items the page holds, as [lo, hi).
func (pr pageReq) slice(n int) (lo, hi int) {
	lo = min((pr.Page-1)*pr.PerPage, n)
	return lo, min(lo+pr.PerPage, n)
}

// pageOf cuts a page out of a list.
func pageOf[T any](items []T, pr pageReq) []T {
	lo, hi := pr.slice(len(items))
	return items[lo:hi]
}

// paging describes page pr of a list of total items, with links that keep
// the request's other parameters.
func paging(r *http.Request, pr pageReq, total int) apiPaging {
	p := apiPaging{Total: total, Page: pr.Page, PerPage: pr.PerPage, Pages: (total + pr.PerPage - 1) / pr.PerPage}
	link := func(n int) *string {
		v := r.URL.Query()
		v.Set("page", strconv.Itoa(n))
		if pr.PerPage != 0 {
			v.Set("per_page", strconv.Itoa(pr.PerPage))
		}
		u := r.URL.Path + "?" + v.Encode()
		return &u
	}
	if pr.Page < p.Pages {
		p.Next = link(pr.Page + 1)
	}
	if pr.Page > 1 {
		p.Prev = link(min(pr.Page-1, max(p.Pages, 1)))
	}
	return p
}
