package vet

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// A map's iteration order is random, and differs between two runs of one seed. It is
// harmless while the order cannot reach the run: a sum, a delete, a copy into another map.
// It reaches the run when the body sends, writes, schedules, draws, logs, calls back,
// appends to a slice that keeps the order, or returns what it found first.

// checkMap reports a range over a map whose body lets the order reach the run.
func (c *pkgCheck) checkMap(rs *ast.RangeStmt, stack []ast.Node) {
	over, m, ok := c.mapOf(rs.X)
	if !ok {
		return
	}
	l := &mapLoop{c: c, rs: rs, stack: stack}
	reason := l.scan(rs.Body, false)
	if reason == "" {
		return
	}
	c.report(rs.Pos(), fmt.Sprintf("range over %s visits it in random order, and the body "+
		"%s: iterate over sorted keys, slices.Sorted(maps.Keys(%s))", over, reason, m))
}

// mapOf describes x if ranging over it visits a map in random order (a map, or
// maps.Keys, maps.Values or maps.All of one), and returns the map.
func (c *pkgCheck) mapOf(x ast.Expr) (over, m string, ok bool) {
	if t := c.info.TypeOf(x); t != nil {
		if _, ok := t.Underlying().(*types.Map); ok {
			return "map " + types.ExprString(x), types.ExprString(x), true
		}
	}
	if call, ok := x.(*ast.CallExpr); ok && len(call.Args) == 1 {
		fn, ok := typeutil.Callee(c.info, call).(*types.Func)
		if ok && fn.Pkg() != nil && fn.Pkg().Path() == "maps" &&
			(fn.Name() == "Keys" || fn.Name() == "Values" || fn.Name() == "All") {
			return types.ExprString(x), types.ExprString(call.Args[0]), true
		}
	}
	return "", "", false
}

// mapLoop is one range over a map being scanned.
type mapLoop struct {
	c     *pkgCheck
	rs    *ast.RangeStmt
	stack []ast.Node // from the file to the range statement
}

// scan returns what the first statement of n that lets the order out does, or "". Inside
// a function literal (inLit) a return leaves the literal, not the loop.
func (l *mapLoop) scan(n ast.Node, inLit bool) string {
	var reason string
	ast.Inspect(n, func(n ast.Node) bool {
		if reason != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			reason = l.scan(n.Body, true)
			return false
		case *ast.ReturnStmt:
			if !inLit {
				reason = l.returns(n)
			}
		case *ast.CallExpr:
			reason = l.call(n)
		}
		return true
	})
	return reason
}

// call says how a call in the body lets the order out, or "".
func (l *mapLoop) call(call *ast.CallExpr) string {
	c := l.c
	if e := c.callEffect(call); e != nil {
		return c.describe(e)
	}
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		if b, ok := c.info.Uses[id].(*types.Builtin); ok && b.Name() == "append" &&
			len(call.Args) > 0 {
			return l.appends(call)
		}
	}
	if v := calledVar(c.info, call); v != nil && !l.local(v) {
		return fmt.Sprintf("calls the callback %s (%s)", callName(call), c.where(call.Pos()))
	}
	return ""
}

// calledVar returns the variable (a parameter, field or local of func type) that call
// calls, or nil for a call of a declared function, a method or a conversion.
func calledVar(info *types.Info, call *ast.CallExpr) *types.Var {
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return nil
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok {
		return nil
	}
	if _, ok := v.Type().Underlying().(*types.Signature); !ok {
		return nil
	}
	return v
}

// appends says how an append keeps the iteration order, or "" when it cannot: it appends
// to a variable of the loop itself, or to a slice sorted later in the same function.
func (l *mapLoop) appends(call *ast.CallExpr) string {
	target := call.Args[0]
	if root := rootIdent(target); root != nil {
		if obj := l.c.info.ObjectOf(root); obj != nil && l.local(obj) {
			return ""
		}
	}
	if l.sortedAfter(target) {
		return ""
	}
	return fmt.Sprintf("appends to %s (%s), in the order of the keys, and does not sort "+
		"it afterwards", types.ExprString(target), l.c.where(call.Pos()))
}

// returns says what a return in the body hands out that depends on which key came first:
// a value computed from a variable of the loop. A return of a constant does not.
func (l *mapLoop) returns(ret *ast.ReturnStmt) string {
	for _, r := range ret.Results {
		found := false
		ast.Inspect(r, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && !found {
				if obj := l.c.info.Uses[id]; obj != nil && l.loopVar(obj) {
					found = true
				}
			}
			return !found
		})
		if found {
			return fmt.Sprintf("returns %s (%s), whichever key comes first",
				types.ExprString(r), l.c.where(ret.Pos()))
		}
	}
	return ""
}

// local reports whether obj is declared by the range statement or inside its body.
func (l *mapLoop) local(obj types.Object) bool {
	return obj.Pos() >= l.rs.Pos() && obj.Pos() < l.rs.End()
}

// loopVar reports whether obj carries the iteration: declared by the loop or in its body,
// or the outer variable a `for k = range` assigns.
func (l *mapLoop) loopVar(obj types.Object) bool {
	if l.local(obj) {
		return true
	}
	if l.rs.Tok != token.ASSIGN {
		return false
	}
	for _, e := range []ast.Expr{l.rs.Key, l.rs.Value} {
		if id, ok := e.(*ast.Ident); ok && l.c.info.Uses[id] == obj {
			return true
		}
	}
	return false
}

// rootIdent returns the variable an expression such as x, x.f, x[i] or *x starts from.
func rootIdent(e ast.Expr) *ast.Ident {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			return x
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// sorts are the functions of sort and slices that sort their first argument in place.
var sorts = map[string]bool{"sort.Strings": true, "sort.Ints": true, "sort.Float64s": true,
	"sort.Slice": true, "sort.SliceStable": true, "sort.Sort": true, "sort.Stable": true,
	"slices.Sort": true, "slices.SortFunc": true, "slices.SortStableFunc": true}

// sortedAfter reports whether the function holding the loop sorts target after the loop
// (sort.Sort(byName(target)) included).
func (l *mapLoop) sortedAfter(target ast.Expr) bool {
	body := enclosingBody(l.stack)
	if body == nil {
		return false
	}
	want := types.ExprString(target)
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if found || !ok || call.Pos() < l.rs.End() || len(call.Args) == 0 {
			return !found
		}
		fn, ok := typeutil.Callee(l.c.info, call).(*types.Func)
		if ok && fn.Pkg() != nil && sorts[fn.Pkg().Path()+"."+fn.Name()] &&
			types.ExprString(l.unconvert(call.Args[0])) == want {
			found = true
		}
		return !found
	})
	return found
}

// unconvert returns the operand of a type conversion, or e.
func (l *mapLoop) unconvert(e ast.Expr) ast.Expr {
	if call, ok := ast.Unparen(e).(*ast.CallExpr); ok && len(call.Args) == 1 {
		if tv, ok := l.c.info.Types[call.Fun]; ok && tv.IsType() {
			return call.Args[0]
		}
	}
	return e
}

// enclosingBody returns the body of the innermost function on the stack.
func enclosingBody(stack []ast.Node) *ast.BlockStmt {
	for i := len(stack) - 1; i >= 0; i-- {
		switch f := stack[i].(type) {
		case *ast.FuncLit:
			return f.Body
		case *ast.FuncDecl:
			return f.Body
		}
	}
	return nil
}
