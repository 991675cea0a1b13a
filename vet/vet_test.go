package vet_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/simfuzz/simfuzz/vet"
)

// The toy packages under testdata/src carry their expected findings as // want comments;
// analysistest fails on a finding not wanted and on a wanted one missing.

func TestAnalyzerFlagsEveryRule(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), vet.Analyzer, "node")
}

func TestAnalyzerPassesContractCode(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), vet.Analyzer, "clean", "nocontract",
		"skiptests")
}

func TestAnalyzerSuppression(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), vet.Analyzer, "suppressed")
}

func TestAnalyzerOptions(t *testing.T) {
	all := vet.NewAnalyzer(&vet.Options{All: true})
	analysistest.Run(t, analysistest.TestData(), all, "allpkgs")
	tests := vet.NewAnalyzer(&vet.Options{Tests: true})
	analysistest.Run(t, analysistest.TestData(), tests, "withtests")
}

// mainOf runs the command line and returns its exit code, stdout and stderr.
func mainOf(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := vet.Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestMainPrintsFindingsAndExitsOne(t *testing.T) {
	code, out, errOut := mainOf("./testdata/src/node")
	require.Equal(t, 1, code, errOut)
	require.Contains(t, out, "testdata/src/node/node.go:28:16: time.Now reads the wall "+
		"clock: use env.Now(), the node's simulated clock\n")
	require.Contains(t, out, "range over map n.peers visits it in random order, and the "+
		"body sends (n.env.Send at node.go:73): iterate over sorted keys, "+
		"slices.Sorted(maps.Keys(n.peers))\n")
	require.Len(t, strings.Split(strings.TrimSpace(out), "\n"), 34, out)
	require.Contains(t, errOut, "1 package checked, 34 findings")
}

func TestMainCleanExitsZero(t *testing.T) {
	code, out, errOut := mainOf("./testdata/src/clean", "./testdata/src/nocontract")
	require.Equal(t, 0, code, out+errOut)
	require.Empty(t, out)
	require.Contains(t, errOut, "1 package checked (of 2 matched; the others do not "+
		"import the node contract, -all checks them), no findings")

	code, out, _ = mainOf("-all", "./testdata/src/nocontract")
	require.Equal(t, 1, code)
	require.Contains(t, out, "time.Now reads the wall clock")
}

func TestMainTestsFlagAfterPatterns(t *testing.T) {
	code, _, _ := mainOf("./testdata/src/withtests")
	require.Equal(t, 0, code, "test files are skipped by default")
	code, out, _ := mainOf("./testdata/src/withtests", "-tests")
	require.Equal(t, 1, code)
	require.Contains(t, out, "withtests_test.go:9:")
}

func TestMainBadInputExitsTwo(t *testing.T) {
	for _, tc := range []struct{ args, want string }{
		{"./nope/...", "pattern ./nope/... does not load"},
		{"./nope", "pattern ./nope does not load"},
		{"./testdata/src/broken", "package github.com/simfuzz/simfuzz/vet/testdata/src/" +
			"broken does not load"},
		{"-bogus", "flag provided but not defined: -bogus"},
	} {
		code, out, errOut := mainOf(strings.Fields(tc.args)...)
		require.Equal(t, 2, code, "%s: %s%s", tc.args, out, errOut)
		require.Contains(t, errOut, tc.want, tc.args)
	}
	code, _, errOut := mainOf("-h")
	require.Equal(t, 0, code)
	require.Contains(t, errOut, "usage: simfuzz vet")
}
