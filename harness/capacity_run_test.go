package harness_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// The link-capacity fault of a scenario is applied, rendered and undone through its spec.
func TestLinkCapacityFault(t *testing.T) {
	s := fixtures.ToyScenario()
	f := scenario.Fault{At: scenario.Duration(time.Second), Kind: scenario.FaultLinkCap,
		Node: "n1", Peer: "c1", Capacity: 1, For: scenario.Duration(500 * time.Millisecond)}
	s.Faults = []scenario.Fault{f}
	require.Equal(t, "at 1s link-capacity n1<->c1 capacity 1 for 500ms", f.String())
	res, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure)
	var notes []string
	for _, a := range res.Annotations {
		if a.Node == "n1" {
			notes = append(notes, fmt.Sprintf("%v %s", a.At, a.Text))
		}
	}
	require.Equal(t, []string{"1s link capacity <-> c1: 1", "1.5s link capacity <-> c1: 0"},
		notes[:2])

	s.Faults[0].Peer, s.Faults[0].Capacity = "", 0
	require.Equal(t, "at 1s link-capacity n1<->all capacity 4 for 500ms",
		s.Faults[0].String(), "no peer: every link; no capacity: the default")
	require.NoError(t, s.Validate())
	s.Faults[0].Capacity = -3
	require.ErrorContains(t, s.Validate(), "faults[0].capacity: -3 is outside")
}
