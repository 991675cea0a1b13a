package etcdraft

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Package etcdraft is "production code": a binary built from it links etcd/raft, its
// protobuf runtime, the node contract and the standard library, and none of the simulator,
// the checkers or the generators. It also keeps the contract's rules for node code: no
// goroutines, no select, no wall clock, no global randomness. These tests hold it to that
// with the go tool and the parser, so a stray import or call fails at once.

const (
	module = "github.com/simfuzz/simfuzz"
	self   = module + "/examples/etcdraft"
)

// forbiddenDep names why path must not be among the package's dependencies, or "".
func forbiddenDep(path string) string {
	switch {
	case path == self || path == module+"/harness/nodeapi" ||
		path == module+"/harness/nodeapi/kv" || path == module+"/harness/nodeapi/wire":
		return ""
	case strings.HasPrefix(path, module+"/"):
		return "the simulator, its checkers or its generators"
	case strings.Contains(path, "rapid"), strings.Contains(path, "porcupine"),
		strings.Contains(path, "testify"):
		return "a test, checker or generator library"
	case strings.HasPrefix(path, "testing"):
		return "the testing package"
	}
	return ""
}

// allowedImport reports whether the package may import path itself: the node contract, the
// key-value vocabulary, the contract's codec, etcd/raft and the protobuf runtime its
// messages are written in, and the standard library except the clock-, goroutine- and
// randomness-bearing parts.
func allowedImport(path string) bool {
	switch path {
	case module + "/harness/nodeapi", module + "/harness/nodeapi/kv",
		module + "/harness/nodeapi/wire",
		"go.etcd.io/raft/v3", "go.etcd.io/raft/v3/raftpb", "go.etcd.io/raft/v3/tracker",
		"google.golang.org/protobuf/proto":
		return true
	case "sync", "sync/atomic", "math/rand", "math/rand/v2", "crypto/rand", "os", "net",
		"unsafe", "reflect":
		return false
	}
	return !strings.Contains(path, ".") // the rest of the standard library
}

func goList(t *testing.T, format string) []string {
	t.Helper()
	tool, err := exec.LookPath("go") //simfuzz:ok the test runs go list on the package's source
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	//simfuzz:ok the same: go list, outside any world
	out, err := exec.Command(tool, "list", "-deps", "-f", format, ".").Output()
	require.NoError(t, err)
	return strings.Fields(string(out))
}

func TestDependenciesAreProductionOnly(t *testing.T) {
	deps := goList(t, "{{.ImportPath}}")
	require.Contains(t, deps, "go.etcd.io/raft/v3")
	require.Contains(t, deps, module+"/harness/nodeapi")
	for _, dep := range deps {
		require.Empty(t, forbiddenDep(dep), "dependency %s: %s", dep, forbiddenDep(dep))
	}
}

func TestDirectImportsAreAllowed(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		checked++
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			require.True(t, allowedImport(path), "%s imports %s", name, path)
		}
		checkNodeRules(t, fset, f)
	}
	require.Greater(t, checked, 10)
}

// checkNodeRules fails on a go statement, a select, or a call of the wall clock.
func checkNodeRules(t *testing.T, fset *token.FileSet, f *ast.File) {
	t.Helper()
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			t.Errorf("%s: a goroutine in node code", fset.Position(n.Pos()))
		case *ast.SelectStmt:
			t.Errorf("%s: a select in node code", fset.Position(n.Pos()))
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok && id.Name == "time" && wallClock(n.Sel.Name) {
				t.Errorf("%s: time.%s: the clock comes from Env", fset.Position(n.Pos()),
					n.Sel.Name)
			}
		}
		return true
	})
}

func wallClock(name string) bool {
	switch name {
	case "Now", "Since", "Until", "Sleep", "After", "AfterFunc", "Tick", "NewTimer",
		"NewTicker":
		return true
	}
	return false
}
