package jepsen

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

// fakeCluster is a cluster whose servers are admin endpoints only (httptest), leader the
// one that says so: enough for the nemesis's choices and log lines.
func fakeCluster(t *testing.T, leader nodeapi.NodeID) *Cluster {
	c := &Cluster{byID: map[nodeapi.NodeID]*server{}, peers: Peers{}}
	for _, id := range []nodeapi.NodeID{"n1", "n2", "n3"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter,
			r *http.Request) {
			if r.Method == http.MethodGet && r.URL.Path == "/status" {
				role := "follower"
				if id == leader {
					role = "leader"
				}
				_ = json.NewEncoder(w).Encode(Status{ID: string(id), Role: role, Term: 2})
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		t.Cleanup(srv.Close)
		s := &server{id: id, admin: NewAdminClient(strings.TrimPrefix(srv.URL, "http://")),
			cmd: &exec.Cmd{}, exited: make(chan struct{})}
		c.add(s)
	}
	return c
}

// The lag-crash line names the leader beside the leader's name, and the followers it cuts
// off as followers (it used to end with "(the leader)" after the cut-off list).
func TestLagCrashLineNamesTheLeader(t *testing.T) {
	c := fakeCluster(t, "n1")
	var log strings.Builder
	n := newNemesis(c, newHistory(), &log)
	n.apply(0, Fault{Kind: FaultLagCrash, Leader: true, Node: "n3",
		Delay: 300 * time.Millisecond, Group: []nodeapi.NodeID{"n2", "n1", "n3"}})
	require.Contains(t, log.String(), "lag-crash: stall the disk of n1 (the leader) by "+
		"300ms, cut off followers [n2]")
	require.NotContains(t, log.String(), "] (the leader)")
}

// The follower lag-crash stalls the followers that make a quorum with the leader, cuts
// off the others, and brings the followers back first.
func TestLagFollowerLine(t *testing.T) {
	c := fakeCluster(t, "n1")
	var log strings.Builder
	n := newNemesis(c, newHistory(), &log)
	n.apply(0, Fault{Kind: FaultLagFollower, Leader: true, Node: "n2",
		Delay: 300 * time.Millisecond, Group: []nodeapi.NodeID{"n3", "n1", "n2"}})
	require.Contains(t, log.String(), "lag-crash-follower: the leader is n1; stall the "+
		"disks of followers [n3] by 300ms, cut off followers [n2]")
	require.Equal(t, []nodeapi.NodeID{"n2", "n3"}, n.open[0].first)
	require.Equal(t, []nodeapi.NodeID{"n2"}, n.open[0].group)
}
