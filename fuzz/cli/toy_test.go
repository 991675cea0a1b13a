package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
)

// Toy targets for the command's tests: cheap runs, and failures on demand, which the Raft
// KV does not provide.
//
// toy-kv: every client keeps its own store, so two clients that share a key see different
// values and the history is not linearizable; a client alone passes. Some seeds fail,
// deterministically, and shrink.
//
// toy-broken: every run fails its invariant after the first event.
//
// toy-split: every run fails its invariant once an operation started, with one of two
// messages (two signatures): a read bug if the first operation reads, a write bug if not.

type toySystem struct {
	broken, split bool
	// first is the first operation invoked, by a toy-split.
	first *nodeapi.Op
}

type toyNode struct{ env nodeapi.Env }

func (n *toyNode) HandleMessage(nodeapi.NodeID, []byte) {}

func (s *toySystem) NewNode(env nodeapi.Env, _ nodeapi.Boot) (nodeapi.Node, error) {
	n := &toyNode{env: env}
	env.After(10*time.Millisecond, func() {}) // one event, so that invariants run
	return n, nil
}

func (s *toySystem) NewClient(env nodeapi.Env, _ []nodeapi.NodeID) (nodeapi.Client, error) {
	return &toyClient{env: env, data: map[string]string{}, sys: s}, nil
}

func (s *toySystem) CheckAfterEvent(nodeapi.NodeID) error {
	if s.split && s.first != nil {
		kind := map[bool]string{true: "read", false: "write"}[s.first.Kind == kv.Get]
		return fmt.Errorf("toy-split has a %s bug at key %s", kind, s.first.Key)
	}
	if s.broken {
		return errors.New("toy-broken is always broken")
	}
	return nil
}

type toyClient struct {
	env  nodeapi.Env
	data map[string]string
	sys  *toySystem
}

func (c *toyClient) HandleMessage(nodeapi.NodeID, []byte) {}

func (c *toyClient) Invoke(op nodeapi.Op, done func(nodeapi.Outcome)) {
	if c.sys.first == nil {
		c.sys.first = &op
	}
	c.env.After(time.Millisecond, func() {
		v, ok := c.data[op.Key]
		nv, present, res := kv.Apply(v, ok, op)
		if present {
			c.data[op.Key] = nv
		} else {
			delete(c.data, op.Key)
		}
		done(nodeapi.Outcome{Result: res})
	})
}

// toyTarget is a one-node toy without faults, small workloads and few keys.
func toyTarget(name string, broken bool) fuzz.Target {
	return fuzz.Target{
		Name: name,
		Doc:  "a toy for the command's tests",
		New: func(map[string]int64) (nodeapi.System, error) {
			return &toySystem{broken: broken, split: name == "toy-split"}, nil
		},
		Tune: func(o *generators.Options) {
			o.Nodes, o.MaxClients, o.MaxOps, o.MaxKeys, o.Kinds = []int{1}, 3, 6, 2, nil
		},
	}
}

// stuckTarget's runs block in New until release is closed: seeds that are "running" for
// as long as a test needs. Each run that starts sends on started, if it has room.
func stuckTarget(release <-chan struct{}, started chan<- struct{}) fuzz.Target {
	tg := toyTarget("toy-stuck", false)
	tg.Tune = func(o *generators.Options) { // one client: it never fails, never saves
		o.Nodes, o.MaxClients, o.MaxOps, o.Kinds = []int{1}, 1, 2, nil
	}
	tg.New = func(map[string]int64) (nodeapi.System, error) {
		select {
		case started <- struct{}{}:
		default:
		}
		<-release
		return &toySystem{}, nil
	}
	return tg
}

// toyTargets are the targets of the test binary when it stands in for a simfuzz command.
func toyTargets() []fuzz.Target {
	return []fuzz.Target{fuzz.RaftKV, toyTarget("toy-kv", false), toyTarget("toy-broken", true),
		toyTarget("toy-split", false)}
}
