// Package tagging gives documents category and actor tags from a taxonomy
// of phrase rules. It is deliberately transparent: every tag carries the
// phrases that produced it, so a researcher can see why a page was tagged
// and fix the rule instead of guessing at a model.
package tagging

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Actor kinds.
const (
	KindCountry      = "country"
	KindOrganization = "organization"
)

// Defaults for a category's rules.
const (
	DefaultTitleWeight = 3
	DefaultMinScore    = 2
)

// Taxonomy is a topic's categories, actors and timeline lanes.
type Taxonomy struct {
	categories []Category
	actors     []Actor
	lanes      []Lane
	glossary   [][]string
}

// Category is one kind of measure with the phrase rules that detect it.
type Category struct {
	ID, Label, Lane string
	// Any: one of these phrases is evidence.
	Any []string
	// All: groups of phrases; a sentence holding at least one phrase of
	// every group is strong evidence on its own.
	All [][]string
	// Not: phrases that mask any match they overlap (e.g. "extradition
	// bill" is not an extradition measure).
	Not []string
	// TitleWeight is what a match in the title counts; a match in the
	// first paragraph counts 2 and elsewhere 1.
	TitleWeight float64
	// MinScore is the evidence a document needs to get the tag.
	MinScore float64
	// OpeningOnly: only the title and first paragraph count. For
	// categories that reports mention in passing further down (nearly
	// every report quotes reactions).
	OpeningOnly bool
	// Threats: a measure of another category that an actor threatens,
	// considers or plans in the title or opening ("the United States was
	// considering sanctions") is evidence of this category, the actor's.
	Threats bool
	// ProtagonistsOnly: later sentences count only when the actor they
	// show acting or speaking is one the title or the opening shows
	// acting (the page's protagonists). Reports quote other governments'
	// reactions further down; those are not what the page is about.
	ProtagonistsOnly bool
	// YieldsToMeasures: a sentence that also holds another category's
	// evidence does not count for this one. "The Council adopted
	// conclusions expressing grave concern ... and agreed restrictions on
	// exports" announces a measure; the concern is its reason.
	YieldsToMeasures bool
	// SoleIfTitle: when the category is given and one of these phrases is
	// in the title, it is the document's only category. A page titled
	// "statement on the arrest of ..." is about the reaction, not about
	// the arrest it reacts to.
	SoleIfTitle []string
	// Issuers: the actors who take this kind of measure (Hong Kong's
	// police and courts prosecute; a foreign ministry does not). A page
	// by another actor that reports such a measure is evidence for an
	// issuer's event, not a measure of its own. Empty: any actor.
	Issuers []string
	// Forms: categories whose measures, when one of Issuers takes them,
	// are this category's (China's sanctions on U.S. officials are its
	// counter-measure). The form's tag stays on the page; the timeline
	// files it in this category's event, unless the form is also in
	// KeepForms, whose measures keep an event of their own as well (a
	// suspended extradition treaty is on the extradition lane whoever
	// suspends it).
	Forms, KeepForms []string
}

// Actor is a government or organization that takes measures.
type Actor struct {
	ID, Label, Kind string
	Aliases         []string
	// AsSubject: names that stand for the actor only as the subject of a
	// verb or as a speaker, heading an office or alone: a place ("Hong
	// Kong said", "Hong Kong police arrested") that elsewhere is just the
	// place ("protests in Hong Kong", "sanctions on Hong Kong officials").
	// The adjective and capital of a country the tagger knows (world.go)
	// are added to its actor's: "Chinese officials said" is China.
	AsSubject []string
	// Not: phrases that cancel alias matches they overlap ("mainland
	// China", or a law's title naming the state).
	Not []string
}

// Lane is one row of the timeline, holding one or more categories.
type Lane struct {
	ID, Label  string
	Categories []string
}

// Categories returns the taxonomy's categories in file order.
func (t *Taxonomy) Categories() []Category { return t.categories }

