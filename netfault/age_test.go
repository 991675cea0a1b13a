package netfault_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/netfault"
)

const lat = time.Millisecond

func fifo() netfault.LinkConfig {
	return netfault.LinkConfig{LatencyMin: lat, LatencyMax: lat}
}

// A hold rule delays each datagram on its link by an age in [Age/2, Age], and the delay
// does not hold back later messages on a FIFO link: they overtake the held one.
func TestHoldDelaysSelectedLinkOnly(t *testing.T) {
	n, e := newNet(t, 1, fifo(), 3)
	n.AddAgeRule(netfault.AgeRule{From: e[0], To: e[1], Age: 10 * time.Second})
	held := sendOne(n, 0, msg(e[0], e[1], "old"))
	require.Len(t, held, 1)
	require.Equal(t, netfault.AgeHeld, held[0].Aged)
	age := time.Duration(held[0].At) - lat
	require.GreaterOrEqual(t, age, 5*time.Second)
	require.LessOrEqual(t, age, 10*time.Second)

	other := sendOne(n, 0, msg(e[0], e[2], "side"))
	back := sendOne(n, 0, msg(e[1], e[0], "back"))
	require.Equal(t, netfault.NotAged, other[0].Aged)
	require.Equal(t, netfault.NotAged, back[0].Aged)
	require.Equal(t, int64(lat), other[0].At)
	require.Equal(t, int64(lat), back[0].At)
	require.Equal(t, 1, n.AgedInFlight())
	require.Equal(t, uint64(1), n.Stats().AgeHeld)
}

// On a FIFO link, messages sent after the held one keep their own latency.
func TestHeldMessageIsOvertaken(t *testing.T) {
	n, e := newNet(t, 2, fifo(), 2)
	id := n.AddAgeRule(netfault.AgeRule{From: e[0], To: e[1], Age: 2 * time.Second})
	first := sendOne(n, 0, msg(e[0], e[1], "first"))
	require.True(t, n.RemoveAgeRule(id))
	require.False(t, n.RemoveAgeRule(id))
	second := sendOne(n, 1, msg(e[0], e[1], "second"))
	require.Equal(t, netfault.NotAged, second[0].Aged)
	require.Equal(t, int64(lat)+1, second[0].At, "not queued behind the held message")
	require.Greater(t, first[0].At, second[0].At)
}

// A replay rule delivers the datagram on time and a copy with its own bytes an age later.
func TestReplayAddsALateCopy(t *testing.T) {
	n, e := newNet(t, 3, fifo(), 2)
	n.AddAgeRule(netfault.AgeRule{From: netfault.AnyEndpoint, To: netfault.AnyEndpoint,
		Age: 20 * time.Second, Replay: true})
	out := sendOne(n, 0, msg(e[1], e[0], "vote"))
	require.Len(t, out, 2)
	require.Equal(t, netfault.NotAged, out[0].Aged)
	require.Equal(t, int64(lat), out[0].At)
	require.Equal(t, netfault.AgeReplayed, out[1].Aged)
	require.GreaterOrEqual(t, time.Duration(out[1].At), 10*time.Second)
	require.Equal(t, out[0].Msg.Payload, out[1].Msg.Payload)
	out[1].Msg.Payload[0] = 'X'
	require.Equal(t, "vote", string(out[0].Msg.Payload), "the copy has its own bytes")
	require.Equal(t, uint64(1), n.Stats().AgeReplayed)
	n.AgedArrived()
	require.Zero(t, n.AgedInFlight())
	require.Panics(t, n.AgedArrived, "an arrival reported twice is a caller bug")
}

// A labelled rule takes only the datagrams the labeler names so.
func TestLabelSelectsOneKind(t *testing.T) {
	n, e := newNet(t, 4, fifo(), 2)
	n.AddAgeRule(netfault.AgeRule{From: netfault.AnyEndpoint, To: netfault.AnyEndpoint,
		Label: "vote", Age: time.Second})
	require.Equal(t, netfault.NotAged, sendOne(n, 0, msg(e[0], e[1], "vote:1"))[0].Aged,
		"no labeler: a labelled rule matches nothing")
	labels := 0
	n.SetLabeler(func(p []byte) string {
		labels++
		return string(p[:4])
	})
	require.Equal(t, netfault.AgeHeld, sendOne(n, 0, msg(e[0], e[1], "vote:2"))[0].Aged)
	require.Equal(t, netfault.NotAged, sendOne(n, 0, msg(e[0], e[1], "apnd:3"))[0].Aged)
	require.Equal(t, 2, labels)
}

