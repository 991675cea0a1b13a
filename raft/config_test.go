package raft

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDefaultConfigIsTheStandardBenchmark(t *testing.T) {
	c := DefaultConfig()
	require.NoError(t, c.Validate())
	require.Equal(t, 100*time.Millisecond, c.HeartbeatInterval)
	require.Equal(t, time.Second, c.ElectionTimeout)
	require.True(t, c.PreVote)
	require.True(t, c.CheckQuorum)
	require.Equal(t, 500*time.Millisecond, c.AttemptTimeout)
	require.Equal(t, 5*time.Second, c.OperationTimeout)
}

func TestConfigValidateNamesTheField(t *testing.T) {
	cases := map[string]func(*Config){
		"HeartbeatInterval must be positive": func(c *Config) { c.HeartbeatInterval = 0 },
		"MaxInflightAppends must be at least 1": func(c *Config) {
			c.MaxInflightAppends = 0
		},
		"SnapshotThreshold must be at least 1": func(c *Config) { c.SnapshotThreshold = 0 },
		"must be shorter than ElectionTimeout": func(c *Config) {
			c.HeartbeatInterval = 2 * time.Second
		},
		"RetryBackoffMax (1ms) is below RetryBackoffMin": func(c *Config) {
			c.RetryBackoffMax = time.Millisecond
		},
	}
	for want, mutate := range cases {
		c := DefaultConfig()
		mutate(&c)
		require.ErrorContains(t, c.Validate(), want)
		_, err := NewSystem(c)
		require.ErrorContains(t, err, want)
	}
	_, err := NewSystem(Config{})
	require.Error(t, err, "the zero Config is rejected, not silently defaulted")
}
