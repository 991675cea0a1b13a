package netfault

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Message-age faults make a datagram arrive long after it was sent, when the system has
// moved on: elections have come and gone, logs were cut back, clients retried. A hold rule
// delays each datagram it takes by a drawn age (a buffering proxy, a long partition that
// lets its backlog through at the end); a replay rule delivers the datagram on time and a
// copy of it again, an age later (a retransmission from a stale buffer). The age is added
// on top of the latency the link drew and does not count for the link's FIFO order: a held
// message is overtaken by every later one, on any link. That is the fault.
//
// Only datagrams are aged: a stream is reliable and ordered until it breaks. Aged
// deliveries are ordinary deliveries (Arrive judges them when they fall due, so a
// partition in force then still drops them); Delivery.Aged marks them, and the caller
// reports each one's arrival with AgedArrived so that MaxAged bounds what is in flight.
// With no rule installed, Send does no work for them beyond one length check.

// AnyEndpoint in AgeRule.From or AgeRule.To matches every endpoint.
const AnyEndpoint Endpoint = -1

// MaxAged bounds the held messages and replayed copies in flight at once. A rule that would
// take a message beyond it leaves the message alone (it travels on time, and no copy is
// made), so a long hold of busy links cannot grow memory without bound.
const MaxAged = 1 << 16

// AgeRule selects datagrams and says how late they arrive.
type AgeRule struct {
	// From and To select the link: a datagram from From to To (AnyEndpoint: any).
	From, To Endpoint
	// Label, when set, selects only datagrams the labeler (SetLabeler) names so; a
	// network without a labeler matches none.
	Label string
	// Rate is the chance that a selected datagram is taken, in [0, 1]; 0 and 1 take every
	// one and draw nothing.
	Rate float64
	// Age bounds the delay: each taken datagram (or its replayed copy) arrives a time drawn
	// uniformly in [Age/2, Age] later than the link alone would deliver it.
	Age time.Duration
	// Replay delivers the datagram on time and a copy of it an age later, instead of
	// holding the datagram itself.
	Replay bool
}

// Validate reports the first field of r out of range, naming it, or nil. Endpoints are
// checked by AddAgeRule, which knows them.
func (r AgeRule) Validate() error {
	switch {
	case math.IsNaN(r.Rate) || r.Rate < 0 || r.Rate > 1:
		return fmt.Errorf("netfault: AgeRule.Rate = %v, want a probability in [0, 1]", r.Rate)
	case r.Age < 0 || r.Age > MaxDelay:
		return fmt.Errorf("netfault: AgeRule.Age = %v, want in [0, %v]", r.Age, MaxDelay)
	}
	return nil
}

// Aging marks a delivery that a message-age rule made (see Delivery.Aged).
type Aging uint8

const (
	// NotAged: an ordinary delivery.
	NotAged Aging = iota
	// AgeHeld: the datagram itself, held for an age.
	AgeHeld
	// AgeReplayed: a copy of a datagram that was also delivered on time.
	AgeReplayed
)

// AgeRuleID names an installed rule for RemoveAgeRule.
type AgeRuleID uint64

// ageState is the network's message-age machinery; its zero value has no rules.
type ageState struct {
	rules  []ageEntry
	nextID AgeRuleID
	// rng draws every rule's coins and ages. It is made on the first rule, from the
	// network's seed, so a run without aging draws nothing and no link's stream moves.
	rng      *rand.Rand
	labeler  func(payload []byte) string
	inFlight int
}

type ageEntry struct {
	id   AgeRuleID
	rule AgeRule
}

// SetLabeler installs (or, with nil, removes) the function that names a datagram's kind
// for rules with a Label. It is called only for datagrams a labelled rule's link selects.
func (n *Network) SetLabeler(f func(payload []byte) string) { n.age.labeler = f }

// AddAgeRule installs r and returns its id; rules act in the order they were added. It
// panics on an invalid rule or an unknown endpoint (validate user input first).
func (n *Network) AddAgeRule(r AgeRule) AgeRuleID {
	if err := r.Validate(); err != nil {
		panic(err.Error())
	}
	for _, e := range []Endpoint{r.From, r.To} {
		if e != AnyEndpoint {
			n.mustKnow("AddAgeRule", e)
		}
	}
	if n.age.rng == nil {
		n.age.rng = n.linkRand("\x00age", "\x00age")
	}
	n.age.nextID++
	n.age.rules = append(n.age.rules, ageEntry{id: n.age.nextID, rule: r})
	return n.age.nextID
}

