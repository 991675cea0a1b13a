package harness_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/model"
	"github.com/stretchr/testify/require"
)

// toyKV is a deliberately simple system for testing the runner: the first server holds the
// whole store in memory (a crash loses it), clients send it requests and wait for replies.
type toyKV struct {
	dropKey string // the server ignores requests for this key (a liveness bug)
	// servers records the server list each client endpoint was created with.
	servers map[harness.NodeID][]harness.NodeID
}

type toyReq struct {
	ID int
	Op model.Op
}

type toyResp struct {
	ID     int
	Result model.Result
}

type toyServer struct {
	env   harness.Env
	store map[string]string
	drop  string
}

func (s *toyKV) NewNode(env harness.Env, _ harness.Boot) (harness.Node, error) {
	return &toyServer{env: env, store: map[string]string{}, drop: s.dropKey}, nil
}

func (s *toyKV) NewClient(env harness.Env, servers []harness.NodeID) (harness.Client, error) {
	if s.servers == nil {
		s.servers = map[harness.NodeID][]harness.NodeID{}
	}
	s.servers[env.ID()] = slices.Clone(servers)
	return &toyClient{env: env, server: servers[0]}, nil
}

func (n *toyServer) HandleMessage(from harness.NodeID, msg []byte) {
	var req toyReq
	if json.Unmarshal(msg, &req) != nil || req.Op.Key == n.drop {
		return
	}
	v, ok := n.store[req.Op.Key]
	v, ok, res := model.Apply(v, ok, req.Op)
	if ok {
		n.store[req.Op.Key] = v
	} else {
		delete(n.store, req.Op.Key)
	}
	b, _ := json.Marshal(toyResp{ID: req.ID, Result: res})
	n.env.Send(from, b)
}

type toyClient struct {
	env    harness.Env
	server harness.NodeID
	id     int
	done   func(harness.Outcome)
	timer  harness.Timer
}

func (c *toyClient) Invoke(op harness.Op, done func(harness.Outcome)) {
	c.id++
	c.done = done
	b, _ := json.Marshal(toyReq{ID: c.id, Op: op})
	c.env.Send(c.server, b)
	id := c.id
	c.timer = c.env.After(time.Second, func() { c.finish(id, harness.Outcome{Unknown: true}) })
}

func (c *toyClient) HandleMessage(_ harness.NodeID, msg []byte) {
	var r toyResp
	if json.Unmarshal(msg, &r) == nil {
		c.finish(r.ID, harness.Outcome{Result: r.Result})
	}
}

func (c *toyClient) finish(id int, out harness.Outcome) {
	if id != c.id || c.done == nil {
		return
	}
	c.timer.Stop()
	done := c.done
	c.done = nil
	done(out)
}

func toyScenario() harness.Scenario {
	s := validScenario()
	s.Faults = nil
	s.Clients = []harness.ClientScript{{ID: "c1", Ops: []harness.ClientOp{
		{Kind: "put", Key: "k1", Value: "v1"},
		{Think: harness.Duration(500 * time.Millisecond), Kind: "get", Key: "k1"},
	}}}
	return s
}

func TestRunPassesACorrectHistory(t *testing.T) {
	res, err := harness.Run(toyScenario(), &toyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure)
	require.True(t, res.Verdict.Linearizable())
	require.Len(t, res.History, 3, "two client ops and the liveness probe")
	require.Equal(t, "v1", res.History[1].Outcome.Result.Value)
	require.Positive(t, res.Events)
}

// A crash of the only server between the put and the get loses the write: the harness
// must report a linearizability failure with a deterministic message.
// Clients know the initial voters only: a spare is no member until it is added, and the
// probe knows the servers that exist when it starts, spares brought in included.
func TestClientsKnowMembersNotSpares(t *testing.T) {
	s := toyScenario()
	s.Cluster.Spares = []harness.NodeID{"n4", "n5"}
	sys := &toyKV{}
	_, err := harness.Run(s, sys, harness.RunOptions{})
	require.NoError(t, err)
	require.Equal(t, s.Cluster.Nodes, sys.servers["c1"])
	require.Equal(t, s.Cluster.Nodes, sys.servers[harness.ProbeClient])

	s.Faults = []harness.Fault{{At: harness.Duration(100 * time.Millisecond),
		Kind: harness.FaultAddVoter, Node: "n5"}}
	sys = &toyKV{}
	_, err = harness.Run(s, sys, harness.RunOptions{})
	require.NoError(t, err)
	require.Equal(t, s.Cluster.Nodes, sys.servers["c1"])
	require.Equal(t, s.Cluster.Nodes, sys.servers["admin"])
	require.Equal(t, append(slices.Clone(s.Cluster.Nodes), "n5"),
		sys.servers[harness.ProbeClient], "the probe knows the spare that was started")
}

