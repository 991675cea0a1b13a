package sim

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// The trace hash is FNV-1a-64 applied to 64-bit words instead of bytes: each word is xored
// in, then the state is multiplied by the FNV prime. Both steps are bijections of the
// state, so two runs that differ in one event keep different hashes from then on. It never
// sees a pointer or a map order, and unlike hash/maphash it has no per-process seed.
const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
)

func mix(h, v uint64) uint64 { return (h ^ v) * fnvPrime }

// hashBytes folds p into h eight bytes at a time, then its length. The first loop takes
// four words per turn only to spend fewer loop instructions on a datagram's payload.
func hashBytes(h uint64, p []byte) uint64 {
	n := len(p)
	for len(p) >= 32 {
		h = mix(h, binary.LittleEndian.Uint64(p[0:8]))
		h = mix(h, binary.LittleEndian.Uint64(p[8:16]))
		h = mix(h, binary.LittleEndian.Uint64(p[16:24]))
		h = mix(h, binary.LittleEndian.Uint64(p[24:32]))
		p = p[32:]
	}
	for len(p) >= 8 {
		h = mix(h, binary.LittleEndian.Uint64(p))
		p = p[8:]
	}
	for _, b := range p {
		h = mix(h, uint64(b))
	}
	return mix(h, uint64(n))
}

func hashString(h uint64, s string) uint64 {
	n := len(s)
	for ; len(s) >= 8; s = s[8:] {
		v := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		h = mix(h, v)
	}
	for i := 0; i < len(s); i++ {
		h = mix(h, uint64(s[i]))
	}
	return mix(h, uint64(n))
}

// EventKind names what a trace event records.
type EventKind uint8

// The trace event kinds.
const (
	KindAction       EventKind = iota + 1 // harness code ran (At, After, a fault schedule)
	KindStart                             // a node or client was created (Aux 1: failed)
	KindTimer                             // a node timer fired
	KindSend                              // a node sent (Aux: how many copies travel)
	KindRecv                              // a datagram was handed to its receiver
	KindDrop                              // a delivery was dropped (Aux: dropReason)
	KindHold                              // a delivery was held (Aux: holdReason)
	KindSync                              // a disk sync completed (Aux 1: failed)
	KindStreamAccept                      // a dialed stream was accepted
	KindStreamData                        // a stream chunk arrived (Len 0: the peer closed)
	KindStreamClosed                      // a stream end was told it closed (Text: why)
	KindLog                               // Env.Logf (Text)
	KindNote                              // Env.Annotate (Text)
	KindFault                             // a fault call of the world (Text)
	KindBuggify                           // a buggify site fired (Text: the site)
)

var kindNames = [...]string{KindAction: "action", KindStart: "start", KindTimer: "timer",
	KindSend: "send", KindRecv: "recv", KindDrop: "drop", KindHold: "hold", KindSync: "sync",
	KindStreamAccept: "accept", KindStreamData: "stream", KindStreamClosed: "closed",
	KindLog: "log", KindNote: "note", KindFault: "fault",
	KindBuggify: "buggify"}

// String is the kind's name as trace lines show it.
func (k EventKind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Reasons in TraceEvent.Aux for KindDrop and KindHold.
const (
	dropNetwork  uint8 = iota + 1 // partitioned at arrival, or a broken stream
	dropDown                      // the receiver is down
	holdClog                      // a clog holds it inside the network
	holdPause                     // the receiver is paused
	dropOverflow                  // the receiver is paused and holds MaxHeldPerNode already
	holdAge                       // a hold fault delays it (recorded at send, Text: when due)
	holdReplay                    // a replay fault sends a late copy (at send, Text: when due)
)

// Aux of KindRecv: how a message-age fault made the delivery (0: it did not).
const (
	recvHeld     uint8 = iota + 1 // the datagram arrives late, held by a hold fault
	recvReplayed                  // a late copy made by a replay fault
)

// TraceEvent is one recorded event of a run. Two runs of the same scenario produce equal
// slices of them; DiffTraces finds the first place where two runs part.
type TraceEvent struct {
	At          time.Duration
	Kind        EventKind
	Node        nodeapi.NodeID // the node the event ran on ("" for harness code)
	Incarnation uint32
	Peer        nodeapi.NodeID // the other end of a message
	Stream      uint64
	Len         int    // payload bytes
	PayloadHash uint64 // hash of the payload bytes
	Aux         uint8  // kind-specific detail (copies sent, drop or hold reason, failure)
	Text        string // log line, note, fault, or why a stream closed
}

// String formats the event as a trace line, e.g. "  12.345678s n1 recv from n2 (57 B)".
func (e TraceEvent) String() string {
	who := string(e.Node)
	if who == "" {
		who = "world"
	}
	return fmt.Sprintf("%11.6fs %s %s", e.At.Seconds(), who, e.detail())
}

func (e TraceEvent) detail() string {
	switch e.Kind {
	case KindSend:
		return fmt.Sprintf("send to %s (%d B%s%s)", e.Peer, e.Len, streamNote(e.Stream),
			copiesNote(e.Aux))
	case KindRecv:
		return fmt.Sprintf("recv from %s (%d B%s)", e.Peer, e.Len, recvNote(e.Aux))
	case KindDrop, KindHold:
		text := fmt.Sprintf("%s from %s (%d B%s): %s", e.Kind, e.Peer, e.Len,
			streamNote(e.Stream), reasonNote(e.Aux))
		if e.Text != "" {
			text += ", " + e.Text
		}
		return text
	case KindSync:
		if e.Aux != 0 {
			return "sync failed"
		}
		return "sync ok"
	case KindStreamAccept:
		return fmt.Sprintf("accept stream %d from %s", e.Stream, e.Peer)
	case KindStreamData:
		if e.Len == 0 {
			return fmt.Sprintf("stream %d end from %s", e.Stream, e.Peer)
		}
		return fmt.Sprintf("stream %d data from %s (%d B)", e.Stream, e.Peer, e.Len)
	case KindStreamClosed:
		return fmt.Sprintf("stream %d closed: %s", e.Stream, e.Text)
	case KindStart:
		if e.Aux != 0 {
			return fmt.Sprintf("start %d failed: %s", e.Incarnation, e.Text)
		}
		return fmt.Sprintf("start %d", e.Incarnation)
	case KindLog, KindNote, KindFault, KindBuggify:
		return e.Kind.String() + ": " + e.Text
	}
	return e.Kind.String()
}

func copiesNote(n uint8) string {
	switch n {
	case 0:
		return ", lost"
	case 1:
		return ""
	}
	return fmt.Sprintf(", %d copies", n)
}

func streamNote(id uint64) string {
	if id == 0 {
		return ""
	}
	return fmt.Sprintf(", stream %d", id)
}

func reasonNote(r uint8) string {
	switch r {
	case dropNetwork:
		return "network"
	case dropDown:
		return "receiver down"
	case holdClog:
		return "clogged"
	case holdPause:
		return "receiver paused"
	case dropOverflow:
		return "paused receiver's buffer full"
	case holdAge:
		return "held by a hold fault"
	case holdReplay:
		return "replayed later by a replay fault"
	}
	return "?"
}

func recvNote(aux uint8) string {
	switch aux {
	case recvHeld:
		return ", held"
	case recvReplayed:
		return ", replayed"
	}
	return ""
}
