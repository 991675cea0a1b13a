package raft

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// Integration tests: the store on sim.World.

func (c *testCluster) leaders() (ids []nodeapi.NodeID) {
	for _, id := range c.up() {
		if c.node(id).r.role == Leader {
			ids = append(ids, id)
		}
	}
	return ids
}

func TestLeaderElection(t *testing.T) {
	for _, n := range []int{3, 5} {
		t.Run(fmt.Sprintf("%d nodes", n), func(t *testing.T) {
			c := newTestCluster(t, uint64(n), n, nil)
			lead := c.waitLeader(5 * time.Second)
			c.run(time.Second)
			term := c.node(lead).r.term
			require.Equal(t, []nodeapi.NodeID{lead}, c.leaders())
			for _, id := range c.ids {
				st := c.node(id).Status()
				require.Equal(t, term, st.Term, "%s", id)
				require.Equal(t, lead, st.Leader, "%s", id)
			}
			c.run(20 * time.Second)
			require.Equal(t, term, c.node(lead).r.term, "a healthy leader keeps its term")

			c.crash(lead)
			next := c.waitLeader(5 * time.Second)
			require.NotEqual(t, lead, next)
			require.Greater(t, c.node(next).r.term, term)
			c.restart(lead)
			c.run(2 * time.Second)
			require.Equal(t, []nodeapi.NodeID{next}, c.leaders())
			require.Equal(t, next, c.node(lead).Status().Leader)
		})
	}
}

// TestLeaderElectionIsolation: an isolated leader steps down (CheckQuorum), the majority
// elects another, and the returning node (PreVote) does not depose it.
func TestLeaderElectionIsolation(t *testing.T) {
	c := newTestCluster(t, 7, 3, nil)
	lead := c.waitLeader(5 * time.Second)
	require.NoError(t, c.w.Isolate(lead))
	c.run(3 * time.Second)
	require.NotEqual(t, Leader, c.node(lead).r.role, "isolated leader must step down")
	next := c.sys.Leader()
	require.NotEmpty(t, next)
	require.NotEqual(t, lead, next)
	term := c.node(next).r.term
	c.run(10 * time.Second)
	require.Less(t, c.node(lead).r.term, term+1, "PreVote: the isolated node keeps its term")
	c.w.Heal()
	c.run(5 * time.Second)
	require.Equal(t, next, c.sys.Leader(), "the returning node must not depose the leader")
	require.Equal(t, term, c.node(next).r.term)
}

func TestLogReplication(t *testing.T) {
	c := newTestCluster(t, 11, 3, nil)
	c.waitLeader(5 * time.Second)
	cl := c.client("c1")
	for i := range 30 {
		c.mustWrite(cl, put(fmt.Sprintf("k%d", i), fmt.Sprint(i)))
	}
	follower := others(c.ids, c.sys.Leader())[0]
	c.crash(follower)
	for i := 30; i < 60; i++ {
		c.mustWrite(cl, put(fmt.Sprintf("k%d", i), fmt.Sprint(i)))
	}
	c.restart(follower)
	c.waitConverged(5 * time.Second)
	lead := c.node(c.sys.Leader())
	for _, id := range c.ids {
		n := c.node(id)
		require.Equal(t, lead.r.log.lastIndex(), n.r.log.lastIndex(), "%s", id)
		for i := n.r.log.firstIndex(); i <= n.r.log.lastIndex(); i++ {
			require.Equal(t, lead.r.log.entry(i).Term, n.r.log.entry(i).Term, "%s entry %d",
				id, i)
		}
		for i := range 60 {
			require.Equal(t, nodeapi.Result{Value: fmt.Sprint(i), Found: true},
				n.kv.read(fmt.Sprintf("k%d", i)), "%s key %d", id, i)
		}
	}
}

func TestPartitionTolerance(t *testing.T) {
	c := newTestCluster(t, 13, 5, func(cfg *Config) { cfg.OperationTimeout = 2 * time.Second })
	lead := c.waitLeader(5 * time.Second)
	minority := []nodeapi.NodeID{lead, others(c.ids, lead)[0]}
	majority := others(c.ids, minority...)
	ca, cb := c.client("ca", minority...), c.client("cb", majority...)
	c.mustWrite(cb, put("x", "before"))
	c.run(time.Second)
	require.NoError(t, c.w.Partition(append([]nodeapi.NodeID{"ca"}, minority...),
		append([]nodeapi.NodeID{"cb"}, majority...)))
	commit := c.node(lead).r.commit

	out := c.do(ca, put("x", "minority"))
	require.True(t, out.Unknown, "a minority cannot commit")
	require.Equal(t, commit, c.node(lead).r.commit, "the minority's commit index must not move")
	c.mustWrite(cb, put("x", "majority"))
	require.NotContains(t, minority, c.sys.Leader())

	c.w.Heal()
	c.waitConverged(10 * time.Second)
	require.Equal(t, nodeapi.Outcome{Result: nodeapi.Result{Value: "majority", Found: true}},
		c.do(ca, get("x")), "the minority's uncommitted write is discarded")
}

