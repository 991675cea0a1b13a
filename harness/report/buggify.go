package report

import (
	"fmt"
	"strings"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// writeBuggifySites adds the scenario's active buggify sites to its rendering, if any.
func writeBuggifySites(b *strings.Builder, s scenario.Scenario) {
	if len(s.Buggify) > 0 {
		fmt.Fprintf(b, "buggify: %s\n", strings.Join(s.Buggify, ", "))
	}
}

// BuggifyFired renders which active buggify sites fired in a run and how often, in the
// scenario's order ("raft.tiny-batch 12, raft.delayed-apply 0"); "" when none was active.
func BuggifyFired(s scenario.Scenario, res *harness.RunResult) string {
	if len(s.Buggify) == 0 {
		return ""
	}
	parts := make([]string, len(s.Buggify))
	for i, site := range s.Buggify {
		parts[i] = fmt.Sprintf("%s %d", site, res.Buggified[site])
	}
	return "buggify sites fired: " + strings.Join(parts, ", ")
}
