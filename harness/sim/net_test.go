package sim_test

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/netfault"
)

// at is the virtual time at which m was received (no skew in these tests).
func (m twMsg) virtual() time.Duration { return m.at.Sub(sim.DefaultEpoch) }

func TestClogNode(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 1, Network: harnessNet(link(ms(1), ms(1)))},
		"n1", "n2", "n3")
	require.NoError(t, w.Clog("n2"))
	for i := range 3 {
		sendAt(w, s, ms(i+1), "n1", "n2", strconv.Itoa(i))
	}
	sendAt(w, s, ms(2), "n2", "n3", "from-n2")
	sendAt(w, s, ms(2), "n3", "n1", "from-n3")
	require.NoError(t, w.RunFor(ms(50)))
	require.Empty(t, s.nodes["n2"].got, "nothing reaches a clogged node")
	require.Empty(t, s.nodes["n3"].got, "nothing leaves a clogged node")
	require.Equal(t, []string{"from-n3"}, s.nodes["n1"].bodies("n3"))
	require.Equal(t, uint64(4), w.Stats().Held)

	require.NoError(t, w.Unclog("n2"))
	require.NoError(t, w.RunFor(ms(1)))
	require.Equal(t, []string{"0", "1", "2"}, s.nodes["n2"].bodies("n1"), "held, in order")
	require.Equal(t, ms(50), s.nodes["n2"].got[0].virtual(), "released at unclog time")
	require.Equal(t, []string{"from-n2"}, s.nodes["n3"].bodies("n2"))
}

func TestClogLink(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 1}, "n1", "n2", "n3")
	require.NoError(t, w.ClogLink("n1", "n2"))
	sendAt(w, s, ms(1), "n1", "n2", "held")
	sendAt(w, s, ms(1), "n2", "n1", "back")
	sendAt(w, s, ms(1), "n1", "n3", "side")
	require.NoError(t, w.RunFor(ms(10)))
	require.Empty(t, s.nodes["n2"].got)
	require.Equal(t, []string{"back"}, s.nodes["n1"].bodies("n2"))
	require.Equal(t, []string{"side"}, s.nodes["n3"].bodies("n1"))
	require.NoError(t, w.UnclogLink("n1", "n2"))
	require.NoError(t, w.RunFor(ms(1)))
	require.Equal(t, []string{"held"}, s.nodes["n2"].bodies("n1"))
	require.Equal(t, ms(10), s.nodes["n2"].got[0].virtual())
}

func TestPartition(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 1}, "n1", "n2", "n3")
	exchange := func(at time.Duration, tag string) {
		for _, a := range []nodeapi.NodeID{"n1", "n2", "n3"} {
			for _, b := range []nodeapi.NodeID{"n1", "n2", "n3"} {
				if a != b {
					sendAt(w, s, at, a, b, tag)
				}
			}
		}
	}
	count := func(to, from nodeapi.NodeID, tag string) int {
		c := 0
		for _, b := range s.nodes[to].bodies(from) {
			if b == tag {
				c++
			}
		}
		return c
	}
	w.At(ms(1), func() {
		require.NoError(t, w.Partition([]nodeapi.NodeID{"n1"}, []nodeapi.NodeID{"n2", "n3"}))
	})
	exchange(ms(2), "sym")
	w.At(ms(3), func() { w.Heal(); require.NoError(t, w.Cut("n1", "n2")) })
	exchange(ms(4), "cut")
	w.At(ms(5), w.Heal)
	exchange(ms(6), "healed")
	require.NoError(t, w.RunFor(ms(10)))

	require.Zero(t, count("n2", "n1", "sym"))
	require.Zero(t, count("n1", "n2", "sym"))
	require.Zero(t, count("n3", "n1", "sym"))
	require.Equal(t, 1, count("n3", "n2", "sym"), "same side still talks")
	require.Zero(t, count("n2", "n1", "cut"), "the cut direction is blocked")
	require.Equal(t, 1, count("n1", "n2", "cut"), "the other direction passes")
	require.Equal(t, 1, count("n3", "n1", "cut"))
	for _, a := range []nodeapi.NodeID{"n1", "n2", "n3"} {
		for _, b := range []nodeapi.NodeID{"n1", "n2", "n3"} {
			if a != b {
				require.Equal(t, 1, count(a, b, "healed"), "%s from %s", a, b)
			}
		}
	}
	var texts []string
	for _, a := range w.Annotations() {
		texts = append(texts, string(a.Node)+":"+a.Text)
	}
	require.Equal(t, []string{":partition [n1] [n2 n3]", ":heal", "n1:cut -> n2", ":heal"},
		texts)
}

