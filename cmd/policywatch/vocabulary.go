package main

import (
	"errors"
	"fmt"

	"policywatch/query"
	"policywatch/tagging"
)

// vocabulary is the taxonomy's categories and actors as queries may name
// them: by id or by label, and a category also by the id or label of a
// timeline lane that holds only it ("sanctions" for "sanction").
func vocabulary(tax *tagging.Taxonomy) *query.Vocabulary {
	var cats, actors []query.Term
	for _, c := range tax.Categories() {
		t := query.Term{ID: c.ID, Label: c.Label}
		for _, l := range tax.Lanes() {
			if len(l.Categories) == 1 && l.Categories[0] == c.ID {
				t.Aliases = append(t.Aliases, l.ID, l.Label)
			}
		}
		cats = append(cats, t)
	}
	for _, a := range tax.Actors() {
		actors = append(actors, query.Term{ID: a.ID, Label: a.Label})
	}
	return query.NewVocabulary(map[string][]query.Term{query.FieldCategory: cats, query.FieldActor: actors})
}

// resolveFlags maps --category and --actor values, written as ids or
// labels, to ids; an unknown one is a usage error that lists the valid
// values.
func resolveFlags(v *query.Vocabulary, flag, field string, vals []string) ([]string, error) {
	out := make([]string, 0, len(vals))
	for _, val := range vals {
		id, err := v.Resolve(field, val)
		if err != nil {
			var ue *query.UnknownValueError
			if errors.As(err, &ue) {
				return nil, usageError{fmt.Sprintf("search: --%s %q is not a known %s; valid: %s", flag, val, field, ue.ValidList())}
			}
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}
