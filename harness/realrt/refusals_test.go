package realrt

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRefusalsAreLoggedOncePerHostReasonAndQuietPeriod(t *testing.T) {
	clock := time.Unix(1000, 0)
	r := refusals{now: func() time.Time { return clock }}
	a := &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 40001}
	aNewPort := &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 40002}
	b := &net.TCPAddr{IP: net.IPv4(10, 0, 0, 2), Port: 40001}

	log, n := r.admit(a, "x")
	require.True(t, log, "the first refusal from a host is logged")
	require.Zero(t, n)
	for range 5 {
		clock = clock.Add(time.Second)
		log, _ = r.admit(aNewPort, "x")
		require.False(t, log, "a redial from another port of the same host is quiet")
	}
	log, _ = r.admit(b, "x")
	require.True(t, log, "another host is logged at once")
	log, _ = r.admit(a, "y")
	require.True(t, log, "another reason is logged at once")

	clock = clock.Add(refusalQuiet)
	log, n = r.admit(a, "x")
	require.True(t, log, "after the quiet period the host is logged again")
	require.Equal(t, 5, n, "with the count of the refusals left out")
	log, n = r.admit(a, "x")
	require.False(t, log)
	require.Zero(t, n)
}
