package jepsen

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// server is one `raftkv server` process slot: the same ID, addresses and data directory
// across restarts, a new process each time it is started.
type server struct {
	id      nodeapi.NodeID
	addr    string
	admin   *AdminClient
	dir     string
	logPath string
	args    []string
	binary  string
	// docker runs the slot as a container (containers.go) at ip; nil: a local process.
	docker *dockerEnv
	ip     string

	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
	exitErr error
	paused  bool
	// killedByUs is set when the harness killed or stopped the running process, so that
	// its exit is not mistaken for a crash of the node.
	killedByUs bool
	// unexpected records exits the harness did not cause (a panic, a fatal error).
	unexpected []string
}

// start launches a new process for the slot. Its stderr (the node's log) is appended to
// the slot's log file, so a restart continues the same file.
func (s *server) start() error {
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "--- harness: starting %s at %s\n", s.id, time.Now().Format(time.TimeOnly))
	cmd := exec.Command(s.binary, s.args...)
	if s.docker != nil {
		cmd = s.docker.command(s)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = serverProcAttr()
	if err := startProcess(cmd); err != nil {
		return fmt.Errorf("starting server %s (%s): %w", s.id, s.binary, err)
	}
	exited := make(chan struct{})
	s.mu.Lock()
	s.cmd, s.exited, s.paused, s.killedByUs = cmd, exited, false, false
	s.mu.Unlock()
	go s.reap(cmd, exited)
	return nil
}

// reap waits for the process and records an exit the harness did not cause.
func (s *server) reap(cmd *exec.Cmd, exited chan struct{}) {
	err := cmd.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == cmd && !s.killedByUs {
		s.unexpected = append(s.unexpected, fmt.Sprintf("server %s (pid %d) exited on its "+
			"own: %v (see %s)", s.id, cmd.Process.Pid, err, s.logPath))
	}
	if s.cmd == cmd {
		s.exitErr = err
	}
	close(exited)
}

// running reports whether a process is up (paused counts as up).
func (s *server) running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return false
	}
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// signal sends sig to the running process; with kill set, the exit that follows is ours.
func (s *server) signal(sig syscall.Signal, kill bool) (chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil, errNotRunning
	}
	select {
	case <-s.exited:
		return nil, errNotRunning
	default:
	}
	if kill {
		s.killedByUs = true
	}
	wasPaused := s.paused
	switch sig {
	case syscall.SIGSTOP:
		s.paused = true
	case syscall.SIGCONT:
		s.paused = false
	}
	if s.docker != nil {
		return s.exited, s.docker.signal(s, sig, wasPaused)
	}
	return s.exited, s.cmd.Process.Signal(sig)
}

// kill9 kills the process with SIGKILL and waits for it to be gone.
func (s *server) kill9() error {
	exited, err := s.signal(syscall.SIGKILL, true)
	if err != nil {
		return err
	}
	<-exited
	return nil
}

// pause and resume stop and continue the process (SIGSTOP, SIGCONT).
func (s *server) pause() error  { _, err := s.signal(syscall.SIGSTOP, false); return err }
func (s *server) resume() error { _, err := s.signal(syscall.SIGCONT, false); return err }

// isPaused reports whether the harness has the process stopped.
func (s *server) isPaused() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
}

// stop ends the process gracefully (SIGCONT, then SIGTERM), killing it if it does not
// leave within the grace period.
func (s *server) stop(grace time.Duration) {
	_, _ = s.signal(syscall.SIGCONT, false)
	exited, err := s.signal(syscall.SIGTERM, true)
	if err != nil {
		return
	}
	select {
	case <-exited:
	case <-time.After(grace):
		_ = s.kill9()
	}
}

// crashes returns the exits the harness did not cause.
func (s *server) crashes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.unexpected...)
}

// freePorts reserves n loopback ports chosen by the operating system. The listeners stay
// open until all n are chosen, so no two are the same; a port can still be taken by someone
// else before the server binds it, which start-up then reports.
func freePorts(n int) ([]string, error) {
	lns := make([]net.Listener, 0, n)
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	addrs := make([]string, 0, n)
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("choosing a free port: %w", err)
		}
		lns = append(lns, ln)
		addrs = append(addrs, ln.Addr().String())
	}
	return addrs, nil
}
