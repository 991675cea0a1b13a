package realrt

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// TLS secures an endpoint's links with mutual TLS: every connection, in both directions,
// presents a certificate signed by the cluster's CA (Roots), and the ID a connection claims
// in its hello must be one its certificate allows (CheckClaim). A refused connection is
// logged with the reason.
type TLS struct {
	// Cert is this endpoint's certificate and key.
	Cert tls.Certificate
	// Roots is the cluster CA: the only issuer accepted.
	Roots *x509.CertPool
}

// The organisational units that say what a certificate is for.
const (
	// UnitNode marks a node's certificate: its common name (and DNS name) is the node ID,
	// and it may claim that ID only.
	UnitNode = "node"
	// UnitClient marks a client's certificate: it may claim any ID that is not a node's
	// (a client's ID is chosen per run), never a server's.
	UnitClient = "client"
)

func (c *TLS) serverConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{c.Cert}, ClientCAs: c.Roots,
		ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS13}
}

// clientConfig verifies that the server's certificate is the CA's and names peer.
func (c *TLS) clientConfig(peer nodeapi.NodeID) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{c.Cert}, RootCAs: c.Roots,
		ServerName: string(peer), MinVersion: tls.VersionTLS13}
}

// CheckClaim reports why a peer whose verified certificate is cert may not claim the ID
// claimed: a node's ID (server is true: an address is known for it) needs that node's
// certificate; any other ID needs a client certificate or one that names it.
func CheckClaim(cert *x509.Certificate, claimed nodeapi.NodeID, server bool) error {
	units := cert.Subject.OrganizationalUnit
	name := cert.Subject.CommonName
	switch {
	case slices.Contains(units, UnitNode) && name == string(claimed):
		return nil
	case server:
		return fmt.Errorf("certificate names %q (%v), not node %s it claims to be", name,
			units, claimed)
	case slices.Contains(units, UnitClient):
		return nil
	}
	return fmt.Errorf("certificate names %q (%v), neither %s nor a client", name, units,
		claimed)
}

// handshakeServer runs the server side of the TLS handshake on an accepted connection.
func (t *transport) handshakeServer(nc net.Conn) (*tls.Conn, error) {
	tc := tls.Server(nc, t.tls.serverConfig())
	_ = nc.SetDeadline(time.Now().Add(dialTimeout))
	if err := tc.Handshake(); err != nil {
		return nil, err
	}
	return tc, nil
}

// handshakeClient runs the client side towards peer and checks its certificate is peer's.
func (t *transport) handshakeClient(nc net.Conn, peer nodeapi.NodeID) (*tls.Conn, error) {
	tc := tls.Client(nc, t.tls.clientConfig(peer))
	_ = nc.SetDeadline(time.Now().Add(dialTimeout))
	if err := tc.Handshake(); err != nil {
		return nil, err
	}
	if err := checkPeer(tc, peer, true); err != nil {
		return nil, err
	}
	return tc, nil
}

// checkPeer checks the claim of a TLS connection's peer (no-op for plain TCP).
func checkPeer(nc net.Conn, claimed nodeapi.NodeID, server bool) error {
	tc, ok := nc.(*tls.Conn)
	if !ok {
		return nil
	}
	certs := tc.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return errors.New("no certificate")
	}
	return CheckClaim(certs[0], claimed, server)
}