// RemoveAgeRule uninstalls the rule id and reports whether it was installed. Messages it
// already took stay aged.
func (n *Network) RemoveAgeRule(id AgeRuleID) bool {
	for i, e := range n.age.rules {
		if e.id == id {
			n.age.rules = append(n.age.rules[:i], n.age.rules[i+1:]...)
			return true
		}
	}
	return false
}

// ClearAgeRules uninstalls every rule and returns how many there were.
func (n *Network) ClearAgeRules() int {
	k := len(n.age.rules)
	n.age.rules = nil
	return k
}

// AgeRules returns how many rules are installed.
func (n *Network) AgeRules() int { return len(n.age.rules) }

// AgedInFlight returns how many aged deliveries were handed out and not yet reported by
// AgedArrived.
func (n *Network) AgedInFlight() int { return n.age.inFlight }

// AgedArrived tells the network that the caller took one aged delivery off its queue (to
// pass it to Arrive, or to discard it), so that it no longer counts against MaxAged. It
// panics when no aged delivery is in flight: the caller reported one twice.
func (n *Network) AgedArrived() {
	if n.age.inFlight == 0 {
		panic("netfault: AgedArrived with no aged delivery in flight")
	}
	n.age.inFlight--
}

// applyAge runs the rules over the deliveries of one datagram, out[start:]: a hold rule
// delays a delivery (once: a later hold rule leaves a held one alone), a replay rule appends
// an aged copy. The copies appended here are not themselves aged again.
func (n *Network) applyAge(out []Delivery, start int) []Delivery {
	end := len(out)
	label, labeled := "", false
	for i := start; i < end; i++ {
		for j := range n.age.rules {
			r := &n.age.rules[j].rule
			if !r.selects(out[i].Msg) || (!r.Replay && out[i].Aged == AgeHeld) {
				continue
			}
			if r.Label != "" {
				if !labeled {
					label, labeled = n.label(out[i].Msg.Payload), true
				}
				if label != r.Label {
					continue
				}
			}
			if !n.takes(r.Rate) {
				continue
			}
			out = n.age1(out, i, r)
		}
	}
	return out
}

// selects reports whether m travels on the rule's link.
func (r *AgeRule) selects(m Message) bool {
	return (r.From == AnyEndpoint || r.From == m.From) && (r.To == AnyEndpoint || r.To == m.To)
}

// label names a payload's kind, "" without a labeler.
func (n *Network) label(p []byte) string {
	if n.age.labeler == nil {
		return ""
	}
	return n.age.labeler(p)
}

// takes flips a rule's coin; rates of 0 and 1 take every message without a draw.
func (n *Network) takes(rate float64) bool {
	return rate == 0 || rate >= 1 || n.age.rng.Float64() < rate
}

// age1 ages out[i] by rule r: holds it, or appends its replayed copy. At MaxAged it does
// nothing.
func (n *Network) age1(out []Delivery, i int, r *AgeRule) []Delivery {
	if n.age.inFlight >= MaxAged {
		n.stats.AgeOverflow++
		return out
	}
	n.age.inFlight++
	delay := n.drawAge(r.Age)
	if !r.Replay {
		out[i].At += int64(delay)
		out[i].Aged = AgeHeld
		n.stats.AgeHeld++
		return out
	}
	cp := out[i]
	// The copy is new bytes (a receiver that wrongly writes into one copy must not change
	// the other) and is not counted by a link capacity: it was never admitted to the link.
	cp.Msg.Payload = bytes.Clone(cp.Msg.Payload)
	cp.Msg.seq = 0
	cp.At += int64(delay)
	cp.Aged = AgeReplayed
	n.stats.AgeReplayed++
	return append(out, cp)
}

// drawAge draws a delay uniform in [age/2, age], in integer nanoseconds so every platform
// draws the same.
func (n *Network) drawAge(age time.Duration) time.Duration {
	half := age / 2
	if age <= 0 {
		return 0
	}
	return half + time.Duration(n.age.rng.Int64N(int64(age-half)+1))
}
