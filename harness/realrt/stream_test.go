package realrt

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

// streamLog records one end's events; methods run on the loop, the test reads under mu.
type streamLog struct {
	mu     sync.Mutex
	data   []string
	closed []error
	ended  chan struct{}
	once   sync.Once
}

func newStreamLog() *streamLog { return &streamLog{ended: make(chan struct{})} }

func (l *streamLog) Data(_ nodeapi.Stream, p []byte) {
	l.mu.Lock()
	l.data = append(l.data, string(p))
	l.mu.Unlock()
}

func (l *streamLog) Closed(_ nodeapi.Stream, err error) {
	l.mu.Lock()
	l.closed = append(l.closed, err)
	l.mu.Unlock()
	l.once.Do(func() { close(l.ended) })
}

func (l *streamLog) wait(t *testing.T) (data []string, closed []error) {
	t.Helper()
	select {
	case <-l.ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream end was never told Closed")
	}
	time.Sleep(20 * time.Millisecond) // a second Closed would show up now
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.data, l.closed
}

// acceptor is a node that accepts every stream (unless refuse) and logs its events.
type acceptor struct {
	refuse bool
	log    *streamLog
	s      nodeapi.Stream
	all    []nodeapi.Stream // every stream accepted, in order
}

func (a *acceptor) HandleMessage(nodeapi.NodeID, []byte) {}

func (a *acceptor) Accept(s nodeapi.Stream) nodeapi.StreamHandler {
	if a.refuse {
		return nil
	}
	a.s = s
	a.all = append(a.all, s)
	return a.log
}

type acceptorSystem struct{ a *acceptor }

func (s acceptorSystem) NewNode(nodeapi.Env, nodeapi.Boot) (nodeapi.Node, error) {
	return s.a, nil
}

func (acceptorSystem) NewClient(nodeapi.Env, []nodeapi.NodeID) (nodeapi.Client, error) {
	panic("unused")
}

// streamPair starts a dialer endpoint d and an accepting endpoint "s".
func streamPair(t *testing.T, refuse bool) (d, s *Runtime, acc *acceptor) {
	ls := freeListener(t)
	peers := map[nodeapi.NodeID]string{"s": ls.Addr().String()}
	acc = &acceptor{refuse: refuse, log: newStreamLog()}
	s, err := New(Options{ID: "s", Listener: ls, Peers: peers})
	require.NoError(t, err)
	t.Cleanup(s.Kill)
	_, err = s.StartNode(acceptorSystem{acc}, nodeapi.Boot{})
	require.NoError(t, err)
	d, _ = endpoint(t, "d", nil, peers, false)
	return d, s, acc
}

func dial(t *testing.T, d *Runtime, to nodeapi.NodeID, log *streamLog) nodeapi.Stream {
	var st nodeapi.Stream
	require.NoError(t, d.Do(func() { st = d.Env().Dial(to, log) }))
	return st
}

// Chunks arrive in order; Close tells both ends Closed(nil), once each, and the peer only
// after every chunk written before it.
func TestStreamDataInOrderThenClose(t *testing.T) {
	d, _, acc := streamPair(t, false)
	mine := newStreamLog()
	st := dial(t, d, "s", mine)
	require.NoError(t, d.Do(func() {
		for i := range 100 {
			require.NoError(t, st.Write([]byte(fmt.Sprint(i))))
		}
		st.Close()
		require.ErrorIs(t, st.Write([]byte("late")), nodeapi.ErrStreamClosed)
	}))
	data, closed := acc.log.wait(t)
	require.Len(t, data, 100)
	for i, p := range data {
		require.Equal(t, fmt.Sprint(i), p)
	}
	require.Equal(t, []error{nil}, closed)
	_, mineClosed := mine.wait(t)
	require.Equal(t, []error{nil}, mineClosed)
	require.Equal(t, nodeapi.NodeID("d"), acc.s.Peer())
}

// The acceptor's writes reach the dialer too (the stream is two-way).
func TestStreamAcceptorWritesBack(t *testing.T) {
	d, s, acc := streamPair(t, false)
	mine := newStreamLog()
	dial(t, d, "s", mine)
	eventually(t, 5*time.Second, "accepted", func() bool {
		var ok bool
		_ = s.Do(func() { ok = acc.s != nil })
		return ok
	})
	require.NoError(t, s.Do(func() {
		require.NoError(t, acc.s.Write([]byte("hi")))
		acc.s.Close()
	}))
	data, closed := mine.wait(t)
	require.Equal(t, []string{"hi"}, data)
	require.Equal(t, []error{nil}, closed)
}

func TestStreamRefused(t *testing.T) {
	d, _, _ := streamPair(t, true)
	for _, to := range []nodeapi.NodeID{"s", "nobody"} {
		log := newStreamLog()
		dial(t, d, to, log)
		_, closed := log.wait(t)
		require.Len(t, closed, 1)
		require.ErrorIs(t, closed[0], nodeapi.ErrRefused, "to %s", to)
	}
}

// A killed peer breaks the stream with ErrPeerCrashed; a stopped one with ErrPeerStopped;
// a drop rule that cuts the path with ErrPartitioned.
func TestStreamBreaks(t *testing.T) {
	cases := []struct {
		name string
		do   func(d, s *Runtime)
		want error
	}{
		{"kill", func(_, s *Runtime) { s.Kill() }, nodeapi.ErrPeerCrashed},
		{"stop", func(_, s *Runtime) { s.Stop() }, nodeapi.ErrPeerStopped},
		{"cut", func(d, _ *Runtime) { _ = d.Faults().Set("s", Rule{Out: 1}) },
			nodeapi.ErrPartitioned},
	}
	for _, c := range cases {
		d, s, acc := streamPair(t, false)
		mine := newStreamLog()
		dial(t, d, "s", mine)
		eventually(t, 5*time.Second, "accepted", func() bool {
			var ok bool
			_ = s.Do(func() { ok = acc.s != nil })
			return ok
		})
		c.do(d, s)
		_, closed := mine.wait(t)
		require.Len(t, closed, 1, c.name)
		require.True(t, errors.Is(closed[0], c.want), "%s: got %v", c.name, closed[0])
	}
}