// Actors returns the taxonomy's actors in file order.
func (t *Taxonomy) Actors() []Actor { return t.actors }

// Lanes returns the timeline lanes in file order.
func (t *Taxonomy) Lanes() []Lane { return t.lanes }

// Glossary returns the groups of equivalent search terms (names of one
// thing in several languages and scripts, abbreviations); search expands
// a query term to its group.
func (t *Taxonomy) Glossary() [][]string { return t.glossary }

// Category returns the category with the id, or nil.
func (t *Taxonomy) Category(id string) *Category {
	for i := range t.categories {
		if t.categories[i].ID == id {
			return &t.categories[i]
		}
	}
	return nil
}

// Actor returns the actor with the id, or nil.
func (t *Taxonomy) Actor(id string) *Actor {
	for i := range t.actors {
		if t.actors[i].ID == id {
			return &t.actors[i]
		}
	}
	return nil
}

// Lane returns the lane a category is drawn in, or nil when the category
// is unknown or has no lane.
func (t *Taxonomy) Lane(category string) *Lane {
	c := t.Category(category)
	for i := range t.lanes {
		l := &t.lanes[i]
		if c != nil && c.Lane == l.ID {
			return l
		}
		for _, id := range l.Categories {
			if id == category {
				return l
			}
		}
	}
	return nil
}

// Error is a problem in a taxonomy file, with the place it was found.
type Error struct {
	File         string
	Line, Column int
	Field        string // dotted path, e.g. "categories[2].rules.any"
	Msg          string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// LoadTaxonomy reads and parses a taxonomy YAML file.
func LoadTaxonomy(path string) (*Taxonomy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load taxonomy: %w", err)
	}
	return ParseTaxonomy(data, path)
}

// ParseTaxonomy parses taxonomy YAML; filename is used in error messages.
// Errors are *Error values naming the file, line and field.
func ParseTaxonomy(data []byte, filename string) (*Taxonomy, error) {
	p := &parser{file: filename}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, &Error{File: filename, Msg: strings.Join(te.Errors, "; ")}
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		e := &Error{File: filename, Msg: msg}
		// yaml.v3 puts the line in the message: "line 3: did not find ...".
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Msg = m[2]
		}
		return nil, e
	}
	if len(root.Content) == 0 {
		return nil, &Error{File: filename, Msg: "empty taxonomy"}
	}
	t, err := p.taxonomy(root.Content[0])
	if err != nil {
		return nil, err
	}
	return t, nil
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

type parser struct{ file string }

func (p *parser) errf(n *yaml.Node, field, format string, args ...any) error {
	e := &Error{File: p.file, Field: field, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	return e
}

// fields checks that n is a mapping with only the allowed keys and
// returns key → value node.
func (p *parser) fields(n *yaml.Node, field string, allowed ...string) (map[string]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, field, "expected a mapping")
	}
	out := make(map[string]*yaml.Node)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ok := false
		for _, a := range allowed {
			if k.Value == a {
				ok = true
				break
			}
		}
		if !ok {
			return nil, p.errf(k, join(field, k.Value), "unknown field (allowed: %s)", strings.Join(allowed, ", "))
		}
		if _, dup := out[k.Value]; dup {
			return nil, p.errf(k, join(field, k.Value), "field given twice")
		}
		out[k.Value] = v
	}
	return out, nil
}

func join(parent, child string) string {
	if parent == "" {
		return child
	}
	return parent + "." + child
}

func (p *parser) str(n *yaml.Node, field string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", p.errf(n, field, "expected a string")
	}
	return strings.TrimSpace(n.Value), nil
}

func (p *parser) num(n *yaml.Node, field string) (float64, error) {
	var f float64
	if n.Kind != yaml.ScalarNode || n.Decode(&f) != nil {
		return 0, p.errf(n, field, "expected a number, got %q", n.Value)
	}
	if f < 0 {
		return 0, p.errf(n, field, "must not be negative")
	}
	return f, nil
}

