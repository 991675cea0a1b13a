package jepsen

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness/realrt"
	"github.com/stretchr/testify/require"
)

// The certs command's files load for the node they name, and are refused for another node
// or against another CA, each with a message naming the problem.
func TestMakeCertsAndLoad(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	require.NoError(t, MakeCerts(dir, []string{"n1", "n2"}, []string{"c1"}))
	require.NoError(t, MakeCerts(other, []string{"n1"}, nil))
	flags := func(caDir, name string) TLSFlags {
		cert, key := CertFiles(dir, name)
		return TLSFlags{CA: CAFile(caDir), Cert: cert, Key: key}
	}
	f := flags(dir, "n1")
	sec, err := f.Load("n1")
	require.NoError(t, err)
	require.NotNil(t, sec)
	f = flags(dir, "n2")
	_, err = f.Load("n1")
	require.ErrorContains(t, err, "does not fit --id n1")
	f = flags(dir, "c1")
	_, err = f.Load("")
	require.NoError(t, err, "a client's certificate for a client")
	f = flags(other, "n1")
	_, err = f.Load("n1")
	require.ErrorContains(t, err, "is not signed by --tls-ca")
	require.Error(t, MakeCerts(t.TempDir(), []string{"n 1"}, nil))
	st, err := os.Stat(filepath.Join(dir, "n1-key.pem"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "keys are private")
}

// lockedLog is a log sink read while the runtime writes.
type lockedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The admin endpoint binds to loopback unless told otherwise, and then needs a token;
// a request without the token is refused (401) and logged.
func TestAdminLoopbackAndToken(t *testing.T) {
	require.NoError(t, AdminOptions{Addr: "127.0.0.1:7001"}.validate())
	require.NoError(t, AdminOptions{Addr: "[::1]:7001"}.validate())
	require.NoError(t, AdminOptions{Addr: "localhost:7001"}.validate())
	require.ErrorContains(t, AdminOptions{Addr: "0.0.0.0:7001"}.validate(), "not a loopback")
	require.ErrorContains(t, AdminOptions{Addr: "10.0.0.1:7001", Public: true}.validate(),
		"needs --admin-token")
	require.NoError(t, AdminOptions{Addr: "10.0.0.1:7001", Public: true,
		Token: strings.Repeat("t", 16)}.validate())

	log := &lockedLog{}
	rt, err := realrt.New(realrt.Options{ID: "n1", Log: log})
	require.NoError(t, err)
	defer rt.Stop()
	token := strings.Repeat("s", 20)
	srv := httptest.NewServer(AdminHandler(rt, func() (Status, error) {
		return Status{ID: "n1"}, nil
	}, token))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/status")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.Contains(t, log.String(), "admin: refused GET /status")
	c := NewAdminClient(strings.TrimPrefix(srv.URL, "http://"))
	_, err = c.Status()
	require.ErrorContains(t, err, "401")
	c.Token = token
	st, err := c.Status()
	require.NoError(t, err)
	require.Equal(t, "n1", st.ID)
	require.NoError(t, c.FailSyncs(2), "fail-sync through the admin endpoint")
	require.NoError(t, c.FailSyncs(0))
}

// Jepsen mode with mutual TLS on every link: the servers run with their certificates, the
// clients with theirs, and the run passes.
func TestCheckWithTLS(t *testing.T) {
	out := t.TempDir()
	res, err := Check(context.Background(), CheckOptions{Target: fuzz.RaftKV, Nodes: 3,
		Clients: 2, Time: 4 * time.Second, Seed: 5, Binary: raftkvBinary(t), OutDir: out,
		TLS: true, Faults: []FaultKind{FaultKill, FaultPartition}})
	require.NoError(t, err)
	require.False(t, res.Failed(), "%v", res.Failures)
	require.Greater(t, len(res.History), 20)
	log, err := os.ReadFile(filepath.Join(out, "n1.log"))
	require.NoError(t, err)
	require.Contains(t, string(log), "mutual TLS")
	require.NotContains(t, string(log), "refused connection")
}
