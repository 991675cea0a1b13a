package realrt

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The real runtime links only the node contract, the disk journal's rule that it shares
// with the simulator (harness/internal/journal, itself standard library only) and the
// standard library, so that a production binary built on it carries none of the
// simulator, the network model, the checkers or the generators (the package table of
// docs/ARCHITECTURE.md).
func TestDependencies(t *testing.T) {
	tool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	out, err := exec.Command(tool, "list", "-deps", ".").CombinedOutput()
	require.NoError(t, err, "go list: %s", out)
	deps := strings.Fields(string(out))
	const module = "github.com/simfuzz/simfuzz/"
	require.Contains(t, deps, module+"harness/nodeapi", "the listing is the one we think")
	for _, dep := range deps {
		switch {
		case dep == module+"harness/nodeapi", dep == module+"harness/realrt",
			dep == module+"harness/internal/journal":
		case strings.HasPrefix(dep, module):
			t.Errorf("realrt depends on %s", dep)
		case strings.HasPrefix(dep, "vendor/"): // the standard library's own vendored code
		case strings.Contains(dep, "."): // a module path: not the standard library
			t.Errorf("realrt depends on %s, outside the standard library", dep)
		}
	}
}
