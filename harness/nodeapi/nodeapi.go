// Package nodeapi is the node contract: everything a system under test sees of the runtime it
// runs on, and nothing more. It imports only the standard library, so a production binary
// written against it links none of the simulator, the network model or the checkers.
//
// Two runtimes implement it: the deterministic simulated world (package harness) and the real
// runtime (package harness/realrt: TCP, files with fsync, the wall clock, one goroutine per
// node serialising callbacks). The same node code runs on both, unchanged.
package nodeapi

import (
	"errors"
	"io/fs"
	"time"
)

// NodeID names an endpoint of the network: a server node or a client. The user chooses IDs;
// every call of the world accepts them.
type NodeID string

// Kind names an operation of a workload. Each workload numbers its own kinds from 1 (the
// key-value workload's are in package harness/nodeapi/kv); the zero Kind is invalid, so a
// forgotten field is caught.
type Kind uint8

// Op is one client request. Its meaning belongs to the workload: Kind says what to do, Key is
// the object it acts on (the checker partitions histories by Key), Value and Expect are its
// arguments. The key-value workload reads them as put's value and cas's expected value; a
// lock service might read them as the owner and a fencing token.
type Op struct {
	Kind   Kind
	Key    string
	Value  string
	Expect string
}

// Result is what a completed operation returned. Value and Found answer a read; OK answers a
// conditional operation. Which fields a kind fills is the workload's business.
type Result struct {
	Value string
	Found bool
	OK    bool
}

// Outcome is the client's verdict on one operation: a Result, or Unknown when the client
// gave up without learning whether a write took effect (a timeout, a lost reply).
type Outcome struct {
	Result  Result
	Unknown bool
}

// Env is everything a node may touch. Every callback a node receives runs on its own Env and
// never concurrently with another callback of the same world.
type Env interface {
	// ID is the node's own name.
	ID() NodeID
	// Now is the node's local clock, which may be skewed and drift against other nodes'.
	Now() time.Time
	// After calls f once d has passed on the node's local clock, unless the timer is stopped
	// or the node crashes or stops first.
	After(d time.Duration, f func()) Timer
	// Send puts msg on the network towards to. It may be lost, delayed, duplicated,
	// reordered or corrupted; the receiver must treat msg as read-only.
	Send(to NodeID, msg []byte)
	// Rand is the node's own seeded random stream.
	Rand() Rand
	// Disk is the node's durable storage; it survives crashes up to its last Sync.
	Disk() Disk
	// Dial opens an ordered, reliable stream to another node. The stream breaks, and both
	// ends are told through StreamHandler.Closed, when either end crashes or the path between
	// them is partitioned.
	Dial(to NodeID, h StreamHandler) Stream
	// Logf writes a line to the trace, stamped with virtual time and the node's ID.
	Logf(format string, args ...any)
}

// Rand is a seeded random source. *math/rand/v2.Rand satisfies it.
type Rand interface {
	Uint64() uint64
	IntN(n int) int
	Float64() float64
}

// Timer is a handle on a pending Env.After call. The zero Timer is valid and stops nothing.
type Timer struct {
	id uint64
	s  TimerStopper
}

// TimerStopper is implemented by a runtime that hands out Timers.
type TimerStopper interface {
	// StopTimer cancels timer id and reports whether it had not fired yet.
	StopTimer(id uint64) bool
}

// NewTimer makes a Timer for a runtime; systems never call it.
func NewTimer(s TimerStopper, id uint64) Timer { return Timer{id: id, s: s} }

// Stop cancels the timer; it reports whether the timer had been pending.
func (t Timer) Stop() bool {
	if t.s == nil {
		return false
	}
	return t.s.StopTimer(t.id)
}

// ErrNotExist is the error of Disk.ReadFile, Truncate, Rename and Remove for a missing
// file. Both runtimes wrap it with the operation and the file name, so test for it with
// errors.Is(err, nodeapi.ErrNotExist), never with ==. errors.Is(err, fs.ErrNotExist) holds
// too, so code written for the os package's errors recognises it as well.
var ErrNotExist error = notExist{}

// notExist is ErrNotExist's type: a missing file that is also fs.ErrNotExist.
type notExist struct{}

func (notExist) Error() string { return "disk: file does not exist" }

// Is makes errors.Is(err, fs.ErrNotExist) hold for ErrNotExist and what wraps it.
func (notExist) Is(target error) bool { return target == fs.ErrNotExist }

// Stream errors, given to StreamHandler.Closed and returned by Stream.Write. Both runtimes
// use them, so a node can tell why a stream ended with errors.Is.
var (
	// ErrRefused: the dialed node does not exist, is down, does not implement
	// StreamAcceptor, or its Accept returned nil.
	ErrRefused = errors.New("stream: connection refused")
	// ErrPeerCrashed: the other end's node crashed.
	ErrPeerCrashed = errors.New("stream: peer crashed")
	// ErrPeerStopped: the other end's node was stopped.
	ErrPeerStopped = errors.New("stream: peer stopped")
	// ErrPartitioned: the path between the ends was cut, or a chunk was dropped.
	ErrPartitioned = errors.New("stream: path partitioned")
	// ErrStreamClosed: Write on a stream that was closed by either end.
	ErrStreamClosed = errors.New("stream: closed")
)

