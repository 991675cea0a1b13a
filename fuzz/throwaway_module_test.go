package fuzz_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The workflow in a user's own module, built as a user builds it: a throwaway module
// outside this repository (a replace directive to it), a small store with a bug, a
// property test, and SIMFUZZ_SAVE=1 go test -run Property, which must fail and save the
// shrunk counterexample under the module's own testdata/regressions. Then go test -run
// Regressions replays it and fails the same way. It builds with the module cache only
// (GOPROXY=off), so it needs the dependencies `go mod download` fetched.
func TestThrowawayUserModuleSavesItsRegression(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module: skipped with -short")
	}
	tool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	_, here, _, _ := runtime.Caller(0)
	repo := filepath.Dir(filepath.Dir(here))
	mod := t.TempDir()
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	require.NoError(t, err)
	files := map[string]string{
		"go.mod": "module example.com/throwaway\n\ngo 1.26\n\n" +
			"require github.com/simfuzz/simfuzz v0.0.0\n\n" +
			"replace github.com/simfuzz/simfuzz => " + repo + "\n",
		"go.sum":                 string(sum),
		"store/store.go":         throwawayStore,
		"store/property_test.go": throwawayTests,
		"cmd/storefuzz/main.go":  throwawayMain,
	}
	for name, text := range files {
		p := filepath.Join(mod, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	goCmd := func(env []string, args ...string) (string, error) {
		cmd := exec.Command(tool, args...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), append([]string{"GOFLAGS=-mod=mod", "GOPROXY=off",
			"GOWORK=off"}, env...)...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := goCmd(nil, "vet", "./...")
	require.NoError(t, err, "the user's module does not build:\n%s", out)

	out, err = goCmd([]string{"SIMFUZZ_SAVE=1"}, "test", "-count=1", "-run", "Property",
		"./store/")
	require.Error(t, err, "the properties must find the store's bug:\n%s", out)
	saved, _ := filepath.Glob(filepath.Join(mod, "store", "testdata", "regressions",
		"*.json"))
	require.NotEmpty(t, saved, "SIMFUZZ_SAVE=1 saved nothing in the user's module:\n%s", out)
	require.Contains(t, out, "./store/", "repro lines name the user's package")
	t.Logf("go test -run Property in the user's module:\n%s", out)

	out, err = goCmd(nil, "test", "-count=1", "-run", "Regressions", "./store/")
	require.Error(t, err, "the saved regression must fail on the buggy store:\n%s", out)
	require.True(t, strings.Contains(out, "linearizab"), "the regression fails as the "+
		"property did:\n%s", out)
}

// throwawayStore is the user's system: one server that acknowledges every put and forgets
// it, so that a get after a put finds nothing.
const throwawayStore = `// Package store is a one-server key-value store with a bug: it forgets every put.
package store

import (
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// Target is the store as simfuzz sees it.
var Target = fuzz.Target{
	Name:    "throwaway-store",
	Doc:     "a store that forgets its puts",
	Nodes:   []int{1},
	OpKinds: []string{"get", "put"},
	Command: "go run ./cmd/storefuzz",
	New:     func(map[string]int64) (nodeapi.System, error) { return system{}, nil },
}

type system struct{}

type server struct{ env nodeapi.Env }

type client struct {
	env   nodeapi.Env
	to    nodeapi.NodeID
	seq   uint64
	done  func(nodeapi.Outcome)
	timer nodeapi.Timer
}

func (system) NewNode(env nodeapi.Env, _ nodeapi.Boot) (nodeapi.Node, error) {
	return &server{env: env}, nil
}

func (system) NewClient(env nodeapi.Env, servers []nodeapi.NodeID) (nodeapi.Client, error) {
	return &client{env: env, to: servers[0]}, nil
}

func (s *server) HandleMessage(from nodeapi.NodeID, msg []byte) {
	d := wire.NewDecoder(msg, 1<<16)
	seq := d.Uvarint()
	kv.DecodeOp(&d)
	if d.Err() != nil {
		return
	}
	var e wire.Encoder
	e.Uvarint(seq)
	e.Bool(false) // the bug: nothing is ever found
	s.env.Send(from, e.Buf)
}

func (c *client) Invoke(op nodeapi.Op, done func(nodeapi.Outcome)) {
	c.seq++
	c.done = done
	var e wire.Encoder
	e.Uvarint(c.seq)
	kv.EncodeOp(&e, op)
	c.env.Send(c.to, e.Buf)
	seq := c.seq
	c.timer = c.env.After(time.Second, func() {
		c.finish(seq, nodeapi.Outcome{Unknown: true})
	})
}

func (c *client) HandleMessage(_ nodeapi.NodeID, msg []byte) {
	d := wire.NewDecoder(msg, 1<<16)
	seq, found := d.Uvarint(), d.Bool()
	if d.Err() == nil {
		c.finish(seq, nodeapi.Outcome{Result: nodeapi.Result{Found: found}})
	}
}

func (c *client) finish(seq uint64, o nodeapi.Outcome) {
	if seq != c.seq || c.done == nil {
		return
	}
	done := c.done
	c.done = nil
	c.timer.Stop()
	done(o)
}
`

const throwawayTests = `package store

import "testing"

func TestPropertyStore(t *testing.T) { Target.Properties(t) }

func TestRegressions(t *testing.T) { Target.Regressions(t, "") }
`

const throwawayMain = `package main

import (
	"os"

	"example.com/throwaway/store"
	"github.com/simfuzz/simfuzz/fuzz/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr, store.Target)) }
`
