package harness

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The window's figures name the probe by the workload's probe kind: a workload whose probe
// is a read (a counter, a queue's length) reads "probe reads", the key-value one "writes".
func TestStabilityFiguresNameTheProbe(t *testing.T) {
	s := &StabilityStats{Window: 5 * time.Second, Probes: 3, LongestGap: 5 * time.Second}
	require.Contains(t, s.String(), "probe writes 0/3 acknowledged")
	s.ProbeNoun = "read"
	require.Contains(t, s.String(), "probe reads 0/3 acknowledged")
	f := s.verdict("")
	require.NotNil(t, f)
	require.Contains(t, f.Message, "no probe read acknowledged for 5s")
}
