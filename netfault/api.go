// Package netfault is the simulated network and every network fault. It is sans-IO: it
// decides the fate of messages and returns those decisions as data; the caller (the world in
// package harness) owns time and the event queue. It never imports the harness.
//
// Endpoints are dense integers handed out by AddEndpoint so that the per-message path is
// slice indexing, not map look-ups. Times are virtual nanoseconds since the start of a run.
package netfault

import "time"

// Endpoint is a dense index handed out by Network.AddEndpoint.
type Endpoint int32

// LinkConfig sets the behaviour of one directed link. The zero value is a perfect link with
// zero latency that keeps order.
type LinkConfig struct {
	// LatencyMin and LatencyMax bound the base one-way latency, drawn uniformly.
	LatencyMin, LatencyMax time.Duration
	// SpikeRate is the chance that a message gets an extra delay, uniform in (0, SpikeMax].
	SpikeRate float64
	SpikeMax  time.Duration
	// Loss, Duplicate and Corrupt are per-message probabilities for datagrams. A corrupted
	// message has one bit of a copy of its payload flipped; a duplicate is delivered twice,
	// each copy with its own latency.
	Loss, Duplicate, Corrupt float64
	// Reorder allows a later message to overtake an earlier one on this link. When false
	// the link is FIFO: a message is never delivered before one sent earlier on the link.
	Reorder bool
}

// Config is a network's initial configuration: every link starts as Default.
type Config struct {
	Default LinkConfig
}

// Message is one datagram (Stream == 0) or one chunk of a stream (Stream != 0). Stream
// chunks are never lost, duplicated, corrupted or reordered: a stream is reliable until it
// breaks.
type Message struct {
	From, To Endpoint
	Stream   uint64
	Payload  []byte
	// seq identifies a message on a link with a capacity (0: not counted). It takes the
	// place of the SentAt field that no caller read: every queued event carries a Message,
	// and eight more bytes per event cost the world several per cent of its event rate.
	seq uint64
}

// Delivery is a message scheduled to arrive at virtual time At.
type Delivery struct {
	At  int64
	Msg Message
	// Aged marks a delivery a message-age rule made (see AddAgeRule): report its arrival
	// with AgedArrived.
	Aged Aging
}

// Verdict is the fate of a message when it arrives.
type Verdict uint8

const (
	// Deliver: hand the message to its receiver now.
	Deliver Verdict = iota
	// Drop: the path is cut (partition made before or after the send); the message is gone.
	// For a stream chunk this means the stream is broken.
	Drop
	// Hold: the receiver or link is clogged; the network keeps the message and returns it
	// from Unclog.
	Hold
)

// FilterAction is what a filter hook decides for one message at send time.
type FilterAction struct {
	// Drop discards the message.
	Drop bool
	// Delay is added to the latency the link draws.
	Delay time.Duration
	// Payload, if non-nil, replaces the message's payload.
	Payload []byte
}

// Filter is a per-message hook consulted at send time, after partitions are checked and before
// the link's own faults. It lets a test drop, delay or alter one chosen message.
type Filter func(m Message) FilterAction
