package topic

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"policywatch/internal/suggest"
)

// Error is a config error at a place in a file.
type Error struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": %s", e.Field)
	}
	fmt.Fprintf(&b, ": %s", e.Msg)
	return b.String()
}

// Errors is every mistake found in one config, in file order, one per
// line of the message: fixing a config one error per run wastes a run
// each time.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// checker collects a config's errors.
type checker struct {
	file string
	root *yaml.Node
	errs Errors
	// misshapen holds the fields whose YAML has the wrong shape (a list
	// where a value belongs, a word where a number does); the value
	// decoded there is meaningless, so later checks of it stay quiet.
	misshapen map[string]bool
}

func newChecker(file string, root *yaml.Node) *checker {
	return &checker{file: file, root: root, misshapen: map[string]bool{}}
}

// at records an error at the node path names (map keys and sequence
// indexes), unless a shape error was already reported there or above.
func (c *checker) at(msg string, path ...any) {
	for k := 1; k <= len(path); k++ {
		if c.misshapen[fieldName(path[:k])] {
			return
		}
	}
	c.errs = append(c.errs, &Error{File: c.file, Line: lineOf(c.root, path...), Field: fieldName(path), Msg: msg})
}

// result returns the errors in file order, or nil.
func (c *checker) result() error {
	if len(c.errs) == 0 {
		return nil
	}
	sort.SliceStable(c.errs, func(i, j int) bool { return c.errs[i].Line < c.errs[j].Line })
	return c.errs
}

// checkShape walks the YAML against the Go type it decodes into, as a
// strict decoder would, but reports every unknown key (with the nearest
// valid one) and every value of the wrong shape, each at its own line,
// rather than stopping at the first with a message about Go types.
func (c *checker) checkShape(n *yaml.Node, t reflect.Type, path []any) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // an empty value: the field is unset
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	bad := func(want string) {
		c.errs = append(c.errs, &Error{File: c.file, Line: n.Line, Field: fieldName(path),
			Msg: fmt.Sprintf("want %s, got %s", want, describe(n))})
		c.misshapen[fieldName(path)] = true
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			bad("keys and values (" + strings.Join(yamlKeys(t), ", ") + ")")
			return
		}
		keys := yamlKeys(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			f, ok := fieldByKey(t, k.Value)
			if !ok {
				msg := "unknown field"
				if near := suggest.Nearest(k.Value, keys); near != "" {
					msg += fmt.Sprintf(" (did you mean %s?)", near)
				} else {
					msg += " (valid here: " + strings.Join(keys, ", ") + ")"
				}
				c.errs = append(c.errs, &Error{File: c.file, Line: k.Line, Field: fieldName(append(path[:len(path):len(path)], k.Value)), Msg: msg})
				continue
			}
			c.checkShape(v, f.Type, append(path[:len(path):len(path)], k.Value))
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			bad("a list")
			return
		}
		for i, e := range n.Content {
			c.checkShape(e, t.Elem(), append(path[:len(path):len(path)], i))
		}
	case reflect.Int, reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.Decode(new(int64)) != nil {
			bad("a whole number")
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			bad("a single value")
		}
	}
}

// describe names what a node holds, for "want X, got Y".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "keys and values"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

// yamlKeys lists a struct's YAML keys in declaration order.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		if k := yamlKey(t.Field(i)); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); yamlKey(f) == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func yamlKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return ""
	}
	return name
}