func (p *parser) strs(n *yaml.Node, field string) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, field, "expected a list of strings")
	}
	out := make([]string, 0, len(n.Content))
	for i, c := range n.Content {
		f := fmt.Sprintf("%s[%d]", field, i)
		s, err := p.str(c, f)
		if err != nil {
			return nil, err
		}
		if strings.Trim(s, "*= ") == "" {
			return nil, p.errf(c, f, "empty phrase")
		}
		out = append(out, s)
	}
	return out, nil
}

func (p *parser) taxonomy(n *yaml.Node) (*Taxonomy, error) {
	f, err := p.fields(n, "", "categories", "actors", "lanes", "glossary")
	if err != nil {
		return nil, err
	}
	t := &Taxonomy{}
	cn, ok := f["categories"]
	if !ok || cn.Kind != yaml.SequenceNode || len(cn.Content) == 0 {
		return nil, p.errf(orNode(cn, n), "categories", "need a non-empty list of categories")
	}
	seen := map[string]bool{}
	for i, c := range cn.Content {
		cat, err := p.category(c, fmt.Sprintf("categories[%d]", i))
		if err != nil {
			return nil, err
		}
		if seen[cat.ID] {
			return nil, p.errf(c, fmt.Sprintf("categories[%d].id", i), "duplicate category id %q", cat.ID)
		}
		seen[cat.ID] = true
		t.categories = append(t.categories, cat)
	}
	if an, ok := f["actors"]; ok {
		if an.Kind != yaml.SequenceNode {
			return nil, p.errf(an, "actors", "expected a list of actors")
		}
		seen := map[string]bool{}
		for i, a := range an.Content {
			act, err := p.actor(a, fmt.Sprintf("actors[%d]", i))
			if err != nil {
				return nil, err
			}
			if seen[act.ID] {
				return nil, p.errf(a, fmt.Sprintf("actors[%d].id", i), "duplicate actor id %q", act.ID)
			}
			seen[act.ID] = true
			t.actors = append(t.actors, act)
		}
	}
	if gn, ok := f["glossary"]; ok {
		if gn.Kind != yaml.SequenceNode {
			return nil, p.errf(gn, "glossary", "expected a list of lists of equivalent terms")
		}
		for i, g := range gn.Content {
			terms, err := p.strs(g, fmt.Sprintf("glossary[%d]", i))
			if err != nil {
				return nil, err
			}
			if len(terms) < 2 {
				return nil, p.errf(g, fmt.Sprintf("glossary[%d]", i), "a group needs two or more equivalent terms")
			}
			t.glossary = append(t.glossary, terms)
		}
	}
	laneNodes := map[string]*yaml.Node{}
	if ln, ok := f["lanes"]; ok {
		if ln.Kind != yaml.SequenceNode {
			return nil, p.errf(ln, "lanes", "expected a list of lanes")
		}
		for i, l := range ln.Content {
			field := fmt.Sprintf("lanes[%d]", i)
			lane, err := p.lane(l, field)
			if err != nil {
				return nil, err
			}
			if laneNodes[lane.ID] != nil {
				return nil, p.errf(l, field+".id", "duplicate lane id %q", lane.ID)
			}
			laneNodes[lane.ID] = l
			for j, c := range lane.Categories {
				if !seen[c] {
					return nil, p.errf(l, fmt.Sprintf("%s.categories[%d]", field, j), "unknown category %q", c)
				}
			}
			t.lanes = append(t.lanes, lane)
		}
	}
	for i, c := range t.categories {
		for j, a := range c.Issuers {
			if t.Actor(a) == nil {
				return nil, p.errf(cn.Content[i], fmt.Sprintf("categories[%d].issuers[%d]", i, j), "unknown actor %q", a)
			}
		}
		for _, list := range []struct {
			name string
			ids  []string
		}{{"forms", c.Forms}, {"keep_forms", c.KeepForms}} {
			for j, id := range list.ids {
				if !seen[id] || id == c.ID {
					return nil, p.errf(cn.Content[i], fmt.Sprintf("categories[%d].%s[%d]", i, list.name, j), "unknown category %q", id)
				}
			}
		}
		for j, id := range c.KeepForms {
			if !contains(c.Forms, id) {
				return nil, p.errf(cn.Content[i], fmt.Sprintf("categories[%d].keep_forms[%d]", i, j), "%q is not in forms", id)
			}
		}
		if len(c.Forms) > 0 && len(c.Issuers) == 0 {
			return nil, p.errf(cn.Content[i], fmt.Sprintf("categories[%d].forms", i), "forms need issuers: whose measures of those categories are this one")
		}
		if c.Lane != "" && laneNodes[c.Lane] == nil {
			return nil, p.errf(cn.Content[i], fmt.Sprintf("categories[%d].lane", i), "unknown lane %q", c.Lane)
		}
	}
	return t, nil
}