func TestInFlightPartition(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 1, Network: harnessNet(link(ms(10), ms(10)))},
		"n1", "n2")
	sendAt(w, s, 0, "n1", "n2", "in-flight")
	w.At(ms(5), func() { require.NoError(t, w.Isolate("n2")) })
	w.At(ms(15), w.Heal)
	sendAt(w, s, ms(16), "n1", "n2", "after")
	require.NoError(t, w.RunFor(ms(30)))
	require.Equal(t, []string{"after"}, s.nodes["n2"].bodies("n1"),
		"a partition made after the send stops the message at arrival")
	require.Equal(t, uint64(1), w.Stats().DroppedNet)

	// A partition that heals before the message arrives does not stop it.
	sendAt(w, s, ms(30), "n1", "n2", "in-time")
	w.At(ms(32), func() { require.NoError(t, w.Isolate("n2")) })
	w.At(ms(35), w.Heal)
	require.NoError(t, w.RunFor(ms(30)))
	require.Equal(t, []string{"after", "in-time"}, s.nodes["n2"].bodies("n1"))
	require.Equal(t, uint64(1), w.Stats().DroppedNet)
}

// blast sends count numbered messages from a to b, one every gap, starting at start.
func blast(w *sim.World, s *twSys, a, b nodeapi.NodeID, count int, gap time.Duration) {
	for i := range count {
		sendAt(w, s, time.Duration(i)*gap, a, b, strconv.Itoa(i))
	}
}

func TestLatency(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 2, Network: harnessNet(link(ms(3), ms(7)))},
		"n1", "n2")
	require.NoError(t, w.SetLink("n2", "n1", link(ms(20), ms(20))))
	blast(w, s, "n1", "n2", 300, ms(10))
	blast(w, s, "n2", "n1", 10, ms(10))
	require.NoError(t, w.RunFor(10*time.Second))
	lo, hi := time.Hour, time.Duration(0)
	for _, m := range s.nodes["n2"].got {
		i, _ := strconv.Atoi(m.body)
		d := m.virtual() - time.Duration(i)*ms(10)
		lo, hi = min(lo, d), max(hi, d)
	}
	require.Len(t, s.nodes["n2"].got, 300)
	require.GreaterOrEqual(t, lo, ms(3))
	require.LessOrEqual(t, hi, ms(7))
	require.Less(t, lo, 3200*time.Microsecond, "the whole range is drawn")
	require.Greater(t, hi, 6800*time.Microsecond)
	for _, m := range s.nodes["n1"].got {
		i, _ := strconv.Atoi(m.body)
		require.Equal(t, ms(20), m.virtual()-time.Duration(i)*ms(10), "per-link setting")
	}
}

func TestPacketLoss(t *testing.T) {
	const sent, p = 5000, 0.2
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 11,
		Network: harnessNet(netfault.LinkConfig{Loss: p})}, "n1", "n2")
	blast(w, s, "n1", "n2", sent, time.Millisecond)
	require.NoError(t, w.RunFor(10*time.Second))
	lost := 1 - float64(len(s.nodes["n2"].got))/sent
	sigma := math.Sqrt(p * (1 - p) / sent)
	t.Logf("loss %.4f (want %.2f +- %.4f)", lost, p, 4*sigma)
	require.InDelta(t, p, lost, 4*sigma)
}

