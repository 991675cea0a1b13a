package fuzz_test

import (
	"testing"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/stretchr/testify/require"
)

func TestSystemKnobs(t *testing.T) {
	_, err := fuzz.RaftKV.New(map[string]int64{"max_entries_per_append": 1,
		"snapshot_threshold": 4})
	require.NoError(t, err)
	_, err = fuzz.RaftKV.New(map[string]int64{"max_entris": 1})
	require.ErrorContains(t, err, `system knob "max_entris" is unknown`)
	_, err = fuzz.RaftKV.New(map[string]int64{"max_entries_per_append": 0})
	require.ErrorContains(t, err, "MaxEntriesPerAppend")
}
