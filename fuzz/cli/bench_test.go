package cli

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
)

// benchTargets are a get/put store and a three-node store: neither can run every standard
// scenario.
func benchToys() []fuzz.Target {
	getput, three := toyTarget("toy-getput", false), toyTarget("toy-three", false)
	getput.Tune, three.Tune = nil, nil
	getput.OpKinds = []string{"get", "put"}
	three.Nodes = []int{3}
	return []fuzz.Target{getput, three}
}

// bench gives no target a standard scenario it cannot run: a target that speaks some of
// the key-value kinds, or runs other cluster sizes, has those rows skipped with a line
// that says why, and the rest of the table stands.
func TestBenchSkipsWhatATargetCannotRun(t *testing.T) {
	code, out, stderr := runCommand(t, storefuzz, benchToys(), "bench", "--seeds", "1",
		"--campaign-seeds", "1")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "skipped: toy-getput standard scenarios: it speaks get, put "+
		"only (OpKinds), not the whole key-value workload the standard scenario is for (no "+
		"append, cas, delete)\n")
	require.NotContains(t, out, "toy-getput standard 3-node")
	require.Contains(t, out, "| toy-three standard 3-node: wall per seed")
	require.Contains(t, out, "skipped: toy-three standard 5-node: it runs clusters of 3 "+
		"nodes only (Nodes), and the standard scenario has 5\n")
	require.NotContains(t, out, "| toy-three standard 5-node")
	require.Contains(t, out, "| toy-getput campaign seeds/minute")
	require.Contains(t, out, "| porcupine check per history")
}

// A target with no standard row still gets the rest of the table (no check row: there is
// no standard history to check), and --variant benches the variant.
func TestBenchOfATargetWithoutStandardRows(t *testing.T) {
	code, out, stderr := runCommand(t, storefuzz, benchToys(), "bench", "--target",
		"toy-getput", "--seeds", "1", "--campaign-seeds", "1")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "skipped: toy-getput standard scenarios")
	require.Contains(t, out, "| toy-getput campaign seeds/minute")
	require.NotContains(t, out, "porcupine check per history")
	require.NotContains(t, out, "toy-three")
	require.Equal(t, "3, 4 or 5 nodes", clusterSizes([]int{3, 4, 5}))

	code, out, stderr = runStore(t, "bench", "--variant", "bug-17", "--seeds", "1",
		"--campaign-seeds", "1")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "| toy-store variant bug-17 campaign seeds/minute")
	require.Contains(t, out, "skipped: toy-store variant bug-17 standard 3-node: it runs "+
		"clusters of 1 node only (Nodes)")
}
