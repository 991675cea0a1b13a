package raft

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// TestLeaderKeepsItsProposedCommands: a leader's own command entries carry the command
// they encode (Entry.cmd), equal to what decoding Data gives; entries a follower received
// carry none, so they are decoded from the bytes every replica agreed on.
func TestLeaderKeepsItsProposedCommands(t *testing.T) {
	c := newTestCluster(t, 11, 3, nil)
	c.waitLeader(5 * time.Second)
	cl := c.client("c1")
	for i := range 10 {
		c.mustWrite(cl, put(fmt.Sprintf("k%d", i), fmt.Sprint(i)))
	}
	c.waitConverged(5 * time.Second)
	lead := c.sys.Leader()
	kept := 0
	for _, id := range c.ids {
		l := c.node(id).r.log
		for i := l.firstIndex(); i <= l.lastIndex(); i++ {
			e := l.entry(i)
			if e.cmd == nil {
				continue
			}
			require.Equal(t, lead, id, "entry %d of a follower carries a command", i)
			var names wire.Interner
			back, err := decodeCommand(e.Data, &names, &sessionCache{})
			require.NoError(t, err)
			require.Equal(t, back, *e.cmd, "entry %d", i)
			kept++
		}
	}
	require.Equal(t, 10, kept, "the leader keeps each command it proposed")
}

// TestApplyUsesTheKeptCommand: an entry that carries its command is applied from it
// without decoding Data (here garbage that would fail the node); one without is decoded.
func TestApplyUsesTheKeptCommand(t *testing.T) {
	c := newTestCluster(t, 11, 1, nil)
	c.waitLeader(5 * time.Second)
	n := c.node(c.ids[0])
	cmd := &command{key: sessionKey{client: "c9", nonce: 7}, seq: 1, op: put("k", "v")}
	n.applyEntry(&Entry{Index: 99, Type: entryCommand, Data: []byte{0xff}, cmd: cmd})
	require.NoError(t, n.failure)
	require.Equal(t, nodeapi.Result{Value: "v", Found: true}, n.kv.read("k"))
	n.applyEntry(&Entry{Index: 100, Type: entryCommand, Data: []byte{0xff}})
	require.Error(t, n.failure, "an entry without its command is decoded from Data")
}
