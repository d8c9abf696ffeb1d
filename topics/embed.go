// Package topics ships the default topic: its config of real public sources
// (hk-nsl.yaml) and its taxonomy (hk-nsl.taxonomy.yaml). Users copy them to
// write their own topic.
package topics

import "embed"

// FS holds the shipped topic files.
//
//go:embed *.yaml
var FS embed.FS

// Default is the shipped topic config used when no --config is given.
const Default = "hk-nsl.yaml"
