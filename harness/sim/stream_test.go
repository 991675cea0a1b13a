package sim_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// twStream is a stream handler that records what it sees; echo writes data back.
type twStream struct {
	data   []string
	closed []error
	echo   bool
}

func (h *twStream) Data(s nodeapi.Stream, p []byte) {
	h.data = append(h.data, string(p))
	if h.echo {
		_ = s.Write(p)
	}
}

func (h *twStream) Closed(s nodeapi.Stream, err error) { h.closed = append(h.closed, err) }

// echoServers makes every node accept streams with an echoing handler, kept in servers.
func echoServers(s *twSys) *[]*twStream {
	var servers []*twStream
	s.accept = func(n *twNode, st nodeapi.Stream) nodeapi.StreamHandler {
		h := &twStream{echo: true}
		servers = append(servers, h)
		return h
	}
	return &servers
}

func TestStreamEcho(t *testing.T) {
	s := newTwSys()
	servers := echoServers(s)
	w := newWorld(t, s, sim.Options{Seed: 1, Network: harnessNet(link(ms(1), ms(3)))},
		"n1", "n2")
	cli := &twStream{}
	st := s.nodes["n1"].env.Dial("n2", cli)
	require.Equal(t, nodeapi.NodeID("n2"), st.Peer())
	for _, p := range []string{"hello", "stream", "world"} {
		require.NoError(t, st.Write([]byte(p)))
	}
	require.NoError(t, w.RunFor(ms(20)))
	require.Equal(t, []string{"hello", "stream", "world"}, cli.data, "echoed in order")
	require.Len(t, *servers, 1)

	// A partition breaks the stream at both ends.
	require.NoError(t, w.Partition([]nodeapi.NodeID{"n1"}, []nodeapi.NodeID{"n2"}))
	require.NoError(t, w.RunFor(ms(1)))
	require.Equal(t, []error{sim.ErrPartitioned}, cli.closed)
	require.Equal(t, []error{sim.ErrPartitioned}, (*servers)[0].closed)
	require.ErrorIs(t, st.Write([]byte("late")), sim.ErrPartitioned)

	// A crash of the acceptor breaks a new stream with ErrPeerCrashed.
	w.Heal()
	cli2 := &twStream{}
	st2 := s.nodes["n1"].env.Dial("n2", cli2)
	require.NoError(t, st2.Write([]byte("ping")))
	require.NoError(t, w.RunFor(ms(20)))
	require.Equal(t, []string{"ping"}, cli2.data)
	require.NoError(t, w.Crash("n2", sim.CrashOptions{}))
	require.NoError(t, w.RunFor(ms(1)))
	require.Equal(t, []error{sim.ErrPeerCrashed}, cli2.closed)
	require.Empty(t, (*servers)[1].closed, "the crashed end hears nothing")

	// A Close by either end tells both ends nil, after the data written before it.
	require.NoError(t, w.Restart("n2"))
	cli3 := &twStream{}
	st3 := s.nodes["n1"].env.Dial("n2", cli3)
	require.NoError(t, st3.Write([]byte("bye")))
	st3.Close()
	require.ErrorIs(t, st3.Write([]byte("more")), sim.ErrStreamClosed)
	require.NoError(t, w.RunFor(ms(20)))
	srv := (*servers)[2]
	require.Equal(t, []string{"bye"}, srv.data)
	require.Equal(t, []error{nil}, srv.closed)
	require.Equal(t, []error{nil}, cli3.closed)
	require.Empty(t, cli3.data, "the echo came after the close")
	require.Equal(t, uint64(3), w.Stats().StreamsOpened)
}

func TestStreamRefused(t *testing.T) {
	s := newTwSys() // accept is nil: every node declines
	w := newWorld(t, s, sim.Options{Seed: 1}, "n1", "n2")
	h1, h2, h3 := &twStream{}, &twStream{}, &twStream{}
	s.nodes["n1"].env.Dial("n2", h1)
	s.nodes["n1"].env.Dial("ghost", h2)
	require.NoError(t, w.RunFor(time.Millisecond))
	require.NoError(t, w.Crash("n2", sim.CrashOptions{}))
	s.nodes["n1"].env.Dial("n2", h3)
	require.NoError(t, w.RunFor(time.Millisecond))
	require.Len(t, h1.closed, 1)
	require.ErrorIs(t, h1.closed[0], sim.ErrRefused)
	require.ErrorContains(t, h2.closed[0], `cannot dial "ghost"`)
	require.ErrorContains(t, h3.closed[0], "n2 is down")
}
