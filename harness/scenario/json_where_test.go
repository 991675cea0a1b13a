package scenario_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Errors in a hand-edited scenario say where, in the file's own terms: the list index of
// a nested field, and JSON kinds rather than Go type names.
func TestScenarioErrorsSayWhere(t *testing.T) {
	cases := map[string]struct{ input, want string }{
		"not an object": {`[1]`, "the file: want a JSON object, not a JSON list"},
		"nested unknown": {`{"version": 1, "faults": [{"kind": "crash"},
			{"kind": "crash", "nod": "n1"}]}`, `faults[1]: unknown field "nod"`},
		"top unknown": {`{"version": 1, "sede": 3}`, `scenario: unknown field "sede"`},
		"bad duration": {`{"version": 1, "faults": [{}, {"at": "soon"}]}`,
			`field "faults[1].at": bad duration "soon"`},
		"wrong kind": {`{"version": 1, "clients": [{"id": "c1", "ops": [{"key": 3}]}]}`,
			`field "clients[0].ops[0].key": want a string, not the JSON number 3`},
		"negative seed": {`{"version": 1, "seed": -3}`,
			`field "seed": want a non-negative integer that fits in 64 bits`},
		"knob": {`{"version": 1, "system": {"a": "b"}}`, `field "system.a": want an integer`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := scenario.ReadScenario(strings.NewReader(c.input))
			require.ErrorContains(t, err, c.want)
			require.NotContains(t, err.Error(), "harness.", "a Go type name leaked")
			require.NotContains(t, err.Error(), "int64")
		})
	}
}

// A scenario file is small: a huge file or note is refused with the limit, before it is
// decoded and echoed.
func TestScenarioSizeIsCapped(t *testing.T) {
	big := `{"version": 1, "note": "` + strings.Repeat("x", scenario.MaxScenarioBytes) + `"}`
	_, err := scenario.ReadScenario(strings.NewReader(big))
	require.ErrorContains(t, err, "larger than 4194304 bytes")
	long := `{"version": 1, "note": "` + strings.Repeat("x", scenario.MaxNoteBytes+1) + `"}`
	_, err = scenario.ReadScenario(strings.NewReader(long))
	require.ErrorContains(t, err, "note: 4097 bytes, at most 4096")
}
