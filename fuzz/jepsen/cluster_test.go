package jepsen

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/model"
	"github.com/stretchr/testify/require"
)

// Three real server processes on loopback (OS-chosen ports, temporary data directories,
// lazy disks), two clients running the standard mix, a kill -9 of the leader and its
// restart from its data directory, then a porcupine check of the wall-clock history.
func TestRealClusterSurvivesLeaderKill(t *testing.T) {
	c, err := StartCluster(ClusterOptions{Nodes: 3, Binary: raftkvBinary(t), LazyDisk: true,
		Dir: t.TempDir()})
	require.NoError(t, err)
	defer c.Close()
	clients, err := startClients(c.Peers(), 2, 42, fuzz.RaftKV, nil)
	require.NoError(t, err)
	defer closeClients(clients)
	leader, err := c.WaitLeader(10 * time.Second)
	require.NoError(t, err)

	h := newHistory()
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for i, kc := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runClient(ctx, i, kc, newMixSource(42, i), h)
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	require.NoError(t, c.Kill(leader))
	require.False(t, c.Running(leader))
	time.Sleep(time.Second)
	require.NoError(t, c.Restart(leader))
	wg.Wait()

	next, err := c.WaitLeader(10 * time.Second)
	require.NoError(t, err)
	t.Logf("leader %s killed and restarted; leader now %s", leader, next)
	finalReads(clients[0], 0, h)
	hist := h.snapshot()
	v := model.Check(hist)
	require.True(t, v.Linearizable(), v.Message())
	acked := 0
	for _, op := range hist {
		if !op.Outcome.Unknown {
			acked++
		}
	}
	require.Greater(t, acked, 50, "the cluster served through the kill")
	st, err := c.byID[leader].admin.Status()
	require.NoError(t, err, "the restarted node answers")
	require.Positive(t, st.Applied, "and recovered or caught up its log")
	require.Empty(t, c.Crashes())
}

// The whole Jepsen-mode pipeline on a short run: faults, heal, final reads, check, report.
func TestCheckWritesReport(t *testing.T) {
	out := t.TempDir()
	res, err := Check(context.Background(), CheckOptions{Target: fuzz.RaftKV, Nodes: 3, Clients: 2,
		Time: 4 * time.Second, Seed: 3, Binary: raftkvBinary(t), OutDir: out,
		Faults: []FaultKind{FaultKill, FaultPartition}})
	require.NoError(t, err)
	require.False(t, res.Failed(), "%v", res.Failures)
	require.NotEmpty(t, res.Schedule.Faults)
	require.NotEmpty(t, res.FaultLog)
	rep, err := os.ReadFile(res.Report)
	require.NoError(t, err)
	require.Contains(t, string(rep), "not replayable by seed")
	require.Contains(t, string(rep), "nothing found")
	html, err := os.ReadFile(res.HTML)
	require.NoError(t, err)
	require.Contains(t, string(html), "not replayable by seed")
	for _, f := range []string{"history.json", "n1.log", "n2.log", "n3.log"} {
		_, err := os.Stat(filepath.Join(out, f))
		require.NoError(t, err, f)
	}
	_, err = os.Stat(filepath.Join(out, "data"))
	require.ErrorIs(t, err, os.ErrNotExist, "data directories go when nothing was found")
}
