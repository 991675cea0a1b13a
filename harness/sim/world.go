package sim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/netfault"
)

// DefaultEpoch is the wall-clock instant that virtual time zero maps to when Options.Epoch
// is zero. A fixed epoch keeps Env.Now, and so every node's behaviour, the same on every run.
var DefaultEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Limits on user input. They catch unit mistakes (hours given for milliseconds) and keep
// virtual times far from int64 overflow.
const (
	// MaxTraceTail bounds Options.TraceTail.
	MaxTraceTail = 1 << 20
	// MaxDriftPPM bounds the clock drift a node may be given, either way.
	MaxDriftPPM = 500_000
	// MaxSkew bounds the clock skew a node may be given, either way.
	MaxSkew = 365 * 24 * time.Hour
	// MaxMessage bounds one datagram or stream chunk.
	MaxMessage = 64 << 20
	// DefaultQueueLimit bounds the event queue unless Options.QueueLimit says otherwise.
	// A healthy cluster keeps a few thousand events queued; a system that outgrows the
	// bound is a runaway (QueueLimitError), and its memory stays bounded.
	DefaultQueueLimit = 1 << 20
	// MaxHeldPerNode bounds the deliveries held for a paused node; beyond it an arriving
	// datagram is dropped (its stream breaks), as a full receive buffer would.
	MaxHeldPerNode = 1 << 14
	// MaxLiveStreams bounds the streams open at once in the world; Dial beyond it fails
	// with ErrRefused, as a real system out of file descriptors would.
	MaxLiveStreams = 1 << 14
)

// Options configures a World. The zero value (plus a Seed) is a perfect network, instant
// disks and the default epoch.
type Options struct {
	// Seed is the one seed every random choice of the run derives from.
	Seed uint64
	// Network is the initial configuration of every link.
	Network netfault.Config
	// Disk is the default disk behaviour of every node; SetDiskFaults changes one node's.
	Disk DiskFaults
	// Epoch is the wall-clock time of virtual time zero (zero means DefaultEpoch).
	Epoch time.Time
	// TraceTail is how many trace lines TraceTail keeps for reports (0 means 200).
	TraceTail int
	// RecordTrace keeps every trace event, so that Trace and DiffTraces can name the first
	// event where two runs differ. It costs memory proportional to the run.
	RecordTrace bool
	// Logf, if set, receives every trace line as it happens (verbose; for debugging).
	Logf func(line string)
	// MaxEvents stops the run with a *BudgetError once this many events ran (0: no
	// limit). A system caught in a message storm or a livelock then fails fast and
	// deterministically instead of running for hours.
	MaxEvents uint64
	// QueueLimit bounds the events queued at once (0: DefaultQueueLimit); a run that
	// reaches it stops with a *QueueLimitError.
	QueueLimit int
	// Buggify lists the buggify sites active in this run (see nodeapi.Buggify); every
	// other site never fires. Empty: no site fires and no stream is drawn for them.
	Buggify []string
}

// Stats counts what the world did; every field is deterministic for a given run.
type Stats struct {
	Events      uint64 // events executed (stale ones not counted)
	Stale       uint64 // events skipped: stopped timers, dead incarnations, dead streams
	Timers      uint64 // timer callbacks run
	Sent        uint64 // datagrams and stream chunks handed to the network
	Delivered   uint64 // datagrams handed to a receiver
	DroppedDown uint64 // datagrams that arrived at a down node
	// DroppedOverflow counts deliveries dropped because a paused node held MaxHeldPerNode.
	DroppedOverflow uint64
	DroppedNet      uint64 // deliveries the network dropped at arrival (partition, broken stream)
	Held            uint64 // deliveries held at arrival by a clog
	UnknownDest     uint64 // datagrams sent to an ID that was never registered
	StreamChunks    uint64 // stream data chunks handed to a receiver
	StreamsOpened   uint64 // streams accepted
	StreamsBroken   uint64 // streams broken by a crash, stop, partition or refusal
	Syncs           uint64 // disk syncs completed successfully
	SyncFailures    uint64 // disk syncs failed by the SyncFailRate fault
	LostWrites      uint64 // pending disk writes lost by failed syncs (SyncFailLosesWrites)
	ReadCorruption  uint64 // disk reads with a flipped bit
	Crashes         uint64
	Stops           uint64
	Restarts        uint64
	Pauses          uint64
	// Aged counts the datagrams held and the copies replayed by message-age faults (when
	// sent); AgedEarly those of them the liveness phase brought forward (ReleaseAged).
	Aged      uint64
	AgedEarly uint64
}

