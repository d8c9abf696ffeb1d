package query

import (
	"fmt"
	"slices"
	"strings"

	"policywatch/internal/suggest"
)

// Term is one value a keyword field takes: the id the archive stores and
// the label people read (the taxonomy's "Sanctions" for "sanction").
// Aliases are further names that mean the same id, such as a timeline
// lane's id ("sanctions").
type Term struct {
	ID, Label string
	Aliases   []string
}

// Vocabulary knows the values of the keyword fields whose stored ids are
// not what the UI shows (category and actor), so a query, a filter or an
// API parameter may use either, in any case. A field the vocabulary does
// not list (source, lang) passes through unchecked.
type Vocabulary struct {
	fields map[string]*fieldTerms
}

type fieldTerms struct {
	terms []Term
	byKey map[string]string // folded id, label or alias -> id
}

// NewVocabulary builds a vocabulary from each field's terms, in the
// order they should be listed. Ids win over labels, and labels over
// aliases, when two terms claim the same name.
func NewVocabulary(fields map[string][]Term) *Vocabulary {
	v := &Vocabulary{fields: map[string]*fieldTerms{}}
	for field, terms := range fields {
		ft := &fieldTerms{terms: slices.Clone(terms), byKey: map[string]string{}}
		claim := func(name, id string) {
			k := fold(name)
			if _, taken := ft.byKey[k]; !taken && k != "" {
				ft.byKey[k] = id
			}
		}
		for _, t := range terms {
			claim(t.ID, t.ID)
		}
		for _, t := range terms {
			claim(t.Label, t.ID)
		}
		for _, t := range terms {
			for _, a := range t.Aliases {
				claim(a, t.ID)
			}
		}
		v.fields[field] = ft
	}
	return v
}

// fold is the comparison key of a name: case and runs of spaces, hyphens
// and underscores do not count ("United  Kingdom", "united-kingdom").
func fold(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == '-' || r == '_' || r == '\t'
	}), " ")
}

// Terms lists a field's values in the vocabulary's order; nil for a field
// it does not know.
func (v *Vocabulary) Terms(field string) []Term {
	if v == nil || v.fields[field] == nil {
		return nil
	}
	return v.fields[field].terms
}

// Knows reports whether the vocabulary checks the field's values.
func (v *Vocabulary) Knows(field string) bool {
	return v != nil && v.fields[field] != nil
}

// UnknownValueError is a category or actor the vocabulary does not know.
// Valid lists every value the field takes, so the message can say what
// would have worked. Pos is the byte offset in the query (-1 for a
// parameter).
type UnknownValueError struct {
	Field, Value string
	Pos          int
	Valid        []Term
}

func (e *UnknownValueError) Error() string {
	if s := e.Suggestion(); s != "" {
		return fmt.Sprintf("unknown %s %q (did you mean %s?); valid: %s", e.Field, e.Value, s, e.ValidList())
	}
	return fmt.Sprintf("unknown %s %q; valid: %s", e.Field, e.Value, e.ValidList())
}

// Suggestion is the valid id or label nearest to a mistyped value
// ("sanctons" -> "Sanctions"), or "" when none is a likely typo.
func (e *UnknownValueError) Suggestion() string {
	var names []string
	for _, t := range e.Valid {
		names = append(names, t.ID)
		if t.Label != "" {
			names = append(names, t.Label)
		}
	}
	return suggest.Nearest(strings.TrimSuffix(e.Value, "*"), names)
}

// ValidList is the valid values as "id (Label)" joined by commas.
func (e *UnknownValueError) ValidList() string {
	parts := make([]string, len(e.Valid))
	for i, t := range e.Valid {
		parts[i] = t.ID
		if t.Label != "" && !strings.EqualFold(t.Label, t.ID) {
			parts[i] += " (" + t.Label + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// Resolve maps a value of field, written as an id, a label or an alias in
// any case, to its id. A field the vocabulary does not know comes back
// unchanged.
func (v *Vocabulary) Resolve(field, value string) (string, error) {
	if !v.Knows(field) {
		return value, nil
	}
	ft := v.fields[field]
	if id, ok := ft.byKey[fold(value)]; ok {
		return id, nil
	}
	return "", &UnknownValueError{Field: field, Value: value, Pos: -1, Valid: ft.terms}
}

// ResolvePrefix lists the ids of a field whose id, label or alias starts
// with prefix (case-insensitive), in vocabulary order.
func (v *Vocabulary) ResolvePrefix(field, prefix string) ([]string, error) {
	if !v.Knows(field) {
		return []string{prefix}, nil
	}
	ft := v.fields[field]
	p := fold(prefix)
	seen := map[string]bool{}
	for k, id := range ft.byKey {
		if strings.HasPrefix(k, p) {
			seen[id] = true
		}
	}
	var out []string
	for _, t := range ft.terms {
		if seen[t.ID] {
			out = append(out, t.ID)
		}
	}
	if len(out) == 0 {
		return nil, &UnknownValueError{Field: field, Value: prefix + "*", Pos: -1, Valid: ft.terms}
	}
	return out, nil
}

// Apply rewrites the category and actor filters of a parsed query to the
// ids they name: `category:Sanctions` becomes `category:sanction`, and a
// prefix (`actor:united*`) becomes the OR of the ids it starts. An
// unknown value is an *UnknownValueError carrying its position.
func (v *Vocabulary) Apply(n Node) (Node, error) {
	if v == nil {
		return n, nil
	}
	switch n.Op {
	case OpAnd, OpOr, OpNot:
		kids := make([]Node, len(n.Children))
		for i, c := range n.Children {
			k, err := v.Apply(c)
			if err != nil {
				return Node{}, err
			}
			kids[i] = k
		}
		n.Children = kids
		return n, nil
	case OpField:
		if !v.Knows(n.Field) {
			return n, nil
		}
		if n.Prefix {
			ids, err := v.ResolvePrefix(n.Field, n.Value)
			if err != nil {
				return Node{}, at(err, n.Pos)
			}
			if len(ids) == 1 {
				return Node{Op: OpField, Field: n.Field, Value: ids[0], Pos: n.Pos}, nil
			}
			or := Node{Op: OpOr, Pos: n.Pos}
			for _, id := range ids {
				or.Children = append(or.Children, Node{Op: OpField, Field: n.Field, Value: id, Pos: n.Pos})
			}
			return or, nil
		}
		id, err := v.Resolve(n.Field, n.Value)
		if err != nil {
			return Node{}, at(err, n.Pos)
		}
		n.Value = id
		return n, nil
	}
	return n, nil
}

func at(err error, pos int) error {
	if ue, ok := err.(*UnknownValueError); ok {
		c := *ue
		c.Pos = pos
		return &c
	}
	return err
}

// Canonical parses q, resolves its category and actor values with v and
// prints it back in the form every consumer reads the same way. The
// empty query stays empty. Errors are *SyntaxError or
// *UnknownValueError.
func (v *Vocabulary) Canonical(q string) (string, error) {
	n, err := Parse(q)
	if err != nil {
		return "", err
	}
	if n.IsAll() || v == nil {
		return q, nil
	}
	r, err := v.Apply(n)
	if err != nil {
		return "", err
	}
	if !usesVocabulary(n, v) {
		return q, nil // nothing to rewrite: keep the query as written
	}
	return r.String(), nil
}

// usesVocabulary reports whether n holds a filter on a field v knows.
func usesVocabulary(n Node, v *Vocabulary) bool {
	if n.Op == OpField && v.Knows(n.Field) {
		return true
	}
	for _, c := range n.Children {
		if usesVocabulary(c, v) {
			return true
		}
	}
	return false
}
