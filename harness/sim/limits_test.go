package sim_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/sim"
)

// A node that schedules timers faster than they fall due fills the event queue: the run
// stops at the limit with a deterministic error instead of growing without bound.
func TestQueueLimitStopsARunaway(t *testing.T) {
	s := newTwSys()
	s.onStart = func(n *twNode) error {
		n.env.After(ms(1), func() {
			for range 1000 {
				n.env.After(time.Hour, func() {})
			}
		})
		return nil
	}
	w := newWorld(t, s, sim.Options{Seed: 1, QueueLimit: 500}, "n1")
	err := w.RunFor(ms(5))
	var ql *sim.QueueLimitError
	require.ErrorAs(t, err, &ql)
	require.Equal(t, 500, ql.Limit)
	require.Equal(t, ms(1), ql.At)
	_, err = sim.NewWorld(s, sim.Options{QueueLimit: -1})
	require.ErrorContains(t, err, "QueueLimit")
}

// A paused node holds at most MaxHeldPerNode deliveries; later ones are dropped (and
// counted), and on resume it receives what was held, in order.
func TestPausedNodeHoldsBoundedMessages(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 1, Network: harnessNet(link(ms(1), ms(1)))},
		"n1", "n2")
	require.NoError(t, w.Pause("n2"))
	burstAt(w, s, ms(1), "n1", "n2", sim.MaxHeldPerNode+5)
	require.NoError(t, w.RunFor(ms(5)))
	require.Equal(t, uint64(5), w.Stats().DroppedOverflow)
	require.NoError(t, w.Resume("n2"))
	require.NoError(t, w.RunFor(ms(5)))
	got := s.nodes["n2"].bodies("n1")
	require.Len(t, got, sim.MaxHeldPerNode)
	require.Equal(t, "0", got[0])
}

// A node that leaks streams is refused once MaxLiveStreams are open: its dial is told
// ErrRefused through Closed, as a real process out of file descriptors would be.
func TestLiveStreamsAreBounded(t *testing.T) {
	s := newTwSys()
	echoServers(s)
	w := newWorld(t, s, sim.Options{Seed: 1}, "n1", "n2")
	var last *twStream
	w.At(ms(1), func() {
		for range sim.MaxLiveStreams + 1 {
			last = &twStream{}
			s.nodes["n1"].env.Dial("n2", last)
		}
	})
	require.NoError(t, w.RunFor(ms(5)))
	require.Len(t, last.closed, 1)
	require.ErrorIs(t, last.closed[0], sim.ErrRefused)
	require.Equal(t, uint64(sim.MaxLiveStreams), w.Stats().StreamsOpened)
}
