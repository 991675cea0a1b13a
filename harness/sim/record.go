package sim

import (
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// rec is the compact form of a TraceEvent kept per event: node indexes instead of names,
// no formatting. Lines are formatted only when a report asks for them, so recording an
// event allocates nothing.
type rec struct {
	at     int64
	stream uint64
	sum    uint64
	text   string
	n      int32 // payload length
	node   int32 // -1: harness code
	peer   int32 // -1: none
	inc    uint32
	kind   EventKind
	aux    uint8
}

// traceRing keeps the last len(buf) records.
type traceRing struct {
	buf  []rec
	next int
	full bool
}

func (r *traceRing) init(n int) { r.buf = make([]rec, n) }

// slot is where the next record goes, the oldest one kept (full) or an unused one.
func (r *traceRing) slot() *rec { return &r.buf[r.next] }

// keep keeps the record written to slot, dropping the oldest one if the ring is full.
func (r *traceRing) keep() {
	r.next++
	if r.next == len(r.buf) {
		r.next, r.full = 0, true
	}
}

// ordered returns the kept records, oldest first.
func (r *traceRing) ordered() []rec {
	if !r.full {
		return r.buf[:r.next]
	}
	return append(append([]rec(nil), r.buf[r.next:]...), r.buf[:r.next]...)
}

// Annotation is a notable moment on the timeline: a fault the world applied, or a note a
// node made with Annotate (becoming leader, say). Reports and the HTML view show them.
type Annotation struct {
	At   time.Duration
	Node nodeapi.NodeID // "" for the whole world (a partition, a heal)
	Text string
}

// record returns the tail's slot for the next event: a caller writes the event there (every
// field: the slot may hold an old record) and hands it to emit. Writing it in place spares
// a copy of each event into the tail.
func (w *World) record() *rec { return w.tail.slot() }

// emit feeds one event, written to the slot that record returned, into the hash, the tail,
// the full trace and the log sink.
func (w *World) emit(x *rec) {
	h := mix(w.hash, uint64(x.at))
	h = mix(h, uint64(x.kind)|uint64(x.aux)<<8|uint64(x.inc)<<32)
	h = mix(h, uint64(uint32(x.node))|uint64(uint32(x.peer))<<32)
	h = mix(h, x.stream)
	h = mix(h, uint64(x.n))
	h = mix(h, x.sum)
	if x.text != "" {
		h = hashString(h, x.text)
	}
	w.hash = h
	w.tail.keep()
	if w.opts.RecordTrace {
		w.trace = append(w.trace, *x)
	}
	if w.opts.Logf != nil {
		w.opts.Logf(w.event(x).String())
	}
}

// emitNode records an event of kind on node n (nil for harness code).
func (w *World) emitNode(kind EventKind, n *node, aux uint8, text string) {
	r := w.record()
	*r = rec{at: w.now, kind: kind, node: -1, peer: -1, aux: aux, text: text}
	if n != nil {
		r.node, r.inc = n.idx, n.inc
	}
	w.emit(r)
}

// annotate records a notable moment, both as an Annotation and in the trace. Fault calls of
// the world pass KindFault; Env.Annotate passes KindNote.
func (w *World) annotateKind(kind EventKind, id nodeapi.NodeID, text string) {
	w.notes = append(w.notes, Annotation{At: w.Now(), Node: id, Text: text})
	var n *node
	if i, ok := w.index[id]; ok {
		n = w.nodes[i]
	}
	w.emitNode(kind, n, 0, text)
}

// annotate records a harness-level note (a skipped fault, a phase change) on the timeline.
func (w *World) annotate(id nodeapi.NodeID, text string) { w.annotateKind(KindFault, id, text) }

// Note adds a harness-level note to the timeline and the trace; id may be "" for the
// whole world. Systems annotate through Env (Annotator) instead.
func (w *World) Note(id nodeapi.NodeID, text string) { w.annotate(id, text) }

// event expands a record into its exported form.
func (w *World) event(x *rec) TraceEvent {
	return TraceEvent{At: time.Duration(x.at), Kind: x.kind, Node: w.name(x.node),
		Incarnation: x.inc, Peer: w.name(x.peer), Stream: x.stream, Len: int(x.n),
		PayloadHash: x.sum, Aux: x.aux, Text: x.text}
}

func (w *World) name(i int32) nodeapi.NodeID {
	if i < 0 || int(i) >= len(w.nodes) {
		return ""
	}
	return w.nodes[i].id
}

// TraceHash is the running hash of every event and fault call so far. The same scenario
// and seed give the same hash on every machine, at any GOMAXPROCS.
func (w *World) TraceHash() uint64 { return w.hash }

// TraceTail returns the last Options.TraceTail trace lines, oldest first.
func (w *World) TraceTail() []string {
	recs := w.tail.ordered()
	lines := make([]string, len(recs))
	for i := range recs {
		lines[i] = w.event(&recs[i]).String()
	}
	return lines
}

// Trace returns every event of the run when Options.RecordTrace is set, else nil.
func (w *World) Trace() []TraceEvent {
	if !w.opts.RecordTrace {
		return nil
	}
	out := make([]TraceEvent, len(w.trace))
	for i := range w.trace {
		out[i] = w.event(&w.trace[i])
	}
	return out
}

// Annotations returns the notes and fault calls of the run in time order.
func (w *World) Annotations() []Annotation {
	return append([]Annotation(nil), w.notes...)
}
