package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simfuzz/simfuzz/harness/realrt"
	"github.com/stretchr/testify/require"
)

// runCmd runs the command in-process and returns its exit code and output.
func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestMain builds the command once for the tests that need real processes.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "raftkv-test-")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "raftkv")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var binPath string

// binary builds cmd/raftkv (once per test binary) and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(binPath); err == nil {
		return binPath
	}
	out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return binPath
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

func TestUsage(t *testing.T) {
	code, _, stderr := runCmd()
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "usage:")
	code, _, stderr = runCmd("frobnicate")
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, `unknown command "frobnicate"`)
	code, stdout, _ := runCmd("--help")
	require.Equal(t, exitOK, code)
	require.Contains(t, stdout, "raftkv server")
	code, _, _ = runCmd("server", "--help")
	require.Equal(t, exitOK, code)
}

// Every bad server input is a clear message and exit code 2, and no server starts.
func TestServerBadInput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	peers := "n1=" + freeAddr(t) + ",n2=127.0.0.1:1,n3=127.0.0.1:2"
	data := filepath.Join(dir, "data")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--id", "n4", "--peers", peers, "--data", data}, "--id n4 is not in --peers"},
		{[]string{"--id", "n1", "--peers", "n1=127.0.0.1", "--data", data}, "not host:port"},
		{[]string{"--id", "n1", "--peers", "n1", "--data", data}, "want id=host:port"},
		{[]string{"--id", "n1", "--peers", "=127.0.0.1:5", "--data", data}, "1 to 64 characters"},
		{[]string{"--id", "n1", "--peers", "n1=h:1,n1=h:2", "--data", data}, "appears twice"},
		{[]string{"--id", "n1", "--peers", "n1=h:1,n2=h:1", "--data", data}, "also n1's"},
		{[]string{"--id", "n1", "--peers", "n1=h:99999", "--data", data}, "1..65535"},
		{[]string{"--id", "n/1", "--peers", "n/1=h:1", "--data", data}, "only letters"},
		{[]string{"--peers", peers, "--data", data}, "--id is required"},
		{[]string{"--id", "n1", "--data", data}, "--peers is required"},
		{[]string{"--id", "n1", "--peers", peers}, "--data is required"},
		{[]string{"--id", "n1", "--peers", peers, "--data", filepath.Join(file, "d")},
			"cannot be created"},
		{[]string{"--id", "n1", "--peers", peers, "--data", data, "--admin", "nonsense"},
			"--admin"},
		{[]string{"--id", "n1", "--peers", peers, "--data", data, "extra"}, "unexpected"},
		{[]string{"--bogus"}, "flag provided but not defined"},
	}
	for _, c := range cases {
		code, _, stderr := runCmd(append([]string{"server"}, c.args...)...)
		require.Equal(t, exitUsage, code, "%v: %s", c.args, stderr)
		require.Contains(t, stderr, c.want, "%v", c.args)
	}
}

// A data directory another server holds, and a port another process holds, are refused.
func TestServerRefusesBusyDirectoryAndPort(t *testing.T) {
	data := t.TempDir()
	d, err := realrt.OpenDisk(data, realrt.DiskOptions{})
	require.NoError(t, err)
	peers := "n1=" + freeAddr(t)
	code, _, stderr := runCmd("server", "--id", "n1", "--peers", peers, "--data", data)
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "in use by another process")
	d.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	code, _, stderr = runCmd("server", "--id", "n1", "--peers", "n1="+ln.Addr().String(),
		"--data", t.TempDir())
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "cannot listen")
}

func TestClientBadInput(t *testing.T) {
	peers := "--peers=n1=127.0.0.1:1"
	cases := []struct {
		args []string
		want string
	}{
		{[]string{peers}, "no operation"},
		{[]string{peers, "frob", "k"}, `unknown operation "frob"`},
		{[]string{peers, "put", "k"}, "put takes 2 argument(s), got 1"},
		{[]string{peers, "cas", "k", "a"}, "cas takes 3 argument(s)"},
		{[]string{peers, "get", ""}, "empty key"},
		{[]string{"--peers", "x", "get", "k"}, "--peers"},
		{[]string{peers, "--timeout", "-1s", "get", "k"}, "--timeout"},
	}
	for _, c := range cases {
		code, _, stderr := runCmd(append([]string{"client"}, c.args...)...)
		require.Equal(t, exitUsage, code, "%v: %s", c.args, stderr)
		require.Contains(t, stderr, c.want, "%v", c.args)
	}
}

// A client whose servers are unreachable gives up after its timeout with a clear message.
func TestClientTimesOutOnUnreachableCluster(t *testing.T) {
	code, stdout, stderr := runCmd("client", "--peers", "n1="+freeAddr(t)+",n2="+freeAddr(t),
		"--timeout", "700ms", "put", "k", "v")
	require.Equal(t, exitUsage, code)
	require.Empty(t, stdout)
	require.Contains(t, stderr, "no answer from the cluster within 700ms")
	require.Contains(t, stderr, "may or may not have taken effect")
}

func TestCheckAndBenchBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--nodes", "0"}, {"check", "--clients", "100"}, {"check", "--time", "0s"},
		{"check", "--faults", "kill,meteor"}, {"check", "extra"}, {"bench", "--time", "1ms"},
	} {
		code, _, stderr := runCmd(args...)
		require.Equal(t, exitUsage, code, "%v: %s", args, stderr)
		require.True(t, strings.HasPrefix(stderr, "raftkv "), "%v: %s", args, stderr)
	}
}
