package lockd

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// contract is what of the harness the service may import: the node contract, its codec and
// its client kit (all standard library only).
var contract = map[string]bool{
	"github.com/simfuzz/simfuzz/harness/nodeapi":        true,
	"github.com/simfuzz/simfuzz/harness/nodeapi/client": true,
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire":   true,
}

// The service must run outside the simulator: its code imports only the node contract and
// the standard library, never the world, the checkers or the generators.
func TestImportsOnlyTheNodeContract(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			stdlib := !strings.Contains(strings.SplitN(path, "/", 2)[0], ".")
			if !stdlib && !contract[path] {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
