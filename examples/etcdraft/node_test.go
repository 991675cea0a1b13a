package etcdraft

import (
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	kvop "github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/stretchr/testify/require"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// Tests of one node driven by hand: its election timer, its Ready loop over a disk, and
// its restart.

func startNode(t *testing.T, env *fakeEnv, peers ...nodeapi.NodeID) *Node {
	t.Helper()
	sys, err := NewSystem(DefaultConfig())
	require.NoError(t, err)
	n, err := sys.NewNode(env, nodeapi.Boot{Peers: peers})
	require.NoError(t, err)
	return n.(*Node)
}

// responses decodes what env sent to client.
func responses(t *testing.T, env *fakeEnv, client nodeapi.NodeID) []response {
	var out []response
	for _, s := range env.sent {
		kind, payload, err := unframe(s.msg)
		require.NoError(t, err)
		if s.to == client && kind == frameResponse {
			r, err := decodeResponse(payload)
			require.NoError(t, err)
			out = append(out, r)
		}
	}
	return out
}

// raftMsgs decodes the raft messages env sent.
func raftMsgs(t *testing.T, env *fakeEnv) []*pb.Message {
	var out []*pb.Message
	for _, s := range env.sent {
		kind, payload, err := unframe(s.msg)
		require.NoError(t, err)
		if kind == frameRaft {
			m := &pb.Message{}
			require.NoError(t, proto.Unmarshal(payload, m))
			out = append(out, m)
		}
	}
	return out
}

func raftFrame(m *pb.Message) []byte {
	b, err := proto.Marshal(m)
	if err != nil {
		panic(err)
	}
	return frame(frameRaft, b)
}

func TestSingleNodeElectsItselfAndWritesSurviveRestart(t *testing.T) {
	disk := newMemDisk()
	env := newFakeEnv("n1", disk)
	n := startNode(t, env, "n1")
	env.fire()
	require.Equal(t, raft.StateLeader, n.state)

	op := nodeapi.Op{Kind: kvop.Put, Key: "k", Value: "v1"}
	n.HandleMessage("c1", encodeRequest(&request{seq: 1, nonce: 5, act: actOp, op: op}))
	rs := responses(t, env, "c1")
	require.Len(t, rs, 1)
	require.Equal(t, statusOK, rs[0].status)

	// The retry of the same write is answered from the session table and proposes nothing.
	applied := n.applied
	n.HandleMessage("c1", encodeRequest(&request{seq: 1, nonce: 5, act: actOp, op: op}))
	rs = responses(t, env, "c1")
	require.Len(t, rs, 2)
	require.Equal(t, statusOK, rs[1].status)
	require.Equal(t, applied, n.applied)

	env2 := newFakeEnv("n1", disk.clone())
	n2 := startNode(t, env2, "n1")
	require.Equal(t, "v1", n2.kv.read("k").Value, "the restart re-applies the committed write")
	require.Equal(t, n.kv.digest(), n2.kv.digest())
}

// The follower's election timer (election.go): ElectionTicks after the last word from the
// leader it forgets the leader (its lease ends), and at its randomized timeout it
// campaigns; a heartbeat in between starts both over.
func TestFollowerLeaseThenCampaign(t *testing.T) {
	env := newFakeEnv("n1", newMemDisk())
	n := startNode(t, env, "n1", "n2", "n3")
	heartbeat := &pb.Message{Type: pb.MessageType_MsgHeartbeat.Enum(), From: new(raftID("n2")),
		To: new(raftID("n1")), Term: new(uint64(2)), Commit: new(uint64(1))}
	n.HandleMessage("n2", raftFrame(heartbeat))
	require.Equal(t, raftID("n2"), n.lead)
	require.Equal(t, []time.Duration{time.Second}, env.pending(), "only the lease timer")

	n.HandleMessage("n2", raftFrame(heartbeat))
	require.Equal(t, []time.Duration{time.Second}, env.pending(), "re-armed, not added")

	d, _ := env.fire()
	require.Equal(t, time.Second, d)
	require.Equal(t, uint64(raft.None), n.lead, "the lease ended: the leader is forgotten")
	require.Equal(t, raft.StateFollower, n.state, "no campaign before the timeout")
	rest := env.pending()
	require.Len(t, rest, 1)
	require.Less(t, rest[0], time.Second, "the timeout lies in [1 s, 2 s)")

	env.sent = nil
	env.fire()
	require.Equal(t, raft.StatePreCandidate, n.state)
	var preVotes int
	for _, m := range raftMsgs(t, env) {
		if m.GetType() == pb.MessageType_MsgPreVote {
			preVotes++
		}
	}
	require.Equal(t, 2, preVotes, "a pre-vote request to each peer")
}

// A follower's RawNode is never ticked (etcd's tickElection would consult the
// crypto/rand draw); only a leader's is. A sole voter campaigns after one tick: nobody
// else can lead its configuration, so a restart costs no election timeout.
func TestOnlyTheLeaderIsTicked(t *testing.T) {
	env := newFakeEnv("n1", newMemDisk())
	n := startNode(t, env, "n1")
	require.False(t, n.elections.ticking)
	tick := DefaultConfig().Tick
	require.Equal(t, []time.Duration{tick}, env.pending())
	env.fire()
	require.Equal(t, raft.StateLeader, n.state)
	require.True(t, n.elections.ticking)
	// One event per heartbeat interval delivers its ten ticks (elections.tick).
	require.Equal(t, []time.Duration{10 * tick}, env.pending(), "the leader's ticker alone")
}

// msgFrom builds a raft message from peer to node n1.
func msgFrom(peer nodeapi.NodeID, typ pb.MessageType, term, index uint64) *pb.Message {
	return &pb.Message{Type: typ.Enum(), From: new(raftID(peer)), To: new(raftID("n1")),
		Term: new(term), Index: new(index), Reject: new(false)}
}

// electN1 makes n1 the leader of the two voters n1 and n2, with n2's log caught up.
func electN1(t *testing.T, env *fakeEnv) *Node {
	n := startNode(t, env, "n1", "n2")
	env.fire() // the lease ends
	env.fire() // the campaign: a pre-vote request to n2
	require.Equal(t, raft.StatePreCandidate, n.state)
	n.HandleMessage("n2", raftFrame(msgFrom("n2", pb.MessageType_MsgPreVoteResp, 2, 0)))
	require.Equal(t, raft.StateCandidate, n.state)
	n.HandleMessage("n2", raftFrame(msgFrom("n2", pb.MessageType_MsgVoteResp, 2, 0)))
	require.Equal(t, raft.StateLeader, n.state)
	n.HandleMessage("n2", raftFrame(msgFrom("n2", pb.MessageType_MsgAppResp, 2, 2)))
	require.EqualValues(t, 2, n.applied, "the new leader's empty entry is committed")
	return n
}

// A leader asked to remove itself hands leadership to the other voter and has the client
// retry (see confchange.go); it proposes nothing.
func TestLeaderHandsOverInsteadOfRemovingItself(t *testing.T) {
	env := newFakeEnv("n1", newMemDisk())
	n := electN1(t, env)
	last, _ := n.storage.LastIndex()
	env.sent = nil
	n.HandleMessage("admin", encodeRequest(&request{seq: 1, nonce: 3, act: actRemoveVoter,
		target: "n1"}))
	rs := responses(t, env, "admin")
	require.Len(t, rs, 1)
	require.Equal(t, statusRetry, rs[0].status)
	var timeoutNow int
	for _, m := range raftMsgs(t, env) {
		if m.GetType() == pb.MessageType_MsgTimeoutNow && m.GetTo() == raftID("n2") {
			timeoutNow++
		}
	}
	require.Equal(t, 1, timeoutNow, "n2 is told to campaign at once")
	now, _ := n.storage.LastIndex()
	require.Equal(t, last, now, "no configuration change was proposed")
	require.Equal(t, []uint64{raftID("n1"), raftID("n2")}, n.confState.GetVoters())
}

// Removing the other voter is an ordinary configuration change.
func TestLeaderRemovesAFollower(t *testing.T) {
	env := newFakeEnv("n1", newMemDisk())
	n := electN1(t, env)
	n.HandleMessage("admin", encodeRequest(&request{seq: 1, nonce: 3, act: actRemoveVoter,
		target: "n2"}))
	require.Empty(t, responses(t, env, "admin"), "answered once the change applies")
	n.HandleMessage("n2", raftFrame(msgFrom("n2", pb.MessageType_MsgAppResp, 2, 3)))
	rs := responses(t, env, "admin")
	require.Len(t, rs, 1)
	require.Equal(t, statusOK, rs[0].status)
	require.Equal(t, []uint64{raftID("n1")}, n.confState.GetVoters())
}
