package sim_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/netfault"
)

// labelSys is the test system with message labels: a message's kind is the text before its
// first colon ("vote:3" is a vote), and it knows the kinds vote and append.
type labelSys struct{ *twSys }

func (labelSys) MessageKinds() []string { return []string{"vote", "append"} }

func (labelSys) MessageKind(frame []byte) string {
	kind, _, ok := strings.Cut(string(frame), ":")
	if !ok {
		return ""
	}
	return kind
}

func sec(n int) time.Duration { return time.Duration(n) * time.Second }

// A held datagram arrives an age in [Age/2, Age] late, after a message sent later on the
// same FIFO link; the trace shows the hold at send time and the late receipt.
func TestHoldDeliversLate(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 1, Network: harnessNet(link(ms(1), ms(1))),
		RecordTrace: true}, "n1", "n2", "n3")
	id, err := w.AgeMessages(sim.MessageAge{From: "n1", To: "n2", Age: sec(10)})
	require.NoError(t, err)
	sendAt(w, s, ms(1), "n1", "n2", "old")
	sendAt(w, s, ms(1), "n1", "n3", "side")
	w.At(ms(2), func() { w.EndAging(id) })
	sendAt(w, s, ms(3), "n1", "n2", "new")
	require.NoError(t, w.RunFor(sec(20)))

	require.Equal(t, []string{"new", "old"}, s.nodes["n2"].bodies("n1"), "overtaken")
	late := s.nodes["n2"].got[1].virtual()
	require.GreaterOrEqual(t, late, ms(2)+sec(5))
	require.LessOrEqual(t, late, ms(2)+sec(10))
	require.Equal(t, ms(2), s.nodes["n3"].got[0].virtual(), "other links are on time")
	require.Zero(t, w.AgedInFlight())
	require.Equal(t, uint64(1), w.Stats().Aged)

	var lines []string
	for _, e := range w.Trace() {
		if e.Kind == sim.KindHold || e.Kind == sim.KindRecv && e.Node == "n2" {
			lines = append(lines, e.String())
		}
	}
	require.Len(t, lines, 3)
	require.Contains(t, lines[0], "n2 hold from n1 (3 B): held by a hold fault, due at")
	require.Contains(t, lines[1], "n2 recv from n1 (3 B)")
	require.Contains(t, lines[2], "n2 recv from n1 (3 B, held)")
}

// A replay delivers the datagram on time and the same bytes again an age later.
func TestReplayDeliversAnOldFrameTwice(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 2, Network: harnessNet(link(ms(1), ms(1)))},
		"n1", "n2")
	_, err := w.AgeMessages(sim.MessageAge{Age: sec(4), Replay: true})
	require.NoError(t, err)
	sendAt(w, s, ms(1), "n1", "n2", "term 1")
	require.NoError(t, w.RunFor(sec(1)))
	require.Equal(t, []string{"term 1"}, s.nodes["n2"].bodies("n1"), "on time once")
	require.NoError(t, w.RunFor(sec(4)))
	require.Equal(t, []string{"term 1", "term 1"}, s.nodes["n2"].bodies("n1"))
	require.GreaterOrEqual(t, s.nodes["n2"].got[1].virtual(), ms(2)+sec(2))
	require.Equal(t, uint64(1), w.Net().Stats().AgeReplayed)
}

// ReleaseAged ends every rule and brings every aged delivery forward to now, in send
// order; nothing aged is left in flight.
func TestReleaseAgedDeliversEverythingNow(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 3}, "n1", "n2")
	_, err := w.AgeMessages(sim.MessageAge{From: "n1", Age: sec(30)})
	require.NoError(t, err)
	_, err = w.AgeMessages(sim.MessageAge{To: "n1", Age: sec(30), Replay: true})
	require.NoError(t, err)
	for i, body := range []string{"a", "b", "c"} {
		sendAt(w, s, ms(i+1), "n1", "n2", body)
	}
	sendAt(w, s, ms(4), "n2", "n1", "r")
	require.NoError(t, w.RunFor(sec(1)))
	require.Empty(t, s.nodes["n2"].got)
	require.Equal(t, []string{"r"}, s.nodes["n1"].bodies("n2"))
	require.Equal(t, 4, w.AgedInFlight())

	w.ReleaseAged()
	require.Zero(t, w.Net().AgeRules())
	sendAt(w, s, sec(1), "n1", "n2", "after")
	require.NoError(t, w.RunFor(0))
	require.Equal(t, []string{"a", "b", "c", "after"}, s.nodes["n2"].bodies("n1"))
	require.Equal(t, []string{"r", "r"}, s.nodes["n1"].bodies("n2"))
	for _, m := range s.nodes["n2"].got {
		require.Equal(t, sec(1), m.virtual())
	}
	require.Zero(t, w.AgedInFlight())
	require.Equal(t, uint64(4), w.Stats().AgedEarly)
	notes := w.Annotations()
	require.Equal(t, "hold and replay over: 4 aged messages arrive now",
		notes[len(notes)-1].Text)
}

