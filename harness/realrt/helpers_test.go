package realrt

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

// recorder is a test node: it keeps every datagram it receives (on the loop) and can echo
// them back to their sender.
type recorder struct {
	env  nodeapi.Env
	echo bool
	mu   sync.Mutex // the test goroutine reads what the loop wrote
	got  []delivery
}

type delivery struct {
	from nodeapi.NodeID
	msg  string
}

func (r *recorder) HandleMessage(from nodeapi.NodeID, msg []byte) {
	r.mu.Lock()
	r.got = append(r.got, delivery{from, string(msg)})
	r.mu.Unlock()
	if r.echo {
		r.env.Send(from, append([]byte("echo:"), msg...))
	}
}

func (r *recorder) received() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

// recSystem builds recorders.
type recSystem struct{ echo bool }

func (s recSystem) NewNode(env nodeapi.Env, _ nodeapi.Boot) (nodeapi.Node, error) {
	return &recorder{env: env, echo: s.echo}, nil
}

func (s recSystem) NewClient(env nodeapi.Env, _ []nodeapi.NodeID) (nodeapi.Client, error) {
	panic("unused")
}

// freeAddr reserves a loopback port and returns a listener on it.
func freeListener(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

// endpoint starts a recorder endpoint.
func endpoint(t *testing.T, id nodeapi.NodeID, ln net.Listener,
	peers map[nodeapi.NodeID]string, echo bool) (*Runtime, *recorder) {
	t.Helper()
	o := Options{ID: id, Listener: ln, Peers: peers, Seed: 1}
	rt, err := New(o)
	require.NoError(t, err)
	t.Cleanup(rt.Kill)
	n, err := rt.StartNode(recSystem{echo: echo}, nodeapi.Boot{})
	require.NoError(t, err)
	return rt, n.(*recorder)
}

// eventually polls cond every few milliseconds until it holds or d passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// send calls Env.Send on the endpoint's loop, as node code would.
func send(t *testing.T, rt *Runtime, to nodeapi.NodeID, msg string) {
	t.Helper()
	require.NoError(t, rt.Do(func() { rt.Env().Send(to, []byte(msg)) }))
}

// listenOn listens on a given address again (a restarted node keeps its port); the port
// may linger briefly, so it retries for a while.
func listenOn(t *testing.T, addr string) net.Listener {
	t.Helper()
	var ln net.Listener
	eventually(t, 5*time.Second, "listening on "+addr, func() bool {
		var err error
		ln, err = net.Listen("tcp", addr)
		return err == nil
	})
	return ln
}
