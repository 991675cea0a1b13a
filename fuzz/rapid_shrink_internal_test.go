package fuzz

import (
	"flag"
	"testing"

	"github.com/stretchr/testify/require"
)

// Holding rapid's shrinking off sets its flag to zero until the last finding resumes it,
// and leaves a shrink time the user chose alone.
func TestPauseRapidShrinkRestoresTheFlag(t *testing.T) {
	f := flag.Lookup(shrinkTimeFlag)
	require.NotNil(t, f, "rapid registers -rapid.shrinktime")
	before := f.Value.String()
	require.True(t, pauseRapidShrink())
	require.True(t, pauseRapidShrink())
	require.Equal(t, "0s", f.Value.String())
	resumeRapidShrink()
	require.Equal(t, "0s", f.Value.String(), "another finding still holds it")
	resumeRapidShrink()
	require.Equal(t, before, f.Value.String())
	resumeRapidShrink() // one too many changes nothing
	require.Equal(t, before, f.Value.String())

	t.Setenv("RAPID_SHRINKTIME", "10s")
	require.False(t, pauseRapidShrink())
	require.Equal(t, before, f.Value.String())
}
