package extract

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blockAtoms end a line of text in the extracted body.
var blockAtoms = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Blockquote: true, atom.Pre: true, atom.Tr: true, atom.Table: true,
	atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Section: true,
	atom.Article: true, atom.Header: true, atom.Footer: true, atom.Figure: true, atom.Figcaption: true,
	atom.Hr: true, atom.Main: true, atom.Aside: true, atom.Address: true, atom.Details: true, atom.Summary: true,
	atom.Caption: true, atom.Form: true, atom.Fieldset: true, atom.Nav: true,
}

// nodeText renders an extracted content tree as plain text: one line per
// block element, inline text joined with single spaces.
func nodeText(n *html.Node) []string {
	var lines []string
	var cur strings.Builder
	flush := func() {
		if s := normSpace(cur.String()); s != "" {
			lines = append(lines, s)
		}
		cur.Reset()
	}
	type frame struct {
		n    *html.Node
		exit bool
	}
	stack := []frame{{n: n}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		c := f.n
		if f.exit {
			flush()
			continue
		}
		switch c.Type {
		case html.TextNode:
			cur.WriteString(c.Data)
			continue
		case html.ElementNode:
			// Nodes built by the extractor carry only their tag name.
			a := c.DataAtom
			if a == 0 {
				a = atom.Lookup([]byte(c.Data))
			}
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Figcaption:
				continue
			case atom.Br:
				flush()
				continue
			case atom.Td, atom.Th:
				cur.WriteByte(' ')
			}
			if blockAtoms[a] || c.Data == "head" || c.Data == "item" || c.Data == "list" || c.Data == "quote" || c.Data == "row" {
				flush()
				stack = append(stack, frame{n: c, exit: true})
			}
		}
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, frame{n: k})
		}
	}
	flush()
	return lines
}

// boilerLine matches whole lines that are page furniture rather than
// article text: share prompts, newsletter sign-ups, "related" headers,
// image credits, cookie notices.
var boilerLine = regexp.MustCompile(`(?i)^(?:` +
	`share (?:this|on|via)\b.*|share|tweet|email|print|copy link|facebook|twitter|linkedin|whatsapp|pinterest|reddit|` +
	`(?:sign up|subscribe)(?: now| today)?(?: to| for)? (?:our|the)? ?(?:free )?(?:daily |weekly )?(?:newsletter|email|updates).*|` +
	`(?:related|recommended|more|read more|see also|you may also like|you might also like|most read|popular|trending)(?: (?:articles|stories|news|content|links|posts|topics|coverage))?:?|` +
	`read more:.*|see also:.*|related:.*|` +
	`advertisement|sponsored|ad|skip (?:to|ad).*|` +
	`(?:photo|image|picture|credit|source|foto|bild)s?: .{0,80}|` +
	`(?:we use|this (?:site|website) uses) cookies.*|accept (?:all )?cookies|cookie (?:settings|policy|preferences)|` +
	`back to top|top of page|return to top|` +
	`(?:follow us|like us|connect with us)(?: on .*)?` +
	`)$`)

// cleanText renders the extracted content and drops boilerplate lines.
func cleanText(n *html.Node, p *page) string {
	if n == nil {
		return ""
	}
	lines := nodeText(n)
	out := lines[:0]
	for _, l := range lines {
		if boilerLine.MatchString(strings.TrimSpace(l)) {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