// The labeler is not called for a datagram no rule's link selects, nor without rules.
func TestLabelerRunsOnlyForSelectedLinks(t *testing.T) {
	n, e := newNet(t, 5, fifo(), 3)
	labels := 0
	n.SetLabeler(func(p []byte) string { labels++; return "x" })
	sendOne(n, 0, msg(e[0], e[1], "a"))
	id := n.AddAgeRule(netfault.AgeRule{From: e[2], To: netfault.AnyEndpoint, Label: "x",
		Age: time.Second})
	sendOne(n, 0, msg(e[0], e[1], "b"))
	require.Zero(t, labels)
	sendOne(n, 0, msg(e[2], e[1], "c"))
	require.Equal(t, 1, labels)
	require.True(t, n.RemoveAgeRule(id))
	require.Zero(t, n.AgeRules())
}

// Rate takes about that fraction of the selected datagrams.
func TestRateTakesAFraction(t *testing.T) {
	n, e := newNet(t, 6, fifo(), 2)
	n.AddAgeRule(netfault.AgeRule{From: e[0], To: e[1], Rate: 0.25, Age: time.Second,
		Replay: true})
	const total = 20000
	copies := 0
	for i := range total {
		out := sendOne(n, int64(i), msg(e[0], e[1], "x"))
		copies += len(out) - 1
	}
	require.InDelta(t, 0.25*total, copies, 0.02*total)
	require.Equal(t, uint64(copies), n.Stats().AgeReplayed)
}

// Stream chunks are never aged: a stream is reliable and ordered.
func TestStreamsAreNotAged(t *testing.T) {
	n, e := newNet(t, 7, fifo(), 2)
	n.AddAgeRule(netfault.AgeRule{From: netfault.AnyEndpoint, To: netfault.AnyEndpoint,
		Age: time.Second})
	m := msg(e[0], e[1], "chunk")
	m.Stream = 9
	out := sendOne(n, 0, m)
	require.Equal(t, netfault.NotAged, out[0].Aged)
	require.Equal(t, int64(lat), out[0].At)
}

// At MaxAged aged deliveries in flight, rules leave datagrams alone until some arrive.
func TestAgedInFlightIsBounded(t *testing.T) {
	n, e := newNet(t, 8, fifo(), 2)
	n.AddAgeRule(netfault.AgeRule{From: e[0], To: e[1], Age: time.Second})
	var out []netfault.Delivery
	for range netfault.MaxAged {
		out = n.Send(0, msg(e[0], e[1], "x"), out[:0])
		require.Equal(t, netfault.AgeHeld, out[0].Aged)
	}
	out = n.Send(0, msg(e[0], e[1], "x"), out[:0])
	require.Equal(t, netfault.NotAged, out[0].Aged, "over the bound: on time")
	require.Equal(t, uint64(1), n.Stats().AgeOverflow)
	n.AgedArrived()
	out = n.Send(0, msg(e[0], e[1], "x"), out[:0])
	require.Equal(t, netfault.AgeHeld, out[0].Aged)
	require.Equal(t, netfault.MaxAged, n.AgedInFlight())
}

// Two networks with the same seed and rules age the same messages by the same amounts.
func TestAgingIsDeterministic(t *testing.T) {
	run := func() []int64 {
		n, e := newNet(t, 9, netfault.LinkConfig{LatencyMax: lat, Reorder: true}, 3)
		n.AddAgeRule(netfault.AgeRule{From: netfault.AnyEndpoint, To: e[1], Rate: 0.5,
			Age: 30 * time.Second})
		n.AddAgeRule(netfault.AgeRule{From: e[2], To: netfault.AnyEndpoint, Rate: 0.3,
			Age: 5 * time.Second, Replay: true})
		var ats []int64
		for i := range 200 {
			for _, d := range sendOne(n, int64(i), msg(e[i%3], e[(i+1)%3], "m")) {
				ats = append(ats, d.At, int64(d.Aged))
			}
		}
		return ats
	}
	require.Equal(t, run(), run())
}

func TestAgeRuleValidate(t *testing.T) {
	require.NoError(t, netfault.AgeRule{Rate: 1, Age: time.Minute}.Validate())
	require.ErrorContains(t, netfault.AgeRule{Rate: 1.5}.Validate(), "AgeRule.Rate")
	require.ErrorContains(t, netfault.AgeRule{Age: -1}.Validate(), "AgeRule.Age")
	n, _ := newNet(t, 10, fifo(), 2)
	require.Panics(t, func() { n.AddAgeRule(netfault.AgeRule{From: 7}) })
}