func TestDuplication(t *testing.T) {
	const sent, p = 2000, 0.3
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 12,
		Network: harnessNet(netfault.LinkConfig{Duplicate: p, LatencyMax: ms(5)})}, "n1", "n2")
	blast(w, s, "n1", "n2", sent, time.Millisecond)
	require.NoError(t, w.RunFor(10*time.Second))
	copies := map[string]int{}
	for _, m := range s.nodes["n2"].got {
		copies[m.body]++
	}
	require.Len(t, copies, sent, "nothing lost")
	dups := 0
	for body, c := range copies {
		require.LessOrEqual(t, c, 2, "message %s", body)
		dups += c - 1
	}
	sigma := math.Sqrt(p * (1 - p) / sent)
	require.InDelta(t, p, float64(dups)/sent, 4*sigma)
}

func TestReorder(t *testing.T) {
	inversions := func(reorder bool) (int, int) {
		s := newTwSys()
		cfg := netfault.LinkConfig{LatencyMin: ms(1), LatencyMax: ms(10), Reorder: reorder}
		w := newWorld(t, s, sim.Options{Seed: 13, Network: harnessNet(cfg)}, "n1", "n2")
		blast(w, s, "n1", "n2", 500, 100*time.Microsecond)
		require.NoError(t, w.RunFor(time.Second))
		inv, last := 0, -1
		for _, m := range s.nodes["n2"].got {
			i, _ := strconv.Atoi(m.body)
			if i < last {
				inv++
			}
			last = max(last, i)
		}
		return inv, len(s.nodes["n2"].got)
	}
	inv, got := inversions(true)
	require.Equal(t, 500, got)
	require.Greater(t, inv, 50, "a reordering link lets later messages overtake")
	inv, got = inversions(false)
	require.Equal(t, 500, got)
	require.Zero(t, inv, "a FIFO link keeps order")
}

func TestCorruption(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 14}, "n1", "n2")
	require.NoError(t, w.SetLink("n1", "n2", netfault.LinkConfig{Corrupt: 1}))
	buf := []byte("0123456789abcdef")
	for i := range 50 {
		w.At(time.Duration(i)*ms(1), func() { s.nodes["n1"].env.Send("n2", buf) })
	}
	require.NoError(t, w.RunFor(time.Second))
	require.Len(t, s.nodes["n2"].got, 50)
	positions := map[int]bool{}
	for _, m := range s.nodes["n2"].got {
		diff := 0
		for j := range buf {
			if x := buf[j] ^ m.body[j]; x != 0 {
				diff += bits.OnesCount8(x)
				positions[j] = true
			}
		}
		require.Equal(t, 1, diff, "exactly one bit flipped")
	}
	require.Equal(t, "0123456789abcdef", string(buf), "the sender's buffer is untouched")
	require.Greater(t, len(positions), 5, "the flipped bit moves around")
}

func TestFilter(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 15,
		Network: harnessNet(netfault.LinkConfig{Reorder: true})}, "n1", "n2")
	w.SetFilter(func(from, to nodeapi.NodeID, msg []byte) netfault.FilterAction {
		switch string(msg) {
		case "drop":
			return netfault.FilterAction{Drop: true}
		case "slow":
			return netfault.FilterAction{Delay: ms(50)}
		case "swap":
			return netfault.FilterAction{Payload: []byte(fmt.Sprintf("%s>%s", from, to))}
		}
		return netfault.FilterAction{}
	})
	for _, b := range []string{"slow", "drop", "swap", "plain"} {
		sendAt(w, s, ms(1), "n1", "n2", b)
	}
	require.NoError(t, w.RunFor(ms(100)))
	require.Equal(t, []string{"n1>n2", "plain", "slow"}, s.nodes["n2"].bodies("n1"))
	require.Equal(t, ms(51), s.nodes["n2"].got[2].virtual(), "delayed by the filter")
	w.SetFilter(nil)
	sendAt(w, s, ms(100), "n1", "n2", "drop")
	require.NoError(t, w.RunFor(ms(1)))
	require.Equal(t, "drop", s.nodes["n2"].got[3].body)
}
