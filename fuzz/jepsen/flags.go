package jepsen

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// The flags of the server, client, check and bench commands, shared by every command that
// offers them (simfuzz and any main built on package fuzz/cli, and raftkv), so that they
// read and check the same everywhere. Errors from Options are bad input (exit 2).

// ServerFlags are the flags of a server command.
type ServerFlags struct {
	ID, Peers, Data, Cluster string
	Admin                    AdminOptions
	Lazy                     bool
	TLS                      TLSFlags
}

// Register defines the flags on fs.
func (f *ServerFlags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.ID, "id", "", "this node's ID; must appear in --peers")
	fs.StringVar(&f.Peers, "peers", "", "every node: id=host:port,id=host:port,...")
	fs.StringVar(&f.Data, "data", "", "data directory (created if missing; locked while "+
		"running; it records the node and cluster it belongs to at the first start)")
	fs.StringVar(&f.Cluster, "cluster", "", "cluster name, recorded in the data directory "+
		"at the first start and checked at every start")
	fs.StringVar(&f.Admin.Addr, "admin", "", "host:port of the admin HTTP endpoint (status, "+
		"drop table, disk faults); loopback only unless --admin-public")
	fs.BoolVar(&f.Admin.Public, "admin-public", false,
		"allow a non-loopback --admin address (requires --admin-token)")
	fs.StringVar(&f.Admin.Token, "admin-token", "",
		"secret every admin request must carry (Authorization: Bearer TOKEN)")
	fs.BoolVar(&f.Lazy, "lazy-disk", false,
		"keep writes in memory until fsync, so kill -9 loses the unsynced ones (testing)")
	f.TLS.Register(fs)
}

// Options checks the flags and returns the server's options (System and New are the
// caller's to fill).
func (f *ServerFlags) Options(args []string) (ServerOptions, error) {
	switch {
	case len(args) > 0:
		return ServerOptions{}, fmt.Errorf("unexpected argument %q", args[0])
	case f.ID == "":
		return ServerOptions{}, fmt.Errorf("--id is required")
	case f.Peers == "":
		return ServerOptions{}, fmt.Errorf("--peers is required")
	case f.Data == "":
		return ServerOptions{}, fmt.Errorf("--data is required")
	}
	peers, err := ParsePeers(f.Peers)
	if err != nil {
		return ServerOptions{}, fmt.Errorf("--peers: %v", err)
	}
	id := nodeapi.NodeID(f.ID)
	if _, ok := peers[id]; !ok {
		return ServerOptions{}, fmt.Errorf("--id %s is not in --peers (%s)", f.ID, peers)
	}
	if err := f.Admin.validate(); err != nil {
		return ServerOptions{}, err
	}
	sec, err := f.TLS.Load(id)
	if err != nil {
		return ServerOptions{}, err
	}
	return ServerOptions{ID: id, Peers: peers, Cluster: f.Cluster, Data: f.Data,
		LazyDisk: f.Lazy, Admin: f.Admin, TLS: sec}, nil
}

// CheckFlags are the flags of a check command.
type CheckFlags struct {
	o      CheckOptions
	seed   uint64
	quiet  bool
	faults string
}

// Register defines the flags on fs.
func (f *CheckFlags) Register(fs *flag.FlagSet) {
	fs.IntVar(&f.o.Nodes, "nodes", 3, "server processes")
	fs.IntVar(&f.o.Clients, "clients", 3, "closed-loop clients")
	fs.DurationVar(&f.o.Time, "time", 60*time.Second, "how long the workload and faults run")
	fs.Uint64Var(&f.seed, "seed", 0, "seed of the fault schedule and operations (0: random)")
	fs.BoolVar(&f.o.LazyDisk, "lazy-disk", false,
		"servers keep writes in memory until fsync, so kill -9 loses unsynced writes")
	fs.StringVar(&f.o.OutDir, "out", "", "output directory (default: a new one under $TMPDIR)")
	fs.StringVar(&f.o.Binary, "binary", "",
		"executable to run as the servers (default: this executable)")
	fs.BoolVar(&f.o.TLS, "tls", false, "run every link with mutual TLS (a test CA and a "+
		"certificate per node, made under --out)")
	fs.BoolVar(&f.o.Containers, "containers", false, "run each server in its own Docker "+
		"container on a private network (--binary must be static: CGO_ENABLED=0)")
	fs.BoolVar(&f.quiet, "quiet", false, "do not print the fault log as it happens")
	fs.StringVar(&f.faults, "faults", "", "comma-separated fault kinds (default: swarm "+
		"testing picks them from the seed; 'none' for no faults): "+KindNames(FaultKinds()))
}

// Options checks the flags and returns the check's options; name prefixes the default
// output directory, and progress gets the fault log unless --quiet. Target and ServerArgs
// are the caller's to fill.
func (f *CheckFlags) Options(args []string, name string, progress io.Writer) (CheckOptions,
	error) {
	o := f.o
	if len(args) > 0 {
		return o, fmt.Errorf("unexpected argument %q", args[0])
	}
	switch f.faults {
	case "":
	case "none":
		o.Faults = []FaultKind{}
	default:
		kinds, err := ParseKinds(f.faults)
		if err != nil {
			return o, fmt.Errorf("--faults: %v", err)
		}
		o.Faults = kinds
	}
	o.Seed = f.seed
	if o.Seed == 0 {
		o.Seed = rand.Uint64N(1<<31) + 1 // small enough to retype
	}
	if !f.quiet {
		o.Progress = progress
	}
	if err := o.ValidateShape(); err != nil {
		return o, err
	}
	return o, ResolvePaths(&o.Binary, &o.OutDir, name)
}

// ResolvePaths fills in the default binary (this executable, started again as a server)
// and output directory (a new one under $TMPDIR named after name); a --binary that is not
// an executable file is bad input.
func ResolvePaths(binary, outDir *string, name string) error {
	if *binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("cannot find this executable (pass --binary): %w", err)
		}
		*binary = exe
	}
	abs, err := filepath.Abs(*binary)
	if err != nil {
		return err
	}
	if st, err := os.Stat(abs); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("--binary %s: not an executable file", *binary)
	}
	*binary = abs
	if *outDir == "" {
		dir, err := os.MkdirTemp("", name+"-")
		if err != nil {
			return err
		}
		*outDir = dir
	}
	return nil
}
