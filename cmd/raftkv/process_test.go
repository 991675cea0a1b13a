package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// proc is a raftkv process started by a test, with its combined output (the embedded
// lockedBuffer, which the process writes while the test reads).
type proc struct {
	lockedBuffer
	cmd  *exec.Cmd
	done chan struct{}
	code int
}

func (p *proc) output() string { return p.String() }

// lockedBuffer is a log the test reads while the server writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startProc(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(binary(t), args...), done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p, p
	require.NoError(t, p.cmd.Start())
	go func() {
		_ = p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// wait returns the exit code, failing the test if the process outlives d.
func (p *proc) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(d):
		t.Fatalf("%v still running after %v; output:\n%s", p.cmd.Args, d, p.output())
		return -1
	}
}

func (p *proc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// clientOp runs `raftkv client` as a process and returns its exit code and stdout.
func clientOp(t *testing.T, peers string, op ...string) (int, string) {
	t.Helper()
	args := append([]string{"client", "--peers", peers, "--timeout", "10s"}, op...)
	out, err := exec.Command(binary(t), args...).Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return code, strings.TrimSpace(string(out))
}

// A one-node cluster: a write, a clean stop on SIGTERM, a restart that recovers the write
// from the data directory, then a damaged data file that refuses the start and is named.
func TestServerStopRestartAndCorruptedFile(t *testing.T) {
	data := t.TempDir()
	peers := "n1=" + freeAddr(t)
	args := []string{"server", "--id", "n1", "--peers", peers, "--data", data}
	srv := startProc(t, args...)
	code, _ := clientOp(t, peers, "put", "greeting", "hello")
	require.Equal(t, exitOK, code, srv.output())
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGTERM))
	require.Equal(t, exitOK, srv.wait(t, 10*time.Second), srv.output())
	require.Contains(t, srv.output(), "stopped")

	srv = startProc(t, args...)
	code, got := clientOp(t, peers, "get", "greeting")
	require.Equal(t, exitOK, code, srv.output())
	require.Equal(t, "hello", got, "the restart recovered the write")
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGINT))
	require.Equal(t, exitOK, srv.wait(t, 10*time.Second))

	wal := corruptNewestWAL(t, data)
	srv = startProc(t, args...)
	require.Equal(t, exitUsage, srv.wait(t, 10*time.Second))
	require.Contains(t, srv.output(), "data file "+wal+" is corrupted")
	require.Contains(t, srv.output(), "refusing to start")
	require.NotContains(t, srv.output(), "panic")
}

// corruptNewestWAL flips a byte inside the first record of the newest WAL segment and
// returns the file's path.
func corruptNewestWAL(t *testing.T, data string) string {
	segs, err := filepath.Glob(filepath.Join(data, "wal-*"))
	require.NoError(t, err)
	require.NotEmpty(t, segs)
	wal := segs[len(segs)-1]
	b, err := os.ReadFile(wal)
	require.NoError(t, err)
	require.Greater(t, len(b), 20)
	b[16] ^= 0xff
	require.NoError(t, os.WriteFile(wal, b, 0o644))
	return wal
}

// A server whose peers are unreachable starts anyway and keeps retrying, saying so once.
func TestServerStartsWithUnreachablePeers(t *testing.T) {
	peers := "n1=" + freeAddr(t) + ",n2=" + freeAddr(t) + ",n3=" + freeAddr(t)
	srv := startProc(t, "server", "--id", "n1", "--peers", peers, "--data", t.TempDir())
	time.Sleep(1500 * time.Millisecond)
	require.True(t, srv.running(), srv.output())
	out := srv.output()
	require.Contains(t, out, "cannot reach n2")
	require.Contains(t, out, "(retrying)")
	require.Equal(t, 1, strings.Count(out, "cannot reach n2"), "said once, not per retry")
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGTERM))
	require.Equal(t, exitOK, srv.wait(t, 10*time.Second))
}
