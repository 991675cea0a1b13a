package fuzz

import (
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// quietSys is a system whose nodes tick on a timer and do nothing else.
type quietSys struct{}

type quietNode struct{}

func (quietSys) NewNode(env nodeapi.Env, _ nodeapi.Boot) (nodeapi.Node, error) {
	var tick func()
	tick = func() { env.After(time.Duration(1+env.Rand().IntN(9))*time.Millisecond, tick) }
	tick()
	return quietNode{}, nil
}

func (quietSys) NewClient(nodeapi.Env, []nodeapi.NodeID) (nodeapi.Client, error) { return nil, nil }

func (quietNode) HandleMessage(nodeapi.NodeID, []byte) {}

func quietWorld(t *testing.T, seed uint64) *sim.World {
	w, err := sim.NewWorld(quietSys{}, sim.Options{Seed: seed, RecordTrace: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddNode("n1", nodeapi.Boot{}); err != nil {
		t.Fatal(err)
	}
	if err := w.RunFor(100 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestCompareTracked(t *testing.T) {
	a, b, c := quietWorld(t, 1), quietWorld(t, 1), quietWorld(t, 2)
	if msg := compareTracked([]*sim.World{a}, []*sim.World{b}); msg != "" {
		t.Fatalf("equal runs reported as different: %s", msg)
	}
	msg := compareTracked([]*sim.World{a}, []*sim.World{c})
	for _, want := range []string{"world 0: trace hash", "traces differ at event"} {
		if !contains(msg, want) {
			t.Fatalf("message %q lacks %q", msg, want)
		}
	}
	if msg := compareTracked([]*sim.World{a}, nil); !contains(msg, "tracked 1 and 0 worlds") {
		t.Fatalf("got %q", msg)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
