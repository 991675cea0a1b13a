package harness_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// The liveness probe and the stability window's probes are marked in the history and sit
// on the probe's own row, after every client endpoint, open-loop ones included; no client
// operation is marked. The verdict counts them apart.
func TestProbeOperationsAreMarkedOnTheirOwnRow(t *testing.T) {
	s := stabilityScenario()
	s.Clients[0].OpenLoop = 3 // the probe's row comes after all three endpoints
	res, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "%v", res.Failure)
	row := len(scenario.ClientEndpoints(s))
	probes := 0
	for _, op := range res.History {
		isProbe := op.Op.Key == harness.ProbeKey
		require.Equal(t, isProbe, op.Probe, "%+v", op)
		if isProbe {
			probes++
			require.Equal(t, row, op.ClientID, "a probe on a client's row: %+v", op)
		} else {
			require.Less(t, op.ClientID, row)
		}
	}
	require.Greater(t, probes, 10)
	require.Equal(t, probes, res.Verdict.ProbeOps)
	require.Contains(t, res.Verdict.Message(), "probe writes")
}
