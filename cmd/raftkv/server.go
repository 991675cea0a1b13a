package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/simfuzz/simfuzz/fuzz/jepsen"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/realrt"
	"github.com/simfuzz/simfuzz/raft"
)

type serverFlags struct {
	id, peers, data, admin string
	lazy                   bool
}

func parseServerFlags(args []string, stderr io.Writer) (serverFlags, error) {
	var f serverFlags
	fs := flag.NewFlagSet("raftkv server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.id, "id", "", "this node's ID; must appear in --peers")
	fs.StringVar(&f.peers, "peers", "", "every node: id=host:port,id=host:port,...")
	fs.StringVar(&f.data, "data", "", "data directory (created if missing; locked while running)")
	fs.StringVar(&f.admin, "admin", "", "host:port of the admin HTTP endpoint (status, drop table)")
	fs.BoolVar(&f.lazy, "lazy-disk", false,
		"keep writes in memory until fsync, so kill -9 loses the unsynced ones (testing)")
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	switch {
	case fs.NArg() > 0:
		return f, usagef("unexpected argument %q", fs.Arg(0))
	case f.id == "":
		return f, usagef("--id is required")
	case f.peers == "":
		return f, usagef("--peers is required")
	case f.data == "":
		return f, usagef("--data is required")
	}
	return f, nil
}

// node is a running server: the runtime, the raft system and the admin endpoint.
type node struct {
	id    nodeapi.NodeID
	rt    *realrt.Runtime
	sys   *raft.System
	admin *http.Server
}

func cmdServer(args []string, _, stderr io.Writer) int {
	f, err := parseServerFlags(args, stderr)
	if err != nil {
		return report(stderr, "server", err)
	}
	n, err := startNode(f, stderr)
	if err != nil {
		return report(stderr, "server", err)
	}
	return n.serve(stderr)
}

// startNode checks the input, opens the data directory and starts the node; every error
// says what to fix.
func startNode(f serverFlags, log io.Writer) (*node, error) {
	peers, err := jepsen.ParsePeers(f.peers)
	if err != nil {
		return nil, usagef("--peers: %v", err)
	}
	id := nodeapi.NodeID(f.id)
	addr, ok := peers[id]
	if !ok {
		return nil, usagef("--id %s is not in --peers (%s)", f.id, peers)
	}
	disk, err := realrt.OpenDisk(f.data, realrt.DiskOptions{Lazy: f.lazy})
	if err != nil {
		return nil, err
	}
	rt, err := realrt.New(realrt.Options{ID: id, Listen: addr, Peers: peers, Disk: disk,
		Log: log})
	if err != nil {
		return nil, err
	}
	n := &node{id: id, rt: rt}
	if err := n.boot(peers, disk); err != nil {
		rt.Kill()
		return nil, err
	}
	if err := n.listenAdmin(f.admin); err != nil {
		rt.Stop()
		return nil, err
	}
	fmt.Fprintf(log, "raftkv server %s: listening on %s, data in %s%s, admin on %s\n", id,
		addr, f.data, map[bool]string{true: " (lazy disk)"}[f.lazy], orNone(f.admin))
	return n, nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// boot recovers the node from its disk; a damaged record refuses the start, naming the file.
func (n *node) boot(peers jepsen.Peers, disk *realrt.Disk) error {
	sys, err := raft.NewSystem(raft.DefaultConfig())
	if err != nil {
		return err
	}
	n.sys = sys
	_, err = n.rt.StartNode(sys, nodeapi.Boot{Peers: peers.IDs()})
	return explainStart(disk, err)
}

// explainStart names the damaged file when a start (or a restart after a fail-stop) failed
// on a corrupted record.
func explainStart(disk *realrt.Disk, err error) error {
	var ce *raft.CorruptionError
	if errors.As(err, &ce) {
		return fmt.Errorf("data file %s is corrupted at offset %d (%v); refusing to start "+
			"rather than serve from a damaged log", disk.Path(ce.File), ce.Offset, ce.Err)
	}
	return err
}

func (n *node) listenAdmin(addr string) error {
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--admin: %w", err)
	}
	n.admin = &http.Server{Handler: jepsen.AdminHandler(n.rt, n.status),
		ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = n.admin.Serve(ln) }()
	return nil
}

// status reads the node's state on its loop. After a fail-stop (a failed fsync) the node
// is "down" until the runtime restarts it from the data directory; a restart that failed
// is the node's failure.
func (n *node) status() (jepsen.Status, error) {
	st := jepsen.Status{ID: string(n.id), PID: os.Getpid()}
	err := n.rt.Do(func() {
		rn := n.sys.Node(n.id)
		if rn == nil {
			st.Role = "down"
			if err := n.rt.RestartError(); err != nil {
				st.Failed = "restart after a fail-stop failed: " +
					explainStart(n.rt.Disk(), err).Error()
			}
			return
		}
		s := rn.Status()
		st.Role, st.Term, st.Leader = s.Role.String(), s.Term, string(s.Leader)
		st.Commit, st.Applied, st.LastIndex = s.Commit, s.Applied, s.LastIndex
		if s.Failed != nil {
			st.Failed = s.Failed.Error()
		}
	})
	return st, err
}

// serve runs until SIGTERM or SIGINT (a clean stop, exit 0) or until the node stops itself
// after a fatal local error or cannot be restarted after a fail-stop (exit 1: a replica
// that cannot trust its disk must not serve).
func (n *node) serve(log io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	code := exitOK
	for code == exitOK && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-tick.C:
			if st, err := n.status(); err == nil && st.Failed != "" {
				fmt.Fprintf(log, "raftkv server %s: node failed: %s\n", n.id, st.Failed)
				code = exitFailure
			}
		}
	}
	if n.admin != nil {
		_ = n.admin.Close()
	}
	n.rt.Stop()
	if code == exitOK {
		fmt.Fprintf(log, "raftkv server %s: stopped\n", n.id)
	}
	return code
}
