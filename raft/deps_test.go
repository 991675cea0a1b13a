package raft

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A node is written against the node contract only, so that its production binary links none
// of the simulator or the checkers and could run on a real runtime (docs/ARCHITECTURE.md).
// These tests run the go tool on this package, so that a new import anywhere in its graph
// that brings the file system, the network, the testing package or the harness fails here
// at once.

const module = "github.com/simfuzz/simfuzz"

// forbiddenDep names why path must not be among the package's dependencies, or "".
func forbiddenDep(path string) string {
	switch {
	case path == "os" || strings.HasPrefix(path, "os/"):
		return "the file system and process environment (fmt links os too)"
	case path == "net" || strings.HasPrefix(path, "net/"):
		return "the network"
	case path == "testing" || strings.HasPrefix(path, "testing/"):
		return "the testing package"
	case strings.Contains(path, "porcupine"), strings.Contains(path, "rapid"):
		return "a checker or generator library"
	case path == module+"/netfault", strings.HasPrefix(path, module+"/netfault/"):
		return "the simulated network"
	case path == module+"/harness/nodeapi", strings.HasPrefix(path, module+"/harness/nodeapi/"):
		return "" // the node contract: the one part of the harness a node may use
	case path == module+"/harness", strings.HasPrefix(path, module+"/harness/"):
		return "the simulator"
	case strings.HasPrefix(path, module+"/model"), strings.HasPrefix(path, module+"/generators"):
		return "a checker or generator of the harness"
	}
	return ""
}

// forbiddenImport names why the package must not import path itself (these come into the
// graph through the standard library anyway, so only direct use can be ruled out).
func forbiddenImport(path string) string {
	switch path {
	case "sync", "sync/atomic":
		return "no goroutines: the runtime serialises every callback"
	case "math/rand", "math/rand/v2":
		return "randomness comes from Env.Rand only"
	case "time":
		return "" // durations and timestamps as values; the clock comes from Env.Now
	}
	return ""
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	tool, err := exec.LookPath("go") //simfuzz:ok the test runs go list on the package's source
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	//simfuzz:ok the same: go list, outside any world
	out, err := exec.Command(tool, append([]string{"list"}, args...)...).CombinedOutput()
	require.NoError(t, err, "go list: %s", out)
	return strings.Fields(string(out))
}

func TestDependencies(t *testing.T) {
	deps := goList(t, "-deps", ".")
	// The listing must be the one we think it is, or the checks below prove nothing.
	require.Contains(t, deps, module+"/raft")
	require.Contains(t, deps, module+"/harness/nodeapi")
	for _, dep := range deps {
		if why := forbiddenDep(dep); why != "" {
			t.Errorf("raft depends on %s (%s)", dep, why)
		}
	}
}

func TestDirectImports(t *testing.T) {
	imports := goList(t, "-f", `{{join .Imports " "}}`, ".")
	require.Contains(t, imports, module+"/harness/nodeapi")
	for _, imp := range imports {
		if why := forbiddenImport(imp); why != "" {
			t.Errorf("raft imports %s (%s)", imp, why)
		}
	}
}

// The rules must actually reject what they are for, or the tests above could never fail.
func TestForbiddenDepRules(t *testing.T) {
	bad := []string{"os", "os/exec", "net", "net/netip", "testing", "testing/quick",
		"github.com/anishathalye/porcupine", "pgregory.net/rapid", module + "/netfault",
		module + "/harness", module + "/harness/internal/x", module + "/model",
		module + "/generators"}
	for _, p := range bad {
		require.NotEmpty(t, forbiddenDep(p), p)
	}
	good := []string{"strconv", "strings", "time", "hash/crc32", module + "/harness/nodeapi",
		module + "/harness/nodeapi/kv", module + "/raft", "network/x"}
	for _, p := range good {
		require.Empty(t, forbiddenDep(p), p)
	}
	require.NotEmpty(t, forbiddenImport("sync"))
	require.NotEmpty(t, forbiddenImport("math/rand/v2"))
	require.Empty(t, forbiddenImport("slices"))
	require.False(t, slices.ContainsFunc(good, func(p string) bool {
		return forbiddenImport(p) != ""
	}))
}
