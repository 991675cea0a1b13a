package jepsen

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
	buildOut  []byte
)

// TestMain removes the binary built for the process tests; run with testRoleEnv set, the
// test binary plays a process of a test instead.
func TestMain(m *testing.M) {
	if role := os.Getenv(testRoleEnv); role != "" {
		os.Exit(playRole(role)) // a process of TestServersDieWithTheHarness
	}
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// raftkvBinary builds cmd/raftkv once per test binary and returns its path.
func raftkvBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "jepsen-test-"); buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, "raftkv"),
			"github.com/simfuzz/simfuzz/cmd/raftkv")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	require.NoError(t, buildErr, "go build: %s", buildOut)
	return filepath.Join(buildDir, "raftkv")
}
