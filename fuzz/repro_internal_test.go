package fuzz

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Repro lines are read at the module root: the package is named by its directory there,
// a path by its place there, and a path given back (SIMFUZZ_REGRESSIONS) is found either
// from the module root or from the package directory.
func TestReproPathsAreFromTheModuleRoot(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("module m\n"), 0o644))
	pkg := filepath.Join(root, "a", "b")
	require.NoError(t, os.MkdirAll(filepath.Join(pkg, "testdata"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(pkg, "testdata", "x.json"), nil, 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "elsewhere"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "elsewhere", "y.json"), nil, 0o644))
	t.Chdir(pkg)

	require.Equal(t, "a/b/", packageDir())
	require.Equal(t, "go test -run '^TestP$/^Live\\.ness$' ./a/b/", goTest("", "TestP/Live.ness"))
	require.Equal(t, "V=1 go test -run '^TestP$' ./a/b/", goTest("V=1", "TestP"))
	require.Equal(t, "a/b/testdata/x.json", fromRoot("testdata/x.json"))
	require.Equal(t, "elsewhere/y.json", fromRoot("../../elsewhere/y.json"))
	require.Equal(t, "testdata/x.json", inPackage("testdata/x.json"))
	require.Equal(t, filepath.Join(root, "a/b/testdata/x.json"), inPackage("a/b/testdata/x.json"))
	require.Equal(t, "nowhere.json", inPackage("nowhere.json"))

	t.Chdir(root)
	require.Equal(t, "", packageDir())
	require.Equal(t, "go test -run '^TestP$' ./", goTest("", "TestP"))
}
