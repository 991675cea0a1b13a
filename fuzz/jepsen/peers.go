package jepsen

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Peers maps each server of a cluster to its address (host:port).
type Peers map[nodeapi.NodeID]string

// IDs returns the servers' IDs, sorted.
func (p Peers) IDs() []nodeapi.NodeID { return slices.Sorted(maps.Keys(p)) }

// String is the --peers form: "n1=127.0.0.1:7001,n2=127.0.0.1:7002", sorted by ID.
func (p Peers) String() string {
	parts := make([]string, 0, len(p))
	for _, id := range p.IDs() {
		parts = append(parts, string(id)+"="+p[id])
	}
	return strings.Join(parts, ",")
}

// ParsePeers reads a --peers list. Each entry is id=host:port with a non-empty ID made of
// letters, digits, '-', '_' and '.', and a numeric port; IDs and addresses are unique. The
// error names the offending entry, for a person to fix.
func ParsePeers(s string) (Peers, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("empty peer list (want id=host:port,id=host:port,...)")
	}
	p := Peers{}
	seen := map[string]nodeapi.NodeID{}
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		id, addr, ok := strings.Cut(entry, "=")
		if !ok {
			return nil, fmt.Errorf("peer %q: want id=host:port", entry)
		}
		if err := checkID(id); err != nil {
			return nil, fmt.Errorf("peer %q: %v", entry, err)
		}
		if err := checkAddr(addr); err != nil {
			return nil, fmt.Errorf("peer %q: %v", entry, err)
		}
		if _, dup := p[nodeapi.NodeID(id)]; dup {
			return nil, fmt.Errorf("peer %q: ID %s appears twice", entry, id)
		}
		if other, dup := seen[addr]; dup {
			return nil, fmt.Errorf("peer %q: address %s is also %s's", entry, addr, other)
		}
		p[nodeapi.NodeID(id)], seen[addr] = addr, nodeapi.NodeID(id)
	}
	return p, nil
}

// maxID bounds a node ID, far below what the wire format allows.
const maxID = 64

func checkID(id string) error {
	if id == "" || len(id) > maxID {
		return fmt.Errorf("the ID must have 1 to %d characters", maxID)
	}
	for _, r := range id {
		ok := r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			return fmt.Errorf("the ID %q may hold only letters, digits, '-', '_' and '.'", id)
		}
	}
	return nil
}

func checkAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q is not host:port", addr)
	}
	if host == "" {
		return fmt.Errorf("address %q has no host", addr)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("address %q: port must be a number in 1..65535", addr)
	}
	return nil
}
