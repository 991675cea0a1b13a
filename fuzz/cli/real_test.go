package cli

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Every bad input to the real-process commands is a message naming the problem and exit 2,
// before any process starts.
func TestRealCommandsBadInput(t *testing.T) {
	dir := t.TempDir()
	used := filepath.Join(dir, "used")
	require.NoError(t, os.MkdirAll(filepath.Join(used, "data"), 0o755))
	notExe := filepath.Join(dir, "notexe")
	require.NoError(t, os.WriteFile(notExe, []byte("x"), 0o644))
	peers := "n1=127.0.0.1:1,n2=127.0.0.1:2"
	srv := func(extra ...string) []string {
		return append([]string{"server", "--id", "n1", "--peers", peers, "--data", dir},
			extra...)
	}
	cli := func(extra ...string) []string {
		return append([]string{"client", "--peers", peers}, extra...)
	}
	pub := []string{"--admin", "0.0.0.0:7001"}
	type tc struct {
		args []string
		want string
	}
	cases := map[string]tc{
		"server no id": {[]string{"server", "--peers", peers, "--data", dir},
			"--id is required"},
		"server no peers": {[]string{"server", "--id", "n1", "--data", dir},
			"--peers is required"},
		"server no data": {[]string{"server", "--id", "n1", "--peers", peers},
			"--data is required"},
		"server id": {[]string{"server", "--id", "n9", "--peers", peers, "--data", dir},
			"--id n9 is not in --peers"},
		"server peers": {[]string{"server", "--id", "n1", "--peers", "n1", "--data", dir},
			"want id=host:port"},
		"server target":  {[]string{"server", "--target", "nope"}, `unknown target "nope"`},
		"server variant": {[]string{"server", "--variant", "nope"}, `unknown variant "nope"`},
		"server extra":   {srv("x"), "unexpected argument"},
		"admin public":   {srv(pub...), "not a loopback address"},
		"admin no token": {srv(append(pub, "--admin-public")...), "needs --admin-token"},
		"admin short": {srv("--admin", "127.0.0.1:7001", "--admin-token", "abc"),
			"at least 16"},
		"admin addr": {srv("--admin", "nonsense"), "not host:port"},
		"tls half":   {srv("--tls-ca", "x"), "go together"},
		"tls missing": {srv("--tls-ca", "x", "--tls-cert", "y", "--tls-key", "z"),
			"--tls-ca"},
		"client no op":   {cli(), "no operation"},
		"client kind":    {cli("frob", "k"), `unknown operation kind "frob"`},
		"client cas":     {cli("cas", "k", "a"), "cas takes KEY OLD NEW"},
		"client arity":   {cli("get"), "takes KEY [VALUE]"},
		"client key":     {cli("get", ""), "empty key"},
		"client peers":   {[]string{"client", "--peers", "x", "get", "k"}, "--peers"},
		"client timeout": {cli("--timeout", "0s", "get", "k"), "--timeout"},
		"check nodes":    {[]string{"check", "--nodes", "0"}, "--nodes must be in 1..9"},
		"check clients":  {[]string{"check", "--clients", "100"}, "--clients"},
		"check time":     {[]string{"check", "--time", "0s"}, "--time must be in"},
		"check faults": {[]string{"check", "--faults", "kill,meteor"},
			`unknown fault kind "meteor"`},
		"check extra":  {[]string{"check", "extra"}, "unexpected argument"},
		"check binary": {[]string{"check", "--binary", notExe}, "not an executable file"},
		"check target": {[]string{"check", "--target", "nope"}, `unknown target "nope"`},
		"check used out": {[]string{"check", "--out", used},
			"already holds the data directories"},
		"bench real time": {[]string{"bench", "--real", "--time", "1ms"}, "--time must be in"},
		"bench real nodes": {[]string{"bench", "--real", "--nodes", "3,x"},
			`"x" is not a cluster size`},
		"bench real extra": {[]string{"bench", "--real", "extra"}, "takes no arguments"},
		"certs no out":     {[]string{"certs", "--nodes", "n1"}, "--out is required"},
		"certs no nodes":   {[]string{"certs", "--out", dir}, "--nodes is required"},
		"certs bad name": {[]string{"certs", "--out", dir, "--nodes", "n1,n/2"},
			"only letters"},
		"certs extra": {[]string{"certs", "--out", dir, "--nodes", "n1", "x"},
			"takes no arguments"},
	}
	for name, c := range cases {
		code, _, stderr := run(t, c.args...)
		require.Equal(t, 2, code, "%s: %s", name, stderr)
		require.Contains(t, stderr, c.want, name)
		require.NotContains(t, stderr, "panic", name)
	}
}

