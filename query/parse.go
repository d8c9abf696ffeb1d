package query

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SyntaxError is a query that cannot be parsed. Pos is the byte offset in
// the query where the problem was found, so a UI can point at it.
type SyntaxError struct {
	Pos int
	Msg string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("syntax error at position %d: %s", e.Pos, e.Msg)
}

func errAt(pos int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

type tokKind int

const (
	tEOF tokKind = iota
	tWord
	tPhrase
	tLParen
	tRParen
	tAnd
	tOr
	tNot  // NOT or a leading -
	tPlus // a leading +
	tField
)

type token struct {
	kind   tokKind
	text   string // the operator as written, a word, a phrase's inside or a field value
	pos    int
	field  string // tField: the lower-cased field name
	quoted bool   // tField: the value was a quoted phrase
	valPos int    // tField: where the value starts
}

// isBreak reports whether r ends a bare word.
func isBreak(r rune) bool {
	return unicode.IsSpace(r) || r == '(' || r == ')' || r == '"'
}

// lex splits q into tokens. Field names are checked here because only the
// lexer knows where the value starts.
func lex(q string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(q) {
		r, size := utf8.DecodeRuneInString(q[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case r == '(':
			toks = append(toks, token{kind: tLParen, text: "(", pos: i})
			i++
		case r == ')':
			toks = append(toks, token{kind: tRParen, text: ")", pos: i})
			i++
		case r == '"':
			text, next, err := lexPhrase(q, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tPhrase, text: text, pos: i})
			i = next
		case r == '-' || r == '+':
			// A sign binds to what follows it directly; a sign standing
			// alone ("a - b") is more likely a typo than a negation.
			nr, _ := utf8.DecodeRuneInString(q[i+1:])
			if i+1 >= len(q) || unicode.IsSpace(nr) || nr == ')' {
				return nil, errAt(i, "dangling operator %q", string(r))
			}
			k := tNot
			if r == '+' {
				k = tPlus
			}
			toks = append(toks, token{kind: k, text: string(r), pos: i})
			i++
		default:
			end := wordEnd(q, i)
			word := q[i:end]
			switch word {
			case "AND":
				toks = append(toks, token{kind: tAnd, text: word, pos: i})
				i = end
				continue
			case "OR":
				toks = append(toks, token{kind: tOr, text: word, pos: i})
				i = end
				continue
			case "NOT":
				toks = append(toks, token{kind: tNot, text: word, pos: i})
				i = end
				continue
			}
			if name, ok := fieldName(word); ok {
				tok, next, err := lexField(q, i, name)
				if err != nil {
					return nil, err
				}
				toks = append(toks, tok)
				i = next
				continue
			}
			toks = append(toks, token{kind: tWord, text: word, pos: i})
			i = end
		}
	}
	return append(toks, token{kind: tEOF, pos: len(q)}), nil
}

func wordEnd(q string, i int) int {
	for i < len(q) {
		r, size := utf8.DecodeRuneInString(q[i:])
		if isBreak(r) {
			break
		}
		i += size
	}
	return i
}

// lexPhrase reads a quoted phrase starting at the quote at q[start].
func lexPhrase(q string, start int) (text string, next int, err error) {
	end := strings.IndexByte(q[start+1:], '"')
	if end < 0 {
		return "", 0, errAt(start, "unterminated quote")
	}
	text = q[start+1 : start+1+end]
	if strings.TrimSpace(text) == "" {
		return "", 0, errAt(start, "empty phrase")
	}
	return text, start + end + 2, nil
}

// fieldName reports whether word starts with "name:" where name is ASCII
// letters; such a word is a field filter, known or not.
func fieldName(word string) (string, bool) {
	colon := strings.IndexByte(word, ':')
	if colon <= 0 {
		return "", false
	}
	for _, c := range []byte(word[:colon]) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_') {
			return "", false
		}
	}
	return strings.ToLower(word[:colon]), true
}

