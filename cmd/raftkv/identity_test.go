package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A data directory records the node and cluster it belongs to at the first start: the same
// node starts on it again, another node ID or another cluster is refused (exit 2, naming
// both), and the directory is left as it was.
func TestServerRefusesAnotherNodesDirectory(t *testing.T) {
	data := t.TempDir()
	peers := "n1=" + freeAddr(t) + ",n3=" + freeAddr(t)
	args := []string{"server", "--peers", peers, "--data", data, "--cluster", "blue"}
	srv := startProc(t, append(args, "--id", "n3")...)
	eventually(t, func() bool { return strings.Contains(srv.output(), "listening") })
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGTERM))
	require.Equal(t, exitOK, srv.wait(t, 10*time.Second), srv.output())
	files, err := os.ReadDir(data)
	require.NoError(t, err)

	code, _, stderr := runCmd(append(args, "--id", "n1")...)
	require.Equal(t, exitUsage, code, stderr)
	require.Contains(t, stderr, `belongs to node "n3" of cluster "blue"`)
	require.Contains(t, stderr, `not node "n1"`)
	code, _, stderr = runCmd("server", "--peers", peers, "--data", data, "--cluster", "red",
		"--id", "n3")
	require.Equal(t, exitUsage, code, stderr)
	require.Contains(t, stderr, `not node "n3" of cluster "red"`)
	after, err := os.ReadDir(data)
	require.NoError(t, err)
	require.Equal(t, len(files), len(after), "a refused start leaves the directory alone")

	srv = startProc(t, append(args, "--id", "n3")...)
	eventually(t, func() bool { return strings.Contains(srv.output(), "listening") })
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGTERM))
	require.Equal(t, exitOK, srv.wait(t, 10*time.Second), srv.output())
}

// A torn tail (a write cut short by a crash) that recovery drops is logged with its file
// and offset, and the server starts with everything before it.
func TestServerLogsTornTail(t *testing.T) {
	data := t.TempDir()
	peers := "n1=" + freeAddr(t)
	args := []string{"server", "--id", "n1", "--peers", peers, "--data", data}
	srv := startProc(t, args...)
	code, _ := clientOp(t, peers, "put", "k", "v")
	require.Equal(t, exitOK, code, srv.output())
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGTERM))
	require.Equal(t, exitOK, srv.wait(t, 10*time.Second), srv.output())
	segs, err := filepath.Glob(filepath.Join(data, "wal-*"))
	require.NoError(t, err)
	wal := segs[len(segs)-1]
	st, err := os.Stat(wal)
	require.NoError(t, err)
	f, err := os.OpenFile(wal, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.Write([]byte{0x40, 0, 0, 0, 1, 2}) // a record header cut short
	require.NoError(t, err)
	require.NoError(t, f.Close())

	srv = startProc(t, args...)
	code, got := clientOp(t, peers, "get", "k")
	require.Equal(t, exitOK, code, srv.output())
	require.Equal(t, "v", got)
	require.Contains(t, srv.output(), "recovery drops a torn tail: "+wal+", 6 bytes after "+
		"offset "+itoa(st.Size()))
}

// A client given only a follower, whose servers name a leader it has no address for, says
// which server that is and how to fix --peers, rather than asking whether they run.
func TestClientNamesLeaderOutsidePeers(t *testing.T) {
	addrs := []string{freeAddr(t), freeAddr(t), freeAddr(t)}
	peers := "n1=" + addrs[0] + ",n2=" + addrs[1] + ",n3=" + addrs[2]
	for _, id := range []string{"n1", "n2", "n3"} {
		srv := startProc(t, "server", "--id", id, "--peers", peers, "--data", t.TempDir(),
			"--admin", freeAddr(t))
		t.Cleanup(func() { _ = srv.cmd.Process.Signal(syscall.SIGTERM) })
	}
	code, _ := clientOp(t, peers, "put", "k", "v") // waits for a leader
	require.Equal(t, exitOK, code)
	var lastErr string
	for i, id := range []string{"n1", "n2", "n3"} {
		cmd := exec.Command(binary(t), "client", "--peers", id+"="+addrs[i], "--timeout",
			"2s", "put", "k", "w")
		out, err := cmd.CombinedOutput()
		if err == nil {
			continue // the leader itself
		}
		lastErr = string(out)
		require.Contains(t, lastErr, "which --peers ("+id+"="+addrs[i]+") does not list")
		require.Contains(t, lastErr, "=HOST:PORT")
		require.NotContains(t, lastErr, "Are the servers running")
		return
	}
	t.Fatalf("every server answered as leader; last output %q", lastErr)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// eventually polls cond for up to 10 s.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
