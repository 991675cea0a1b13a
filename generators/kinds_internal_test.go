package generators

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Every kind of the vocabulary is either drawn, with a drawer here, or excused by its spec
// (FaultInfo.NotDrawn): a new kind with neither fails this test, and so does a drawer for
// a kind the spec excuses or does not know.
func TestEveryKindIsDrawnOrExcused(t *testing.T) {
	for _, k := range scenario.FaultKinds() {
		info, _ := scenario.FaultKindInfo(k)
		_, has := drawers[k]
		switch {
		case info.Drawn && !has:
			t.Errorf("fault kind %s: its spec says generators draw it, but there is no "+
				"drawer in generators/faults.go (add one, or set notDrawn in its spec)", k)
		case !info.Drawn && has:
			t.Errorf("fault kind %s: excused from drawing (%s) but has a drawer", k,
				info.NotDrawn)
		case !info.Drawn && info.NotDrawn == "":
			t.Errorf("fault kind %s: not drawn and no reason given", k)
		}
	}
	for k := range drawers {
		if _, ok := scenario.FaultKindInfo(k); !ok {
			t.Errorf("drawer for %q, which is no fault kind of the harness", k)
		}
	}
}

// A hold or replay drawn from the smallest input, where rapid's shrinking heads, is the
// simplest form: every link, every kind, every message, the default age, the shortest
// window.
func TestMessageAgeShrinksToTheSimplestForm(t *testing.T) {
	o := Default()
	o.MessageKinds = []string{"append", "vote"}
	s := scenario.Scenario{Cluster: scenario.ClusterConfig{Nodes: nodeIDs(1, 3)},
		Safety: scenario.Duration(5 * time.Second)}
	for _, k := range []scenario.FaultKind{scenario.FaultHold, scenario.FaultReplay} {
		var f scenario.Fault
		draw := rapid.MakeFuzz(func(rt *rapid.T) { f = drawFault(rt, k, scene{s, o}) })
		draw(t, make([]byte, 64))
		require.Equal(t, scenario.Fault{Kind: k, For: scenario.Duration(500 * time.Millisecond)},
			f)
	}
}
