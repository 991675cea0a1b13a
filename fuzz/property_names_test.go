package fuzz_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// testOfProperties finds a test function that runs a target's standard properties.
var testOfProperties = regexp.MustCompile(`func (Test\w*)\(t \*testing\.T\)\s*\{[^}]*` +
	`\.Properties\(t\)`)

// `go test -run Property` must run every property, in this repository, in the README's
// walk-through and in a user's repository that follows it: every test that calls
// Properties has "Property" in its name, and `make property` covers the etcd/raft example,
// which is a module of its own.
func TestEveryPropertyTestIsFoundByRunProperty(t *testing.T) {
	root := filepath.Join("..")
	found := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, "_test.go") ||
			strings.HasSuffix(path, ".md")) {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range testOfProperties.FindAllStringSubmatch(string(raw), -1) {
			found++
			require.Regexp(t, "Property", m[1], "%s: go test -run Property skips %s", path,
				m[1])
		}
		return nil
	})
	require.NoError(t, err)
	require.GreaterOrEqual(t, found, 3, "the examples' and the README's property tests")

	mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
	require.NoError(t, err)
	target := regexp.MustCompile(`(?m)^property:\n((?:\t.*\n)+)`).FindSubmatch(mk)
	require.NotNil(t, target, "no property target in the Makefile")
	require.Contains(t, string(target[1]), "cd examples/etcdraft && $(GO) test -count=1 "+
		"-run Property ./...")
}
