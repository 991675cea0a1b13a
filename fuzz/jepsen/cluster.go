package jepsen

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// ClusterOptions configure StartCluster.
type ClusterOptions struct {
	// Nodes is the number of servers, n1..nN.
	Nodes int
	// Binary is the server executable, run as `Binary Args... --id ID --peers ...`.
	Binary string
	// Args make Binary a server of the system: {"server", "--target", "T"} for a command
	// built on package fuzz/cli, {"server"} for raftkv; nil means {"server"}.
	Args []string
	// TLS gives every server its certificate (nil: plain TCP).
	TLS *clusterTLS
	// Containers runs each server in its own Docker container (containers.go); Binary
	// must then be a static Linux executable.
	Containers bool
	// LazyDisk starts the servers with --lazy-disk (kill -9 loses unsynced writes).
	LazyDisk bool
	// Dir holds the servers' data directories (Dir/data/nI) and logs (Dir/nI.log).
	Dir string
}

// maxNodes bounds a local cluster.
const maxNodes = 9

// Cluster is N server processes on localhost.
type Cluster struct {
	servers []*server
	byID    map[nodeapi.NodeID]*server
	peers   Peers
	docker  *dockerEnv
}

// StartCluster starts the servers and waits until every admin endpoint answers.
func StartCluster(o ClusterOptions) (*Cluster, error) {
	if o.Nodes < 1 || o.Nodes > maxNodes {
		return nil, fmt.Errorf("--nodes must be in 1..%d, got %d", maxNodes, o.Nodes)
	}
	if st, err := os.Stat(o.Binary); err != nil || st.IsDir() {
		return nil, fmt.Errorf("server binary %q: not an executable file", o.Binary)
	}
	if o.Args == nil {
		o.Args = []string{"server"}
	}
	c := &Cluster{byID: map[nodeapi.NodeID]*server{}, peers: Peers{}}
	var err error
	if o.Containers {
		err = c.placeContainers(o)
	} else {
		err = c.placeLocal(o)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	cluster := fmt.Sprintf("check-%d", time.Now().UnixNano())
	for _, s := range c.servers {
		s.args = append(slices.Clone(o.Args), "--id", string(s.id), "--peers",
			c.peers.String(), "--cluster", cluster)
		s.args = append(s.args, c.serverFlags(s, o)...)
		if o.LazyDisk {
			s.args = append(s.args, "--lazy-disk")
		}
		if err := s.start(); err != nil {
			c.Close()
			return nil, err
		}
	}
	if err := c.waitReady(30 * time.Second); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// placeLocal gives every server loopback ports and a data directory under o.Dir.
func (c *Cluster) placeLocal(o ClusterOptions) error {
	ports, err := freePorts(2 * o.Nodes)
	if err != nil {
		return err
	}
	for i := range o.Nodes {
		id := nodeapi.NodeID(fmt.Sprintf("n%d", i+1))
		c.add(&server{id: id, addr: ports[2*i], admin: NewAdminClient(ports[2*i+1]),
			dir: filepath.Join(o.Dir, "data", string(id)), binary: o.Binary,
			logPath: filepath.Join(o.Dir, string(id)+".log")})
	}
	return nil
}

// placeContainers builds the image and network and gives every server its address there.
func (c *Cluster) placeContainers(o ClusterOptions) error {
	d, err := newDockerEnv(o.Binary, o.Dir)
	if err != nil {
		return err
	}
	c.docker = d
	if o.TLS != nil {
		d.tlsDir = o.TLS.dir
	}
	for i := range o.Nodes {
		id := nodeapi.NodeID(fmt.Sprintf("n%d", i+1))
		ip := d.ip(i)
		admin := NewAdminClient(ip + ":" + containerAdminPort)
		admin.Token = d.token
		dir := filepath.Join(o.Dir, "data", string(id))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		c.add(&server{id: id, addr: ip + ":" + containerPort, admin: admin, dir: dir,
			logPath: filepath.Join(o.Dir, string(id)+".log"), docker: d, ip: ip})
	}
	return nil
}

func (c *Cluster) add(s *server) {
	c.servers = append(c.servers, s)
	c.byID[s.id] = s
	c.peers[s.id] = s.addr
}

// serverFlags are server s's data, admin and TLS flags: host paths for a local process,
// the mounted paths (/data, /tls) for a container, whose admin endpoint listens on its
// network address with a token.
func (c *Cluster) serverFlags(s *server, o ClusterOptions) []string {
	if c.docker == nil {
		return append([]string{"--data", s.dir, "--admin", s.admin.Addr},
			o.TLS.serverArgs(s.id, o.TLS.dirOrEmpty())...)
	}
	return append([]string{"--data", "/data", "--admin", s.admin.Addr, "--admin-public",
		"--admin-token", c.docker.token}, o.TLS.serverArgs(s.id, "/tls")...)
}

// waitReady waits until every server's admin endpoint answers; a server that exits
// meanwhile (its port taken, say) is reported with the end of its log.
func (c *Cluster) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for _, s := range c.servers {
		for {
			if _, err := s.admin.Status(); err == nil {
				break
			}
			if !s.running() {
				return fmt.Errorf("server %s exited at start-up: %s", s.id, logTail(s.logPath))
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("server %s did not answer on %s within %v", s.id,
					s.admin.Addr, timeout)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return nil
}

// logTail returns the last lines of a log file, for error messages.
func logTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-3):], " | ")
}

