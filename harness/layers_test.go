package harness_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The package table of docs/ARCHITECTURE.md, as rules: what each package must never
// import. A rule on a package of this module or a library holds for every dependency, direct
// or not; a rule on a standard library package (os, testing) holds for direct imports,
// since fmt alone links os.

const mod = "github.com/simfuzz/simfuzz"

// layerRule forbids the packages matching never (a path, or a prefix ending in "/...")
// to the packages matching pkg.
type layerRule struct {
	pkg   string
	never []string
	why   string
}

var layerRules = []layerRule{
	{"harness/nodeapi/...", []string{"!std"}, "the node contract uses the standard library only"},
	{"harness/internal/journal", []string{"!std"},
		"the disks' journal is shared by both runtimes, so it uses the standard library only"},
	{"harness/sim/...", []string{"harness/scenario/...", "harness", "harness/shrink/...",
		"harness/report/...", "model/...", "generators/...", "fuzz/...", "raft/...",
		"pgregory.net/rapid/...", "testing", "os"},
		"the engine knows no scenario, runner, checker or generator, and no file system"},
	{"harness/scenario/...", []string{"harness/sim/...", "harness", "harness/realrt/..."},
		"the scenario format depends on neither the World nor the runner"},
	{"harness/realrt/...", []string{"harness/sim/...", "netfault/...", "model/...",
		"pgregory.net/rapid/...", "harness", "harness/scenario/..."},
		"the real runtime is a sibling of the engine, not a user of it"},
	{"harness", []string{"generators/...", "pgregory.net/rapid/...", "raft/...", "fuzz/..."},
		"the runner runs scenarios; it draws none and knows no system"},
	{"harness/shrink/...", []string{"harness", "harness/sim/..."},
		"the shrinker edits scenarios and never looks inside a run"},
	{"generators/...", []string{"harness", "harness/sim/...", "raft/..."},
		"generators draw scenarios and never run them"},
	{"model/...", []string{"harness", "harness/sim/...", "harness/scenario/...",
		"harness/realrt/...", "harness/shrink/...", "harness/report/...", "raft/..."},
		"the checker knows of the harness only the node contract"},
	{"netfault/...", []string{"harness/...", "raft/..."}, "the network model stands alone"},
}

// pkgInfo is one package of the module: its direct imports and all its dependencies.
type pkgInfo struct {
	path          string
	imports, deps []string
}

// matches reports whether path (relative to the module for module packages) matches pat.
func matches(path, pat string) bool {
	if !strings.Contains(strings.SplitN(pat, "/", 2)[0], ".") && !stdRule(pat) {
		pat = mod + "/" + pat
		if pat == mod+"/harness" {
			return path == pat
		}
	}
	if base, ok := strings.CutSuffix(pat, "/..."); ok {
		return path == base || strings.HasPrefix(path, base+"/")
	}
	return path == pat
}

// stdRule reports whether a rule's pattern names a standard library package.
func stdRule(pat string) bool { return pat == "os" || pat == "testing" }

// isStd reports whether path is a standard library package.
func isStd(path string) bool {
	return !strings.Contains(strings.SplitN(path, "/", 2)[0], ".")
}

// layerViolations lists every broken rule in pkgs, one line each.
func layerViolations(pkgs []pkgInfo, rules []layerRule) []string {
	var out []string
	for _, p := range pkgs {
		for _, r := range rules {
			if !matches(p.path, r.pkg) {
				continue
			}
			for _, never := range r.never {
				out = append(out, violations(p, never, r.why)...)
			}
		}
	}
	return out
}

func violations(p pkgInfo, never, why string) []string {
	var out []string
	if never == "!std" {
		for _, d := range p.deps {
			if !isStd(d) && !matches(d, "harness/nodeapi/...") {
				out = append(out, p.path+" depends on "+d+": "+why)
			}
		}
		return out
	}
	list := p.deps
	if stdRule(never) {
		list = p.imports
	}
	for _, d := range list {
		if matches(d, never) {
			out = append(out, p.path+" depends on "+d+": "+why)
		}
	}
	return out
}

func modulePackages(t *testing.T) []pkgInfo {
	tool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	out, err := exec.Command(tool, "list", "-f",
		"{{.ImportPath}}|{{join .Imports \",\"}}|{{join .Deps \",\"}}", mod+"/...").Output()
	require.NoError(t, err, "go list: %s", out)
	var pkgs []pkgInfo
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		require.Len(t, f, 3, line)
		pkgs = append(pkgs, pkgInfo{path: f[0], imports: strings.Split(f[1], ","),
			deps: strings.Split(f[2], ",")})
	}
	return pkgs
}

// Every package of the module keeps the never-imports of the package table.
func TestLayersHold(t *testing.T) {
	pkgs := modulePackages(t)
	var paths []string
	for _, p := range pkgs {
		paths = append(paths, p.path)
	}
	for _, want := range []string{"harness", "harness/sim", "harness/scenario",
		"harness/nodeapi", "harness/realrt", "model", "generators", "netfault"} {
		require.True(t, slices.Contains(paths, mod+"/"+want), "the listing lacks %s", want)
	}
	require.Empty(t, layerViolations(pkgs, layerRules))
}

// The rules can fail: each broken edge of the table is caught, and the allowed ones pass.
func TestLayerRulesCatchABrokenEdge(t *testing.T) {
	broken := []struct{ pkg, dep string }{
		{"harness/sim", mod + "/harness/scenario"},
		{"harness/sim", mod + "/model"},
		{"harness/sim", "pgregory.net/rapid"},
		{"harness/scenario", mod + "/harness/sim"},
		{"harness/scenario", mod + "/harness"},
		{"generators", mod + "/harness"},
		{"generators", mod + "/harness/sim"},
		{"harness/realrt", mod + "/harness/sim"},
		{"harness/realrt", mod + "/netfault"},
		{"harness/realrt", mod + "/model"},
		{"model", mod + "/harness/sim"},
		{"harness/nodeapi", "golang.org/x/sys/unix"},
		{"harness/internal/journal", mod + "/harness/sim"},
		{"harness/nodeapi/kv", mod + "/model"},
	}
	for _, b := range broken {
		p := pkgInfo{path: mod + "/" + b.pkg, deps: []string{"fmt", b.dep}}
		require.NotEmpty(t, layerViolations([]pkgInfo{p}, layerRules), "%s -> %s", b.pkg,
			b.dep)
	}
	direct := pkgInfo{path: mod + "/harness/sim", imports: []string{"os"},
		deps: []string{"os"}}
	require.NotEmpty(t, layerViolations([]pkgInfo{direct}, layerRules), "sim imports os")
	indirect := pkgInfo{path: mod + "/harness/sim", imports: []string{"fmt"},
		deps: []string{"fmt", "os", mod + "/harness/nodeapi", mod + "/netfault"}}
	require.Empty(t, layerViolations([]pkgInfo{indirect}, layerRules))
	scen := pkgInfo{path: mod + "/harness/scenario", imports: []string{"os"},
		deps: []string{mod + "/model", mod + "/harness/nodeapi", mod + "/netfault"}}
	require.Empty(t, layerViolations([]pkgInfo{scen}, layerRules))
}
