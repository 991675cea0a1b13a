package jepsen

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
