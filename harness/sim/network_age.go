package sim

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/harness/internal/faulttext"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/netfault"
)

// Message-age faults: datagrams that arrive seconds to tens of seconds late, after the
// system has moved on (netfault decides which and how late; see netfault/age.go). The world
// marks their deliveries in the event queue, so that the liveness phase can bring every one
// still travelling forward to the moment it begins (ReleaseAged): old messages arriving
// into a healed cluster, and none left over when the run ends.

// MessageAge selects datagrams and says how late they arrive.
type MessageAge struct {
	// From and To select the link ("": any endpoint).
	From, To nodeapi.NodeID
	// Kind, when set, selects only datagrams the system's MessageLabeler names so.
	Kind string
	// Rate is the chance a selected datagram is taken, in [0, 1] (0: every one).
	Rate float64
	// Age bounds the delay: each taken datagram arrives a time in [Age/2, Age] late.
	Age time.Duration
	// Replay delivers the datagram on time and a copy of it an age later instead.
	Replay bool
}

// String renders the fault for the timeline, e.g. "hold n1->any msg append age 10s".
func (a MessageAge) String() string {
	verb := "hold"
	if a.Replay {
		verb = "replay"
	}
	return verb + " " + faulttext.Link(string(a.From), string(a.To)) +
		faulttext.Age(a.Kind, a.Rate, a.Age)
}

// agingRule is an installed message-age fault: the network's rule and its timeline text.
type agingRule struct {
	id   netfault.AgeRuleID
	text string
}

// AgeMessages starts a message-age fault and returns its id for EndAging. A fault with a
// Kind needs a System that implements MessageLabeler and knows the kind.
func (w *World) AgeMessages(a MessageAge) (netfault.AgeRuleID, error) {
	r := netfault.AgeRule{From: netfault.AnyEndpoint, To: netfault.AnyEndpoint,
		Label: a.Kind, Rate: a.Rate, Age: a.Age, Replay: a.Replay}
	for _, end := range []struct {
		id  nodeapi.NodeID
		set *netfault.Endpoint
	}{{a.From, &r.From}, {a.To, &r.To}} {
		if end.id == "" {
			continue
		}
		eps, err := w.endpoints(end.id)
		if err != nil {
			return 0, fmt.Errorf("harness: AgeMessages: %w", err)
		}
		*end.set = eps[0]
	}
	if err := w.checkKind(a.Kind); err != nil {
		return 0, fmt.Errorf("harness: AgeMessages: %w", err)
	}
	if err := r.Validate(); err != nil {
		return 0, fmt.Errorf("harness: AgeMessages: %w", err)
	}
	id := w.net.AddAgeRule(r)
	text := a.String()
	w.aging = append(w.aging, agingRule{id: id, text: text})
	w.annotate("", text)
	return id, nil
}

// checkKind reports why the system cannot label messages of kind ("" selects every kind).
func (w *World) checkKind(kind string) error {
	if kind == "" {
		return nil
	}
	if w.labeler == nil {
		return fmt.Errorf("message kind %q: the system does not label its messages "+
			"(it does not implement nodeapi.MessageLabeler)", kind)
	}
	known := w.labeler.MessageKinds()
	if !slices.Contains(known, kind) {
		return fmt.Errorf("message kind %q: the system labels only %s", kind,
			strings.Join(known, ", "))
	}
	return nil
}

// EndAging ends the message-age fault id: no new datagram is taken, and those it took
// still arrive late. Ending a fault that is over already (ReleaseAged ended it) does nothing.
func (w *World) EndAging(id netfault.AgeRuleID) {
	i := slices.IndexFunc(w.aging, func(r agingRule) bool { return r.id == id })
	if i < 0 {
		return
	}
	w.net.RemoveAgeRule(id)
	w.annotate("", w.aging[i].text+" ends")
	w.aging = slices.Delete(w.aging, i, i+1)
}

// ReleaseAged ends every message-age fault and makes every held datagram and replayed copy
// still travelling arrive now, in the order they were sent: the liveness phase begins with
// old messages arriving into a healed cluster, and none is left to fall due after the run.
// Each is judged on arrival like any delivery.
func (w *World) ReleaseAged() {
	rules := w.net.ClearAgeRules()
	w.aging = nil
	moved := w.q.retime(w.now, func(e *event) bool {
		return e.kind == evDeliver && e.flags&evArrived == 0 && e.flags&evAged != 0
	})
	w.stats.AgedEarly += uint64(moved)
	if rules > 0 || moved > 0 {
		w.annotate("", fmt.Sprintf("hold and replay over: %d aged messages arrive now",
			moved))
	}
}

// AgedInFlight returns how many held datagrams and replayed copies have not arrived yet.
func (w *World) AgedInFlight() int { return w.net.AgedInFlight() }

// agedFlags are the event flags of an aged delivery.
var agedFlags = [...]uint8{netfault.AgeHeld: evHeld, netfault.AgeReplayed: evReplayed}

// recordAged puts on the trace the aged deliveries of the send just recorded (the rest of
// w.deliv was handled by transmit) and lets go of their payloads.
func (w *World) recordAged(to int32) {
	n := w.nodes[to]
	for i := range w.deliv {
		d := &w.deliv[i]
		if d.Aged == netfault.NotAged {
			continue
		}
		w.stats.Aged++
		aux := holdAge
		if d.Aged == netfault.AgeReplayed {
			aux = holdReplay
		}
		r := w.record()
		*r = rec{at: w.now, kind: KindHold, node: n.idx, inc: n.inc, peer: int32(d.Msg.From),
			n: int32(len(d.Msg.Payload)), sum: hashBytes(fnvOffset, d.Msg.Payload), aux: aux,
			text: fmt.Sprintf("due at %v", time.Duration(max(d.At, w.now)))}
		w.emit(r)
		d.Msg.Payload = nil
	}
}

// labelMessage asks the system to name a datagram's kind, as system code: a panic in it is
// a found bug of the system, blamed on the sender.
func (w *World) labelMessage(p []byte) string {
	in := w.inWorld
	prev := w.enterSystem(&sysFrame{what: "message label", about: w.name(w.cur)})
	w.inWorld = 0
	kind := w.labeler.MessageKind(p)
	w.inWorld = in
	w.leaveSystem(prev)
	return kind
}
