package extract

import (
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
