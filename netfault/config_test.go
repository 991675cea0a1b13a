package netfault_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/netfault"
)

func TestLinkConfigValidate(t *testing.T) {
	good := netfault.LinkConfig{LatencyMin: time.Millisecond, LatencyMax: 3 * time.Millisecond,
		SpikeRate: 0.01, SpikeMax: 50 * time.Millisecond, Loss: 0.001, Duplicate: 1,
		Corrupt: 0, Reorder: true}
	require.NoError(t, good.Validate())
	require.NoError(t, netfault.LinkConfig{}.Validate())

	cases := []struct {
		field string
		edit  func(*netfault.LinkConfig)
	}{
		{"SpikeRate", func(c *netfault.LinkConfig) { c.SpikeRate = -0.1 }},
		{"Loss", func(c *netfault.LinkConfig) { c.Loss = 1.5 }},
		{"Duplicate", func(c *netfault.LinkConfig) { c.Duplicate = math.NaN() }},
		{"Corrupt", func(c *netfault.LinkConfig) { c.Corrupt = 2 }},
		{"LatencyMin", func(c *netfault.LinkConfig) { c.LatencyMin = -1 }},
		{"LatencyMax", func(c *netfault.LinkConfig) { c.LatencyMax = 25 * time.Hour }},
		{"SpikeMax", func(c *netfault.LinkConfig) { c.SpikeMax = -time.Second }},
		{"LatencyMax = 0s is below LatencyMin", func(c *netfault.LinkConfig) {
			c.LatencyMax = 0
		}},
	}
	for _, tc := range cases {
		c := good
		tc.edit(&c)
		err := c.Validate()
		require.ErrorContains(t, err, tc.field)
		require.ErrorContains(t, netfault.Config{Default: c}.Validate(), tc.field)
	}
}

func TestInvalidUseIsACallerBug(t *testing.T) {
	n, e := newNet(t, 31, netfault.LinkConfig{}, 2)
	bad := netfault.LinkConfig{Loss: -1}
	require.PanicsWithValue(t,
		"netfault: SetLink with invalid config (call Validate first): "+
			"netfault: LinkConfig.Loss = -1, want a probability in [0, 1]",
		func() { n.SetLink(e[0], e[1], bad) })
	require.Panics(t, func() { n.SetAllLinks(bad) })
	require.PanicsWithValue(t, "netfault: SetLink: unknown endpoint 2 (have 2)",
		func() { n.SetLink(e[0], 2, netfault.LinkConfig{}) })
	require.Panics(t, func() { n.Send(0, msg(e[0], 5, "x"), nil) })
	require.Panics(t, func() { n.Name(-1) })
	require.Panics(t, func() {
		netfault.New(rand.New(rand.NewPCG(1, 2)), netfault.Config{Default: bad})
	})
	require.Panics(t, func() { netfault.New(nil, netfault.Config{}) })
	require.True(t, n.Known(e[1]))
	require.False(t, n.Known(2))
	require.Equal(t, 2, n.Endpoints())
}
