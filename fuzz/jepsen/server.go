package jepsen

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/realrt"
)

// ServerOptions configure a server: one node of any system on the real runtime, with its
// data directory, its admin endpoint and its identity record.
type ServerOptions struct {
	// System names the system (a target's name) for the logs and the identity record;
	// New builds the system whose node this server runs.
	System string
	New    func() (nodeapi.System, error)
	// ID is this node; Peers every node (ID must be among them).
	ID    nodeapi.NodeID
	Peers Peers
	// Cluster names the cluster in the identity record (any string; "" is allowed).
	Cluster string
	// Data is the data directory; LazyDisk keeps writes in memory until fsync.
	Data     string
	LazyDisk bool
	// Admin is the admin endpoint's address ("" for none); see AdminOptions for when it may
	// listen beyond loopback.
	Admin AdminOptions
	// TLS, if set, makes the peer and client links mutual TLS.
	TLS *realrt.TLS
	// Log receives the node's and the server's log lines.
	Log io.Writer
	// Hooks add what a system knows of itself (all optional).
	Hooks ServerHooks
}

// ServerHooks let a system's own command say more than the generic server can.
type ServerHooks struct {
	// BeforeStart runs on the data directory before the node recovers from it (the Raft KV
	// logs the torn tails its recovery will drop, with file and offset).
	BeforeStart func(disk *realrt.Disk, log io.Writer)
	// Explain turns the node's start error into a message (naming a damaged file).
	Explain func(disk *realrt.Disk, err error) error
	// Status fills the system-specific fields of st, on the node's loop.
	Status func(sys nodeapi.System, st *Status)
	// Failed reports the error that stopped the node for good, if any, on the node's loop
	// (the Raft KV's fatal errors); nil means only a failed restart counts.
	Failed func(sys nodeapi.System) error
}

// Server is a running node: the runtime, the system and the admin endpoint.
type Server struct {
	o     ServerOptions
	rt    *realrt.Runtime
	sys   nodeapi.System
	admin *http.Server
}

// StartServer checks the options, claims the data directory, recovers the node from it and
// starts the admin endpoint. Errors say what to fix (the commands exit 2 on any of them): a
// bad option, a *realrt.IdentityError, a port taken, a recovery that failed.
func StartServer(o ServerOptions) (*Server, error) {
	addr, ok := o.Peers[o.ID]
	if !ok {
		return nil, fmt.Errorf("--id %s is not in --peers (%s)", o.ID, o.Peers)
	}
	if err := o.Admin.validate(); err != nil {
		return nil, err
	}
	disk, err := realrt.OpenDisk(o.Data, realrt.DiskOptions{Lazy: o.LazyDisk})
	if err != nil {
		return nil, err
	}
	if err := disk.Claim(realrt.Identity{Node: string(o.ID), Cluster: o.Cluster,
		System: o.System}); err != nil {
		disk.Close()
		return nil, err
	}
	if o.Hooks.BeforeStart != nil {
		o.Hooks.BeforeStart(disk, o.Log)
	}
	rt, err := realrt.New(realrt.Options{ID: o.ID, Listen: addr, Peers: o.Peers, Disk: disk,
		Log: o.Log, TLS: o.TLS})
	if err != nil {
		return nil, err
	}
	s := &Server{o: o, rt: rt}
	if err := s.boot(); err != nil {
		rt.Kill()
		return nil, err
	}
	if err := s.listenAdmin(); err != nil {
		rt.Stop()
		return nil, err
	}
	fmt.Fprintf(o.Log, "%s server %s: listening on %s, data in %s%s, admin on %s%s\n",
		o.System, o.ID, addr, o.Data, map[bool]string{true: " (lazy disk)"}[o.LazyDisk],
		orNone(o.Admin.Addr), map[bool]string{true: ", mutual TLS"}[o.TLS != nil])
	return s, nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// boot builds the system and recovers the node from its disk.
func (s *Server) boot() error {
	sys, err := s.o.New()
	if err != nil {
		return err
	}
	s.sys = sys
	_, err = s.rt.StartNode(sys, nodeapi.Boot{Peers: s.o.Peers.IDs()})
	return s.explain(err)
}

func (s *Server) explain(err error) error {
	if err != nil && s.o.Hooks.Explain != nil {
		return s.o.Hooks.Explain(s.rt.Disk(), err)
	}
	return err
}

func (s *Server) listenAdmin() error {
	if s.o.Admin.Addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", s.o.Admin.Addr)
	if err != nil {
		return fmt.Errorf("--admin: %w", err)
	}
	s.admin = &http.Server{Handler: AdminHandler(s.rt, s.Status, s.o.Admin.Token),
		ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.admin.Serve(ln) }()
	return nil
}

// Status reads the node's state on its loop: its role (leader if the system's
// nodeapi.LeaderReporter names it, "down" between a fail-stop and the restart), its term
// (nodeapi.TermReporter), and whatever the Status hook adds.
func (s *Server) Status() (Status, error) {
	st := Status{ID: string(s.o.ID), System: s.o.System, PID: os.Getpid()}
	err := s.rt.Do(func() { s.fillStatus(&st) })
	st.FailStops = s.rt.Stats().FailStops
	return st, err
}

func (s *Server) fillStatus(st *Status) {
	if err := s.rt.RestartError(); err != nil {
		st.Role = "down"
		st.Failed = "restart after a fail-stop failed: " + s.explain(err).Error()
		return
	}
	st.Role = "follower"
	if lr, ok := s.sys.(nodeapi.LeaderReporter); ok {
		if l := lr.Leader(); l == s.o.ID {
			st.Role, st.Leader = "leader", string(l)
		}
	}
	if tr, ok := s.sys.(nodeapi.TermReporter); ok {
		st.Term = tr.Term()
	}
	if s.o.Hooks.Status != nil {
		s.o.Hooks.Status(s.sys, st)
	}
	if s.o.Hooks.Failed != nil {
		if err := s.o.Hooks.Failed(s.sys); err != nil {
			st.Failed = err.Error()
		}
	}
}

// Serve runs until ctx ends (a clean stop: 0) or until the node has failed for good (a
// fatal local error, or a restart after a fail-stop that could not recover: 1, since a
// replica that cannot trust its disk must not serve).
func (s *Server) Serve(ctx context.Context) int {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	code := 0
	for code == 0 && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-tick.C:
			if st, err := s.Status(); err == nil && st.Failed != "" {
				fmt.Fprintf(s.o.Log, "%s server %s: node failed: %s\n", s.o.System, s.o.ID,
					st.Failed)
				code = 1
			}
		}
	}
	s.Close()
	if code == 0 {
		fmt.Fprintf(s.o.Log, "%s server %s: stopped\n", s.o.System, s.o.ID)
	}
	return code
}

// Close stops the admin endpoint and the node (gracefully).
func (s *Server) Close() {
	if s.admin != nil {
		_ = s.admin.Close()
	}
	s.rt.Stop()
}

// Runtime is the server's endpoint.
func (s *Server) Runtime() *realrt.Runtime { return s.rt }

// System is the server's system (its one node).
func (s *Server) System() nodeapi.System { return s.sys }