// Peers returns the servers' raft addresses.
func (c *Cluster) Peers() Peers { return c.peers }

// IDs returns the servers' IDs, sorted.
func (c *Cluster) IDs() []nodeapi.NodeID { return c.peers.IDs() }

// Statuses asks every running, unpaused server for its status, in parallel; servers that
// do not answer are left out.
func (c *Cluster) Statuses() map[nodeapi.NodeID]Status {
	var mu sync.Mutex
	var wg sync.WaitGroup
	out := map[nodeapi.NodeID]Status{}
	for _, s := range c.servers {
		if !s.running() || s.isPaused() {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if st, err := s.admin.Status(); err == nil {
				mu.Lock()
				out[s.id] = st
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

// Leader returns the leader of the highest term among the servers that answer, or "".
func (c *Cluster) Leader() nodeapi.NodeID {
	var leader nodeapi.NodeID
	var term uint64
	all := c.Statuses()
	for _, id := range c.IDs() {
		st, ok := all[id]
		if ok && st.Role == "leader" && st.Term >= term {
			leader, term = id, st.Term
		}
	}
	return leader
}

// WaitLeader waits until some server leads.
func (c *Cluster) WaitLeader(timeout time.Duration) (nodeapi.NodeID, error) {
	deadline := time.Now().Add(timeout)
	for {
		if l := c.Leader(); l != "" {
			return l, nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no leader within %v", timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *Cluster) server(id nodeapi.NodeID) (*server, error) {
	s, ok := c.byID[id]
	if !ok {
		return nil, fmt.Errorf("no server %q", id)
	}
	return s, nil
}

// Kill kills server id with SIGKILL (kill -9) and waits until it is gone.
func (c *Cluster) Kill(id nodeapi.NodeID) error {
	s, err := c.server(id)
	if err != nil {
		return err
	}
	return s.kill9()
}

// Restart starts server id again on the same ports and data directory; it fails if the
// server is running.
func (c *Cluster) Restart(id nodeapi.NodeID) error {
	s, err := c.server(id)
	if err != nil {
		return err
	}
	if s.running() {
		return fmt.Errorf("server %s is running", id)
	}
	return s.start()
}

// Pause stops server id with SIGSTOP; Resume continues it with SIGCONT.
func (c *Cluster) Pause(id nodeapi.NodeID) error {
	s, err := c.server(id)
	if err != nil {
		return err
	}
	return s.pause()
}

// Resume continues a paused server.
func (c *Cluster) Resume(id nodeapi.NodeID) error {
	s, err := c.server(id)
	if err != nil {
		return err
	}
	return s.resume()
}

// SetFaults replaces server id's drop table through its admin endpoint.
func (c *Cluster) SetFaults(id nodeapi.NodeID, table FaultTable) error {
	s, err := c.server(id)
	if err != nil {
		return err
	}
	return s.admin.SetFaults(table)
}

// Running reports whether server id has a process (paused or not).
func (c *Cluster) Running(id nodeapi.NodeID) bool {
	s, err := c.server(id)
	return err == nil && s.running()
}

// Crashes lists the server exits the harness did not cause: each is a found bug (a panic
// or a fatal error of the node) or a harness problem, and the log names which.
func (c *Cluster) Crashes() []string {
	var out []string
	for _, s := range c.servers {
		out = append(out, s.crashes()...)
	}
	return out
}

// Containers reports whether the servers run in containers.
func (c *Cluster) Containers() bool { return c.docker != nil }

// cutOff disconnects the containers of ids from the network (cut) or connects them again;
// it is the containers-mode partition, and does nothing to local processes.
func (c *Cluster) cutOff(ids []nodeapi.NodeID, cut bool) error {
	if c.docker == nil {
		return nil
	}
	var errs []error
	for _, id := range ids {
		if s, ok := c.byID[id]; ok {
			if cut {
				errs = append(errs, c.docker.disconnect(s))
			} else {
				errs = append(errs, c.docker.connect(s))
			}
		}
	}
	return errors.Join(errs...)
}

// Close stops every server gracefully (SIGTERM, then SIGKILL after a grace period), and in
// containers mode removes the containers, the network and the image.
func (c *Cluster) Close() {
	c.stopAll()
	if c.docker != nil {
		if err := c.docker.close(); err != nil {
			fmt.Fprintf(os.Stderr, "jepsen: cleaning up containers: %v\n", err)
		}
	}
}

func (c *Cluster) stopAll() {
	var wg sync.WaitGroup
	for _, s := range c.servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.stop(5 * time.Second)
		}()
	}
	wg.Wait()
}

// errNotRunning is what signalling a server slot without a process returns.
var errNotRunning = errors.New("not running")
