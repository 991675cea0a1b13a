package jepsen

import (
	"bytes"
	crand "crypto/rand"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Containers mode (CheckOptions.Containers) runs each server in its own Docker container on
// a private network: an image FROM scratch holding the static server binary, one container
// per node with its data directory bind-mounted from the host (so a restart finds it), a
// fixed address per node on the network, which the host's clients and admin calls reach
// directly. Kill is `docker kill`, pause `docker pause`, restart `docker start` of the same
// container; partitions and isolation disconnect the containers from the network (`docker
// network disconnect`), the other network faults keep using the drop tables. The docker CLI
// is run with os/exec; Close removes every container, the network and the image, and a
// harness killed before it could close leaves that to its reaper (containers_reaper.go).

// dockerEnv is one run's image and network.
type dockerEnv struct {
	run    string // the run's unique name: prefix of the containers, the network, the image
	image  string
	net    string
	subnet string // "10.213.X" of 10.213.X.0/24
	token  string // the admin token (the admin endpoint listens beyond loopback)
	tlsDir string // mounted at /tls when set
	mu     sync.Mutex
	// created lists the containers made, for Close.
	created []string
	// reaper removes what the run made if the harness dies without close.
	reaper *reaper
}

// Ports inside a container.
const (
	containerPort      = "7000"
	containerAdminPort = "7001"
)

// DockerAvailable reports why Docker cannot be used here (nil when `docker info` works).
func DockerAvailable() error {
	out, err := exec.Command("docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput()
	if err != nil {
		return fmt.Errorf("docker info failed (is the Docker engine running and the docker "+
			"CLI installed?): %v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// checkStatic refuses a binary that is dynamically linked: the image is FROM scratch, with
// no C library to load.
func checkStatic(binary string) error {
	f, err := elf.Open(binary)
	if err != nil {
		return fmt.Errorf("--containers needs a static Linux binary; %s: %v", binary, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("--containers needs a static binary, and %s is dynamically "+
				"linked; build it with CGO_ENABLED=0 go build -o PATH ... and pass --binary "+
				"PATH", binary)
		}
	}
	return nil
}

// newDockerEnv builds the image from binary and creates the network.
func newDockerEnv(binary, dir string) (*dockerEnv, error) {
	if err := DockerAvailable(); err != nil {
		return nil, err
	}
	if err := checkStatic(binary); err != nil {
		return nil, err
	}
	d := &dockerEnv{run: runPrefix + randomHex(4), token: randomHex(16)}
	d.image = d.run + ":check"
	r, err := startReaper(d.run)
	if err != nil {
		return nil, fmt.Errorf("starting the cleanup shell of containers mode: %w", err)
	}
	d.reaper = r
	if err := d.buildImage(binary, dir); err != nil {
		d.close()
		return nil, err
	}
	if err := d.createNetwork(); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = crand.Read(b)
	return hex.EncodeToString(b)
}

// docker runs the docker CLI and returns its error with its output.
func docker(args ...string) error {
	out, err := exec.Command("docker", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("docker %s: %v: %s", strings.Join(args, " "), err,
			bytes.TrimSpace(out))
	}
	return nil
}

func (d *dockerEnv) buildImage(binary, dir string) error {
	ctx, err := os.MkdirTemp(dir, "image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(ctx)
	data, err := os.ReadFile(binary)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(ctx, "server"), data, 0o755); err != nil {
		return err
	}
	file := "FROM scratch\nCOPY server /server\nENTRYPOINT [\"/server\"]\n"
	if err := os.WriteFile(filepath.Join(ctx, "Dockerfile"), []byte(file), 0o644); err != nil {
		return err
	}
	return docker("build", "-q", "-t", d.image, ctx)
}

// createNetwork makes a bridge network on a free 10.213.X.0/24 (a few tries: another
// network may hold the subnet drawn).
func (d *dockerEnv) createNetwork() error {
	d.net = d.run
	var err error
	for range 10 {
		d.subnet = fmt.Sprintf("10.213.%d", rand.IntN(256))
		err = docker("network", "create", "--subnet", d.subnet+".0/24", d.net)
		if err == nil {
			return nil
		}
	}
	d.net = ""
	return err
}

// addr is node i's address on the network (i from 0).
func (d *dockerEnv) ip(i int) string { return fmt.Sprintf("%s.%d", d.subnet, 10+i) }

// name is the container of node id.
func (d *dockerEnv) name(id nodeapi.NodeID) string { return d.run + "-" + string(id) }

// command is the docker CLI command that runs server s attached (its output is the
// server's log, its exit the container's): `docker run` the first time, `docker start -a`
// of the same container (same address, same data directory) after.
func (d *dockerEnv) command(s *server) *exec.Cmd {
	name := d.name(s.id)
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.created {
		if c == name {
			return exec.Command("docker", "start", "-a", name)
		}
	}
	d.created = append(d.created, name)
	args := []string{"run", "--name", name, "--network", d.net, "--ip", s.ip,
		"-v", s.dir + ":/data"}
	if d.tlsDir != "" {
		args = append(args, "-v", d.tlsDir+":/tls:ro")
	}
	args = append(args, d.image)
	return exec.Command("docker", append(args, s.args...)...)
}

// signal does to s's container what sig does to a process; wasPaused says whether the
// container is paused now.
func (d *dockerEnv) signal(s *server, sig syscall.Signal, wasPaused bool) error {
	name := d.name(s.id)
	switch sig {
	case syscall.SIGSTOP:
		return docker("pause", name)
	case syscall.SIGCONT:
		if !wasPaused {
			return nil
		}
		return docker("unpause", name)
	case syscall.SIGKILL:
		return docker("kill", name)
	}
	return docker("kill", "--signal", sig.String(), name)
}

// disconnect cuts s's container off the network (a partition: nothing reaches it, not even
// the host); connect puts it back at its address.
func (d *dockerEnv) disconnect(s *server) error {
	return docker("network", "disconnect", "--force", d.net, d.name(s.id))
}

func (d *dockerEnv) connect(s *server) error {
	return docker("network", "connect", "--ip", s.ip, d.net, d.name(s.id))
}

// close removes the containers, the network and the image; errors are joined.
func (d *dockerEnv) close() error {
	d.mu.Lock()
	names := append([]string(nil), d.created...)
	d.created = nil
	d.mu.Unlock()
	var errs []error
	if len(names) > 0 {
		errs = append(errs, docker(append([]string{"rm", "-f"}, names...)...))
	}
	if d.net != "" {
		errs = append(errs, docker("network", "rm", d.net))
		d.net = ""
	}
	if d.image != "" {
		errs = append(errs, docker("rmi", "-f", d.image))
		d.image = ""
	}
	if d.reaper != nil {
		d.reaper.release()
		d.reaper = nil
	}
	return errors.Join(errs...)
}

// runPrefix starts the name of every container, network and image of containers mode.
const runPrefix = "sfcheck-"

// Leftovers lists the containers and networks of containers-mode runs still present (for
// tests, and for a person cleaning up after a killed run): names starting with "sfcheck-".
func Leftovers() ([]string, error) {
	var out []string
	for _, args := range [][]string{
		{"ps", "-a", "--filter", "name=^" + runPrefix, "--format", "{{.Names}}"},
		{"network", "ls", "--filter", "name=^" + runPrefix, "--format", "{{.Name}}"},
	} {
		b, err := exec.Command("docker", args...).Output()
		if err != nil {
			return nil, err
		}
		out = append(out, strings.Fields(string(b))...)
	}
	return out, nil
}
