// Package query is policywatch's search language: words, "quoted phrases",
// AND / OR / NOT (also -word and +word), parentheses, field filters
// (title: source: actor: category: kind: lang:), published date ranges and
// prefix wildcards (sanct*).
//
// Parse turns a query into a Node tree. Match evaluates a tree in memory
// (the crawler's relevance test); the index package translates the same tree
// into Bleve queries, so both agree on what a query means.
//
// Precedence, loosest first: OR, then AND (explicit or implicit between
// terms), then NOT / - / +. So `a b OR c` means `(a AND b) OR c`.
package query

import (
	"strings"
	"time"
)

// Op is the kind of a Node.
type Op int

const (
	OpAll    Op = iota // the empty query: matches every document
	OpAnd              // all Children
	OpOr               // any of Children
	OpNot              // not Children[0]
	OpTerm             // a word: Value, over title+text (or only Field "title")
	OpPhrase           // a quoted phrase: Value
	OpPrefix           // a word ending in *: Value is the part before the *
	OpField            // a keyword filter: Field equals Value (Prefix: starts with Value)
	OpDate             // published in [From, To); a zero bound is open
)

// Filter fields a query may name. "title" restricts a word, phrase or
// prefix to the title; the others compare keyword values.
const (
	FieldTitle     = "title"
	FieldSource    = "source"
	FieldActor     = "actor"
	FieldCategory  = "category"
	FieldKind      = "kind"
	FieldLang      = "lang"
	FieldPublished = "published"
	// FieldAdded and FieldRemoved restrict a word or phrase, like title,
	// to the text amendments added to or removed from a page.
	FieldAdded   = "added"
	FieldRemoved = "removed"
)

// textFields are the fields that restrict words and phrases to a part of
// a document rather than compare keyword values.
var textFields = map[string]bool{FieldTitle: true, FieldAdded: true, FieldRemoved: true}

// keywordFields are the fields whose values are compared whole.
var keywordFields = map[string]bool{
	FieldSource: true, FieldActor: true, FieldCategory: true, FieldKind: true, FieldLang: true,
}

// Node is one part of a parsed query.
type Node struct {
	Op       Op
	Children []Node // OpAnd, OpOr: two or more; OpNot: exactly one
	// Field is, for OpTerm/OpPhrase/OpPrefix, "" (title and text) or
	// "title"; for OpField one of source, actor, category, kind, lang.
	Field  string
	Value  string // as written, without quotes or the trailing *
	Prefix bool   // OpField only: the value ended in *
	// From and To bound OpDate; day precision, UTC midnights naming days
	// of the publisher's calendar, To exclusive.
	From, To time.Time
	Pos      int // byte offset of the node in the query
}

// IsAll reports whether n matches every document (the empty query).
func (n Node) IsAll() bool { return n.Op == OpAll }

// String prints n in a fully parenthesized form that Parse accepts again
// and that reads well in test failures. The empty query prints as "".
func (n Node) String() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n Node) write(b *strings.Builder) {
	field := func() {
		if n.Field != "" {
			b.WriteString(n.Field)
			b.WriteByte(':')
		}
	}
	switch n.Op {
	case OpAll:
	case OpAnd, OpOr:
		sep := " AND "
		if n.Op == OpOr {
			sep = " OR "
		}
		b.WriteByte('(')
		for i, c := range n.Children {
			if i > 0 {
				b.WriteString(sep)
			}
			c.write(b)
		}
		b.WriteByte(')')
	case OpNot:
		b.WriteString("NOT ")
		if len(n.Children) == 1 {
			n.Children[0].write(b)
		}
	case OpTerm:
		field()
		b.WriteString(n.Value)
	case OpPhrase:
		field()
		b.WriteByte('"')
		b.WriteString(n.Value)
		b.WriteByte('"')
	case OpPrefix:
		field()
		b.WriteString(n.Value)
		b.WriteByte('*')
	case OpField:
		field()
		if n.Prefix {
			b.WriteString(n.Value)
			b.WriteByte('*')
		} else if strings.ContainsFunc(n.Value, isBreak) || n.Value == "AND" || n.Value == "OR" || n.Value == "NOT" {
			b.WriteByte('"')
			b.WriteString(n.Value)
			b.WriteByte('"')
		} else {
			b.WriteString(n.Value)
		}
	case OpDate:
		b.WriteString(FieldPublished)
		b.WriteByte(':')
		const day = "2006-01-02"
		switch {
		case !n.From.IsZero() && !n.To.IsZero():
			b.WriteString(n.From.Format(day))
			b.WriteString("..")
			b.WriteString(n.To.AddDate(0, 0, -1).Format(day))
		case !n.From.IsZero():
			b.WriteString(">=")
			b.WriteString(n.From.Format(day))
		case !n.To.IsZero():
			b.WriteString("<")
			b.WriteString(n.To.Format(day))
		default:
			b.WriteString(">=0001-01-01")
		}
	}
}
