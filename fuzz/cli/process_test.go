package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Some behaviour only shows in a real process: signals, exit codes, several processes. The
// tests build the simfuzz command, and the test binary itself stands in for a simfuzz with
// toy targets (toyTargets) when started with childEnv=1.

const childEnv = "SIMFUZZ_CLI_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr, toyTargets()...))
	}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

// simfuzzBinary builds ./cmd/simfuzz once per test binary and returns its path.
func simfuzzBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		if binDir, buildErr = os.MkdirTemp("", "simfuzz-cli-test-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "simfuzz")
		cmd := exec.Command(goCmd, "build", "-o", binPath, "./cmd/simfuzz")
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/simfuzz: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// proc is a command started by a test, with its output captured.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan struct{}
}

// startSimfuzz starts the built simfuzz with args in dir.
func startSimfuzz(t *testing.T, dir string, args ...string) *proc {
	return start(t, exec.Command(simfuzzBinary(t), args...), dir)
}

// startChild starts the test binary as a simfuzz with the toy targets.
func startChild(t *testing.T, dir string, args ...string) *proc {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	return start(t, cmd, dir)
}

func start(t *testing.T, cmd *exec.Cmd, dir string) *proc {
	t.Helper()
	p := &proc{cmd: cmd, done: make(chan struct{})}
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &p.stdout, &p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	return p
}

// wait waits for the process to exit and returns its exit code; it kills a process that
// takes longer than limit and fails the test.
func (p *proc) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(limit):
		p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("%v did not exit within %v\nstderr:\n%s", p.cmd.Args, limit,
			p.stderr.String())
	}
	return p.cmd.ProcessState.ExitCode()
}

// runChild runs the toy simfuzz to the end and returns its exit code and output.
func runChild(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	p := startChild(t, dir, args...)
	code := p.wait(t, 60*time.Second)
	return code, p.stdout.String(), p.stderr.String()
}
