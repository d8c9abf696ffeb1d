package tagging

import (
	"testing"

	"policywatch/model"
)

// The tagger reads untrusted page text: any text must tag without a panic,
// and every match must point inside its field.
func FuzzTag(f *testing.F) {
	for _, s := range []string{
		"BERLIN — Germany said on Friday it suspended the treaty with Hong Kong.",
		"“We will suspend it,” Raab said. He also condemned the arrests.",
		"中方決定對美方人員實施簽證限制，並就美國參議院通過法案提出嚴正交涉。",
		"Canada, Australia and Britain had their treaties suspended by Beijing, the ministry said",
		"The Council, together with, and the , . ; : “ ” \" ' 's",
	} {
		f.Add("Hong Kong suspends agreements with Germany and France", s)
	}
	tax, err := LoadTaxonomy("../topics/hk-nsl.taxonomy.yaml")
	if err != nil {
		f.Fatal(err)
	}
	tg := New(tax)
	f.Fuzz(func(t *testing.T, title, text string) {
		d := &model.Document{Title: title, Text: text, Kind: model.KindOfficial, Site: "GOV.UK"}
		for _, tag := range tg.Tag(d) {
			for _, m := range tag.Matches {
				var field string
				switch m.Field {
				case FieldTitle:
					field = title
				case FieldText:
					field = text
				default:
					continue
				}
				if m.Offset < 0 || m.Offset > len(field) {
					t.Fatalf("match %+v outside its field of %d bytes", m, len(field))
				}
			}
		}
	})
}
