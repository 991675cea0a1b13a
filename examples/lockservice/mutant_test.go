package lockservice_test

import (
	"path/filepath"
	"testing"

	"github.com/simfuzz/simfuzz/fuzz"
)

// mutantPatches re-introduce one bug each in package lockd; the regressions named after a
// patch's "lock-NN" prefix (mutant-lock-NN-*.json) were shrunk from the campaign's
// detections of it.
var mutantPatches = []string{"lock-01-follower-ack-before-sync", "lock-02-local-holder-read",
	"lock-03-uptodate-ignores-length"}

// Each regression saved for a mutant must fail on the mutant (and, through TestRegressions,
// pass without it): otherwise it no longer guards against the bug it was saved for. It
// copies the repository, applies the patch and builds lockfuzz there, so it is skipped with
// -short.
func TestMutantRegressionsFailOnTheMutant(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a mutant copy of the repository; skipped with -short")
	}
	root := filepath.Join("..", "..")
	for _, patch := range mutantPatches {
		t.Run(patch, func(t *testing.T) {
			regressions, err := filepath.Glob(filepath.Join("testdata", "regressions",
				"mutant-"+patch[:len("lock-NN")]+"-*.json"))
			if err != nil {
				t.Fatal(err)
			}
			fuzz.RegressionsFailOn(t, fuzz.Mutant{Root: root,
				Patch:   filepath.Join(root, "testdata", "mutants", patch+".patch"),
				Command: "./examples/lockservice/cmd/lockfuzz", Regressions: regressions})
		})
	}
}