// lexField reads "name:value" starting at q[start]; the value may follow
// after spaces and may be a quoted phrase.
func lexField(q string, start int, name string) (token, int, error) {
	if !textFields[name] && name != FieldPublished && !keywordFields[name] {
		return token{}, 0, errAt(start, "unknown field %q (known: title, source, actor, category, kind, lang, published, added, removed)", name)
	}
	tok := token{kind: tField, field: name, pos: start}
	i := start + len(name) + 1
	for i < len(q) {
		r, size := utf8.DecodeRuneInString(q[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	tok.valPos = i
	if i < len(q) && q[i] == '"' {
		text, next, err := lexPhrase(q, i)
		if err != nil {
			return token{}, 0, err
		}
		tok.text, tok.quoted = text, true
		return tok, next, nil
	}
	end := wordEnd(q, i)
	val := q[i:end]
	_, another := fieldName(val)
	if val == "" || val == "AND" || val == "OR" || val == "NOT" || (another && i > start+len(name)+1) {
		// "title: source:x" is a field left empty, not a title search for "source:x".
		return token{}, 0, errAt(i, "missing value for field %s", name)
	}
	tok.text = val
	return tok, end, nil
}

// Parse parses a query. The empty (or all-space) query is valid and
// matches every document. Errors are *SyntaxError.
func Parse(q string) (Node, error) {
	toks, err := lex(q)
	if err != nil {
		return Node{}, err
	}
	p := &parser{q: q, toks: toks}
	if p.peek().kind == tEOF {
		return Node{Op: OpAll}, nil
	}
	n, err := p.parseOr()
	if err != nil {
		return Node{}, err
	}
	if t := p.peek(); t.kind != tEOF {
		// parseOr stops only at EOF or a ')' it did not open.
		return Node{}, errAt(t.pos, "unexpected closing parenthesis")
	}
	if deep, ok := tooDeep(n, 0); ok {
		return Node{}, errAt(deep.Pos, "query nested more than %d deep", maxDepth)
	}
	return n, nil
}

// tooDeep returns the first node nested deeper than maxDepth.
func tooDeep(n Node, depth int) (Node, bool) {
	if depth > maxDepth {
		return n, true
	}
	for _, c := range n.Children {
		if deep, ok := tooDeep(c, depth+1); ok {
			return deep, true
		}
	}
	return Node{}, false
}

// maxDepth bounds how deeply AND, OR and NOT nest in a parsed query: no
// real query needs more, and every consumer of a Node recurses over it.
// maxSyntaxDepth bounds the parser's own recursion (parentheses and NOTs
// as written) before the tree is built; it is looser because parentheses
// around a single term leave no trace in the tree.
const (
	maxDepth       = 100
	maxSyntaxDepth = 1000
)

type parser struct {
	q     string
	toks  []token
	i     int
	depth int
}

func (p *parser) enter(pos int) error {
	p.depth++
	if p.depth > maxSyntaxDepth {
		return errAt(pos, "query nested more than %d deep", maxSyntaxDepth)
	}
	return nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

// startsOperand reports whether t can begin an operand.
func startsOperand(t token) bool {
	switch t.kind {
	case tWord, tPhrase, tLParen, tNot, tPlus, tField:
		return true
	}
	return false
}

func (p *parser) parseOr() (Node, error) {
	first, err := p.parseAnd()
	if err != nil {
		return Node{}, err
	}
	kids := []Node{first}
	for p.peek().kind == tOr {
		op := p.next()
		if !startsOperand(p.peek()) {
			return Node{}, errAt(op.pos, "dangling operator OR")
		}
		n, err := p.parseAnd()
		if err != nil {
			return Node{}, err
		}
		kids = append(kids, n)
	}
	return join(OpOr, kids), nil
}

func (p *parser) parseAnd() (Node, error) {
	if t := p.peek(); t.kind == tAnd || t.kind == tOr {
		return Node{}, errAt(t.pos, "dangling operator %s", t.text)
	}
	first, err := p.parseUnary()
	if err != nil {
		return Node{}, err
	}
	kids := []Node{first}
	for {
		t := p.peek()
		if t.kind == tAnd {
			p.next()
			if !startsOperand(p.peek()) {
				return Node{}, errAt(t.pos, "dangling operator AND")
			}
		} else if !startsOperand(t) {
			break
		}
		n, err := p.parseUnary()
		if err != nil {
			return Node{}, err
		}
		kids = append(kids, n)
	}
	return join(OpAnd, kids), nil
}

// join builds an AND/OR node, flattening nested nodes of the same op so
// the tree (and String) stays small.
func join(op Op, kids []Node) Node {
	if len(kids) == 1 {
		return kids[0]
	}
	var flat []Node
	for _, k := range kids {
		if k.Op == op {
			flat = append(flat, k.Children...)
		} else {
			flat = append(flat, k)
		}
	}
	return Node{Op: op, Children: flat, Pos: kids[0].Pos}
}

func (p *parser) parseUnary() (Node, error) {
	t := p.peek()
	switch t.kind {
	case tNot, tPlus:
		p.next()
		if !startsOperand(p.peek()) {
			return Node{}, errAt(t.pos, "dangling operator %s", t.text)
		}
		if err := p.enter(t.pos); err != nil {
			return Node{}, err
		}
		n, err := p.parseUnary()
		p.depth--
		if err != nil {
			return Node{}, err
		}
		if t.kind == tPlus {
			// Terms are required already (implicit AND): + only documents it.
			return n, nil
		}
		return Node{Op: OpNot, Children: []Node{n}, Pos: t.pos}, nil
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() (Node, error) {
	t := p.next()
	switch t.kind {
	case tLParen:
		if p.peek().kind == tRParen {
			return Node{}, errAt(t.pos, "empty parentheses")
		}
		if err := p.enter(t.pos); err != nil {
			return Node{}, err
		}
		n, err := p.parseOr()
		p.depth--
		if err != nil {
			return Node{}, err
		}
		if p.peek().kind != tRParen {
			return Node{}, errAt(len(p.q), "missing closing parenthesis")
		}
		p.next()
		return n, nil
	case tWord:
		return wordNode(t.text, "", t.pos)
	case tPhrase:
		return Node{Op: OpPhrase, Value: t.text, Pos: t.pos}, nil
	case tField:
		return fieldNode(t)
	case tRParen:
		return Node{}, errAt(t.pos, "unexpected closing parenthesis")
	case tEOF:
		return Node{}, errAt(t.pos, "unexpected end of query")
	}
	return Node{}, errAt(t.pos, "unexpected %q", t.text)
}

// wordNode makes a term, or a prefix when the word ends in *.
func wordNode(word, field string, pos int) (Node, error) {
	stem, wild := strings.CutSuffix(word, "*")
	if strings.Contains(stem, "*") {
		return Node{}, errAt(pos+strings.IndexByte(word, '*'), "wildcard * is only allowed at the end of a word")
	}
	if wild {
		if !strings.ContainsFunc(stem, isWordRune) {
			return Node{}, errAt(pos, "wildcard needs a prefix of letters or digits")
		}
		return Node{Op: OpPrefix, Field: field, Value: stem, Pos: pos}, nil
	}
	return Node{Op: OpTerm, Field: field, Value: word, Pos: pos}, nil
}

func fieldNode(t token) (Node, error) {
	switch {
	case textFields[t.field] && t.quoted:
		return Node{Op: OpPhrase, Field: t.field, Value: t.text, Pos: t.pos}, nil
	case textFields[t.field]:
		return wordNode(t.text, t.field, t.pos)
	case t.field == FieldPublished:
		from, to, err := parseDateRange(t.text, t.valPos)
		if err != nil {
			return Node{}, err
		}
		return Node{Op: OpDate, From: from, To: to, Pos: t.pos}, nil
	}
	n := Node{Op: OpField, Field: t.field, Value: t.text, Pos: t.pos}
	if !t.quoted {
		stem, wild := strings.CutSuffix(t.text, "*")
		if strings.Contains(stem, "*") {
			return Node{}, errAt(t.valPos+strings.IndexByte(t.text, '*'), "wildcard * is only allowed at the end of a value")
		}
		if wild {
			if stem == "" {
				return Node{}, errAt(t.valPos, "wildcard needs a prefix")
			}
			n.Value, n.Prefix = stem, true
		}
	}
	if n.Field == FieldLang && !n.Prefix {
		if err := CheckLanguage(n.Value); err != nil {
			return Node{}, errAt(t.valPos, "%s", err.Error())
		}
	}
	return n, nil
}

// parseDateRange reads ">=D", ">D", "<D", "<=D", "=D", "D" or "D..D"
// where D is YYYY, YYYY-MM or YYYY-MM-DD; either side of ".." may be left
// open. The result is the half-open UTC interval [from, to).
func parseDateRange(s string, pos int) (from, to time.Time, err error) {
	for _, op := range []string{">=", "<=", ">", "<", "="} {
		rest, ok := strings.CutPrefix(s, op)
		if !ok {
			continue
		}
		start, end, err := parsePeriod(rest, pos+len(op))
		if err != nil {
			return from, to, err
		}
		switch op {
		case ">=":
			return start, time.Time{}, nil
		case ">":
			return end, time.Time{}, nil
		case "<":
			return time.Time{}, start, nil
		case "<=":
			return time.Time{}, end, nil
		default:
			return start, end, nil
		}
	}
	a, b, isRange := strings.Cut(s, "..")
	if !isRange {
		return parsePeriod(s, pos)
	}
	if a == "" && b == "" {
		return from, to, errAt(pos, "date range needs at least one date")
	}
	if a != "" {
		if from, _, err = parsePeriod(a, pos); err != nil {
			return from, to, err
		}
	}
	if b != "" {
		if _, to, err = parsePeriod(b, pos+len(a)+2); err != nil {
			return from, to, err
		}
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return from, to, errAt(pos, "date range %s ends before it starts", s)
	}
	return from, to, nil
}

// parsePeriod reads a year, month or day and returns the period it names.
func parsePeriod(s string, pos int) (start, end time.Time, err error) {
	var layout string
	switch len(s) {
	case 4:
		layout = "2006"
	case 7:
		layout = "2006-01"
	case 10:
		layout = "2006-01-02"
	}
	if layout != "" {
		start, err = time.Parse(layout, s)
	}
	if layout == "" || err != nil {
		return start, end, errAt(pos, "bad date %q (want YYYY, YYYY-MM or YYYY-MM-DD)", s)
	}
	switch len(s) {
	case 4:
		end = start.AddDate(1, 0, 0)
	case 7:
		end = start.AddDate(0, 1, 0)
	default:
		end = start.AddDate(0, 0, 1)
	}
	return start, end, nil
}