func orNode(n, fallback *yaml.Node) *yaml.Node {
	if n != nil {
		return n
	}
	return fallback
}

func (p *parser) id(f map[string]*yaml.Node, n *yaml.Node, field string) (string, error) {
	v, ok := f["id"]
	if !ok {
		return "", p.errf(n, field+".id", "missing")
	}
	s, err := p.str(v, field+".id")
	if err != nil {
		return "", err
	}
	if s == "" || strings.ContainsAny(s, " /\t") {
		return "", p.errf(v, field+".id", "id %q must be non-empty without spaces or slashes", s)
	}
	return s, nil
}

func (p *parser) category(n *yaml.Node, field string) (Category, error) {
	var c Category
	f, err := p.fields(n, field, "id", "label", "lane", "rules", "title_weight", "min_score", "sole_if_title", "opening_only", "protagonists_only", "threats", "issuers", "yields_to_measures", "forms", "keep_forms")
	if err != nil {
		return c, err
	}
	if c.ID, err = p.id(f, n, field); err != nil {
		return c, err
	}
	c.Label = c.ID
	if v, ok := f["label"]; ok {
		if c.Label, err = p.str(v, field+".label"); err != nil {
			return c, err
		}
	}
	if v, ok := f["lane"]; ok {
		if c.Lane, err = p.str(v, field+".lane"); err != nil {
			return c, err
		}
	}
	c.TitleWeight, c.MinScore = DefaultTitleWeight, DefaultMinScore
	if v, ok := f["title_weight"]; ok {
		if c.TitleWeight, err = p.num(v, field+".title_weight"); err != nil {
			return c, err
		}
	}
	if v, ok := f["min_score"]; ok {
		if c.MinScore, err = p.num(v, field+".min_score"); err != nil {
			return c, err
		}
	}
	if v, ok := f["opening_only"]; ok {
		if v.Kind != yaml.ScalarNode || v.Decode(&c.OpeningOnly) != nil {
			return c, p.errf(v, field+".opening_only", "expected true or false, got %q", v.Value)
		}
	}
	if v, ok := f["threats"]; ok {
		if v.Kind != yaml.ScalarNode || v.Decode(&c.Threats) != nil {
			return c, p.errf(v, field+".threats", "expected true or false, got %q", v.Value)
		}
	}
	if v, ok := f["protagonists_only"]; ok {
		if v.Kind != yaml.ScalarNode || v.Decode(&c.ProtagonistsOnly) != nil {
			return c, p.errf(v, field+".protagonists_only", "expected true or false, got %q", v.Value)
		}
	}
	if v, ok := f["yields_to_measures"]; ok {
		if v.Kind != yaml.ScalarNode || v.Decode(&c.YieldsToMeasures) != nil {
			return c, p.errf(v, field+".yields_to_measures", "expected true or false, got %q", v.Value)
		}
	}
	if v, ok := f["sole_if_title"]; ok {
		if c.SoleIfTitle, err = p.strs(v, field+".sole_if_title"); err != nil {
			return c, err
		}
	}
	if v, ok := f["issuers"]; ok {
		if c.Issuers, err = p.strs(v, field+".issuers"); err != nil {
			return c, err
		}
	}
	if v, ok := f["forms"]; ok {
		if c.Forms, err = p.strs(v, field+".forms"); err != nil {
			return c, err
		}
	}
	if v, ok := f["keep_forms"]; ok {
		if c.KeepForms, err = p.strs(v, field+".keep_forms"); err != nil {
			return c, err
		}
	}
	rn, ok := f["rules"]
	if !ok {
		return c, p.errf(n, field+".rules", "missing")
	}
	rf := field + ".rules"
	r, err := p.fields(rn, rf, "any", "all", "not")
	if err != nil {
		return c, err
	}
	if v, ok := r["any"]; ok {
		if c.Any, err = p.strs(v, rf+".any"); err != nil {
			return c, err
		}
	}
	if v, ok := r["not"]; ok {
		if c.Not, err = p.strs(v, rf+".not"); err != nil {
			return c, err
		}
	}
	if v, ok := r["all"]; ok {
		if v.Kind != yaml.SequenceNode || len(v.Content) < 2 {
			return c, p.errf(v, rf+".all", "expected a list of at least two phrase groups")
		}
		for i, g := range v.Content {
			group, err := p.strs(g, fmt.Sprintf("%s.all[%d]", rf, i))
			if err != nil {
				return c, err
			}
			if len(group) == 0 {
				return c, p.errf(g, fmt.Sprintf("%s.all[%d]", rf, i), "empty group")
			}
			c.All = append(c.All, group)
		}
	}
	if len(c.Any) == 0 && len(c.All) == 0 {
		return c, p.errf(rn, rf, "need at least one of any: or all:")
	}
	return c, nil
}

