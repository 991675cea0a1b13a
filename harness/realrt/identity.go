package realrt

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// identityName is the file that records whose data a directory holds; as a dot-file it is
// the runtime's, never listed to the node.
const identityName = ".identity"

// Identity is what a data directory belongs to: a node of a cluster running a system. It
// is written at the first start and checked at every later one, so that a server started
// with another node's ID (or another cluster's directory) refuses to run instead of
// serving another replica's log as its own.
type Identity struct {
	// Node is the node's ID; Cluster names the cluster (any string the operator picks);
	// System names the system (a target's name), so that one system's files are never
	// read by another.
	Node    string `json:"node"`
	Cluster string `json:"cluster"`
	System  string `json:"system"`
}

// IdentityError is a data directory that belongs to someone else.
type IdentityError struct {
	Path       string
	Have, Want Identity
}

func (e *IdentityError) Error() string {
	return fmt.Sprintf("data directory belongs to node %q of cluster %q (system %q), not "+
		"node %q of cluster %q (system %q); recorded in %s. Start the right node on it, or "+
		"give this node its own directory", e.Have.Node, e.Have.Cluster, e.Have.System,
		e.Want.Node, e.Want.Cluster, e.Want.System, e.Path)
}

// Claim checks the directory's identity record against want, writing it (durably) if the
// directory has none: an *IdentityError if it belongs to another node, cluster or system.
// A memory disk has no record to check.
func (d *Disk) Claim(want Identity) error {
	if d.dir == "" {
		return nil
	}
	path := filepath.Join(d.dir, identityName)
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return writeIdentity(d.dir, path, want)
	case err != nil:
		return fmt.Errorf("identity record %s: %w", path, err)
	}
	var have Identity
	if err := json.Unmarshal(b, &have); err != nil {
		return fmt.Errorf("identity record %s is damaged (%v); refusing to guess whose "+
			"data this is", path, err)
	}
	if have != want {
		return &IdentityError{Path: path, Have: have, Want: want}
	}
	return nil
}

// writeIdentity writes the record through a temporary file, fsynced, then renamed.
func writeIdentity(dir, path string, id Identity) error {
	b, err := json.Marshal(id)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err == nil {
		_, err = f.Write(append(b, '\n'))
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return fmt.Errorf("writing identity record %s: %w", path, err)
	}
	return nil
}
