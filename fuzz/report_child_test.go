package fuzz_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
)

// envChild makes the test binary, started again by a test below, run one failing test in a
// user's module and show go test's own output of it.
const envChild = "SIMFUZZ_TEST_CHILD"

// TestChildReports is the failing test: a property, a fuzz target's input or a regression
// replay of the bump toy, as envChild says. Without envChild it does nothing.
func TestChildReports(t *testing.T) {
	var runs atomic.Int64
	tg := bumpTarget(&runs)
	tg.Command = "go run ./cmd/bumpfuzz"
	switch os.Getenv(envChild) {
	case "property":
		rapid.Check(t, tg.Property(t.Name(), tg.Options(),
			fuzz.FailsWith(harness.ClassLinearizability)))
	case "fuzz":
		body := tg.Fuzz("FuzzBump", tg.Options(), fuzz.AnyFailure)
		t.Run("input", func(t *testing.T) { body(t, []byte{}) })
	case "regressions":
		tg.Regressions(t, "")
	default:
		t.Skip("runs only as the child of TestFailuresReadAsAUsersTests")
	}
}

// runChild runs TestChildReports in the package directory of a user's module and returns
// go test's output; the test must fail.
func runChild(t *testing.T, pkgDir, mode string) string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildReports$", "-test.count=1")
	cmd.Dir = pkgDir
	cmd.Env = append(os.Environ(), envChild+"="+mode, fuzz.EnvSave+"=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the child passed:\n%s", out)
	return string(out)
}

// A property's failure, a fuzz target's and a regression's, as a user sees them in go test
// output: the report in plain lines first (rapid's draw is one line, not a Go literal of
// the scenario), repro lines that name the user's package and test and are right from the
// module root, the structural shrink, and SIMFUZZ_SAVE=1 saving into the user's module.
func TestFailuresReadAsAUsersTests(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"),
		[]byte("module example.com/user\n"), 0o644))
	pkg := filepath.Join(root, "store")
	require.NoError(t, os.Mkdir(pkg, 0o755))

	out := runChild(t, pkg, "property")
	readable(t, out)
	require.Contains(t, out, "repro: go test -run '^TestChildReports$' ./store/")
	require.Contains(t, out, "replay it: SIMFUZZ_REGRESSIONS=store/testdata/regressions/"+
		"TestChildReports-")
	require.Contains(t, out, "go test -run Regressions ./store/")
	require.Contains(t, out, "or: go run ./cmd/bumpfuzz replay store/testdata/regressions/")
	saved, _ := filepath.Glob(filepath.Join(pkg, "testdata", "regressions", "*.json"))
	require.Len(t, saved, 1)

	out = runChild(t, pkg, "fuzz")
	readable(t, out)
	require.Contains(t, out, "repro: go test -run '^TestChildReports$/^input$' ./store/  "+
		"(with the input go test saved under testdata/fuzz/)")
	saved, _ = filepath.Glob(filepath.Join(pkg, "testdata", "regressions", "*.json"))
	require.Len(t, saved, 2, "the fuzz target's failure is saved too")

	out = runChild(t, pkg, "regressions")
	require.Contains(t, out, "repro: SIMFUZZ_REGRESSIONS=store/testdata/regressions/")
	require.Contains(t, out, " go test -run '^TestChildReports$' ./store/")
	require.Contains(t, out, "or: go run ./cmd/bumpfuzz replay store/testdata/regressions/")
	require.NotContains(t, out, "simfuzz replay --target")
}

// readable checks a failure's output: the report, its shrink, and no Go literal.
func readable(t *testing.T, out string) {
	t.Helper()
	require.Contains(t, out, "FAILURE (linearizability)")
	require.Contains(t, out, "shrunk by structure in ")
	require.Contains(t, out, "[rapid] draw scenario: a scenario of 1 node, ")
	require.NotContains(t, out, "scenario.Scenario{", "rapid's Go literal of the scenario")
	require.Less(t, len(out), 40000, "a short report:\n%s", out)
	for _, l := range strings.Split(out, "\n") {
		require.Less(t, len(l), 400, "a line of a readable report: %.200s...", l)
	}
}
