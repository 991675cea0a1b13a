package fuzz

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Mutant is a planted bug kept as a patch: a copy of the repository with the patch applied
// must fail every regression saved for the bug, or the regression no longer guards
// against it. RegressionsFailOn checks that.
type Mutant struct {
	// Root is the repository the patch applies to (git apply at its top).
	Root string
	// Patch is the patch file.
	Patch string
	// Module is the directory, relative to Root, of the Go module that builds Command
	// ("" for Root itself); Command is the package of the module's simfuzz command, a main
	// built on fuzz/cli ("./cmd/storefuzz").
	Module, Command string
	// Regressions are the scenario files that must fail on the mutant.
	Regressions []string
}

// RegressionsFailOn builds the mutant (Build) in a temporary directory and replays each
// regression with it: each must exit 1 with a FAILURE report. It takes seconds (a build), so
// callers skip it with -short.
func RegressionsFailOn(t *testing.T, m Mutant) {
	t.Helper()
	if len(m.Regressions) == 0 {
		t.Fatalf("no regressions of mutant %s", m.Patch)
	}
	scratch := t.TempDir()
	bin, err := m.Build(scratch)
	if err != nil {
		t.Fatalf("mutant %s: %v", m.Patch, err)
	}
	for _, f := range m.Regressions {
		t.Run(filepath.Base(f), func(t *testing.T) {
			abs, err := filepath.Abs(f)
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "replay", "--trace", "0", "--html",
				filepath.Join(scratch, "view.html"), abs)
			out, err := cmd.CombinedOutput()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "FAILURE") {
				t.Logf("%s", out)
				t.Fatalf("the regression does not fail on the mutant (exit error %v)", err)
			}
		})
	}
}

// Build copies m.Root into scratch (leaving out .git, bin and simfuzz-out), applies m.Patch
// there and builds m.Command as scratch/bin/simfuzz; it returns the binary's path.
func (m Mutant) Build(scratch string) (string, error) {
	if err := copyTree(m.Root, scratch); err != nil {
		return "", fmt.Errorf("copy %s: %v", m.Root, err)
	}
	patch, err := filepath.Abs(m.Patch)
	if err != nil {
		return "", err
	}
	if out, err := run(scratch, "git", "apply", patch); err != nil {
		return "", fmt.Errorf("patch does not apply: %v: %s", err, out)
	}
	bin, err := filepath.Abs(filepath.Join(scratch, "bin", "simfuzz"))
	if err != nil {
		return "", err
	}
	// -trimpath keeps the scratch directory out of the build, so every package the patch
	// leaves alone comes from the build cache: a mutant builds in seconds, not a minute.
	if out, err := run(filepath.Join(scratch, m.Module), "go", "build", "-trimpath", "-o",
		bin, m.Command); err != nil {
		return "", fmt.Errorf("mutant does not build: %v: %s", err, out)
	}
	return bin, nil
}

// run runs a command in dir and returns its combined output, trimmed.
func run(dir, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// copyTree copies the regular files under src to dst, leaving out version control and
// build output.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel == ".git" || rel == "bin" || strings.HasPrefix(d.Name(), "simfuzz-out") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
}
