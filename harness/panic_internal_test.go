package harness

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/model"
)

// memKV is a one-server key-value store for tests of the runner from inside the package:
// clients send an op to the first server, which applies it and answers at once.
type memKV struct{ convergedPanics bool }

type memServer struct {
	env   Env
	store map[string]string
}

type memClient struct {
	env    Env
	server NodeID
	done   func(Outcome)
}

func (s *memKV) NewNode(env Env, _ Boot) (Node, error) {
	return &memServer{env: env, store: map[string]string{}}, nil
}

func (s *memKV) NewClient(env Env, servers []NodeID) (Client, error) {
	return &memClient{env: env, server: servers[0]}, nil
}

func (s *memKV) Converged(_ []NodeID) error {
	if s.convergedPanics {
		panic("bug in the system's convergence check")
	}
	return nil
}

func (n *memServer) HandleMessage(from NodeID, msg []byte) {
	var op Op
	if json.Unmarshal(msg, &op) != nil {
		return
	}
	v, ok := n.store[op.Key]
	v, ok, res := model.Apply(v, ok, op)
	if ok {
		n.store[op.Key] = v
	} else {
		delete(n.store, op.Key)
	}
	b, _ := json.Marshal(res)
	n.env.Send(from, b)
}

func (c *memClient) Invoke(op Op, done func(Outcome)) {
	c.done = done
	b, _ := json.Marshal(op)
	c.env.Send(c.server, b)
}

func (c *memClient) HandleMessage(_ NodeID, msg []byte) {
	var res Result
	if d := c.done; d != nil && json.Unmarshal(msg, &res) == nil {
		c.done = nil
		d(Outcome{Result: res})
	}
}

func memScenario() Scenario {
	return Scenario{Version: ScenarioVersion, Seed: 1,
		Cluster: ClusterConfig{Nodes: []NodeID{"n1", "n2"}},
		Network: NetworkConfig{LatencyMin: Duration(time.Millisecond),
			LatencyMax: Duration(time.Millisecond)},
		Clients: []ClientScript{{ID: "c1", Ops: []ClientOp{{Kind: "put", Key: "k",
			Value: "v"}}}},
		Faults: []Fault{{At: Duration(time.Second), Kind: FaultCrash, Node: "n2",
			For: Duration(time.Second)}},
		Safety: Duration(3 * time.Second), Liveness: Duration(5 * time.Second)}
}

// The scenario runs clean as it is, so the failures below come from the injected panics.
func TestMemKVRunsClean(t *testing.T) {
	res, err := Run(memScenario(), &memKV{}, RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure)
}

// A panic in the harness's own code, in a fault's apply (inside a step) or in a healer
// (outside the steps), is a harness error: Run returns it and no failure is reported,
// so nothing is classed as a bug of the system, shrunk, or saved as a regression.
func TestRunReportsAHarnessPanicAsAnError(t *testing.T) {
	crash := specOf(FaultCrash)
	saved := crash.apply
	crash.apply = func(*runner, Fault) error { panic("bug in a fault's apply") }
	res, err := Run(memScenario(), &memKV{}, RunOptions{})
	crash.apply = saved
	require.Nil(t, res)
	var hp *HarnessPanicError
	require.ErrorAs(t, err, &hp)
	require.Equal(t, time.Second, hp.At)
	require.Contains(t, err.Error(), "harness error")

	heal := healStorms.heal
	healStorms.heal = func(*runner) { panic("bug in a healer") }
	res, err = Run(memScenario(), &memKV{}, RunOptions{})
	healStorms.heal = heal
	require.Nil(t, res)
	require.ErrorAs(t, err, &hp)
	require.Equal(t, "bug in a healer", hp.Value)
}

// A panic in the system's code outside any step (its convergence check, which the
// liveness phase calls between events) is the system's: a ClassPanic failure.
func TestRunReportsASystemPanicOutsideStepsAsAFailure(t *testing.T) {
	res, err := Run(memScenario(), &memKV{convergedPanics: true}, RunOptions{})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	require.Equal(t, ClassPanic, res.Failure.Class)
	require.Contains(t, res.Failure.Message, "the system's convergence check panicked")
}
