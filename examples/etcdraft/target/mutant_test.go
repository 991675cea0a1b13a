package target_test

import (
	"path/filepath"
	"testing"

	"github.com/simfuzz/simfuzz/fuzz"
)

// mutantPatches re-introduce one bug each in the glue (testdata/mutants of the main
// module); the regressions named after a patch's "etcd-NN" prefix (mutant-etcd-NN-*.json,
// in this module's testdata) were shrunk from the campaign's detections of it.
var mutantPatches = []string{"etcd-01-send-before-sync", "etcd-02-hardstate-only-with-entries"}

// Each regression saved for a mutant must fail on the mutant (and, through TestRegressions,
// pass without it). It copies the repository, applies the patch and builds this module's
// simfuzz command there, so it is skipped with -short.
func TestMutantRegressionsFailOnTheMutant(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a mutant copy of the repository; skipped with -short")
	}
	root := filepath.Join("..", "..", "..")
	for _, patch := range mutantPatches {
		t.Run(patch, func(t *testing.T) {
			regressions, err := filepath.Glob(filepath.Join("..", "testdata", "regressions",
				"mutant-"+patch[:len("etcd-NN")]+"-*.json"))
			if err != nil {
				t.Fatal(err)
			}
			fuzz.RegressionsFailOn(t, fuzz.Mutant{Root: root,
				Patch:  filepath.Join(root, "testdata", "mutants", patch+".patch"),
				Module: filepath.Join("examples", "etcdraft"), Command: "./cmd/simfuzz-etcdraft",
				Regressions: regressions})
		})
	}
}
