package vet

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// An effect is something a call does that the run sees, so that doing it in a map's random
// iteration order makes the run depend on that order.
type effect struct {
	what string    // "sends", "schedules a timer", ...
	call string    // the call of the contract that does it, as written
	pos  token.Pos // where that call is
	// via are the calls of the package's own functions that lead to it, outermost first.
	via []string
}

// describe says what the effect is and where: "sends (n.env.Send at node.go:12, through
// n.broadcast -> n.send)".
func (c *pkgCheck) describe(e *effect) string {
	s := fmt.Sprintf("%s (%s at %s", e.what, e.call, c.where(e.pos))
	if len(e.via) > 0 {
		s += ", through " + strings.Join(e.via, " -> ")
	}
	return s + ")"
}

// contractEffects are the methods (Type.Method) and functions of the node contract whose
// calls reach the run. Rand's methods are matched by type alone.
var contractEffects = map[string]string{
	"Env.Send": "sends", "Env.Dial": "opens a stream", "Env.After": "schedules a timer",
	"Env.Logf": "writes to the trace log", "Disk.WriteFile": "writes to the disk",
	"Disk.Append": "writes to the disk", "Disk.Truncate": "writes to the disk",
	"Disk.Rename": "writes to the disk", "Disk.Remove": "writes to the disk",
	"Disk.Sync": "syncs the disk", "Stream.Write": "sends on a stream",
	"Stream.Close": "closes a stream", "Annotator.Annotate": "annotates the timeline",
	"Reporter.Reached": "reports a protocol event", "Reach": "reports a protocol event",
}

// contractEffect returns what a call of the node contract does that the run sees, or "".
func (c *pkgCheck) contractEffect(call *ast.CallExpr) string {
	fn, ok := typeutil.Callee(c.info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != NodeAPIPath {
		return ""
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return contractEffects[fn.Name()]
	}
	named, ok := types.Unalias(recv.Type()).(*types.Named)
	if !ok {
		return ""
	}
	if named.Obj().Name() == "Rand" {
		return "draws from the node's random stream"
	}
	return contractEffects[named.Obj().Name()+"."+fn.Name()]
}

// summaries knows, for each function and method declared in the checked files, the first
// effect it has when called: its own call of the contract, or one through another function
// of the package.
type summaries struct {
	c     *pkgCheck
	first map[*types.Func]*effect
}

// funcBody is a declared function with what its body does directly: its first effect and
// the package's functions it calls, in source order.
type funcBody struct {
	fn      *types.Func
	direct  *effect
	callees []calleeAt
}

type calleeAt struct {
	fn   *types.Func
	call string
}

func newSummaries(c *pkgCheck) *summaries {
	s := &summaries{c: c, first: map[*types.Func]*effect{}}
	var bodies []*funcBody
	for _, f := range c.files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if fn, ok := c.info.Defs[fd.Name].(*types.Func); ok {
				bodies = append(bodies, c.scanBody(fn, fd.Body))
			}
		}
	}
	for _, b := range bodies {
		if b.direct != nil {
			s.first[b.fn] = b.direct
		}
	}
	// Propagate through calls until nothing changes; each round settles at least one
	// function or ends, so there are at most len(bodies) rounds.
	for changed := true; changed; {
		changed = false
		for _, b := range bodies {
			if s.first[b.fn] == nil {
				if e := s.viaCallee(b.callees); e != nil {
					s.first[b.fn], changed = e, true
				}
			}
		}
	}
	return s
}

// viaCallee returns the effect of the first callee that has one, said through it.
func (s *summaries) viaCallee(callees []calleeAt) *effect {
	for _, ce := range callees {
		if e := s.first[ce.fn]; e != nil {
			via := append([]string{ce.call}, e.via...)
			return &effect{what: e.what, call: e.call, pos: e.pos, via: via}
		}
	}
	return nil
}

// scanBody finds a body's first direct effect and the package's functions it calls.
func (c *pkgCheck) scanBody(fn *types.Func, body *ast.BlockStmt) *funcBody {
	b := &funcBody{fn: fn}
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if what := c.contractEffect(call); what != "" && b.direct == nil {
			b.direct = &effect{what: what, call: callName(call), pos: call.Pos()}
		}
		if callee := c.localCallee(call); callee != nil {
			b.callees = append(b.callees, calleeAt{fn: callee, call: callName(call)})
		}
		return true
	})
	return b
}

// localCallee returns the function of this package that call statically calls, or nil.
func (c *pkgCheck) localCallee(call *ast.CallExpr) *types.Func {
	fn := typeutil.StaticCallee(c.info, call)
	if fn == nil || fn.Pkg() != c.pass.Pkg {
		return nil
	}
	return fn.Origin()
}

// callEffect returns what call does that the run sees, directly or through a function of
// the package, or nil.
func (c *pkgCheck) callEffect(call *ast.CallExpr) *effect {
	if what := c.contractEffect(call); what != "" {
		return &effect{what: what, call: callName(call), pos: call.Pos()}
	}
	if callee := c.localCallee(call); callee != nil {
		return c.effects.viaCallee([]calleeAt{{fn: callee, call: callName(call)}})
	}
	return nil
}

// callName is the called expression as written (n.env.Send).
func callName(call *ast.CallExpr) string { return types.ExprString(call.Fun) }

// where is a position as file:line, the file without its folder.
func (c *pkgCheck) where(pos token.Pos) string {
	p := c.pass.Fset.Position(pos)
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}