// bench --real and the simulated bench are told apart by the flag alone.
func TestIsRealBench(t *testing.T) {
	require.True(t, isRealBench([]string{"--real"}))
	require.True(t, isRealBench([]string{"--target", "x", "-real=true"}))
	require.False(t, isRealBench([]string{"--real=false"}))
	require.False(t, isRealBench([]string{"--seeds", "3"}))
	require.False(t, isRealBench([]string{"--", "--real"}))
}

// A server refuses another node's data directory, through the generic command too.
func TestServerRefusesAnotherNodesDirectory(t *testing.T) {
	data := t.TempDir()
	peers := "n1=127.0.0.1:1,n3=127.0.0.1:2"
	exe := simfuzzBinary(t)
	srv := startSimfuzz(t, data, "server", "--id", "n3", "--peers", "n1=127.0.0.1:1,n3="+
		freeLoopback(t), "--data", data, "--cluster", "blue")
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(srv.stderr.String(),
		"listening"); time.Sleep(20 * time.Millisecond) {
		require.True(t, time.Now().Before(deadline), "server did not start: %s",
			srv.stderr.String())
	}
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGTERM))
	require.Equal(t, 0, srv.wait(t, 10*time.Second), srv.stderr.String())
	out, err := exec.Command(exe, "server", "--id", "n1", "--peers", peers, "--data", data,
		"--cluster", "blue").CombinedOutput()
	require.Error(t, err)
	require.Equal(t, 2, err.(*exec.ExitError).ExitCode())
	require.Contains(t, string(out), `belongs to node "n3" of cluster "blue"`)
}

func freeLoopback(t *testing.T) string {
	t.Helper()
	ln, err := netListen()
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// A check of the lock service (not a key-value target) on real processes: servers are this
// simfuzz started as `server --target lock-service`, the clients lockd's own, the history
// checked by the lock model. Ctrl-C (SIGINT) part-way stops every server, keeps the
// partial history and report, and exits 130.
func TestCheckLockServiceInterrupted(t *testing.T) {
	out := t.TempDir()
	p := startSimfuzz(t, t.TempDir(), "check", "--target", "lock-service", "--time", "60s",
		"--seed", "3", "--faults", "kill,partition", "--out", out, "--quiet")
	time.Sleep(6 * time.Second)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGINT))
	code := p.wait(t, 60*time.Second)
	require.Equal(t, 130, code, "stdout:\n%s\nstderr:\n%s", p.stdout.String(),
		p.stderr.String())
	rep, err := os.ReadFile(filepath.Join(out, "report.txt"))
	require.NoError(t, err)
	require.Contains(t, string(rep), "lock-service check: interrupted")
	require.Contains(t, string(rep), "the history is partial")
	require.Contains(t, string(rep), "acquire")
	_, err = os.Stat(filepath.Join(out, "history.json"))
	require.NoError(t, err)
	left, _ := exec.Command("pgrep", "-f", "--", "--data "+out).Output()
	require.Empty(t, strings.TrimSpace(string(left)), "server processes left behind")
}

func netListen() (interface {
	Close() error
	Addr() net.Addr
}, error) {
	return net.Listen("tcp", "127.0.0.1:0")
}
