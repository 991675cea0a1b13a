package jepsen

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/realrt"
)

// TLSFlags are the certificate flags of the server and client commands: all three or none.
type TLSFlags struct {
	CA, Cert, Key string
}

// Register defines the flags on fs.
func (f *TLSFlags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.CA, "tls-ca", "", "cluster CA certificate (PEM): turns on mutual TLS "+
		"for every link; needs --tls-cert and --tls-key")
	fs.StringVar(&f.Cert, "tls-cert", "", "this endpoint's certificate (PEM), signed by "+
		"--tls-ca (make them with the certs command)")
	fs.StringVar(&f.Key, "tls-key", "", "this endpoint's private key (PEM)")
}

// Load reads the certificates (nil, nil when no flag is set). A node's certificate must
// name the node it is given to (node != ""); a client passes "".
func (f *TLSFlags) Load(node nodeapi.NodeID) (*realrt.TLS, error) {
	if f.CA == "" && f.Cert == "" && f.Key == "" {
		return nil, nil
	}
	if f.CA == "" || f.Cert == "" || f.Key == "" {
		return nil, errors.New("--tls-ca, --tls-cert and --tls-key go together")
	}
	caPEM, err := os.ReadFile(f.CA)
	if err != nil {
		return nil, fmt.Errorf("--tls-ca: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("--tls-ca %s: no PEM certificate in it", f.CA)
	}
	pair, err := tls.LoadX509KeyPair(f.Cert, f.Key)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert/--tls-key: %w", err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("--tls-cert %s: %w", f.Cert, err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return nil, fmt.Errorf("--tls-cert %s is not signed by --tls-ca %s: %w", f.Cert,
			f.CA, err)
	}
	if node != "" {
		if err := realrt.CheckClaim(leaf, node, true); err != nil {
			return nil, fmt.Errorf("--tls-cert %s does not fit --id %s: %w", f.Cert, node, err)
		}
	}
	return &realrt.TLS{Cert: pair, Roots: roots}, nil
}

// The file names MakeCerts writes in its directory.
const (
	caCertFile = "ca.pem"
	caKeyFile  = "ca-key.pem"
)

// CertFiles are the paths of one endpoint's certificate and key, made by MakeCerts.
func CertFiles(dir, name string) (cert, key string) {
	return filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
}

// CAFile is the path of the CA certificate MakeCerts writes in dir.
func CAFile(dir string) string { return filepath.Join(dir, caCertFile) }

// certValidity is how long the test certificates are valid.
const certValidity = 365 * 24 * time.Hour

// MakeCerts makes a test CA in dir (ca.pem, ca-key.pem) and a certificate and key for each
// node (<id>.pem, <id>-key.pem: common name and DNS name the ID, unit "node") and each
// client name (unit "client"). It is for tests and trials: keys are written unencrypted.
func MakeCerts(dir string, nodes, clients []string) error {
	for _, name := range append(slices.Clone(nodes), clients...) {
		if err := checkID(name); err != nil {
			return fmt.Errorf("certificate name %q: %v", name, err)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ca, caKey, err := makeCA(dir)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		if err := issue(dir, n, realrt.UnitNode, ca, caKey); err != nil {
			return err
		}
	}
	for _, c := range clients {
		if err := issue(dir, c, realrt.UnitClient, ca, caKey); err != nil {
			return err
		}
	}
	return nil
}

func makeCA(dir string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := template("simfuzz test CA", "ca")
	tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return ca, key, writePEM(dir, caCertFile, caKeyFile, der, key)
}

func issue(dir, name, unit string, ca *x509.Certificate, caKey *ecdsa.PrivateKey) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := template(name, unit)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	if unit == realrt.UnitNode {
		tmpl.DNSNames = []string{name}
		tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	cert, keyFile := CertFiles(dir, name)
	return writePEM(dir, filepath.Base(cert), filepath.Base(keyFile), der, key)
}

func template(name, unit string) *x509.Certificate {
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	now := time.Now()
	return &x509.Certificate{SerialNumber: serial,
		Subject:   pkix.Name{CommonName: name, OrganizationalUnit: []string{unit}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(certValidity)}
}

func writePEM(dir, certName, keyName string, der []byte, key *ecdsa.PrivateKey) error {
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
	if err := os.WriteFile(filepath.Join(dir, certName), certPEM, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, keyName), keyPEM, 0o600)
}

// clusterTLS is a check's test CA and certificates under OutDir/tls (nil: plain TCP).
type clusterTLS struct {
	dir string
}

// security makes the run's certificates when TLS is on: one per server and per client.
func (o CheckOptions) security() (*clusterTLS, error) {
	if !o.TLS {
		return nil, nil
	}
	dir := filepath.Join(o.OutDir, "tls")
	var nodes, clients []string
	for i := range o.Nodes {
		nodes = append(nodes, fmt.Sprintf("n%d", i+1))
	}
	for i := range o.Clients {
		clients = append(clients, fmt.Sprintf("c%d", i+1))
	}
	if err := MakeCerts(dir, nodes, clients); err != nil {
		return nil, fmt.Errorf("making the test certificates: %w", err)
	}
	return &clusterTLS{dir: dir}, nil
}

// client is the TLS setting of client id (nil without TLS).
func (s *clusterTLS) client(id nodeapi.NodeID) (*realrt.TLS, error) {
	if s == nil {
		return nil, nil
	}
	cert, key := CertFiles(s.dir, string(id))
	f := TLSFlags{CA: CAFile(s.dir), Cert: cert, Key: key}
	return f.Load("")
}

// serverArgs are the flags that give server id its certificate, as found under dir (the
// certificates' directory as the server sees it).
func (s *clusterTLS) serverArgs(id nodeapi.NodeID, dir string) []string {
	if s == nil {
		return nil
	}
	cert, key := CertFiles(dir, string(id))
	return []string{"--tls-ca", CAFile(dir), "--tls-cert", cert, "--tls-key", key}
}

// dirOrEmpty is the certificates' directory on the host ("" without TLS).
func (s *clusterTLS) dirOrEmpty() string {
	if s == nil {
		return ""
	}
	return s.dir
}
