package realrt

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

// errCorrupted is what an fsSystem's NewNode returns once told to fail.
var errCorrupted = errors.New("test: the log is corrupted")

// fsSystem builds fsNodes and remembers every incarnation: what it recovered from the file
// "log", and how often the endpoint said one went down. NewNode fails from start failFrom
// on (0: never).
type fsSystem struct {
	failFrom int

	mu        sync.Mutex
	starts    int
	downs     int
	recovered []string
	nodes     []*fsNode
}

func (s *fsSystem) NewNode(env nodeapi.Env, _ nodeapi.Boot) (nodeapi.Node, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.starts++
	if s.failFrom > 0 && s.starts >= s.failFrom {
		return nil, errCorrupted
	}
	b, err := env.Disk().ReadFile("log")
	if err != nil && !errors.Is(err, nodeapi.ErrNotExist) {
		return nil, err
	}
	n := &fsNode{recorder: recorder{env: env}}
	s.recovered = append(s.recovered, string(b))
	s.nodes = append(s.nodes, n)
	return n, nil
}

func (s *fsSystem) NewClient(env nodeapi.Env, _ []nodeapi.NodeID) (nodeapi.Client, error) {
	return &fsNode{recorder: recorder{env: env}}, nil
}

// NodeDown implements nodeapi.LifecycleObserver.
func (s *fsSystem) NodeDown(nodeapi.NodeID) {
	s.mu.Lock()
	s.downs++
	s.mu.Unlock()
}

func (s *fsSystem) startCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.starts
}

func (s *fsSystem) node(i int) *fsNode {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nodes[i]
}

func (s *fsSystem) snapshot() (recovered []string, downs int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.recovered...), s.downs
}

// fsNode is a node that records its datagrams and appends to its log on demand; as the Raft
// KV does, it fail-stops when a sync fails. It doubles as a client.
type fsNode struct{ recorder }

func (n *fsNode) Invoke(_ nodeapi.Op, done func(nodeapi.Outcome)) {
	done(nodeapi.Outcome{Unknown: true})
}

// commit appends data to the log of n and syncs it, on the loop, and returns the sync's
// error; a failed sync makes n fail-stop first.
func commit(t *testing.T, rt *Runtime, n *fsNode, data string) error {
	t.Helper()
	done := make(chan error, 1)
	require.NoError(t, rt.Do(func() {
		d := n.env.Disk()
		require.NoError(t, d.Append("log", []byte(data)))
		d.Sync(func(err error) {
			if err != nil {
				n.env.(nodeapi.FailStopper).FailStop("sync failed: " + err.Error())
			}
			done <- err
		})
	}))
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the sync never completed")
		return nil
	}
}

// fsEndpoint starts an endpoint without peers whose node the system builds.
func fsEndpoint(t *testing.T, sys *fsSystem, o Options) *Runtime {
	t.Helper()
	o.ID, o.Seed = "n", 1
	rt, err := New(o)
	require.NoError(t, err)
	t.Cleanup(rt.Kill)
	_, err = rt.StartNode(sys, nodeapi.Boot{})
	require.NoError(t, err)
	return rt
}

// lockedLog is a log writer the test can read while the endpoint writes.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// queuedMessages counts the datagram deliveries waiting on the endpoint's loop.
func queuedMessages(rt *Runtime) int {
	rt.loop.mu.Lock()
	defer rt.loop.mu.Unlock()
	return rt.loop.msgs
}