// World is one deterministic simulated run: virtual time, one event queue, the nodes and
// clients of a system, their disks and clocks, and the network between them. It is
// single-threaded: every method must be called from one goroutine, and nothing in it
// depends on wall time, goroutine scheduling or map order.
type World struct {
	sys nodeapi.System
	inv nodeapi.Invariants
	// afterEvent, if set, runs after every event that ran server-node code.
	afterEvent func(nodeapi.NodeID)
	// onReach, if set, hears every event a server node reports (see Reporter); reach
	// counts them.
	onReach func(nodeapi.NodeID, string)
	reach   reachCounts
	life    nodeapi.LifecycleObserver
	opts    Options
	epoch   wallEpoch

	now int64
	q   eventQueue
	net *netfault.Network
	// deliv is scratch space for the network's answers, reused to avoid allocation.
	deliv []netfault.Delivery
	// payloads holds the copies of sent datagrams.
	payloads payloadSlab

	nodes   []*node
	index   map[nodeapi.NodeID]int32
	dests   destCache // recent lookups in index by Env.Send
	servers []nodeapi.NodeID
	clients []nodeapi.NodeID
	timers  timerTable
	streams streamTable
	// labeler names message kinds for message-age faults (nil: the system labels none);
	// aging lists the message-age faults in force.
	labeler nodeapi.MessageLabeler
	aging   []agingRule

	hash  uint64
	stats Stats
	tail  traceRing
	trace []rec
	notes []Annotation
	cur   int32 // index of the node whose code is running, -1 for harness code
	// serve hears serving reports (serve.go); nil ignores them.
	serve ServeHook
	// bug is the run's buggify state, nil when no site is active.
	bug  *buggifyState
	fail error // the error that stopped the run, returned by every later Step
	// inWorld counts the Env calls (world code) on the stack of node code, and sysRun
	// names the system code outside any node that is running (nil: none): together with
	// cur they say whose a panic is (see panicked). They are set and reset without defer,
	// so that a panic leaves them as they were when it happened.
	inWorld int32
	sysRun  *sysFrame
}

// sysFrame names a stretch of system code outside any node: what runs, and about which
// node ("" for none). The world points at one rather than holding the two strings, since
// it enters and leaves system code after every event (invariant checks, leader and term
// reports) and swapping four words each time was about 1 % of a campaign seed.
type sysFrame struct {
	what  string
	about nodeapi.NodeID
}

var (
	termFrame   = &sysFrame{what: "term report"}
	leaderFrame = &sysFrame{what: "leader report"}
)

// NewWorld makes an empty world for sys. It validates opts and names the first bad field.
func NewWorld(sys nodeapi.System, opts Options) (*World, error) {
	if sys == nil {
		return nil, errors.New("harness: NewWorld with a nil System")
	}
	if err := validateOptions(&opts); err != nil {
		return nil, err
	}
	w := &World{sys: sys, opts: opts, epoch: newWallEpoch(opts.Epoch), index: map[nodeapi.NodeID]int32{},
		hash: fnvOffset, cur: -1}
	w.inv, _ = sys.(nodeapi.Invariants)
	w.life, _ = sys.(nodeapi.LifecycleObserver)
	w.net = netfault.New(w.newRand("net"), opts.Network)
	if lab, ok := sys.(nodeapi.MessageLabeler); ok {
		w.labeler = lab
		w.net.SetLabeler(w.labelMessage)
	}
	w.q.limit = opts.QueueLimit
	w.q.reserve(queueStart)
	w.payloads.reuse()
	w.tail.init(opts.TraceTail)
	w.bug = newBuggifyState(opts.Buggify)
	return w, nil
}

