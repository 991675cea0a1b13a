package realrt

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

// testCA is an in-memory certificate authority for the TLS tests.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1),
		Subject: pkix.Name{CommonName: "test CA"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// tlsFor issues a certificate named name, of unit (UnitNode or UnitClient).
func (ca *testCA) tlsFor(t *testing.T, name, unit string) *TLS {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:   pkix.Name{CommonName: name, OrganizationalUnit: []string{unit}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth,
			x509.ExtKeyUsageServerAuth}}
	if unit == UnitNode {
		tmpl.DNSNames = []string{name}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	return &TLS{Cert: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
		Roots: ca.pool}
}

// syncBuffer is a log sink the test reads while endpoints write to it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tlsEndpoint starts a recorder endpoint with sec, logging to log.
func tlsEndpoint(t *testing.T, id nodeapi.NodeID, ln net.Listener,
	peers map[nodeapi.NodeID]string, sec *TLS, log *syncBuffer) (*Runtime, *recorder) {
	t.Helper()
	rt, err := New(Options{ID: id, Listener: ln, Peers: peers, Seed: 1, TLS: sec, Log: log})
	require.NoError(t, err)
	t.Cleanup(rt.Kill)
	n, err := rt.StartNode(recSystem{echo: true}, nodeapi.Boot{})
	require.NoError(t, err)
	return rt, n.(*recorder)
}

// Two nodes with certificates of the cluster CA talk; a client with a client certificate
// gets its echo back.
func TestTLSNodesTalk(t *testing.T) {
	ca := newTestCA(t)
	ln1, ln2 := freeListener(t), freeListener(t)
	peers := map[nodeapi.NodeID]string{"n1": ln1.Addr().String(), "n2": ln2.Addr().String()}
	log := &syncBuffer{}
	rt1, _ := tlsEndpoint(t, "n1", ln1, peers, ca.tlsFor(t, "n1", UnitNode), log)
	_, n2 := tlsEndpoint(t, "n2", ln2, peers, ca.tlsFor(t, "n2", UnitNode), log)
	rt1.Env().Send("n2", []byte("hello"))
	eventually(t, 5*time.Second, "n2 gets n1's datagram", func() bool {
		return len(n2.received()) > 0
	})
	require.Equal(t, delivery{"n1", "hello"}, n2.received()[0])
	require.NotContains(t, log.String(), "refused")
}

// Each refusal: a stranger (a certificate of another CA), a node that claims another
// node's ID, a client certificate claiming a server's ID, a node certificate claiming a
// client ID other than its own, and plain TCP. The server never
// delivers their datagrams and logs why it refused.
func TestTLSRefusesStrangersAndImpostors(t *testing.T) {
	ca, other := newTestCA(t), newTestCA(t)
	ln1 := freeListener(t)
	log := &syncBuffer{}
	// n2 is a server of the cluster (down): a claim to be n2 needs n2's certificate.
	peers := map[nodeapi.NodeID]string{"n1": ln1.Addr().String(), "n2": "127.0.0.1:1"}
	_, n1 := tlsEndpoint(t, "n1", ln1, peers, ca.tlsFor(t, "n1", UnitNode), log)
	cases := []struct {
		name string
		id   nodeapi.NodeID
		sec  *TLS
		want string
	}{
		{"stranger", "n2", other.tlsFor(t, "n2", UnitNode), "refused connection from"},
		{"impostor", "n2", ca.tlsFor(t, "n3", UnitNode), `certificate names "n3"`},
		{"client as server", "n2", ca.tlsFor(t, "c1", UnitClient), `certificate names "c1"`},
		{"node as a client", "cx", ca.tlsFor(t, "c1", UnitNode), `neither cx nor a client`},
		{"plain TCP", "n2", nil, "refused connection from"},
	}
	for _, c := range cases {
		before := len(log.String())
		// The dialer's own address book names itself as a server when it claims one.
		dialPeers := map[nodeapi.NodeID]string{"n1": ln1.Addr().String()}
		rt, err := New(Options{ID: c.id, Peers: dialPeers, Seed: 2, TLS: c.sec, Log: log})
		require.NoError(t, err, c.name)
		for range 20 {
			rt.Env().Send("n1", []byte(c.name))
			time.Sleep(20 * time.Millisecond)
		}
		eventually(t, 5*time.Second, c.name+" refused in the log", func() bool {
			return strings.Contains(log.String()[before:], c.want)
		})
		rt.Kill()
		for _, d := range n1.received() {
			require.NotEqual(t, c.name, d.msg, "%s: a datagram got through", c.name)
		}
	}
	t.Logf("log:\n%s", log.String())
}

// A node certificate may claim only its own ID; a client certificate any ID but a
// server's.
func TestCheckClaim(t *testing.T) {
	ca := newTestCA(t)
	leaf := func(name, unit string) *x509.Certificate {
		c, err := x509.ParseCertificate(ca.tlsFor(t, name, unit).Cert.Certificate[0])
		require.NoError(t, err)
		return c
	}
	require.NoError(t, CheckClaim(leaf("n1", UnitNode), "n1", true))
	require.ErrorContains(t, CheckClaim(leaf("n1", UnitNode), "n2", true), "not node n2")
	require.ErrorContains(t, CheckClaim(leaf("c1", UnitClient), "n2", true), "not node n2")
	require.NoError(t, CheckClaim(leaf("c1", UnitClient), "cli-77", false))
	require.NoError(t, CheckClaim(leaf("n1", UnitNode), "n1", false))
	require.Error(t, CheckClaim(leaf("n1", UnitNode), "cli-77", false))
}
