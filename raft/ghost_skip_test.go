package raft

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// twinSystem checks every event twice: with the system's own ghost, which skips nodes whose
// view has not changed, and with a second ghost that checks every node in full. It records
// the first event after which the two disagree on the verdict or on what they hold.
type twinSystem struct {
	*System
	full     *ghost
	events   int
	mismatch string
}

func (s *twinSystem) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	n, err := s.System.NewNode(env, boot)
	if err == nil {
		s.full.watch(env.ID(), n.(*Node))
	}
	return n, err
}

func (s *twinSystem) NodeDown(id nodeapi.NodeID) {
	s.System.NodeDown(id)
	s.full.unwatch(id)
}

func (s *twinSystem) CheckAfterEvent(id nodeapi.NodeID) error {
	err := s.System.CheckAfterEvent(id)
	ferr := s.full.check(id)
	s.events++
	if s.mismatch == "" {
		s.mismatch = s.compare(id, err, ferr, s.events%1000 == 0)
	}
	return err
}

// compare reports how the two ghosts differ after a check of id (whole state if deep).
func (s *twinSystem) compare(id nodeapi.NodeID, err, ferr error, deep bool) string {
	g, f := s.ghost, s.full
	at := fmt.Sprintf("event %d (%s): ", s.events, id)
	switch {
	case fmt.Sprint(err) != fmt.Sprint(ferr):
		return at + fmt.Sprintf("verdict %v, full check %v", err, ferr)
	case len(g.leaders) != len(f.leaders) || len(g.committed) != len(f.committed) ||
		len(g.applied) != len(f.applied) || len(g.entries.first) != len(f.entries.first) ||
		len(g.entries.others) != len(f.entries.others):
		return at + "the ghosts hold different amounts"
	}
	if w, fw := g.watchOf(id), f.watchOf(id); w != nil && fw != nil {
		a, b := *w, *fw
		a.seen, b.seen = nodeView{}, nodeView{}
		if !reflect.DeepEqual(a, b) {
			return at + fmt.Sprintf("watch %+v, full check's %+v", a, b)
		}
	}
	if deep {
		a, b := *g, *f
		a.full, a.skipped, b.full, b.skipped = false, 0, false, 0
		a.ws, b.ws = nil, nil
		a.slots, b.slots = [watchSlots]*watch{}, [watchSlots]*watch{}
		if !reflect.DeepEqual(a, b) {
			return at + "the ghosts hold different states"
		}
	}
	return ""
}

// TestGhostSkipAgreesWithFullCheck runs chaos schedules (every fault kind, snapshots every
// 50 entries on some seeds) with both ghosts: skipping the check of a node whose view has
// not changed must judge every event as the full check does and leave the same ghost state,
// and it must skip many checks.
func TestGhostSkipAgreesWithFullCheck(t *testing.T) {
	for seed := uint64(200); seed < 212; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			g := genConfig{nodes: 3 + 2*int(seed%2), spares: 1, clients: 3,
				safety: 30 * time.Second, liveness: 20 * time.Second, faults: 40,
				kinds: scenario.FaultKinds(), net: benchmarkNet, disk: standardDisk}
			cfg := DefaultConfig()
			if seed%4 >= 2 {
				cfg.SnapshotThreshold = 50
			}
			sys, err := NewSystem(cfg)
			require.NoError(t, err)
			full := newGhost()
			full.full = true
			twin := &twinSystem{System: sys, full: full}
			res, err := harness.Run(genScenario(seed, g), twin, harness.RunOptions{})
			require.NoError(t, err)
			require.Nil(t, res.Failure)
			require.Empty(t, twin.mismatch)
			require.Empty(t, twin.compare("", nil, nil, true), "at the end")
			require.Greater(t, sys.ghost.skipped, uint64(twin.events/4),
				"checks skipped of %d", twin.events)
			require.Zero(t, full.skipped)
			t.Logf("%d events, %d checks skipped", twin.events, sys.ghost.skipped)
		})
	}
}

// A sole voter that wins before its term is synced is a tentative leader (checkLeader):
// its sync changes nothing the view shows, so the check after it must not be skipped, or
// a second leader of the term would go unseen.
func TestGhostChecksATentativeLeaderUntilItCounts(t *testing.T) {
	g := newGhost()
	n1 := ghostLeader([]uint64{1}, 2, 0)
	n1.r.voters = []nodeapi.NodeID{"n1"}
	n1.dur.written = 1 // its term and vote are not synced yet
	g.watch("n1", n1)
	require.NoError(t, g.check("n1"))
	require.NotContains(t, g.leaders, uint64(2), "a tentative leader does not count")
	n1.dur.synced = 1
	require.NoError(t, g.check("n1"))
	require.Equal(t, nodeapi.NodeID("n1"), g.leaders[2], "counted after its sync")
	require.NoError(t, g.check("n1"))
	require.Equal(t, uint64(1), g.skipped, "then unchanged, it is skipped")

	g.watch("n2", ghostLeader([]uint64{1}, 2, 0))
	var v *Violation
	require.ErrorAs(t, g.check("n2"), &v)
	require.Equal(t, ElectionSafety, v.Invariant)
}

// TestWatchOfFindsEveryWatch: the direct table finds the watch of every watched ID, and
// none for an unwatched one, through watches and unwatches of IDs that share slots.
func TestWatchOfFindsEveryWatch(t *testing.T) {
	g := newGhost()
	var ids []nodeapi.NodeID
	for _, p := range []string{"n", "s", "node", "x", ""} {
		for i := range 12 {
			ids = append(ids, nodeapi.NodeID(p+strconv.Itoa(i)))
		}
	}
	ids = append(ids, "")
	watched := map[nodeapi.NodeID]*Node{}
	rng := rand.New(rand.NewPCG(5, 6))
	shared := false
	for i := range 3000 {
		id := ids[rng.IntN(len(ids))]
		if _, ok := watched[id]; ok && rng.IntN(2) == 0 {
			g.unwatch(id)
			delete(watched, id)
		} else {
			n := ghostNode([]uint64{1}, 1)
			g.watch(id, n)
			watched[id] = n
		}
		for _, id := range ids {
			w := g.watchOf(id)
			if n, ok := watched[id]; ok {
				require.NotNil(t, w, "step %d: %q", i, id)
				require.Same(t, n, w.n, "step %d: %q", i, id)
				require.Equal(t, id, w.id)
			} else {
				require.Nil(t, w, "step %d: %q", i, id)
			}
		}
		shared = shared || slices.Contains(g.slots[:], collided)
	}
	require.True(t, shared, "some IDs shared a slot")
}
