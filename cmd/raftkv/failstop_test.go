package main

import (
	"context"
	"io"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A failed fsync makes the server's node fail-stop; the runtime restarts it from the data
// directory and the server goes on serving, every acknowledged write kept. When a restart
// finds a damaged data file, the server names it and exits 1.
func TestServerFailStopsOnFailedSync(t *testing.T) {
	data := t.TempDir()
	peers := "n1=" + freeAddr(t)
	log := &lockedBuffer{}
	o, err := parseServerFlags([]string{"--id", "n1", "--peers", peers, "--data", data},
		io.Discard)
	require.NoError(t, err)
	n, err := startNode(o, log)
	require.NoError(t, err)
	t.Cleanup(n.Runtime().Kill)
	code, _ := clientOp(t, peers, "put", "a", "1")
	require.Equal(t, exitOK, code, log.String())
	require.NoError(t, n.Runtime().Disk().FailSyncs(1))
	code, _ = clientOp(t, peers, "put", "b", "2") // retried onto the restarted node
	require.Equal(t, exitOK, code, log.String())
	require.EqualValues(t, 1, n.Runtime().Stats().FailStops)
	st, err := n.Status()
	require.NoError(t, err)
	require.Empty(t, st.Failed)
	code, got := clientOp(t, peers, "get", "a")
	require.Equal(t, exitOK, code)
	require.Equal(t, "1", got)

	wal := corruptNewestWAL(t, data)
	require.NoError(t, n.Runtime().Disk().FailSyncs(1))
	put := exec.Command(binary(t), "client", "--peers", peers, "--timeout", "2s", "put", "c", "3")
	require.NoError(t, put.Start()) // its write's sync fails: the node fail-stops
	t.Cleanup(func() { _ = put.Wait() })
	exit := make(chan int, 1)
	go func() { exit <- n.Serve(context.Background()) }()
	select {
	case code := <-exit:
		require.Equal(t, exitFailure, code, log.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("the server kept running without a node; log:\n%s", log.String())
	}
	require.Contains(t, log.String(), "node failed: restart after a fail-stop failed: "+
		"data file "+wal+" is corrupted")
}
