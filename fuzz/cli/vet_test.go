package cli_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/fuzz/cli"
)

// Every command built on cli.Main has vet, with vet's exit codes: 1 findings, 0 clean, 2 a
// pattern that does not load.
func TestVetCommand(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		code    int
		want    string
	}{
		{"../../vet/testdata/src/node", 1, "time.Now reads the wall clock"},
		{"../../vet/testdata/src/clean", 0, "1 package checked, no findings"},
		{"./nope/...", 2, "pattern ./nope/... does not load"},
	} {
		var out, errOut bytes.Buffer
		code := cli.Main([]string{"vet", tc.pattern}, &out, &errOut, fuzz.RaftKV)
		require.Equal(t, tc.code, code, "%s\n%s%s", tc.pattern, out.String(), errOut.String())
		require.Contains(t, out.String()+errOut.String(), tc.want, tc.pattern)
	}
}
