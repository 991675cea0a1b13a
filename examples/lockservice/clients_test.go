package lockservice_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/examples/lockservice"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// The generator draws valid lock scenarios: clients c1.. acting as themselves on a few
// locks, and no fault the service does not support.
func TestGeneratedScenariosAreLockScenarios(t *testing.T) {
	o := lockservice.Target.Options()
	rapid.Check(t, func(t *rapid.T) {
		s := generators.Scenario(o).Draw(t, "scenario")
		if err := s.ValidateFor(lockservice.Workload); err != nil {
			t.Fatalf("invalid scenario: %v", err)
		}
		if len(s.Clients) < 1 || len(s.Clients) > o.MaxClients {
			t.Fatalf("%d clients", len(s.Clients))
		}
		for i, c := range s.Clients {
			checkClient(t, o, c, fmt.Sprintf("c%d", i+1))
		}
		if scenario.ChangesMembership(s.Faults) {
			t.Fatalf("membership change drawn: %v", s.Faults)
		}
	})
}

func checkClient(t *rapid.T, o generators.Options, c scenario.ClientScript, id string) {
	if string(c.ID) != id || len(c.Ops) < 1 || len(c.Ops) > o.MaxOps {
		t.Fatalf("client %s (want %s) with %d ops", c.ID, id, len(c.Ops))
	}
	for _, op := range c.Ops {
		want := id
		if op.Kind == "holder" {
			want = ""
		}
		var k int
		if _, err := fmt.Sscanf(op.Key, "l%d", &k); err != nil || k >= o.MaxKeys ||
			op.Value != want || strings.Contains(op.Key, lockservice.ProbeLock) {
			t.Fatalf("client %s: bad op %+v", id, op)
		}
	}
}

// The service's client has no nodeapi.Admin: the target says nothing of membership, and
// the library turns membership changes off, leaving every other kind on.
func TestNoMembershipChangesWithoutAdmin(t *testing.T) {
	o := lockservice.Target.Options()
	if o.Membership {
		t.Fatal("membership changes drawn for a client without nodeapi.Admin")
	}
	if !slices.Equal(o.Kinds, generators.Default().Kinds) {
		t.Fatalf("kinds %v", o.Kinds)
	}
}

func TestKnobs(t *testing.T) {
	if _, err := lockservice.Target.New(map[string]int64{"heartbeat_ticks": 4,
		"max_entries_per_append": 1}); err != nil {
		t.Fatal(err)
	}
	_, err := lockservice.Target.New(map[string]int64{"heartbeat": 1})
	if err == nil || !strings.Contains(err.Error(), `knob "heartbeat" is unknown`) {
		t.Fatalf("unknown knob accepted: %v", err)
	}
	if _, err := lockservice.Target.New(map[string]int64{"heartbeat_ticks": 0}); err == nil {
		t.Fatal("heartbeat_ticks 0 accepted")
	}
}
