//go:build linux

package jepsen

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A harness killed with SIGKILL takes its servers with it: the test binary plays a harness
// that starts a server as server.start does, and is killed.
func TestServersDieWithTheHarness(t *testing.T) {
	harness := exec.Command(os.Args[0])
	harness.Env = append(os.Environ(), testRoleEnv+"=harness")
	out, err := harness.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, harness.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err, "the harness process printed no server pid")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	require.NoError(t, err, "harness said %q", line)
	require.True(t, alive(pid), "the server %d is not running before the harness dies", pid)
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) }) // when the test fails

	require.NoError(t, harness.Process.Kill())
	harness.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	require.False(t, alive(pid), "server %d outlived its harness by 10 s", pid)
}

// alive reports whether process pid exists and is not a zombie (an orphan's zombie waits
// for a PID 1 that may never reap it, as in some containers).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// pid (comm) state ...: the state follows the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
