package harness

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/model"
)

// memKV is a one-server key-value store for tests of the runner from inside the package:
// clients send an op to the first server, which applies it and answers at once.
type memKV struct{ convergedPanics bool }

type memServer struct {
	env   nodeapi.Env
	store map[string]string
}

type memClient struct {
	env    nodeapi.Env
	server nodeapi.NodeID
	done   func(nodeapi.Outcome)
}

func (s *memKV) NewNode(env nodeapi.Env, _ nodeapi.Boot) (nodeapi.Node, error) {
	return &memServer{env: env, store: map[string]string{}}, nil
}

func (s *memKV) NewClient(env nodeapi.Env, servers []nodeapi.NodeID) (nodeapi.Client, error) {
	return &memClient{env: env, server: servers[0]}, nil
}

func (s *memKV) Converged(_ []nodeapi.NodeID) error {
	if s.convergedPanics {
		panic("bug in the system's convergence check")
	}
	return nil
}

func (n *memServer) HandleMessage(from nodeapi.NodeID, msg []byte) {
	var op nodeapi.Op
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

func (c *memClient) Invoke(op nodeapi.Op, done func(nodeapi.Outcome)) {
	c.done = done
	b, _ := json.Marshal(op)
	c.env.Send(c.server, b)
}

func (c *memClient) HandleMessage(_ nodeapi.NodeID, msg []byte) {
	var res nodeapi.Result
	if d := c.done; d != nil && json.Unmarshal(msg, &res) == nil {
		c.done = nil
		d(nodeapi.Outcome{Result: res})
	}
}

func memScenario() scenario.Scenario {
	return scenario.Scenario{Version: scenario.ScenarioVersion, Seed: 1,
		Cluster: scenario.ClusterConfig{Nodes: []nodeapi.NodeID{"n1", "n2"}},
		Network: scenario.NetworkConfig{LatencyMin: scenario.Duration(time.Millisecond),
			LatencyMax: scenario.Duration(time.Millisecond)},
		Clients: []scenario.ClientScript{{ID: "c1", Ops: []scenario.ClientOp{{Kind: "put", Key: "k",
			Value: "v"}}}},
		Faults: []scenario.Fault{{At: scenario.Duration(time.Second), Kind: scenario.FaultCrash,
			Node: "n2", For: scenario.Duration(time.Second)}},
		Safety: scenario.Duration(3 * time.Second), Liveness: scenario.Duration(5 * time.Second)}
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
	crash := behaviourOf(scenario.FaultCrash)
	saved := crash.apply
	crash.apply = func(*runner, scenario.Fault) error { panic("bug in a fault's apply") }
	res, err := Run(memScenario(), &memKV{}, RunOptions{})
	crash.apply = saved
	require.Nil(t, res)
	var hp *sim.HarnessPanicError
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