// Disk is a node's durable storage: named files written in memory and made durable by Sync.
// Every writing method (WriteFile, Append, Truncate, Rename, Remove) is a pending write
// until a Sync asked for after it completes: a Rename or a Remove needs a Sync of its own
// like the bytes of a file. A crash keeps exactly what was synced, and with a torn crash
// a prefix of the pending writes in the order they were made, the last one kept perhaps
// cut short (so a rename never survives without the writes made before it). Reads see
// every write, synced or not, and may be corrupted by a fault; a node is expected to
// detect that with its own checksums. A missing file is ErrNotExist (use errors.Is).
type Disk interface {
	// ReadFile returns a copy of the file's current contents.
	ReadFile(name string) ([]byte, error)
	// WriteFile replaces the file's contents (creating it).
	WriteFile(name string, data []byte) error
	// Append adds data at the end of the file (creating it).
	Append(name string, data []byte) error
	// Truncate cuts the file to size bytes.
	Truncate(name string, size int) error
	// Rename atomically replaces newName with oldName; durable after the next Sync.
	Rename(oldName, newName string) error
	// Remove deletes the file.
	Remove(name string) error
	// List returns the file names in sorted order.
	List() []string
	// Sync makes every earlier write of the disk durable (every file, renames and removals
	// included), then calls done (later, on virtual time). Writes made after the call wait
	// for the next Sync. A non-nil error means the writes are not known to be durable.
	// done is not called if the node crashes first.
	Sync(done func(err error))
}

// StreamHandler receives the events of one stream end.
type StreamHandler interface {
	// Data delivers the next chunk written by the peer, in order.
	Data(s Stream, p []byte)
	// Closed reports that the stream ended: nil for a Close by either end, otherwise why it
	// broke (the peer crashed, the path was partitioned).
	Closed(s Stream, err error)
}

// Stream is one end of an ordered, reliable, connection-like channel.
type Stream interface {
	// Peer is the node at the other end.
	Peer() NodeID
	// Write sends p to the peer; it fails once the stream is closed or broken.
	Write(p []byte) error
	// Close ends the stream for both ends.
	Close()
}

// StreamAcceptor is implemented by a node that accepts streams dialed to it. A node that
// does not implement it refuses every stream (the dialer's handler is told ErrRefused).
type StreamAcceptor interface {
	Accept(s Stream) StreamHandler
}

// Node is a running instance of the system under test on one endpoint. The world calls its
// methods one at a time; a node never blocks, never starts goroutines, never reads the wall
// clock and never uses a global random source.
type Node interface {
	// HandleMessage delivers a datagram sent by from.
	HandleMessage(from NodeID, msg []byte)
}

// Stopper is implemented by a node that wants to hear of a graceful stop. After Stop returns
// the node receives nothing more; its disk keeps whatever it synced.
type Stopper interface {
	Stop()
}

// Boot is what a node learns when it is created or re-created after a restart.
type Boot struct {
	// Peers are the initial voting members of the cluster, the same list for every node
	// started with the cluster. A node added later by a membership change gets an empty list
	// and waits to be told its configuration.
	Peers []NodeID
}

// System builds the nodes and clients of a system under test.
type System interface {
	// NewNode creates the node env.ID(), recovering from env.Disk() what an earlier
	// incarnation made durable. An error (for example a corrupted record found on recovery)
	// leaves the node down and is reported by the world.
	NewNode(env Env, boot Boot) (Node, error)
	// NewClient creates a client endpoint that talks to the given servers.
	NewClient(env Env, servers []NodeID) (Client, error)
}

// Client is a client endpoint. It runs one operation at a time (closed loop).
type Client interface {
	Node
	// Invoke starts op; done is called exactly once with the outcome, on virtual time. The
	// client reports Outcome.Unknown when it cannot know whether a write took effect.
	Invoke(op Op, done func(Outcome))
}

// Route says where a Router sends one operation. The zero Route asks for nothing: the
// operation goes wherever Invoke would send it.
type Route struct {
	// To is the server that gets the first attempt ("" leaves the choice to the client).
	// After it the client behaves as usual: it follows redirects and retries elsewhere.
	To NodeID
	// Sticky keeps the client with the server the operation starts at (To, or the one the
	// client prefers): a redirect is followed for this operation only, so the next one
	// starts at the same server again. Only a server that leaves an attempt unanswered
	// loses the client (it may be down or cut off), as it would without Sticky.
	Sticky bool
}

// Router is implemented by a Client that can be told where to send an operation. Stale
// reads live on servers a well-behaved client soon stops asking (a deposed leader, a
// follower, a leader that has just taken over), so a harness steers some operations there.
// A correct system answers a routed operation as it would answer Invoke.
type Router interface {
	// InvokeRouted is Invoke with a route; done is called exactly once, as for Invoke.
	InvokeRouted(op Op, route Route, done func(Outcome))
}

