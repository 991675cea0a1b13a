package lockservice_test

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// mutantPatches re-introduce one bug each in package lockd; the regressions named after a
// patch's "lock-NN" prefix (mutant-lock-NN-*.json) were shrunk from the campaign's
// detections of it.
var mutantPatches = []string{"lock-01-follower-ack-before-sync", "lock-02-local-holder-read",
	"lock-03-uptodate-ignores-length"}

// Each regression saved for a mutant must fail on the mutant (and, through TestRegressions,
// pass without it): otherwise it no longer guards against the bug it was saved for. It
// copies the module, applies the patch and builds lockfuzz there, so it is skipped with
// -short.
func TestMutantRegressionsFailOnTheMutant(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a mutant copy of the module; skipped with -short")
	}
	for _, patch := range mutantPatches {
		t.Run(patch, func(t *testing.T) { regressionsFailOn(t, patch) })
	}
}

// regressionsFailOn builds the mutant of patch and replays each of its regressions on it.
func regressionsFailOn(t *testing.T, patch string) {
	regressions, err := filepath.Glob(filepath.Join("testdata", "regressions",
		"mutant-"+patch[:len("lock-NN")]+"-*.json"))
	if err != nil || len(regressions) == 0 {
		t.Fatalf("no regressions of mutant %s in testdata/regressions (%v)", patch, err)
	}
	root := filepath.Join("..", "..")
	scratch := t.TempDir()
	bin := buildMutant(t, root, filepath.Join(root, "testdata", "mutants", patch+".patch"),
		scratch)
	for _, f := range regressions {
		t.Run(filepath.Base(f), func(t *testing.T) {
			abs, err := filepath.Abs(f)
			if err != nil {
				t.Fatal(err)
			}
			//simfuzz:ok the test replays a regression with the mutant's binary
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

// buildMutant copies the module at root into scratch, applies patch there and builds
// lockfuzz; it returns the binary's path.
func buildMutant(t *testing.T, root, patch, scratch string) string {
	t.Helper()
	if err := copyModule(root, scratch); err != nil {
		t.Fatalf("copy: %v", err)
	}
	abs, err := filepath.Abs(patch)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(scratch, "bin", "lockfuzz")
	for _, args := range [][]string{{"git", "apply", abs},
		{"go", "build", "-o", bin, "./examples/lockservice/cmd/lockfuzz"}} {
		cmd := exec.Command(args[0], args[1:]...) //simfuzz:ok patches and builds the mutant
		cmd.Dir = scratch
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return bin
}

// copyModule copies the module's regular files, leaving out version control and build
// output.
func copyModule(src, dst string) error {
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
			return os.MkdirAll(filepath.Join(dst, rel), 0o755) //simfuzz:ok copies the module
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path) //simfuzz:ok copies the module to a scratch folder
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644) //simfuzz:ok copies the module
	})
}
