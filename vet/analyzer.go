// Package vet is the static check of the node contract: `simfuzz vet ./...` (any command
// built on cli.Main has it), `go vet -vettool=$(which simfuzz-vet) ./...`, or Analyzer in
// a driver of one's own. It is built on golang.org/x/tools/go/analysis.
//
// A node runs inside a simulated world that owns time, randomness, the network, the disk
// and the order of events, and the world can replay a seed only if the node reads nothing
// else. The determinism check (simfuzz run --check-determinism) catches a node that breaks
// the contract when a run happens to show it; this check finds the code that can, before
// any run:
//
//   - the wall clock and its timers: time.Now, Since, Until, Sleep, After, Tick, NewTimer,
//     NewTicker, AfterFunc (use env.Now and env.After);
//   - goroutines, channel types, sends, receives, ranges over channels, and select (a node
//     never blocks and never hands work to another goroutine);
//   - package sync and sync/atomic (the world calls one handler at a time);
//   - the global random sources: the top-level functions of math/rand and math/rand/v2
//     (their constructors New... excepted), and crypto/rand (use env.Rand);
//   - I/O past the Env: package-level functions and variables of os, os/exec, os/signal,
//     os/user, net, net/http, net/rpc, net/smtp, syscall and io/ioutil (use env.Disk,
//     env.Send, env.Dial; configuration through Boot and knobs), except pure helpers
//     (os.IsNotExist, net.ParseIP, ...) and error values (os.ErrNotExist);
//   - a range over a map (or over maps.Keys, maps.Values, maps.All) whose body makes the
//     random iteration order reach the run: it calls a method of the node contract that
//     the run sees (env.Send, env.Dial, env.After, env.Logf, a Disk write or Sync, a draw
//     from env.Rand, a Stream write, nodeapi.Reach, Annotate), directly or through a
//     function of the same package; calls a callback (a func-typed variable, parameter or
//     field); appends to a slice that is not sorted later in the same function; or
//     returns a value computed from the iteration (a key, a value, or a variable declared
//     in the body). Sort the keys first: slices.Sorted(maps.Keys(m)).
//
// Scope: by default only the packages that import the node contract
// (github.com/simfuzz/simfuzz/harness/nodeapi) are checked, since those are the ones whose
// code runs inside the world; a target package that imports it only to build a System is
// checked too, since it may hold node code. Options.All checks every package given. Test
// files (_test.go) are skipped unless Options.Tests is set: tests drive the world from
// outside it. Generated files are skipped.
//
// A finding that is not a bug (code that never runs inside the world, a use whose result
// never reaches it) is silenced by a comment on its line or alone on the line above:
//
//	start := time.Now() //simfuzz:ok measures the wall time of the whole run, not a node
//
// The reason is required: a //simfuzz:ok without one is itself a finding, and silences
// nothing.
package vet

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// NodeAPIPath is the import path of the node contract; a package that imports it is
// checked by default.
const NodeAPIPath = "github.com/simfuzz/simfuzz/harness/nodeapi"

// Options choose what the analyzer looks at.
type Options struct {
	// All checks every package, not only those that import the node contract.
	All bool
	// Tests checks _test.go files too; by default they are skipped, since tests drive the
	// world from outside it.
	Tests bool
}

// Analyzer is the check with default options. Its flags -all and -tests set them (under
// go vet -vettool they are -simfuzz.all and -simfuzz.tests).
var Analyzer = NewAnalyzer(&Options{})

// NewAnalyzer returns the check reading its options from o when it runs, so that flags
// bound to o (it binds -all and -tests) take effect.
func NewAnalyzer(o *Options) *analysis.Analyzer {
	a := &analysis.Analyzer{
		Name: "simfuzz",
		Doc: "check that node code keeps the simulator's contract\n\n" +
			"Flags the wall clock, goroutines, channels, sync, global random sources, " +
			"I/O past the Env, and map ranges whose order reaches the run, in packages " +
			"that import " + NodeAPIPath + ". //simfuzz:ok REASON on the line (or the " +
			"line above) silences a finding.",
		URL: "https://pkg.go.dev/github.com/simfuzz/simfuzz/vet",
		Run: func(pass *analysis.Pass) (any, error) { return nil, run(pass, *o) },
	}
	a.Flags.BoolVar(&o.All, "all", o.All, "check every package, not only those that "+
		"import the node contract")
	a.Flags.BoolVar(&o.Tests, "tests", o.Tests, "check _test.go files too")
	return a
}

// InScope reports whether a package with these imports is checked under o.
func InScope(imports []*types.Package, o Options) bool {
	if o.All {
		return true
	}
	for _, p := range imports {
		if p.Path() == NodeAPIPath {
			return true
		}
	}
	return false
}

// pkgCheck holds one package's pass: the files it checks, the reporter that applies the
// //simfuzz:ok comments, and the effect summaries of the package's functions.
type pkgCheck struct {
	pass    *analysis.Pass
	info    *types.Info
	files   []*ast.File
	rep     *reporter
	effects *summaries
}

func run(pass *analysis.Pass, o Options) error {
	if !InScope(pass.Pkg.Imports(), o) {
		return nil
	}
	var files []*ast.File
	for _, f := range pass.Files {
		name := pass.Fset.File(f.Pos()).Name()
		if ast.IsGenerated(f) || (!o.Tests && strings.HasSuffix(name, "_test.go")) {
			continue
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil
	}
	c := &pkgCheck{pass: pass, info: pass.TypesInfo, files: files,
		rep: newReporter(pass, files)}
	c.effects = newSummaries(c)
	c.walk(inspector.New(files))
	c.rep.finish()
	return nil
}

// walk visits every node once, with its stack, and hands each kind to its check.
func (c *pkgCheck) walk(in *inspector.Inspector) {
	in.WithStack(nil, func(n ast.Node, push bool, stack []ast.Node) bool {
		if !push {
			return true
		}
		switch n := n.(type) {
		case *ast.Ident:
			c.checkUse(n)
		case *ast.GoStmt:
			c.report(n.Pos(), "go statement starts a goroutine: a node runs only inside "+
				"the world's handlers, one at a time; do the work in the handler, or "+
				"later in env.After(d, f)")
		case *ast.ChanType:
			if !inChanType(stack) {
				c.report(n.Pos(), "channel type: a node never blocks or hands work to "+
					"another goroutine; pass results to a callback (done func(...)) or "+
					"schedule them with env.After(d, f)")
			}
		case *ast.SendStmt:
			c.channelOp(n, stack, "channel send blocks")
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				c.channelOp(n, stack, "channel receive blocks")
			}
		case *ast.SelectStmt:
			c.report(n.Pos(), "select blocks on channels: "+channelFix)
		case *ast.RangeStmt:
			c.checkRange(n, stack)
		}
		return true
	})
}

func (c *pkgCheck) report(pos token.Pos, msg string) { c.rep.report(pos, msg) }
