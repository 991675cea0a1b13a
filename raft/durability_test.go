package raft

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// sentLog records the messages a simWorld hands to the network, decoded.
type sentLog struct {
	w    *simWorld
	msgs []sentMsg
}

type sentMsg struct {
	at       time.Duration
	from, to nodeapi.NodeID
	m        *message
}

func recordSends(w *simWorld) *sentLog {
	l := &sentLog{w: w}
	w.onSend = func(from, to nodeapi.NodeID, frame []byte) {
		m, err := decodeMessage(frame)
		if err != nil {
			panic(err)
		}
		l.msgs = append(l.msgs, sentMsg{at: time.Duration(w.now), from: from, to: to, m: m})
	}
	return l
}

func (l *sentLog) from(id nodeapi.NodeID, typ msgType) []sentMsg {
	var out []sentMsg
	for _, s := range l.msgs {
		if s.from == id && s.m.Type == typ {
			out = append(out, s)
		}
	}
	return out
}

// deliver hands a message to node id as if from sent it, and runs the checks.
func (w *simWorld) deliver(from, to nodeapi.NodeID, m *message) {
	w.eps[to].node.HandleMessage(from, encodeMessage(m))
	w.afterEvent(to)
}

// TestVoteGrantHeldUntilSynced: the vote (and the new term) must be on disk before the grant
// leaves, or a crash could let the node vote twice in one term.
func TestVoteGrantHeldUntilSynced(t *testing.T) {
	w := newSimWorld(t, 3, DefaultConfig())
	w.syncLat = 50 * time.Millisecond
	w.addNode("n2", nodeapi.Boot{Peers: ids3})
	w.runFor(100 * time.Millisecond) // the boot sync
	sent := recordSends(w)
	w.deliver("n1", "n2", voteReq(5, 0, 0))
	w.runFor(40 * time.Millisecond)
	require.Empty(t, sent.from("n2", msgVoteResp), "grant sent before the vote was synced")
	w.crash("n2")
	w.restart("n2")
	require.Equal(t, uint64(0), w.sys.Node("n2").r.term, "the unsynced vote is gone")
	w.runFor(100 * time.Millisecond)
	require.Empty(t, sent.from("n2", msgVoteResp), "the crashed incarnation never granted")

	w.deliver("n3", "n2", voteReq(5, 0, 0))
	w.runFor(40 * time.Millisecond)
	require.Empty(t, sent.from("n2", msgVoteResp))
	w.runFor(20 * time.Millisecond)
	grants := sent.from("n2", msgVoteResp)
	require.Len(t, grants, 1)
	require.False(t, grants[0].m.Reject)
	require.Equal(t, nodeapi.NodeID("n3"), grants[0].to)
	require.GreaterOrEqual(t, grants[0].at, 150*time.Millisecond+50*time.Millisecond)
}

// TestAppendAckHeldUntilSynced: a follower acknowledges entries only once they are durable.
func TestAppendAckHeldUntilSynced(t *testing.T) {
	w := newSimWorld(t, 4, DefaultConfig())
	w.syncLat = 50 * time.Millisecond
	w.addNode("n2", nodeapi.Boot{Peers: ids3})
	w.runFor(100 * time.Millisecond)
	sent := recordSends(w)
	w.deliver("n1", "n2", appendMsg(1, 0, 0, 0, 1, 1))
	w.runFor(40 * time.Millisecond)
	require.Empty(t, sent.from("n2", msgAppResp))
	w.runFor(20 * time.Millisecond)
	acks := sent.from("n2", msgAppResp)
	require.Len(t, acks, 1)
	require.Equal(t, uint64(2), acks[0].m.Index)
}
