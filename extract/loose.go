package extract

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// phrasing lists the inline elements that may sit in a run of text
// without starting a new block.
var phrasing = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true, atom.Br: true, atom.Cite: true,
	atom.Code: true, atom.Data: true, atom.Dfn: true, atom.Em: true, atom.Font: true, atom.I: true, atom.Kbd: true,
	atom.Mark: true, atom.Q: true, atom.S: true, atom.Samp: true, atom.Small: true, atom.Span: true, atom.Strong: true,
	atom.Sub: true, atom.Sup: true, atom.Time: true, atom.U: true, atom.Var: true, atom.Wbr: true, atom.Strike: true,
}

// wrapLooseText puts runs of text that sit directly in a container next
// to block elements ("<div>The lead <em>here</em>. <br><br><img>...")
// into paragraphs of their own, split at double line breaks, the way
// Readability prepares a page. The content extractor keeps paragraphs
// but can lose a container's own leading text.
func wrapLooseText(doc *html.Node) {
	var containers []*html.Node
	walkElems(doc, func(n *html.Node) bool {
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head, atom.P, atom.Pre, atom.Table:
			return false
		case atom.Div, atom.Section, atom.Article, atom.Main, atom.Td:
			if hasLooseText(n) {
				containers = append(containers, n)
			}
		}
		return true
	})
	for _, n := range containers {
		wrapRuns(n)
	}
}

// hasLooseText reports whether n has a direct child text node with words
// and a direct child that is a block, or a double line break.
func hasLooseText(n *html.Node) bool {
	text, block := false, false
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				text = true
			}
		case c.Type == html.ElementNode && (!phrasing[c.DataAtom] || c.DataAtom == atom.Br && nextIsBr(c)):
			block = true
		}
	}
	return text && block
}

// nextIsBr reports whether the next sibling of br, past white space, is
// another <br>.
func nextIsBr(br *html.Node) bool {
	for s := br.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.TextNode && strings.TrimSpace(s.Data) == "" {
			continue
		}
		return s.Type == html.ElementNode && s.DataAtom == atom.Br
	}
	return false
}

// wrapRuns moves each run of phrasing content among n's children into a
// new <p>.
func wrapRuns(n *html.Node) {
	var run []*html.Node
	flush := func() {
		words := false
		for _, c := range run {
			if c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" || c.Type == html.ElementNode && c.DataAtom != atom.Br {
				words = true
				break
			}
		}
		if words {
			p := &html.Node{Type: html.ElementNode, Data: "p", DataAtom: atom.P}
			n.InsertBefore(p, run[0])
			for _, c := range run {
				n.RemoveChild(c)
				p.AppendChild(c)
			}
		}
		run = run[:0]
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.TextNode:
			run = append(run, c)
		case c.Type == html.ElementNode && c.DataAtom == atom.Br && nextIsBr(c):
			flush()
		case c.Type == html.ElementNode && phrasing[c.DataAtom]:
			run = append(run, c)
		case c.Type == html.CommentNode:
		default:
			flush()
		}
		c = next
	}
	flush()
}

// embeddedPost matches the class of a social-media post embedded in an
// article by its publisher's widget code.
var embeddedPost = regexp.MustCompile(`(?i)^(?:twitter-tweet|instagram-media|tiktok-embed|bluesky-embed)$`)

// liftEmbeddedPosts turns social-media posts an article quotes
// (<blockquote class="twitter-tweet">) into plain quotations standing
// where their widget wrappers stood: the wrappers' names ("widget",
// "embed", "social") and the posts' links (handle, date, picture) made
// the content extractor drop them, but what the post says is part of the
// story.
func liftEmbeddedPosts(doc *html.Node) {
	var posts []*html.Node
	walkElems(doc, func(n *html.Node) bool {
		if n.DataAtom != atom.Blockquote {
			return true
		}
		for _, tok := range strings.Fields(attr(n, "class")) {
			if embeddedPost.MatchString(tok) {
				posts = append(posts, n)
				return false
			}
		}
		return true
	})
	for _, n := range posts {
		n.Attr = nil
		// Unlink: keep the text of the post's links.
		var links []*html.Node
		walkElems(n, func(c *html.Node) bool {
			if c.DataAtom == atom.A {
				links = append(links, c)
				return false
			}
			return true
		})
		for _, a := range links {
			for c := a.FirstChild; c != nil; {
				next := c.NextSibling
				a.RemoveChild(c)
				a.Parent.InsertBefore(c, a)
				c = next
			}
			a.Parent.RemoveChild(a)
		}
		// Replace the wrappers that hold nothing but this post (and
		// scripts) with the post itself.
		top := n
		for up := n.Parent; up != nil && up.DataAtom != atom.Body && up.DataAtom != atom.Article && up.DataAtom != atom.Main && onlyHolds(up, top); up = up.Parent {
			top = up
		}
		if top != n {
			n.Parent.RemoveChild(n)
			top.Parent.InsertBefore(n, top)
			top.Parent.RemoveChild(top)
		}
	}
}

// onlyHolds reports whether every child of n other than c is white space,
// a script or a comment.
func onlyHolds(n, c *html.Node) bool {
	for k := n.FirstChild; k != nil; k = k.NextSibling {
		switch {
		case k == c, k.Type == html.CommentNode, k.Type == html.TextNode && strings.TrimSpace(k.Data) == "",
			k.Type == html.ElementNode && (k.DataAtom == atom.Script || k.DataAtom == atom.Noscript):
		default:
			return false
		}
	}
	return true
}
