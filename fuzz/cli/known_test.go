package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func writeKnown(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "known.txt")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

// A nightly job lives with a known bug and still catches a new one: failures of --known
// signatures are reported but exit 0; any other signature exits 1.
func TestKnownSignaturesDoNotFail(t *testing.T) {
	args := []string{"run", "--target", "toy-split", "--seeds", "30", "--jobs", "2",
		"--json", "--shrink-runs", "5", "--max-failures", "0"}
	code, out, stderr := runToys(t, nil, args...)
	require.Equal(t, 1, code, stderr)
	sum := decodeSummary(t, out)
	require.Greater(t, len(sum.Signatures), 1, "toy-split has a read bug and a write bug")
	one := sum.Signatures[0]
	known := writeKnown(t, "# the first bug, tracked elsewhere\n\n"+one.Class+": "+
		one.Message+"\n")
	code, out, stderr = runToys(t, nil, append(args, "--known", known)...)
	require.Equal(t, 1, code, "the other signatures are new: %s", stderr)
	sum = decodeSummary(t, out)
	require.Equal(t, one.Count, sum.KnownFailedSeeds)
	require.True(t, sum.Signatures[0].Known)
	require.False(t, sum.Signatures[1].Known)

	// Every signature; the first as a raw message, which is normalised as the summary's are.
	first := sum.Failures[0]
	require.Equal(t, one.FirstSeed, first.Seed)
	text := first.Class + ": " + first.Message + "\n"
	for _, g := range sum.Signatures[1:] {
		text += g.Class + ": " + g.Message + "\n"
	}
	code, out, stderr = runToys(t, nil, append(args, "--known", writeKnown(t, text))...)
	require.Equal(t, 0, code, "every failure is known: %s", stderr)
	sum = decodeSummary(t, out)
	require.Equal(t, sum.FailedSeeds, sum.KnownFailedSeeds)
	require.Positive(t, sum.FailedSeeds)
}

func TestMalformedKnownFileIsAUsageError(t *testing.T) {
	cases := map[string]string{
		"no separator":  "invariant violated\n",
		"unknown class": "bogus: something\n",
		"no message":    "liveness: \n",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			path := writeKnown(t, "# ok\n"+text)
			code, _, stderr := runToys(t, nil, "run", "--target", "toy-kv", "--seeds", "1",
				"--known", path)
			require.Equal(t, 2, code)
			require.Contains(t, stderr, path+":2:")
		})
	}
	code, _, stderr := runToys(t, nil, "run", "--seeds", "1", "--known", "/nonexistent")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "/nonexistent")
}
