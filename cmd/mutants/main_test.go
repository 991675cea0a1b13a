package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every committed mutant regression must fail on its mutant (and, through TestRegressions,
// pass without it): otherwise it no longer guards against the bug it was saved for. This
// builds one mutant per regression, so it is skipped with -short.
func TestMutantRegressionsFailOnTheirMutant(t *testing.T) {
	if testing.Short() {
		t.Skip("builds mutants; skipped with -short")
	}
	root := filepath.Join("..", "..")
	files, err := filepath.Glob(filepath.Join(root, "testdata", "regressions", "mutant-*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no mutant regressions committed")
	patches, err := filepath.Glob(filepath.Join(root, "testdata", "mutants", "*.patch"))
	require.NoError(t, err)
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "mutant-"), ".json")
		t.Run(name, func(t *testing.T) {
			// mutant-NAME.json or mutant-NAME-what-it-shows.json
			i := slices.IndexFunc(patches, func(p string) bool {
				m := mutantName(p)
				return name == m || strings.HasPrefix(name, m+"-")
			})
			require.GreaterOrEqual(t, i, 0, "no patch for regression %s", f)
			patch := patches[i]
			scratch := t.TempDir()
			_, err := prepare(root, patch, scratch)
			require.NoError(t, err)
			abs, err := filepath.Abs(f)
			require.NoError(t, err)
			cmd := exec.Command(filepath.Join(scratch, "bin", "simfuzz"), "replay", "--trace",
				"0", "--html", filepath.Join(scratch, "v.html"), abs)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee, "replay on the mutant passed:\n%s", out)
			require.Equal(t, 1, ee.ExitCode(), "%s", out)
			require.Contains(t, string(out), "FAILURE")
		})
	}
}

func TestMedian(t *testing.T) {
	require.Equal(t, "-", median(nil))
	require.Equal(t, "2.0", median([]float64{3, 1, 2}))
	require.Equal(t, "2.5", median([]float64{4, 1, 2, 3}))
}

// fakeSimfuzz writes a stand-in for the unmutated simfuzz that fails (exit 1) exactly when its
// arguments contain failOn, and passes otherwise.
func fakeSimfuzz(t *testing.T, failOn string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "simfuzz")
	script := "#!/bin/sh\ncase \"$*\" in *'" + failOn + "'*) echo 'FAILURE (liveness): x'; " +
		"exit 1;; esac\nexit 0\n"
	require.NoError(t, os.WriteFile(path, []byte(script), 0o755))
	return path
}

func TestAttributionNeedsTheDetectingSeedToPassWithoutTheMutant(t *testing.T) {
	found := row{name: "x", detected: true, seed: 216220, scenario: "/tmp/min.json"}
	r := attribute(found, fakeSimfuzz(t, "--seed 216220"))
	require.False(t, r.detected, "the base fails the original seed: not the mutant's bug")
	require.Contains(t, r.note, "detecting seed 216220 fails without the mutant too")

	r = attribute(found, fakeSimfuzz(t, "min.json"))
	require.False(t, r.detected)
	require.Contains(t, r.note, "shrunk counterexample fails without the mutant too")

	r = attribute(found, fakeSimfuzz(t, "never-matches"))
	require.True(t, r.detected)
	require.True(t, r.attributable)
}

func TestPatchTargetReadsTheDescription(t *testing.T) {
	dir := t.TempDir()
	lock := filepath.Join(dir, "lock.patch")
	require.NoError(t, os.WriteFile(lock, []byte("A bug.\ntarget: lock-service\n"+
		"--- a/x.go\n+++ b/x.go\ntarget: not-this\n"), 0o644))
	name, err := patchTarget(lock)
	require.NoError(t, err)
	require.Equal(t, "lock-service", name)
	require.Equal(t, []string{"--target", "lock-service"}, row{target: name}.targetArgs())

	plain := filepath.Join(dir, "plain.patch")
	require.NoError(t, os.WriteFile(plain, []byte("A bug.\n--- a/x.go\n"), 0o644))
	name, err = patchTarget(plain)
	require.NoError(t, err)
	require.Empty(t, name)
	require.Nil(t, row{}.targetArgs())
}

func TestTheFirstAttributableFailureCounts(t *testing.T) {
	base := row{name: "x", detected: true}
	first, second := base, base
	first.seed, first.scenario = 191793, "/tmp/a.json"
	second.seed, second.scenario, second.seeds = 200001, "/tmp/b.json", 2
	r := firstAttributable([]row{first, second}, fakeSimfuzz(t, "--seed 191793"))
	require.True(t, r.detected)
	require.Equal(t, uint64(200001), r.seed, "the base's own failure is passed over")
	require.Contains(t, r.note, "detecting seed 191793 fails without the mutant too")

	r = firstAttributable([]row{first}, fakeSimfuzz(t, "--seed 191793"))
	require.False(t, r.detected, "no failure of the mutant's own: not detected")
}

func TestPatchBuildNamesAnotherModulesCommand(t *testing.T) {
	dir := t.TempDir()
	etcd := filepath.Join(dir, "etcd.patch")
	require.NoError(t, os.WriteFile(etcd, []byte("A bug.\ntarget: etcd-raft\n"+
		"build: examples/etcdraft ./cmd/simfuzz-etcdraft\n--- a/x.go\n"), 0o644))
	d, pkg, err := patchBuild(etcd)
	require.NoError(t, err)
	require.Equal(t, "examples/etcdraft", d)
	require.Equal(t, "./cmd/simfuzz-etcdraft", pkg)

	plain := filepath.Join(dir, "plain.patch")
	require.NoError(t, os.WriteFile(plain, []byte("A bug.\n--- a/x.go\n"), 0o644))
	d, pkg, err = patchBuild(plain)
	require.NoError(t, err)
	require.Equal(t, ".", d)
	require.Equal(t, "./cmd/simfuzz", pkg)

	bad := filepath.Join(dir, "bad.patch")
	require.NoError(t, os.WriteFile(bad, []byte("build: onlyone\n--- a/x.go\n"), 0o644))
	_, _, err = patchBuild(bad)
	require.ErrorContains(t, err, "is not \"build: DIR PACKAGE\"")
}

// Every patch applies to the tree as it is: a change to the code a mutant patches must
// update the patch in the same commit, or the mutants table and the properties table lose
// that mutant without a sign (it happened once, to 08, when raft's clock changed).
func TestEveryPatchApplies(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	root := filepath.Join("..", "..")
	patches, err := filepath.Glob(filepath.Join(root, "testdata", "mutants", "*.patch"))
	require.NoError(t, err)
	require.NotEmpty(t, patches)
	for _, p := range patches {
		abs, err := filepath.Abs(p)
		require.NoError(t, err)
		cmd := exec.Command("git", "apply", "--check", abs)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s does not apply to the tree:\n%s", filepath.Base(p), out)
	}
}
