package vet

import (
	"cmp"
	"fmt"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// Config is one check of some packages.
type Config struct {
	// Patterns are go list patterns (default ./...).
	Patterns []string
	Options
	// Dir is where the patterns are resolved ("" the current directory), Env the
	// environment of the go command (nil the process's).
	Dir string
	Env []string
}

// Finding is one place where node code breaks the contract.
type Finding struct {
	Pos     token.Position
	Message string
}

// String is the finding as go vet prints one: file:line:col: message.
func (f Finding) String() string { return f.Pos.String() + ": " + f.Message }

// Result is what a check found: the findings in file order, and the packages it loaded
// and of those the ones it checked (the others do not import the node contract).
type Result struct {
	Findings []Finding
	Loaded   []string
	Checked  []string
}

// InputError is an error of Run that is the input's fault: a pattern that matches no
// package, or a package that does not load or type-check.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func inputErrorf(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// Run loads the packages and checks them. Its error is an *InputError when the input is at
// fault; every error names the pattern or package.
func Run(cfg Config) (*Result, error) {
	if len(cfg.Patterns) == 0 {
		cfg.Patterns = []string{"./..."}
	}
	if err := checkPatterns(cfg); err != nil {
		return nil, err
	}
	pkgs, err := load(cfg)
	if err != nil {
		return nil, err
	}
	opts := cfg.Options
	graph, err := checker.Analyze([]*analysis.Analyzer{NewAnalyzer(&opts)}, pkgs, nil)
	if err != nil {
		return nil, fmt.Errorf("vet: %w", err)
	}
	res := &Result{}
	seen := map[string]bool{}
	for _, act := range graph.Roots {
		if act.Err != nil {
			return nil, fmt.Errorf("vet %s: %w", act.Package.PkgPath, act.Err)
		}
		res.record(act.Package, opts)
		for _, d := range act.Diagnostics {
			f := Finding{Pos: act.Package.Fset.Position(d.Pos), Message: d.Message}
			if !seen[f.String()] { // a package and its test variant share files
				seen[f.String()] = true
				res.Findings = append(res.Findings, f)
			}
		}
	}
	slices.SortFunc(res.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Pos.Filename, b.Pos.Filename),
			cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column),
			cmp.Compare(a.Message, b.Message))
	})
	return res, nil
}

// record notes a loaded package and whether it was checked, once per import path.
func (r *Result) record(p *packages.Package, o Options) {
	if slices.Contains(r.Loaded, p.PkgPath) {
		return
	}
	r.Loaded = append(r.Loaded, p.PkgPath)
	if InScope(p.Types.Imports(), o) {
		r.Checked = append(r.Checked, p.PkgPath)
	}
}

// checkPatterns refuses a pattern that matches no package, naming it: go list only warns.
func checkPatterns(cfg Config) error {
	for _, pat := range cfg.Patterns {
		lc := &packages.Config{Mode: packages.NeedName, Dir: cfg.Dir, Env: cfg.Env}
		pkgs, err := packages.Load(lc, pat)
		if err != nil {
			return inputErrorf("pattern %s does not load: %v", pat, err)
		}
		if len(pkgs) == 0 {
			return inputErrorf("pattern %s matches no packages", pat)
		}
		for _, p := range pkgs {
			if len(p.Errors) > 0 {
				msg := strings.TrimPrefix(p.Errors[0].Msg, "pattern "+pat+": ")
				return inputErrorf("pattern %s does not load: %s", pat, msg)
			}
		}
	}
	return nil
}

// load loads the packages with their syntax and types (their dependencies from export
// data), refusing any that has errors.
func load(cfg Config) ([]*packages.Package, error) {
	lc := &packages.Config{Mode: packages.LoadSyntax | packages.NeedModule, Dir: cfg.Dir,
		Env: cfg.Env, Tests: cfg.Tests}
	pkgs, err := packages.Load(lc, cfg.Patterns...)
	if err != nil {
		return nil, inputErrorf("packages %s do not load: %v",
			strings.Join(cfg.Patterns, " "), err)
	}
	var roots []*packages.Package
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			return nil, inputErrorf("package %s does not load: %v", p.ID, p.Errors[0])
		}
		if !strings.HasSuffix(p.ID, ".test") { // the generated main of a test binary
			roots = append(roots, p)
		}
	}
	return roots, nil
}
