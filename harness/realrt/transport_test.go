package realrt

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

func pair(t *testing.T) (a, b *Runtime, ra, rb *recorder) {
	la, lb := freeListener(t), freeListener(t)
	peers := map[nodeapi.NodeID]string{"a": la.Addr().String(), "b": lb.Addr().String()}
	a, ra = endpoint(t, "a", la, peers, false)
	b, rb = endpoint(t, "b", lb, peers, false)
	return a, b, ra, rb
}

// While a connection is up, datagrams arrive complete and in order.
func TestDatagramsArriveInOrder(t *testing.T) {
	a, _, _, rb := pair(t)
	eventually(t, 5*time.Second, "a connected to b", func() bool { return a.Connected("b") })
	for i := range 200 {
		send(t, a, "b", fmt.Sprint(i))
	}
	eventually(t, 5*time.Second, "200 datagrams", func() bool { return len(rb.received()) == 200 })
	for i, d := range rb.received() {
		require.Equal(t, delivery{"a", fmt.Sprint(i)}, d)
	}
}

// A client has no address: the server answers over the connection the client opened.
func TestClientIsAnsweredOverItsConnection(t *testing.T) {
	ls := freeListener(t)
	peers := map[nodeapi.NodeID]string{"s": ls.Addr().String()}
	_, rs := endpoint(t, "s", ls, peers, true)
	c, rc := endpoint(t, "c", nil, peers, false)
	require.Equal(t, "", c.Addr())
	eventually(t, 5*time.Second, "an echo", func() bool {
		send(t, c, "s", "ping")
		return len(rc.received()) > 0
	})
	require.Equal(t, delivery{"s", "echo:ping"}, rc.received()[0])
	require.Equal(t, nodeapi.NodeID("c"), rs.received()[0].from)
}

// A node restarted at the same address is reached again: the link reconnects by itself.
func TestLinkReconnectsAfterPeerRestart(t *testing.T) {
	la, lb := freeListener(t), freeListener(t)
	addrB := lb.Addr().String()
	peers := map[nodeapi.NodeID]string{"a": la.Addr().String(), "b": addrB}
	a, _ := endpoint(t, "a", la, peers, false)
	b, rb := endpoint(t, "b", lb, peers, false)
	eventually(t, 5*time.Second, "first delivery", func() bool {
		send(t, a, "b", "one")
		return len(rb.received()) > 0
	})
	b.Kill()
	eventually(t, 5*time.Second, "a notices b is gone", func() bool {
		send(t, a, "b", "lost")
		return !a.Connected("b")
	})
	ln2 := listenOn(t, addrB)
	_, rb2 := endpoint(t, "b", ln2, peers, false)
	eventually(t, 5*time.Second, "delivery after restart", func() bool {
		send(t, a, "b", "two")
		return slices.Contains(rb2.received(), delivery{"a", "two"})
	})
	require.GreaterOrEqual(t, a.Stats().Connects, uint64(2))
}

// A peer address that another node now listens on is not mistaken for the peer.
func TestWrongNodeAtAddressIsRefused(t *testing.T) {
	lx := freeListener(t)
	peers := map[nodeapi.NodeID]string{"b": lx.Addr().String()}
	_, rx := endpoint(t, "x", lx, nil, false) // listens where a thinks b is
	a, _ := endpoint(t, "a", nil, peers, false)
	for range 20 {
		send(t, a, "b", "for b")
		time.Sleep(5 * time.Millisecond)
	}
	require.Empty(t, rx.received())
	require.False(t, a.Connected("b"))
}

func TestNoRouteIsCounted(t *testing.T) {
	a, _ := endpoint(t, "a", nil, nil, false)
	send(t, a, "nobody", "x")
	require.Equal(t, uint64(1), a.Stats().NoRoute)
}
