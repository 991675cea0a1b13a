package harness_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/model"
)

// sharedKV is a toy system for the client behaviours: every server answers from one shared
// store (so any server may be asked) after a delay, the leader is the first server that is
// up, and its clients log every route they are given.
type sharedKV struct {
	delay  time.Duration
	plain  bool // clients do not implement nodeapi.Router
	store  map[string]string
	down   map[nodeapi.NodeID]bool
	order  []nodeapi.NodeID
	routes []loggedRoute
}

type loggedRoute struct {
	client nodeapi.NodeID
	routed bool
	route  nodeapi.Route
}

func newSharedKV(delay time.Duration) *sharedKV {
	return &sharedKV{delay: delay, store: map[string]string{}, down: map[nodeapi.NodeID]bool{}}
}

type sharedServer struct {
	sys *sharedKV
	env nodeapi.Env
}

func (s *sharedKV) NewNode(env nodeapi.Env, _ nodeapi.Boot) (nodeapi.Node, error) {
	if !slices.Contains(s.order, env.ID()) {
		s.order = append(s.order, env.ID())
	}
	delete(s.down, env.ID())
	return &sharedServer{sys: s, env: env}, nil
}

func (s *sharedKV) NodeDown(id nodeapi.NodeID) { s.down[id] = true }

func (s *sharedKV) Leader() nodeapi.NodeID {
	for _, id := range s.order {
		if !s.down[id] {
			return id
		}
	}
	return ""
}

func (n *sharedServer) HandleMessage(from nodeapi.NodeID, msg []byte) {
	var req fixtures.ToyReq
	if json.Unmarshal(msg, &req) != nil {
		return
	}
	n.env.After(n.sys.delay, func() {
		v, ok := n.sys.store[req.Op.Key]
		v, ok, res := model.Apply(v, ok, req.Op)
		if ok {
			n.sys.store[req.Op.Key] = v
		} else {
			delete(n.sys.store, req.Op.Key)
		}
		b, _ := json.Marshal(fixtures.ToyResp{ID: req.ID, Result: res})
		n.env.Send(from, b)
	})
}

// sharedClient sends to its last server unless routed elsewhere; routingClient adds Router.
type sharedClient struct {
	fixtures.ToyClient
	sys *sharedKV
}

type routingClient struct{ sharedClient }

func (s *sharedKV) NewClient(env nodeapi.Env, servers []nodeapi.NodeID) (nodeapi.Client, error) {
	c := sharedClient{ToyClient: fixtures.ToyClient{Env: env, Server: servers[len(servers)-1]},
		sys: s}
	if s.plain {
		return &c, nil
	}
	return &routingClient{c}, nil
}

func (c *sharedClient) Invoke(op nodeapi.Op, done func(nodeapi.Outcome)) {
	c.sys.routes = append(c.sys.routes, loggedRoute{client: c.Env.ID()})
	c.ToyClient.Invoke(op, done)
}

func (c *routingClient) InvokeRouted(op nodeapi.Op, r nodeapi.Route,
	done func(nodeapi.Outcome)) {
	c.sys.routes = append(c.sys.routes, loggedRoute{client: c.Env.ID(), routed: true, route: r})
	server := c.Server
	if r.To != "" {
		c.Server = r.To
	}
	c.ToyClient.Invoke(op, done)
	if !r.Sticky {
		c.Server = server
	}
}

func msD(n int) scenario.Duration { return scenario.Duration(time.Duration(n) * time.Millisecond) }

func gets(n int, think scenario.Duration) []scenario.ClientOp {
	ops := make([]scenario.ClientOp, n)
	for i := range ops {
		ops[i] = scenario.ClientOp{Think: think, Kind: "get", Key: "k"}
	}
	return ops
}

func runShared(t *testing.T, s scenario.Scenario, sys *sharedKV) *harness.RunResult {
	t.Helper()
	res, err := harness.Run(s, sys, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure)
	return res
}

func notes(res *harness.RunResult) string {
	var b strings.Builder
	for _, a := range res.Annotations {
		b.WriteString(string(a.Node) + ": " + a.Text + "\n")
	}
	return b.String()
}

// An open-loop client starts an operation every Think whether or not the earlier ones
// finished, each on a free endpoint, and waits for one when all are busy. Every endpoint
// is a sequential row of the history, named in the report.
func TestOpenLoopClientKeepsSeveralOperationsInFlight(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Clients = []scenario.ClientScript{{ID: "c1", OpenLoop: 3, Ops: gets(6, msD(10))}}
	res := runShared(t, s, newSharedKV(100*time.Millisecond))
	ops := res.History[:6]
	calls := make([]time.Duration, len(ops))
	rows := map[int]int{}
	for i, op := range ops {
		calls[i] = time.Duration(op.Call)
		rows[op.ClientID]++
	}
	slices.Sort(calls)
	require.Equal(t, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond,
		30 * time.Millisecond}, calls[:3], "the first three start on schedule, at once")
	require.Greater(t, calls[3], 100*time.Millisecond, "the fourth waits for an endpoint")
	require.Equal(t, map[int]int{0: 2, 1: 2, 2: 2}, rows)
	require.Equal(t, 3, res.History[6].ClientID, "the probe's row comes after the endpoints")
	for _, a := range ops {
		for _, b := range ops {
			if a != b && a.ClientID == b.ClientID {
				require.False(t, a.Call < b.Return && b.Call < a.Return,
					"two operations of one endpoint overlap: %v %v", a, b)
			}
		}
	}
	text := report.Report{Scenario: s, Result: res}.String()
	require.Contains(t, text, "c1: open loop over 3 endpoints [c1 c1#2 c1#3]")
	page := report.HistoryPage(report.Report{Scenario: s, Result: res})
	require.Equal(t, []string{"c1", "c1#2", "c1#3", "probe"}, page.Clients,
		"the HTML view names every endpoint's row")
}