// Admin is implemented by a Client that can change cluster membership.
type Admin interface {
	// AddVoter asks the cluster to add id as a voter; RemoveVoter to remove it. done gets nil
	// once the change is committed, or an error saying why it was not (it may still happen).
	AddVoter(id NodeID, done func(error))
	RemoveVoter(id NodeID, done func(error))
}

// Preferrer is implemented by a Client that can be told which server to try first on its
// next request (the client kit's Caller has it). Before each membership change the harness
// points an Admin client that implements it at the leader it sees, as an operator watching
// the cluster would; the client still follows redirects and retries as usual. Without it a
// change starts wherever the client's own guess is, and may reach a new leader only after
// that leader has settled.
type Preferrer interface {
	Prefer(id NodeID)
}

// Invariants is implemented by a System that can check its own safety invariants. The world
// calls CheckAfterEvent after every event that ran code of node id; it must be cheap.
type Invariants interface {
	CheckAfterEvent(id NodeID) error
}

// Converger is implemented by a System that can tell whether its replicas agree, for the
// liveness phase: nil when every live replica has applied the same state.
type Converger interface {
	Converged(live []NodeID) error
}

// LifecycleObserver is implemented by a System that tracks its nodes (for invariants): the
// world tells it when a node's incarnation ends by crash or stop.
type LifecycleObserver interface {
	NodeDown(id NodeID)
}

// FailStopper is implemented by an Env whose runtime can restart a node that gives up. A node
// that can no longer keep its promises calls FailStop; the runtime then ends the incarnation
// as a crash (volatile state and unsynced writes are lost) and soon starts a new one from the
// disk. The case that needs it is a failed Sync: the kernel may have dropped the dirty pages
// it covered (PostgreSQL's "fsyncgate"), so writes the node still holds in memory may be gone
// from the file while later ones are not, and retrying the Sync cannot bring them back;
// recovering from what is durable can. Code after FailStop returns still runs, but nothing it
// does through the Env has any effect.
type FailStopper interface {
	FailStop(reason string)
}

// LeaderReporter is implemented by a System that can say which node currently leads. The
// harness uses it to aim faults at "@leader" and to count leader changes and leaderless
// time in the stability window; without it such faults are skipped and the window judges
// only the term and the probe writes.
type LeaderReporter interface {
	// Leader returns the leader of the highest term among up nodes, or "" if none.
	Leader() NodeID
}

// TermReporter is implemented by a System that numbers its leadership epochs (Raft's terms,
// Paxos ballots, a lease's epoch). The harness watches the number in the stability window:
// with one tolerated cut a correct system should hold its epoch, and a system whose term
// keeps rising is being disrupted even when a leader is seen at every sample. Without it
// only the leader and the probe writes are judged.
type TermReporter interface {
	// Term returns the highest term among up nodes (0 before any).
	Term() uint64
}

// Annotator is implemented by the simulated Env (a real runtime may ignore it). A node calls
// Annotate for a notable moment, such as becoming leader, so that reports and the HTML view
// can show it on the timeline next to the faults.
type Annotator interface {
	Annotate(text string)
}

// Reporter is implemented by an Env whose runtime listens to the protocol events a node
// reports: short fixed names such as "leader", "commit-older-term" or "snapshot-send",
// one per kind of moment (never a name built from indexes or IDs). The simulated world
// uses them twice: a fault may be triggered by one ("when a node becomes leader, crash
// it"), and a campaign counts them as coverage, the rare states a run reached. A real
// runtime ignores them. Call Reach rather than asserting the interface at every call.
type Reporter interface {
	Reached(event string)
}

// Reach tells env's runtime that the node reached event, if the runtime listens; on any
// other runtime it does nothing.
func Reach(env Env, event string) {
	if r, ok := env.(Reporter); ok {
		r.Reached(event)
	}
}

// MessageLabeler is implemented by a System that can name the kind of each datagram it sends
// ("append", "vote", "client", ...). The simulator uses the names to aim message faults (hold,
// replay) at one kind of message, and generators draw a kind only from MessageKinds. A System
// without it still gets those faults, aimed at links and random fractions of messages only.
//
// Both methods must be pure and cheap: MessageKind runs on the sending path of every message
// a kind-aimed fault could take, and must not panic on any input (a corrupted frame, an
// empty one); it reads the frame and never keeps or changes it.
type MessageLabeler interface {
	// MessageKinds lists every name MessageKind may return, in a fixed order, each a short
	// lower-case word without spaces.
	MessageKinds() []string
	// MessageKind names the kind of frame, a datagram exactly as a node sent it, or returns
	// "" when it cannot tell (a frame it cannot parse).
	MessageKind(frame []byte) string
}

// MaxEventName bounds the length of an event name a node reports (see Reporter); a longer
// name is counted as an overflow, not as an event of its own.
const MaxEventName = 64

// EventLeaderElected is the event the simulator's runner reports itself, for any system
// that implements LeaderReporter, when the leader it reports changes to a node (not to "no
// leader"). It is only watched while a trigger waits for it: watching costs a leader query
// per event.
const EventLeaderElected = "leader-elected"
