package raft

import (
	"errors"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// Node is one Raft server: the consensus core, the key-value state machine, the write-ahead
// log and the client-facing request handling, driven by its Env. It implements nodeapi.Node
// and nodeapi.Stopper.
type Node struct {
	env   nodeapi.Env
	disk  nodeapi.Disk
	cfg   *Config
	annot nodeapi.Annotator
	bugs  nodeapi.Buggifier // nil: the runtime has no buggify sites
	r     *raft
	kv    *kvStore
	// applied is the last log index applied to kv.
	applied uint64
	wal     wal
	dur     durability

	clock      monoClock
	timer      nodeapi.Timer
	timerAt    time.Duration // a reading of clock
	timerArmed bool
	onTimerFn  func()
	retryFn    func()
	syncedFn   func(error)
	// syncing holds the sequence number each outstanding Sync covers, oldest first. The
	// node keeps one in flight (durability.startSync), so a completion is for the oldest;
	// a queue rather than one field leaves durability.completed able to catch a second.
	// One method value (syncedFn) serves every Sync instead of a closure each.
	syncing []uint64

	server serverState
	// in is the decoded incoming message and out the encoding buffer, both reused: nothing
	// keeps a reference to either beyond one call (entry data is copied out of the frame).
	in  message
	out []byte
	// heldBuf is the arena of the frames held for a sync (heldFrame).
	heldBuf []byte
	// names interns the client IDs and keys of the command entries the node applies.
	names wire.Interner
	// sessions remembers the session keys of the last few command entries it decoded.
	sessions sessionCache
	// snapBusy is set while a snapshot (own or installed) is being written.
	snapBusy bool
	// serves is set when the runtime checks serving rules (serving.go).
	serves bool
	// applyLater is set while a buggified delayed apply is pending (buggify.go).
	applyLater bool
	stopped    bool
	failure    error
	stats      NodeStats
}

// NodeStats counts notable events of one node incarnation.
type NodeStats struct {
	// DroppedMessages counts frames that failed their checksum or did not parse.
	DroppedMessages uint64
	// SyncErrors counts disk syncs that failed. The first ends the incarnation where the
	// runtime can fail-stop the node; elsewhere each is retried.
	SyncErrors uint64
	// SnapshotsTaken and SnapshotsInstalled count snapshots made locally and received.
	SnapshotsTaken, SnapshotsInstalled uint64
}

var (
	_ nodeapi.Node    = (*Node)(nil)
	_ nodeapi.Stopper = (*Node)(nil)
)

// newNode recovers a node from its disk (an error for any corrupted record) and starts it.
func newNode(env nodeapi.Env, boot nodeapi.Boot, cfg *Config) (*Node, error) {
	peers := slices.Clone(boot.Peers)
	slices.Sort(peers)
	peers = slices.Compact(peers)
	if len(peers) > 0 && !slices.Contains(peers, env.ID()) {
		return nil, errors.New("raft: boot peers " + idList(peers) +
			" do not include the node itself (" + string(env.ID()) + ")")
	}
	rec, err := recoverWithRetry(env.Disk(), peers)
	if err != nil {
		return nil, err
	}
	n := &Node{env: env, disk: env.Disk(), cfg: cfg, kv: rec.kv}
	n.annot, _ = env.(nodeapi.Annotator)
	n.onTimerFn, n.retryFn, n.syncedFn = n.onTimer, n.requestSync, n.synced
	n.server.init()
	n.clock = newMonoClock(env.Now())
	n.r = newRaft(env.ID(), cfg, env.Rand(), n.clock.read(env.Now()), rec.term, rec.vote,
		rec.log)
	n.r.snapshot = rec.snap
	if rep, ok := env.(nodeapi.Reporter); ok {
		n.r.reach = rep.Reached
	}
	_, n.serves = env.(nodeapi.ServeReporter)
	if n.bugs, _ = env.(nodeapi.Buggifier); n.bugs != nil {
		n.r.buggify = func(site string) bool {
			return n.bugs.Buggify(site, nodeapi.DefaultBuggifyProb)
		}
	}
	n.applied = rec.log.snapIndex
	n.wal = wal{disk: n.disk, segs: rec.segs}
	// Start a fresh segment with the complete recovered state; the older segments (and any
	// torn tail in them) go once it is durable.
	if err := n.rotateWAL(); err != nil {
		return nil, err
	}
	n.rearm()
	return n, nil
}

// HandleMessage delivers a frame from another node or a client. Frames that fail their
// checksum or do not parse are counted and dropped.
func (n *Node) HandleMessage(from nodeapi.NodeID, frame []byte) {
	if n.stopped {
		return
	}
	m := &n.in
	if err := decodeMessageInto(frame, m); err != nil {
		n.stats.DroppedMessages++
		return
	}
	n.tick()
	if m.Type.isRaft() {
		n.r.Step(from, m)
	} else {
		n.handleClient(from, m)
	}
	n.flush()
}

// Stop ends the incarnation gracefully; nothing more is sent or written.
func (n *Node) Stop() {
	n.stopped = true
	n.r.changed()
	n.timer.Stop()
}

// fail stops the node after an unrecoverable local error (a failed disk write, a committed
// entry that does not parse): a replica that cannot trust its state must not take part.
func (n *Node) fail(err error) {
	if n.failure == nil {
		n.failure = err
		n.env.Logf("raft %s: fatal: %v", n.env.ID(), err)
	}
	n.Stop()
}

// flush moves the core's outputs through the Env after every input: log writes first, then
// messages (those promising durable state are held for the sync), then the state machine.
func (n *Node) flush() {
	if n.stopped {
		return
	}
	n.persist()
	n.sendOutputs()
	if n.r.install != nil {
		n.startInstall()
	}
	n.applyCommitted()
	n.server.serveReads(n)
	n.answerDroppedReads()
	n.publishNotes()
	n.maybeSnapshot()
	n.rearm()
	if !n.stopped {
		n.checkState()
	}
}

// persist writes the hard state and the unwritten log suffix to the WAL.
func (n *Node) persist() {
	r := n.r
	if !r.hsDirty && r.log.unstable > r.log.lastIndex() {
		return
	}
	buf := n.wal.buf[:0]
	if r.hsDirty {
		buf = n.wal.appendHardState(buf, r.term, r.vote)
		r.hsDirty = false
	}
	first := max(r.log.unstable, r.log.firstIndex())
	if first <= r.log.lastIndex() && first > n.dur.logIndex+1 {
		// Replay refuses a gap (recovery.go), so the WAL must never be written one.
		panic(broken(r.id, "WAL write would leave a gap", "first entry", first,
			"last written", n.dur.logIndex))
	}
	for i := first; i <= r.log.lastIndex(); i++ {
		buf = appendEntryRecord(buf, r.log.entry(i))
	}
	r.log.unstable = r.log.lastIndex() + 1
	n.wal.buf = buf
	if err := n.wal.append(buf); err != nil {
		n.fail(err)
		return
	}
	n.dur.wrote(r.log.lastIndex(), r.log.lastTerm())
	n.requestSync()
}

// mustWaitForSync names the messages that promise durable state: a candidate's vote request
// and a vote grant (term and vote), and an append ack (the entries and the term). They leave
// only once every write made before them is synced.
func mustWaitForSync(m *message) bool {
	switch m.Type {
	case msgVote, msgVoteResp, msgAppResp:
		return true
	}
	return false
}

func (n *Node) sendOutputs() {
	r := n.r
	for i := range r.msgs {
		om := &r.msgs[i]
		if mustWaitForSync(&om.m) && n.dur.pending() {
			n.dur.hold(om.to, n.heldFrame(&om.m))
		} else {
			n.send(om.to, &om.m)
		}
		// The slot is reused: drop its references to log entries and a snapshot, which
		// may be large (the few short strings are overwritten with the slot).
		om.m.Entries, om.m.Snap = nil, nil
	}
	r.msgs = r.msgs[:0]
}

// maxHeldArena bounds the arena of held frames that is reused while frames are held: past
// it a fresh arena starts, and the old one goes once its frames are sent.
const maxHeldArena = 64 << 10

// heldFrame encodes m for holding until a sync completes. Held frames are carved from one
// arena instead of an allocation each (most acks wait for a sync); the arena starts again
// from its beginning whenever nothing is held, since every frame released was sent then
// (onSynced sends them before anything else runs) and Env.Send does not keep its bytes.
func (n *Node) heldFrame(m *message) []byte {
	switch {
	case len(n.dur.held) == 0:
		n.heldBuf = n.heldBuf[:0]
	case len(n.heldBuf) > maxHeldArena:
		n.heldBuf = nil // the frames still held keep the old arena alive
	}
	start := len(n.heldBuf)
	n.heldBuf = appendMessage(n.heldBuf, m)
	return n.heldBuf[start:len(n.heldBuf):len(n.heldBuf)]
}

// send encodes m into the reused buffer and sends it; Env.Send copies the bytes (the
// simulated world does; a real runtime writes them out before returning).
func (n *Node) send(to nodeapi.NodeID, m *message) {
	n.out = appendMessage(n.out[:0], m)
	n.env.Send(to, n.out)
}

// requestSync starts a disk sync if writes are pending and none is in flight.
func (n *Node) requestSync() {
	if n.stopped {
		return
	}
	seq, ok := n.dur.startSync()
	if !ok {
		return
	}
	n.syncing = append(n.syncing, seq)
	n.disk.Sync(n.syncedFn)
}

// synced is the completion of the oldest outstanding Sync.
func (n *Node) synced(err error) {
	seq := n.syncing[0]
	n.syncing = n.syncing[:copy(n.syncing, n.syncing[1:])]
	n.onSynced(seq, err)
}

func (n *Node) onSynced(seq uint64, err error) {
	if n.stopped {
		return
	}
	n.tick()
	if err != nil {
		n.stats.SyncErrors++
		n.dur.inflight = false
		// A failed fsync may have dropped the writes it covered while later ones survive
		// (fsyncgate): the files no longer hold what memory says they do, and syncing again
		// cannot repair that. Where the runtime can restart us, recover from what is
		// durable; otherwise keep everything held and sync again shortly.
		if fs, ok := n.env.(nodeapi.FailStopper); ok {
			n.stopped = true
			n.r.changed()
			fs.FailStop("sync failed: " + err.Error())
			return
		}
		n.env.After(n.cfg.SyncRetryDelay, n.retryFn)
		return
	}
	msgs, waiters := n.dur.completed(seq)
	n.r.Persisted(n.dur.inflightIndex, n.dur.inflightTerm)
	for _, h := range msgs {
		n.env.Send(h.to, h.frame)
	}
	for _, w := range waiters {
		w.fn()
	}
	n.requestSync()
	n.flush()
}

// rearm keeps one timer armed at or before the core's next deadline. A deadline that moves
// later (an election timer reset by a heartbeat) leaves the timer alone: it fires early,
// finds nothing due and is re-armed, which is cheaper than re-arming on every heartbeat.
func (n *Node) rearm() {
	if n.stopped {
		return
	}
	next := n.r.nextDeadline()
	if n.timerArmed && next >= n.timerAt {
		return
	}
	if n.timerArmed {
		n.timer.Stop()
	}
	n.timer = n.env.After(max(next-n.clock.read(n.env.Now()), 0), n.onTimerFn)
	n.timerAt, n.timerArmed = next, true
	n.clock.armed(next)
}

// tick gives the core the current monotonic time before an input.
func (n *Node) tick() { n.r.now = n.clock.read(n.env.Now()) }

func (n *Node) onTimer() {
	n.timerArmed = false
	if n.stopped {
		return
	}
	n.clock.fired(n.timerAt, n.env.Now())
	n.tick()
	n.r.Tick()
	n.flush()
}

func (n *Node) publishNotes() {
	for _, s := range n.r.notes {
		if n.annot != nil {
			n.annot.Annotate(s) // goes to the trace as well
		} else {
			n.env.Logf("%s", s)
		}
	}
	n.r.notes = n.r.notes[:0]
}