func TestMembershipChange(t *testing.T) {
	c := newTestCluster(t, 17, 3, nil)
	c.waitLeader(5 * time.Second)
	cl, adm := c.client("c1"), c.client("admin")
	c.mustWrite(cl, put("a", "1"))

	require.NoError(t, c.w.AddNode("n4", nodeapi.Boot{}))
	require.NoError(t, c.admin(func(done func(error)) { adm.AddVoter("n4", done) }))
	c.mustWrite(cl, put("b", "2"))
	c.waitConverged(5 * time.Second)
	require.Equal(t, []nodeapi.NodeID{"n1", "n2", "n3", "n4"}, c.node("n4").Status().Voters)
	require.Equal(t, "2", c.node("n4").kv.read("b").Value)

	victim := others(c.ids, c.sys.Leader())[0]
	require.NoError(t, c.admin(func(done func(error)) { adm.RemoveVoter(victim, done) }))
	require.NoError(t, c.w.Stop(victim))
	c.mustWrite(cl, put("c", "3"))

	lead := c.sys.Leader()
	require.NoError(t, c.admin(func(done func(error)) { adm.RemoveVoter(lead, done) }))
	c.mustWrite(cl, put("d", "4"))
	next := c.sys.Leader()
	require.NotEqual(t, lead, next, "the removed leader stepped down")
	require.NotContains(t, c.node(next).Status().Voters, lead)
	require.Len(t, c.node(next).Status().Voters, 2)
	require.Equal(t, nodeapi.Outcome{Result: nodeapi.Result{Value: "4", Found: true}},
		c.do(cl, get("d")))
	c.run(5 * time.Second)
	require.Equal(t, next, c.sys.Leader(), "the removed node does not disrupt")
}

func TestSnapshotInstallation(t *testing.T) {
	c := newTestCluster(t, 19, 3, func(cfg *Config) { cfg.SnapshotThreshold = 20 })
	lead := c.waitLeader(5 * time.Second)
	lagger := others(c.ids, lead)[0]
	c.crash(lagger)
	cl := c.client("c1")
	for i := range 100 {
		c.mustWrite(cl, appendOp("log", fmt.Sprintf("%d,", i)))
	}
	require.Greater(t, c.node(lead).r.log.snapIndex, uint64(50), "the leader compacted")
	c.restart(lagger)
	c.waitConverged(5 * time.Second)
	require.GreaterOrEqual(t, c.node(lagger).stats.SnapshotsInstalled, uint64(1))
	want := c.node(lead).kv.read("log")
	require.Equal(t, want, c.node(lagger).kv.read("log"))

	// The installed snapshot survives a restart, and the node keeps up afterwards.
	c.crash(lagger)
	c.restart(lagger)
	require.Greater(t, c.node(lagger).r.log.snapIndex, uint64(0))
	c.mustWrite(cl, appendOp("log", "end"))
	c.waitConverged(5 * time.Second)
	require.Equal(t, want.Value+"end", c.node(lagger).kv.read("log").Value)
}

func TestClientDedup(t *testing.T) {
	c := newTestCluster(t, 23, 3, nil)
	lead := c.waitLeader(5 * time.Second)
	cl := c.client("c1", lead)
	c.mustWrite(cl, put("k", "a"))
	// Drop every answer from the leader to the client until the first attempt timed out, so
	// the client sends the same write again.
	require.NoError(t, c.w.Cut(lead, "c1"))
	c.w.After(700*time.Millisecond, c.w.Heal)
	out := c.do(cl, appendOp("k", "b"))
	require.False(t, out.Unknown)
	require.GreaterOrEqual(t, cl.Stats().Attempts, uint64(3), "the write was retried")
	require.Equal(t, nodeapi.Outcome{Result: nodeapi.Result{Value: "ab", Found: true}},
		c.do(cl, get("k")), "a retried append applies once")
}