func TestRunFindsALostWrite(t *testing.T) {
	s := toyScenario()
	s.Faults = []harness.Fault{{At: harness.Duration(200 * time.Millisecond),
		Kind: harness.FaultCrash, Node: "n1", For: harness.Duration(100 * time.Millisecond)}}
	res, err := harness.Run(s, &toyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	require.Equal(t, harness.ClassLinearizability, res.Failure.Class)
	require.Contains(t, res.Failure.Message, `"k1"`)
	again, err := harness.Run(s, &toyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Equal(t, res.Failure.Message, again.Failure.Message)
	require.Equal(t, res.TraceHash, again.TraceHash)
	notes := harness.Notes(res.Annotations)
	require.True(t, strings.HasPrefix(notes[0].Text, "n1: crash"), notes[0].Text)
	require.Equal(t, "node", notes[0].Tag)
}

// A server that never answers the probe key fails the liveness phase.
func TestRunReportsLiveness(t *testing.T) {
	res, err := harness.Run(toyScenario(), &toyKV{dropKey: harness.ProbeKey},
		harness.RunOptions{})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	require.Equal(t, harness.ClassLiveness, res.Failure.Class)
	require.Contains(t, res.Failure.Message, "probe write")
}

// Faults on a node the world cannot act on are skipped and annotated, not fatal.
func TestRunSkipsImpossibleFaults(t *testing.T) {
	s := toyScenario()
	s.Faults = []harness.Fault{{Kind: harness.FaultRestart, Node: "n2"}}
	res, err := harness.Run(s, &toyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure)
	found := false
	for _, a := range res.Annotations {
		found = found || strings.HasPrefix(a.Text, "skipped restart")
	}
	require.True(t, found, "expected a 'skipped restart' annotation: %v", res.Annotations)
}

func TestRunRejectsInvalidScenario(t *testing.T) {
	s := toyScenario()
	s.Safety = 0
	_, err := harness.Run(s, &toyKV{}, harness.RunOptions{})
	require.ErrorContains(t, err, "safety phase")
}

func TestReportShowsEverything(t *testing.T) {
	s := toyScenario()
	s.Faults = []harness.Fault{{At: harness.Duration(200 * time.Millisecond),
		Kind: harness.FaultCrash, Node: "n1", For: harness.Duration(100 * time.Millisecond)}}
	res, err := harness.Run(s, &toyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	text := harness.Report{Scenario: s, Result: res, Repro: "simfuzz replay x.json"}.String()
	for _, want := range []string{"FAILURE (linearizability)", "repro: simfuzz replay x.json",
		"2 operations:", "c1[0] after 0s: put(k1, \"v1\")", "1 faults:",
		"at 200ms crash n1 for 100ms", "trace lines"} {
		require.Contains(t, text, want)
	}
}

func TestWriteArtifacts(t *testing.T) {
	s := toyScenario()
	s.Faults = []harness.Fault{{At: harness.Duration(200 * time.Millisecond),
		Kind: harness.FaultCrash, Node: "n1", For: harness.Duration(100 * time.Millisecond)}}
	res, err := harness.Run(s, &toyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	a, err := harness.WriteArtifacts(t.TempDir(), harness.Report{Scenario: s, Result: res})
	require.NoError(t, err)
	back, err := harness.LoadScenario(a.Scenario)
	require.NoError(t, err)
	require.Equal(t, s.Faults, back.Faults)
	html, err := os.ReadFile(a.HTML)
	require.NoError(t, err)
	require.Contains(t, string(html), "n1: crash")
	report, err := os.ReadFile(a.Report)
	require.NoError(t, err)
	require.Contains(t, string(report), "history view: "+a.HTML)
}

// A crash storm with rate 1 crashes its target right after the target's first event, at
// the same virtual time, and restarts it later; the run stays deterministic.
func TestCrashStorm(t *testing.T) {
	s := toyScenario()
	s.Faults = []harness.Fault{{At: harness.Duration(100 * time.Millisecond),
		Kind: harness.FaultCrashStorm, Node: "n1", Rate: 1,
		For: harness.Duration(time.Second)}}
	res, err := harness.Run(s, &toyKV{}, harness.RunOptions{RecordTrace: true})
	require.NoError(t, err)
	var crashes, restarts []time.Duration
	for _, a := range res.Annotations {
		switch {
		case a.Node == "n1" && a.Text == "crash":
			crashes = append(crashes, a.At)
		case a.Node == "n1" && a.Text == "restart":
			restarts = append(restarts, a.At)
		}
	}
	require.NotEmpty(t, crashes, "the storm crashed nothing: %v", res.Annotations)
	require.NotEmpty(t, restarts)
	for _, c := range crashes {
		require.GreaterOrEqual(t, c, 100*time.Millisecond)
		require.Less(t, c, 1100*time.Millisecond)
	}
	again, err := harness.Run(s, &toyKV{}, harness.RunOptions{RecordTrace: true})
	require.NoError(t, err)
	require.Equal(t, res.TraceHash, again.TraceHash)

	s.Faults[0].Rate = 0
	require.ErrorContains(t, s.Validate(), "rate")
}

// leaderKV is the toy KV with a leader that the test scripts: stable, or flapping every
// flapEvery samples.
type leaderKV struct {
	toyKV
	flapEvery, calls int
}

func (s *leaderKV) Leader() harness.NodeID {
	s.calls++
	if s.flapEvery > 0 && (s.calls/s.flapEvery)%2 == 1 {
		return ""
	}
	return "n1"
}

func TestStabilityWindow(t *testing.T) {
	s := toyScenario()
	s.Stability = harness.Duration(time.Second)
	s.Faults = []harness.Fault{{At: harness.Duration(time.Second), Kind: harness.FaultCut,
		Node: "n2", Peer: "n3", Persist: true}}
	res, err := harness.Run(s, &leaderKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "a stable leader must pass")
	require.GreaterOrEqual(t, res.SimTime, time.Duration(s.Safety+s.Stability))

	res, err = harness.Run(s, &leaderKV{flapEvery: 10}, harness.RunOptions{})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	require.Equal(t, harness.ClassLiveness, res.Failure.Class)
	require.Contains(t, res.Failure.Message, "stability window")

	s.Faults[0].Kind = harness.FaultCrash
	require.ErrorContains(t, s.Validate(), "only a cut can persist")
	s.Faults[0].Kind, s.Stability = harness.FaultCut, 0
	require.ErrorContains(t, s.Validate(), "needs a stability window")
}

// A run that uses up its event budget fails as a runaway, deterministically.
func TestEventBudget(t *testing.T) {
	res, err := harness.Run(toyScenario(), &toyKV{}, harness.RunOptions{MaxEvents: 5})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	require.Equal(t, harness.ClassLiveness, res.Failure.Class)
	require.Contains(t, res.Failure.Message, "event budget of 5 events used up")
}

// Split cuts the named groups apart and leaves unnamed endpoints (clients) reaching all.
func TestSplitKeepsUnnamedEndpointsConnected(t *testing.T) {
	w, err := harness.NewWorld(&toyKV{}, harness.Options{Seed: 1})
	require.NoError(t, err)
	for _, id := range []harness.NodeID{"n1", "n2", "n3"} {
		require.NoError(t, w.AddNode(id, harness.Boot{}))
	}
	_, err = w.AddClient("c1", []harness.NodeID{"n1"})
	require.NoError(t, err)
	require.NoError(t, w.Split([]harness.NodeID{"n1"}, []harness.NodeID{"n2", "n3"}))
	net := w.Net() // endpoints are numbered in the order they were added
	require.False(t, net.Reachable(0, 1))
	require.False(t, net.Reachable(2, 0))
	require.True(t, net.Reachable(1, 2))
	require.True(t, net.Reachable(3, 0))
	require.True(t, net.Reachable(1, 3))
	w.Heal()
	require.True(t, net.Reachable(0, 1))
	require.Error(t, w.Split([]harness.NodeID{"n9"}))
}

// alternatingKV reports n1 and n2 as leader in turn, every `every` calls.
type alternatingKV struct {
	toyKV
	every, calls int
}

func (s *alternatingKV) Leader() harness.NodeID {
	s.calls++
	return []harness.NodeID{"n1", "n2"}[(s.calls/s.every)%2]
}

// A leader trap isolates each new leader from the other servers as soon as it appears,
// and only while the trap lasts.
func TestLeaderTrap(t *testing.T) {
	s := toyScenario()
	s.Faults = []harness.Fault{{At: harness.Duration(100 * time.Millisecond),
		Kind: harness.FaultLeaderTrap, For: harness.Duration(time.Second)}}
	res, err := harness.Run(s, &alternatingKV{every: 1}, harness.RunOptions{})
	require.NoError(t, err)
	var traps []time.Duration
	for _, a := range res.Annotations {
		if a.Text == "isolate from servers" && (a.Node == "n1" || a.Node == "n2") {
			traps = append(traps, a.At)
		}
	}
	require.NotEmpty(t, traps, "no leader was trapped: %v", res.Annotations)
	for _, at := range traps {
		require.GreaterOrEqual(t, at, 100*time.Millisecond)
		require.Less(t, at, 1100*time.Millisecond)
	}
	s.Faults[0].For = 0
	require.ErrorContains(t, s.Validate(), "leader trap needs a duration")
	_, err = harness.Run(toyScenario(), &toyKV{}, harness.RunOptions{})
	require.NoError(t, err)
}

// The quiet phase heals the network's loss and corruption too: with every message lost
// in the safety phase the operation's outcome is unknown, but the liveness phase judges
// the system on a network that delivers.
func TestLivenessPhaseHealsLoss(t *testing.T) {
	s := toyScenario()
	s.Network.Loss, s.Network.Corrupt = 1, 1
	res, err := harness.Run(s, &toyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "%v", res.Failure)
	require.True(t, res.History[0].Outcome.Unknown, "the safety phase lost everything")
	require.False(t, res.History[len(res.History)-1].Outcome.Unknown, "the probe got through")
}