// A closed-loop client with the same script runs one operation at a time.
func TestClosedLoopClientRunsOneOperationAtATime(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Clients = []scenario.ClientScript{{ID: "c1", Ops: gets(3, msD(10))}}
	res := runShared(t, s, newSharedKV(100*time.Millisecond))
	for i := 1; i < 3; i++ {
		require.GreaterOrEqual(t, res.History[i].Call, res.History[i-1].Return)
	}
}

// A fault that names an open-loop client acts on every one of its endpoints.
func TestFaultsOnAnOpenLoopClientReachEveryEndpoint(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Clients = []scenario.ClientScript{{ID: "c1", OpenLoop: 2, Ops: gets(4, msD(10))}}
	s.Faults = []scenario.Fault{
		{At: msD(5), Kind: scenario.FaultPause, Node: "c1", For: msD(200)},
		{At: msD(300), Kind: scenario.FaultPartition, For: msD(100),
			Groups: [][]nodeapi.NodeID{{"n1"}, {"n2", "n3", "c1"}}},
	}
	res := runShared(t, s, newSharedKV(time.Millisecond))
	text := notes(res)
	require.Contains(t, text, "c1: pause\n")
	require.Contains(t, text, "c1#2: pause\n")
	require.Contains(t, text, "c1#2: resume\n")
	require.Contains(t, text, "partition [n1] | [n2 n3 c1 c1#2]")
	for _, op := range res.History[:4] {
		require.GreaterOrEqual(t, time.Duration(op.Call), 205*time.Millisecond,
			"no endpoint starts while the client is paused")
	}
}

// Operations go where their To says, @leader and @previous-leader resolved when they
// start; a sticky client routes every operation sticky.
func TestOperationsAreRouted(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Clients = []scenario.ClientScript{{ID: "c1", Ops: []scenario.ClientOp{
		{Kind: "get", Key: "k", To: scenario.PreviousLeaderTarget},
		{Think: msD(300), Kind: "get", Key: "k"},
		{Think: msD(100), Kind: "get", Key: "k", To: scenario.PreviousLeaderTarget},
		{Kind: "get", Key: "k", To: scenario.LeaderTarget},
		{Kind: "get", Key: "k", To: "n3"},
	}}, {ID: "c2", Sticky: true, Ops: gets(1, msD(10))}}
	s.Faults = []scenario.Fault{{At: msD(100), Kind: scenario.FaultCrash, Node: "n1",
		For: msD(5000)}}
	sys := newSharedKV(time.Millisecond)
	res := runShared(t, s, sys)
	var c1, c2 []loggedRoute
	for _, r := range sys.routes {
		switch r.client {
		case "c1":
			c1 = append(c1, r)
		case "c2":
			c2 = append(c2, r)
		}
	}
	require.Equal(t, []loggedRoute{
		{client: "c1"}, // no leader change yet: sent as usual
		{client: "c1"},
		{client: "c1", routed: true, route: nodeapi.Route{To: "n1"}},
		{client: "c1", routed: true, route: nodeapi.Route{To: "n2"}},
		{client: "c1", routed: true, route: nodeapi.Route{To: "n3"}},
	}, c1)
	require.Equal(t, []loggedRoute{{client: "c2", routed: true,
		route: nodeapi.Route{Sticky: true}}}, c2)
	text := notes(res)
	require.Contains(t, text, "route c1 op 0: @previous-leader names no node yet")
	require.Contains(t, text, "route c1 op 2 to n1 (@previous-leader)")
	require.Contains(t, text, "route c1 op 3 to n2 (@leader)")
	require.Zero(t, res.Unrouted)
	tagged := 0
	for _, n := range report.Notes(res.Annotations) {
		if strings.Contains(n.Text, "route c1") {
			require.Equal(t, "client", n.Tag, n.Text)
			tagged++
		}
	}
	require.Equal(t, 3, tagged)
}

// A client that cannot route gets plain Invoke, and the run says so.
func TestUnroutableClientFallsBackToInvoke(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Clients = []scenario.ClientScript{{ID: "c1", Sticky: true, Ops: []scenario.ClientOp{
		{Kind: "get", Key: "k", To: "n2"}, {Kind: "get", Key: "k"}}}}
	sys := newSharedKV(time.Millisecond)
	sys.plain = true
	res := runShared(t, s, sys)
	require.Equal(t, 2, res.Unrouted)
	require.Equal(t, 1, strings.Count(notes(res), "does not implement nodeapi.Router"),
		"the timeline says it once per endpoint")
	for _, r := range sys.routes {
		require.False(t, r.routed)
	}
	text := report.Report{Scenario: s, Result: res}.String()
	require.Contains(t, text, "2 routed operations sent with plain Invoke")
}

// The new behaviours leave runs deterministic.
func TestClientBehavioursAreDeterministic(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Clients = []scenario.ClientScript{
		{ID: "c1", OpenLoop: 3, Sticky: true, Ops: gets(8, msD(7))},
		{ID: "c2", Ops: []scenario.ClientOp{{Kind: "put", Key: "k", Value: "x",
			To: scenario.PreviousLeaderTarget}}},
	}
	s.Faults = []scenario.Fault{{At: msD(20), Kind: scenario.FaultCrash, Node: "n1", For: msD(50)}}
	a := runShared(t, s, newSharedKV(30*time.Millisecond))
	b := runShared(t, s, newSharedKV(30*time.Millisecond))
	require.Equal(t, a.TraceHash, b.TraceHash)
	require.Equal(t, a.History, b.History)
}