// A held datagram obeys a partition in force when it arrives, and one aimed at a crashed
// node is dropped there; either way it no longer counts as in flight.
func TestHeldMessageIsJudgedOnArrival(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 4}, "n1", "n2", "n3")
	_, err := w.AgeMessages(sim.MessageAge{From: "n1", Age: sec(2)})
	require.NoError(t, err)
	sendAt(w, s, ms(1), "n1", "n2", "cut")
	sendAt(w, s, ms(1), "n1", "n3", "down")
	w.At(ms(500), func() {
		require.NoError(t, w.Cut("n1", "n2"))
		require.NoError(t, w.Crash("n3", sim.CrashOptions{}))
	})
	require.NoError(t, w.RunFor(sec(3)))
	require.Empty(t, s.nodes["n2"].got)
	require.Equal(t, uint64(1), w.Stats().DroppedNet)
	require.Equal(t, uint64(1), w.Stats().DroppedDown)
	require.Zero(t, w.AgedInFlight())
}

// A kind-aimed hold takes only messages of that kind.
func TestHoldByKindTakesOnlyThatKind(t *testing.T) {
	s := labelSys{newTwSys()}
	w := newWorld(t, s, sim.Options{Seed: 5}, "n1", "n2")
	_, err := w.AgeMessages(sim.MessageAge{Kind: "append", Age: sec(4)})
	require.NoError(t, err)
	for i, body := range []string{"append:1", "vote:2", "append:3", "other"} {
		sendAt(w, s.twSys, ms(i+1), "n1", "n2", body)
	}
	require.NoError(t, w.RunFor(sec(1)))
	require.Equal(t, []string{"vote:2", "other"}, s.nodes["n2"].bodies("n1"))
	require.NoError(t, w.RunFor(sec(4)))
	require.ElementsMatch(t, []string{"vote:2", "other", "append:1", "append:3"},
		s.nodes["n2"].bodies("n1"))
	require.Equal(t, uint64(2), w.Net().Stats().AgeHeld)
}

// A kind the system does not label, or a system that labels nothing, is an error that
// names the kind.
func TestAgeMessagesRefusesUnknownKinds(t *testing.T) {
	w := newWorld(t, labelSys{newTwSys()}, sim.Options{Seed: 6}, "n1")
	_, err := w.AgeMessages(sim.MessageAge{Kind: "heartbeat", Age: sec(1)})
	require.ErrorContains(t, err, `message kind "heartbeat": the system labels only vote, append`)
	w = newWorld(t, newTwSys(), sim.Options{Seed: 6}, "n1")
	_, err = w.AgeMessages(sim.MessageAge{Kind: "vote", Age: sec(1)})
	require.ErrorContains(t, err, "does not implement nodeapi.MessageLabeler")
	_, err = w.AgeMessages(sim.MessageAge{From: "n9", Age: sec(1)})
	require.ErrorContains(t, err, "n9")
	_, err = w.AgeMessages(sim.MessageAge{Rate: 2, Age: sec(1)})
	require.ErrorContains(t, err, "Rate")
}

// panicLabels is a labelling system whose MessageKind panics.
type panicLabels struct{ labelSys }

func (panicLabels) MessageKind([]byte) string { panic("bad frame") }

// A panic in the system's MessageKind is the system's bug, blamed on the sender.
func TestLabelPanicIsTheSystems(t *testing.T) {
	s := panicLabels{labelSys{newTwSys()}}
	s.onStart = func(n *twNode) error {
		if n.env.ID() == "n1" {
			n.env.After(ms(1), func() { n.env.Send("n2", []byte("vote:1")) })
		}
		return nil
	}
	w := newWorld(t, s, sim.Options{Seed: 7}, "n1", "n2")
	_, err := w.AgeMessages(sim.MessageAge{Kind: "vote", Age: sec(1)})
	require.NoError(t, err)
	err = w.RunFor(sec(1))
	var np *sim.NodePanicError
	require.ErrorAs(t, err, &np)
	require.Equal(t, nodeapi.NodeID("n1"), np.Node)
	require.Equal(t, "message label", np.In)
}

// Without a message-age fault no delivery is marked: the network's aging stays idle.
func TestNoAgingWithoutRules(t *testing.T) {
	s := labelSys{newTwSys()}
	w := newWorld(t, s, sim.Options{Seed: 8}, "n1", "n2")
	sendAt(w, s.twSys, ms(1), "n1", "n2", "vote:1")
	require.NoError(t, w.RunFor(sec(1)))
	require.Equal(t, netfault.Stats{Sent: 1}, w.Net().Stats())
	require.Zero(t, w.Stats().Aged)
}
