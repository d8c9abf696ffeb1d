package demoweb

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"policywatch/topic"
	"policywatch/topics"
)

// shippedQuery is the relevance query of the shipped topic, so the demo
// filters pages exactly as a real crawl of the topic would.
func shippedQuery() string {
	data, err := fs.ReadFile(topics.FS, topics.Default)
	if err != nil {
		panic("shipped topic missing from the binary: " + err.Error())
	}
	t, err := topic.Parse(data, topics.Default)
	if err != nil {
		panic("shipped topic invalid: " + err.Error())
	}
	return t.Query
}

// TopicYAML is a topic config for the crawler that points at the running
// sites: the Hong Kong national security law topic with one or two
// sources per site, each limited to its own host.
func (w *Web) TopicYAML() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `topic:
  name: Hong Kong national security law (demo)
  query: %s
  taxonomy: builtin:hk-nsl
crawler:
  user_agent: "policywatch-demo/0.1 (+mailto:demo@example.org)"
  delay: 20ms
  parallelism: 2
  timeout: 10s
  max_body: 5MB
sources:
`, yamlQuote(shippedQuery()))
	for _, id := range w.order {
		s := w.sites[id]
		for _, src := range s.spec.Sources {
			fmt.Fprintf(&b, "  - name: %s\n", src.Name)
			fmt.Fprintf(&b, "    kind: %s\n", src.Kind)
			fmt.Fprintf(&b, "    doc_kind: %s\n", s.spec.Kind)
			fmt.Fprintf(&b, "    url: %s\n", yamlQuote(s.base+src.Path))
			fmt.Fprintf(&b, "    include: [%s]\n", yamlQuote("^"+regexp.QuoteMeta(s.base+"/")))
			b.WriteString("    exclude: []\n")
			fmt.Fprintf(&b, "    depth: %d\n", max(src.Depth, 1))
			b.WriteString("    schedule: \"@hourly\"\n")
		}
	}
	return []byte(b.String())
}

// yamlQuote single-quotes s for YAML; '[' and '&' in URLs would otherwise
// be read as YAML syntax.
func yamlQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
