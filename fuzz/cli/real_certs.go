package cli

import (
	"fmt"
	"strings"

	"github.com/simfuzz/simfuzz/fuzz/jepsen"
)

const certsUsage = `usage: simfuzz certs --out DIR --nodes ID,... [--clients NAME,...]

Makes a test CA (DIR/ca.pem, DIR/ca-key.pem) and, for each node and client, a certificate
and key signed by it (DIR/ID.pem, DIR/ID-key.pem), for mutual TLS between servers and
clients (--tls-ca, --tls-cert, --tls-key). A node's certificate names its ID: a server
refuses a connection whose certificate names another node than the ID it claims. Keys are
written unencrypted: this is for tests and trials, not production.

flags:
`

func (a *app) cmdCerts(args []string) error {
	fs := a.newFlags("certs", certsUsage)
	out := fs.String("out", "", "directory to write the CA and certificates into")
	nodes := fs.String("nodes", "", "comma-separated node IDs")
	clients := fs.String("clients", "", "comma-separated client names")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usagef("certs takes no arguments, got %q", fs.Args())
	case *out == "":
		return usagef("--out is required")
	case *nodes == "":
		return usagef("--nodes is required")
	}
	nodeList, clientList := splitList(*nodes), splitList(*clients)
	if err := jepsen.MakeCerts(*out, nodeList, clientList); err != nil {
		return usagef("certs: %v", err)
	}
	fmt.Fprintf(a.stdout, "wrote a test CA and %d certificates to %s\n",
		len(nodeList)+len(clientList), *out)
	return nil
}

// splitList splits a comma-separated list, keeping empty entries (MakeCerts refuses them).
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}
