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
	// Standard says whether a package is the standard library's: a path with a dot is
	// not proof of a module (crypto/tls pulls in crypto/internal/fips140/v1.0.0/...).
	out, err := exec.Command(tool, "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}",
		".").CombinedOutput()
	require.NoError(t, err, "go list: %s", out)
	var deps []string
	standard := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, std, _ := strings.Cut(line, " ")
		deps = append(deps, path)
		standard[path] = std == "true"
	}
	const module = "github.com/simfuzz/simfuzz/"
	require.Contains(t, deps, module+"harness/nodeapi", "the listing is the one we think")
	require.True(t, standard["crypto/tls"], "the listing says what is standard")
	for _, dep := range deps {
		switch {
		case dep == module+"harness/nodeapi", dep == module+"harness/realrt",
			dep == module+"harness/internal/journal":
		case strings.HasPrefix(dep, module):
			t.Errorf("realrt depends on %s", dep)
		case !standard[dep]:
			t.Errorf("realrt depends on %s, outside the standard library", dep)
		}
	}
}
