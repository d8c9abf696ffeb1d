package query

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// CheckLanguage checks a language filter value (lang:xx, ?lang=xx): a
// BCP 47 tag of a language that exists, such as en, en-GB or zh-Hant. A
// well-formed language the archive happens not to hold is valid: it
// matches nothing, which callers may say.
func CheckLanguage(tag string) error {
	if _, err := language.Parse(tag); err != nil {
		var ve interface{ Subtag() string }
		if errors.As(err, &ve) {
			return fmt.Errorf("%q is not a known language (use a BCP 47 tag such as en, en-GB or zh-Hant)", tag)
		}
		return fmt.Errorf("%q is not a language tag (use a BCP 47 tag such as en, en-GB or zh-Hant)", tag)
	}
	return nil
}

// SourceList knows the archive's sources: the configured ones and every
// one documents were filed under. *store.DB satisfies it.
type SourceList interface {
	HasSource(ctx context.Context, name string) (bool, error)
	SourceNames(ctx context.Context) ([]string, error)
}

// CheckSources refuses a source filter naming no source of the archive:
// a mistyped name would otherwise match nothing and look like an answer.
// The error is an *UnknownValueError listing the sources (Pos -1).
func CheckSources(ctx context.Context, list SourceList, names []string) error {
	for _, name := range names {
		if err := checkSource(ctx, list, name, -1); err != nil {
			return err
		}
	}
	return nil
}

// CheckQuerySources does CheckSources for the source: filters of a parsed
// query, the error's Pos at the filter. A prefix (source:us*) is not
// checked: it names no one source.
func CheckQuerySources(ctx context.Context, list SourceList, n Node) error {
	if n.Op == OpField && n.Field == FieldSource && !n.Prefix {
		return checkSource(ctx, list, n.Value, n.Pos)
	}
	for _, c := range n.Children {
		if err := CheckQuerySources(ctx, list, c); err != nil {
			return err
		}
	}
	return nil
}

func checkSource(ctx context.Context, list SourceList, name string, pos int) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil
	}
	ok, err := list.HasSource(ctx, name)
	if err != nil || ok {
		return err
	}
	names, err := list.SourceNames(ctx)
	if err != nil {
		return err
	}
	valid := make([]Term, len(names))
	for i, n := range names {
		valid[i] = Term{ID: n}
	}
	return &UnknownValueError{Field: FieldSource, Value: name, Pos: pos, Valid: valid}
}