func TestReadIndex(t *testing.T) {
	c := newTestCluster(t, 29, 3, func(cfg *Config) { cfg.OperationTimeout = 2 * time.Second })
	lead := c.waitLeader(5 * time.Second)
	ca := c.client("ca", lead)
	c.mustWrite(ca, put("x", "1"))
	require.Equal(t, nodeapi.Outcome{Result: nodeapi.Result{Value: "1", Found: true}},
		c.do(ca, get("x")))
	rest := others(c.ids, lead)
	cb := c.client("cb", rest...)
	// The old leader, cut off with its client, must not serve what a new leader overwrote.
	require.NoError(t, c.w.Partition([]nodeapi.NodeID{lead, "ca"}, append(rest, "cb")))
	c.mustWrite(cb, put("x", "2"))
	out := c.do(ca, get("x"))
	require.True(t, out.Unknown, "a deposed leader must not answer reads: %+v", out)
	c.w.Heal()
	ca.Prefer(c.sys.Leader())
	require.Equal(t, nodeapi.Outcome{Result: nodeapi.Result{Value: "2", Found: true}},
		c.do(ca, get("x")))
}

// TestWriteAckedOnlyWhenDurable: a single-node cluster acknowledges a write only after the
// entry is synced on its own disk (the leader counts itself only when durable).
func TestWriteAckedOnlyWhenDurable(t *testing.T) {
	c := newTestCluster(t, 31, 1, nil)
	c.waitLeader(5 * time.Second)
	const syncLatency = 100 * time.Millisecond
	require.NoError(t, c.w.SetDiskFaults("n1", sim.DiskFaults{SyncLatencyMin: syncLatency,
		SyncLatencyMax: syncLatency}))
	cl := c.client("c1")
	c.run(time.Second)
	start := c.w.Now()
	c.mustWrite(cl, put("k", "v"))
	require.GreaterOrEqual(t, c.w.Now()-start, syncLatency,
		"the write was acknowledged before it was synced")
}

// TestCorruptedDiskRecord: a node whose disk reads fail their checksums refuses to start
// (naming the file and offset) rather than use the data; with a healthy disk it recovers.
func TestCorruptedDiskRecord(t *testing.T) {
	c := newTestCluster(t, 37, 3, nil)
	lead := c.waitLeader(5 * time.Second)
	cl := c.client("c1")
	for i := range 10 {
		c.mustWrite(cl, put("k", fmt.Sprint(i)))
	}
	victim := others(c.ids, lead)[0]
	c.crash(victim)
	require.NoError(t, c.w.SetDiskFaults(victim, sim.DiskFaults{ReadCorruptRate: 1}))
	err := c.w.Restart(victim)
	var ce *CorruptionError
	require.ErrorAs(t, err, &ce)
	require.Contains(t, []string{snapFile, segName(1)}, ce.File)
	require.Contains(t, err.Error(), fmt.Sprintf("corrupted record in %s at offset %d", ce.File,
		ce.Offset))
	require.False(t, c.w.Up(victim))
	c.mustWrite(cl, put("k", "after"))

	require.NoError(t, c.w.SetDiskFaults(victim, harness.DiskFaults(standardDisk)))
	c.restart(victim)
	c.waitConverged(5 * time.Second)
	require.Equal(t, "after", c.node(victim).kv.read("k").Value)
}

func TestLeadershipTransfer(t *testing.T) {
	c := newTestCluster(t, 41, 3, nil)
	lead := c.waitLeader(5 * time.Second)
	cl, adm := c.client("c1"), c.client("admin")
	c.mustWrite(cl, put("k", "1"))
	target := others(c.ids, lead)[1]
	start := c.w.Now()
	require.NoError(t, c.admin(func(done func(error)) { adm.TransferLeadership(target, done) }))
	require.NoError(t, c.w.RunUntil(func() bool { return c.sys.Leader() == target }, time.Second))
	require.Less(t, c.w.Now()-start, 500*time.Millisecond, "no election timeout needed")
	c.mustWrite(cl, put("k", "2"))
	c.waitConverged(5 * time.Second)

	err := c.admin(func(done func(error)) { adm.TransferLeadership("n9", done) })
	require.ErrorContains(t, err, "n9 is not a voter")
}

// TestClockSteps: a leader whose wall clock steps back an hour keeps its heartbeats going
// (timeouts run on a monotonic reading, not on the wall clock).
func TestClockSteps(t *testing.T) {
	c := newTestCluster(t, 43, 3, nil)
	lead := c.waitLeader(5 * time.Second)
	cl := c.client("c1")
	require.NoError(t, c.w.SetClock(lead, time.Hour, 0))
	c.run(time.Second)
	require.NoError(t, c.w.SetClock(lead, 0, 0))
	c.mustWrite(cl, put("k", "v"))
	c.run(3 * time.Second)
	require.Equal(t, lead, c.sys.Leader(), "the leader kept its followers")
	require.NoError(t, c.sys.Converged(c.up()), "followers learned the commit by heartbeat")
	term := c.node(lead).r.term
	require.NoError(t, c.w.SetClock(lead, -time.Hour, 0))
	c.run(3 * time.Second)
	require.Equal(t, lead, c.sys.Leader())
	require.Equal(t, term, c.node(lead).r.term)
}
