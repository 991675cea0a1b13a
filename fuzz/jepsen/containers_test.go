package jepsen

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/stretchr/testify/require"
)

// staticRaftkv builds cmd/raftkv with CGO_ENABLED=0 (an image FROM scratch needs it).
func staticRaftkv(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "raftkv")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/simfuzz/simfuzz/cmd/raftkv")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// A dynamically linked binary is refused for containers, naming the fix.
func TestContainersNeedStaticBinary(t *testing.T) {
	err := checkStatic(raftkvBinary(t))
	if err == nil {
		t.Skip("the default build is static here (no cgo)")
	}
	require.ErrorContains(t, err, "CGO_ENABLED=0")
}

// Containers mode: each server in its own container on a private network, kill, pause and
// partitions by docker; the run passes and leaves no container, network or image behind.
func TestCheckContainers(t *testing.T) {
	if err := DockerAvailable(); err != nil {
		t.Skipf("skipping: Docker is not available here: %v", err)
	}
	before, err := Leftovers()
	require.NoError(t, err)
	out := t.TempDir()
	res, err := Check(context.Background(), CheckOptions{Target: fuzz.RaftKV, Nodes: 3,
		Clients: 2, Time: 6 * time.Second, Seed: 9, Binary: staticRaftkv(t), OutDir: out,
		Containers: true, Faults: []FaultKind{FaultKill, FaultPause, FaultPartition}})
	require.NoError(t, err)
	require.False(t, res.Failed(), "%v", res.Failures)
	require.Greater(t, len(res.History), 20)
	rep, err := os.ReadFile(res.Report)
	require.NoError(t, err)
	require.Contains(t, string(rep), "docker network disconnect")
	after, err := Leftovers()
	require.NoError(t, err)
	for _, name := range after {
		require.True(t, slices.Contains(before, name), "left behind: %s", name)
	}
}

// A harness killed outright cannot close its run; its reaper removes the run's network
// and image once the harness is gone.
func TestContainersReapedAfterTheHarnessDies(t *testing.T) {
	if err := DockerAvailable(); err != nil {
		t.Skipf("skipping: Docker is not available here: %v", err)
	}
	harness := exec.Command(os.Args[0])
	harness.Env = append(os.Environ(), testRoleEnv+"=docker-harness",
		testBinaryEnv+"="+staticRaftkv(t))
	out, err := harness.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, harness.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err, "the harness process printed no run name")
	run := strings.TrimSpace(line)
	require.True(t, strings.HasPrefix(run, runPrefix), "harness said %q", line)
	present := func() []string {
		left, err := Leftovers()
		require.NoError(t, err)
		img, err := exec.Command("docker", "image", "ls", "-q", run+":check").Output()
		require.NoError(t, err)
		var mine []string
		for _, name := range left {
			if strings.HasPrefix(name, run) {
				mine = append(mine, name)
			}
		}
		if len(bytes.TrimSpace(img)) > 0 {
			mine = append(mine, run+":check")
		}
		return mine
	}
	require.Equal(t, []string{run, run + ":check"}, present(), "the run's network and image")
	t.Cleanup(func() { // when the test fails
		_ = docker("network", "rm", run)
		_ = docker("rmi", "-f", run+":check")
	})

	require.NoError(t, harness.Process.Kill())
	harness.Wait()
	deadline := time.Now().Add(30 * time.Second)
	for len(present()) > 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	require.Empty(t, present(), "left behind 30 s after the harness died")
}