func validateOptions(o *Options) error {
	if err := o.Network.Validate(); err != nil {
		return fmt.Errorf("harness: Options.Network: %w", err)
	}
	if err := o.Disk.Validate(); err != nil {
		return fmt.Errorf("harness: Options.Disk: %w", err)
	}
	if o.TraceTail < 0 || o.TraceTail > MaxTraceTail {
		return fmt.Errorf("harness: Options.TraceTail = %d, want in [0, %d]",
			o.TraceTail, MaxTraceTail)
	}
	if o.TraceTail == 0 {
		o.TraceTail = 200
	}
	if o.QueueLimit < 0 {
		return fmt.Errorf("harness: Options.QueueLimit = %d, want >= 0", o.QueueLimit)
	}
	if o.QueueLimit == 0 {
		o.QueueLimit = DefaultQueueLimit
	}
	if o.Epoch.IsZero() {
		o.Epoch = DefaultEpoch
	}
	return nil
}

// Now is the virtual time elapsed since the world started.
func (w *World) Now() time.Duration { return time.Duration(w.now) }

// Seed is the seed the world was made with.
func (w *World) Seed() uint64 { return w.opts.Seed }

// Stats returns the counters so far.
func (w *World) Stats() Stats { return w.stats }

// Events is how many events have run; with TraceHash it identifies a run.
func (w *World) Events() uint64 { return w.stats.Events }

// Err is the error that stopped the run (an invariant violation or a node panic), or nil.
func (w *World) Err() error { return w.fail }

// Release says the run is over: the events still queued are dropped and the queue's memory
// (and the unused room of the last chunk of datagram copies) goes to the next world made, which spares a campaign growing a queue for every seed. The
// trace, statistics and everything else already observed stay readable. A world stepped
// after Release finds no events queued before it; what is scheduled then runs as usual.
func (w *World) Release() {
	w.q.release()
	w.payloads.release()
}

// At schedules f to run as harness code at virtual time t since the start (now, if t has
// passed). Harness code may call every method of the world; f == nil is ignored.
func (w *World) At(t time.Duration, f func()) {
	if f == nil {
		return
	}
	w.q.push(event{at: max(int64(t), w.now), kind: evAction, fn: f, node: -1})
}

// After schedules f to run as harness code once d of virtual time has passed.
func (w *World) After(d time.Duration, f func()) { w.At(time.Duration(addSat(w.now, d)), f) }

// addSat adds a non-negative duration to a virtual time, saturating instead of overflowing;
// negative durations count as zero.
func addSat(t int64, d time.Duration) int64 {
	if d <= 0 {
		return t
	}
	if int64(d) > math.MaxInt64-t {
		return math.MaxInt64
	}
	return t + int64(d)
}

// SetAfterEvent installs a hook that runs after every event that ran code of a server node
// (not a client), once its invariants held. The harness uses it for crash storms: a crash
// scheduled from here lands right after a node's reply and before its pending syncs.
func (w *World) SetAfterEvent(f func(id nodeapi.NodeID)) { w.afterEvent = f }

// Rand returns a fresh random stream of the world's seed for a harness component; each
// name gives an independent stream, so a new user leaves every other stream untouched.
func (w *World) Rand(name string) *rand.Rand { return w.newRand("harness/" + name) }

// enterSystem marks the start of system code that runs outside any node (an invariant
// check, a leader report) and returns what to hand to leaveSystem. A panic in between is a
// found bug in the system, not a harness error.
func (w *World) enterSystem(f *sysFrame) *sysFrame {
	prev := w.sysRun
	w.sysRun = f
	return prev
}

// leaveSystem ends a stretch of system code begun by enterSystem.
func (w *World) leaveSystem(prev *sysFrame) {
	w.sysRun = prev
}

// TermOf asks the system for its term, as system code: a panic in Term is the system's bug.
func (w *World) TermOf(tr nodeapi.TermReporter) uint64 {
	prev := w.enterSystem(termFrame)
	t := tr.Term()
	w.leaveSystem(prev)
	return t
}

// LeaderOf asks the system for its leader, as system code: a panic in Leader is the
// system's bug.
func (w *World) LeaderOf(lr nodeapi.LeaderReporter) nodeapi.NodeID {
	prev := w.enterSystem(leaderFrame)
	l := lr.Leader()
	w.leaveSystem(prev)
	return l
}

// AsSystem runs f as system code outside any node (a convergence check, say), so that a
// panic in it is reported as the system's bug, not the harness's; what names the call.
func (w *World) AsSystem(what string, f func()) {
	prev := w.enterSystem(&sysFrame{what: what})
	f()
	w.leaveSystem(prev)
}
