package sim_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// keeper is a two-node world whose n2 keeps every datagram it receives as delivered (no
// copy), beside a copy of its own, so that a later overwrite of the delivered bytes shows.
type keeper struct {
	w          *sim.World
	s          *twSys
	kept, want [][]byte
}

func newKeeper(t *testing.T, seed uint64) *keeper {
	k := &keeper{s: newTwSys()}
	k.s.onMsg = func(n *twNode, from nodeapi.NodeID, msg []byte) {
		k.kept = append(k.kept, msg)
		k.want = append(k.want, bytes.Clone(msg))
	}
	k.w = newWorld(t, k.s, sim.Options{Seed: seed}, "n1", "n2")
	return k
}

// send has n1 send count datagrams to n2 and lets them arrive.
func (k *keeper) send(t *testing.T, tag string, count int) {
	for i := range count {
		k.s.nodes["n1"].env.Send("n2", []byte(fmt.Sprintf("%s-%03d", tag, i)))
	}
	require.NoError(t, k.w.RunFor(time.Second))
}

func (k *keeper) intact(t *testing.T, what string) {
	require.NotEmpty(t, k.kept, what)
	for i := range k.kept {
		require.Equal(t, string(k.want[i]), string(k.kept[i]), "%s: datagram %d", what, i)
	}
}

// The unused room of a released world's last chunk of datagram copies goes to the next
// world; what the released world delivered stays as it was, and the released world, used
// again, never writes into the room it gave away.
func TestReleasedWorldsLeaveDeliveredDatagramsAlone(t *testing.T) {
	a := newKeeper(t, 1)
	a.send(t, "a", 20)
	a.w.Release()
	b := newKeeper(t, 2) // may start in a's room
	b.send(t, "b", 200)
	a.intact(t, "the released world's datagrams")
	a.send(t, "again", 20) // a stepped after Release
	b.intact(t, "the next world's datagrams")
	a.intact(t, "the released world's later datagrams")
	b.w.Release()
	a.w.Release()
	c := newKeeper(t, 3)
	c.send(t, "c", 200)
	a.intact(t, "after a third world")
	b.intact(t, "after a third world")
	c.intact(t, "the third world's datagrams")
}