func (p *parser) actor(n *yaml.Node, field string) (Actor, error) {
	var a Actor
	f, err := p.fields(n, field, "id", "label", "kind", "aliases", "as_subject", "not")
	if err != nil {
		return a, err
	}
	if a.ID, err = p.id(f, n, field); err != nil {
		return a, err
	}
	a.Label = a.ID
	if v, ok := f["label"]; ok {
		if a.Label, err = p.str(v, field+".label"); err != nil {
			return a, err
		}
	}
	a.Kind = KindCountry
	if v, ok := f["kind"]; ok {
		if a.Kind, err = p.str(v, field+".kind"); err != nil {
			return a, err
		}
		if a.Kind != KindCountry && a.Kind != KindOrganization {
			return a, p.errf(v, field+".kind", "must be %q or %q, got %q", KindCountry, KindOrganization, a.Kind)
		}
	}
	v, ok := f["aliases"]
	if !ok {
		return a, p.errf(n, field+".aliases", "missing")
	}
	if a.Aliases, err = p.strs(v, field+".aliases"); err != nil {
		return a, err
	}
	if len(a.Aliases) == 0 {
		return a, p.errf(v, field+".aliases", "need at least one alias")
	}
	if v, ok := f["as_subject"]; ok {
		if a.AsSubject, err = p.strs(v, field+".as_subject"); err != nil {
			return a, err
		}
	}
	if v, ok := f["not"]; ok {
		if a.Not, err = p.strs(v, field+".not"); err != nil {
			return a, err
		}
	}
	return a, nil
}

func (p *parser) lane(n *yaml.Node, field string) (Lane, error) {
	var l Lane
	f, err := p.fields(n, field, "id", "label", "categories")
	if err != nil {
		return l, err
	}
	if l.ID, err = p.id(f, n, field); err != nil {
		return l, err
	}
	l.Label = l.ID
	if v, ok := f["label"]; ok {
		if l.Label, err = p.str(v, field+".label"); err != nil {
			return l, err
		}
	}
	if v, ok := f["categories"]; ok {
		if l.Categories, err = p.strs(v, field+".categories"); err != nil {
			return l, err
		}
	}
	return l, nil
}
