package vet

import (
	"go/ast"
	"go/types"
	"strings"
)

// The package-level names a node must not use, by package: each rule says what the use
// does and what the node contract offers instead.

// clockFixes holds the time functions that read the wall clock or start its timers, with
// the Env's alternative.
var clockFixes = map[string]string{
	"Now":       "reads the wall clock: use env.Now(), the node's simulated clock",
	"Since":     "reads the wall clock: use env.Now().Sub(t)",
	"Until":     "reads the wall clock: use t.Sub(env.Now())",
	"Sleep":     "blocks on the wall clock: return, and continue in env.After(d, f)",
	"After":     "starts a wall-clock timer: use env.After(d, f)",
	"Tick":      "starts a wall-clock ticker: use env.After(d, f), rearmed in f",
	"NewTimer":  "starts a wall-clock timer: use env.After(d, f) (its Timer stops)",
	"NewTicker": "starts a wall-clock ticker: use env.After(d, f), rearmed in f",
	"AfterFunc": "starts a wall-clock timer on another goroutine: use env.After(d, f)",
}

// ioPackages are the packages whose package-level functions and variables do I/O past the
// Env.
var ioPackages = map[string]bool{
	"os": true, "os/exec": true, "os/signal": true, "os/user": true, "net": true,
	"net/http": true, "net/rpc": true, "net/smtp": true, "syscall": true, "io/ioutil": true,
}

// pureIO are the functions of ioPackages that compute without touching the outside.
var pureIO = map[string]bool{
	"os.IsNotExist": true, "os.IsExist": true, "os.IsPermission": true, "os.IsTimeout": true,
	"net.ParseIP": true, "net.ParseCIDR": true, "net.JoinHostPort": true,
	"net.SplitHostPort": true, "net.IPv4": true, "net.IPv4Mask": true, "net.CIDRMask": true,
	"net.ParseMAC": true, "net/http.StatusText": true, "net/http.CanonicalHeaderKey": true,
}

const (
	randFix = "draws from a global random source: use env.Rand(), the node's seeded stream"
	syncFix = "is for goroutines, and a node has none: the world calls one handler at a " +
		"time, so plain fields need no lock or atomic"
	ioFix = "does I/O past the simulator: use env.Disk() for files, env.Send or env.Dial " +
		"for the network, Boot and knobs for configuration"
)

const channelFix = "a node reacts to a message, a timer or a sync callback and returns; " +
	"schedule what comes next with env.After(d, f)"

// channelOp reports a send or receive, unless it is the communication of a select case
// (the select is reported once for all its cases).
func (c *pkgCheck) channelOp(n ast.Node, stack []ast.Node, what string) {
	for _, s := range stack {
		if cc, ok := s.(*ast.CommClause); ok && cc.Comm != nil &&
			n.Pos() >= cc.Comm.Pos() && n.End() <= cc.Comm.End() {
			return
		}
	}
	c.report(n.Pos(), what+": "+channelFix)
}

// inChanType reports whether the node on top of stack sits inside another channel type
// (chan chan int is one finding).
func inChanType(stack []ast.Node) bool {
	for _, s := range stack[:len(stack)-1] {
		if _, ok := s.(*ast.ChanType); ok {
			return true
		}
	}
	return false
}

// checkRange reports a range over a channel, and hands a range over a map to checkMap.
func (c *pkgCheck) checkRange(rs *ast.RangeStmt, stack []ast.Node) {
	t := c.info.TypeOf(rs.X)
	if t == nil {
		return
	}
	if _, ok := t.Underlying().(*types.Chan); ok {
		c.report(rs.Pos(), "range over a channel blocks: "+channelFix)
		return
	}
	c.checkMap(rs, stack)
}

// checkUse reports id if it names a package-level object a node must not use.
func (c *pkgCheck) checkUse(id *ast.Ident) {
	obj := c.info.Uses[id]
	if obj == nil || obj.Pkg() == nil || obj.Pkg().Scope().Lookup(obj.Name()) != obj {
		return // not a package-level name of a package (methods, fields, locals, builtins)
	}
	if msg := forbidden(obj); msg != "" {
		c.report(id.Pos(), obj.Pkg().Path()+"."+obj.Name()+" "+msg)
	}
}

// forbidden returns what is wrong with using the package-level object obj in a node, or "".
func forbidden(obj types.Object) string {
	path, name := obj.Pkg().Path(), obj.Name()
	_, isFunc := obj.(*types.Func)
	_, isVar := obj.(*types.Var)
	switch {
	case path == "time":
		if isFunc {
			return clockFixes[name]
		}
	case path == "math/rand" || path == "math/rand/v2":
		if isFunc && !strings.HasPrefix(name, "New") {
			return randFix
		}
	case path == "crypto/rand":
		if isFunc || isVar {
			return "reads the operating system's randomness: use env.Rand(), the node's " +
				"seeded stream"
		}
	case path == "sync" || path == "sync/atomic":
		return syncFix
	case ioPackages[path]:
		if (isFunc && !pureIO[path+"."+name]) || (isVar && !strings.HasPrefix(name, "Err")) {
			return ioFix
		}
	}
	return ""
}
