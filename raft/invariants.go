package raft

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Invariant names, as reported in Violation.Invariant.
const (
	ElectionSafety     = "ElectionSafety"
	LogMatching        = "LogMatching"
	LeaderAppendOnly   = "LeaderAppendOnly"
	LeaderCompleteness = "LeaderCompleteness"
	StateMachineSafety = "StateMachineSafety"
	// Durability: a node restarts with every log entry it had synced (and so may have
	// acknowledged). Not one of Figure 3's, but the one they all rest on.
	Durability = "Durability"
)

// Violation is a broken Raft safety invariant (Figure 3 of the Raft paper). Its message is
// deterministic (node IDs, terms and indexes only) so that a shrinker can confirm it.
type Violation struct {
	Invariant string
	Detail    string
}

func (v *Violation) Error() string {
	return "raft invariant " + v.Invariant + " violated: " + v.Detail
}

func violation(inv, detail string) *Violation {
	return &Violation{Invariant: inv, Detail: detail}
}

// at renders a log position as index@term.
func at(index, term uint64) string { return dec(index) + "@" + dec(term) }

type entryKey struct{ index, term uint64 }

// entryGhost is what every log holding entry (index, term) must agree on: the term of the
// entry before it and a hash of its content. By induction on the index, agreement on both
// for every entry means logs that share an entry share the whole prefix (Log Matching).
type entryGhost struct{ prevTerm, hash uint64 }

// ghost is the history of the whole run, across node incarnations: who led each term, every
// (index, term) ever appended anywhere, and the term of every index ever committed or applied.
type ghost struct {
	leaders   map[uint64]nodeapi.NodeID
	entries   entryRecord
	committed []uint64
	// committedIn is, per committed index, the term of the node that first saw it committed:
	// the leader that decided it, so the term in which it was committed.
	committedIn []uint64
	applied     []uint64
	// ws are the watches, sorted by node ID (leadersHold walks them in that order).
	ws []*watch
	// slots finds a watch by its ID in one probe (watchOf): slots[slotOf(id)] is the
	// only watch whose ID lands there, nil if none does, or collided if several do.
	slots [watchSlots]*watch
	// durable is, per node, the last entry it had synced at its latest check: its next
	// incarnation must recover it. Each incarnation's watch holds its node's mark, so the
	// check after every event updates it without a map operation.
	durable map[nodeapi.NodeID]*durableMark
	// full turns off the skip of unchanged nodes (nodeView), for the test that compares
	// the two; skipped counts the checks skipped.
	full    bool
	skipped uint64
}

// durableMark is a node's last synced entry (set) or nothing synced (unset).
type durableMark struct {
	entryKey
	set bool
}

// watch holds how far the checks have seen one node incarnation. The checks only read the
// node: what changed in its log since the last check comes from the log's rewrite history
// (rewrites.go) and the two watermarks here.
type watch struct {
	id nodeapi.NodeID
	n  *Node
	// nextIndex is the first log index the checks have not seen; rewrites is the log's
	// rewrite count when they last looked, so that earlier indexes rewritten since are seen.
	nextIndex, rewrites uint64
	// leaderTerm is the term in which the node was last seen leading, leaderLast its last
	// index at that check (a leader never removes entries: Leader Append-Only).
	leaderTerm, leaderLast uint64
	commit, applied        uint64
	// recovered is set until the first check of a new incarnation, which compares what it
	// recovered with what the last one had synced.
	recovered bool
	// durable is the node's entry of ghost.durable.
	durable *durableMark
	// seen is the node's view at the end of its last check, when that check left nothing
	// to do until the view changes (invalid otherwise).
	seen nodeView
}

// nodeView is everything of a node that the checks read, bar what a check itself waits
// for (see check): a check of a node whose view is what it was at the end of its last
// check would find every watermark of its watch already there and do nothing. Most events
// (a tick, a heartbeat that changes nothing) leave a node's view as it was.
type nodeView struct {
	valid                                      bool
	role                                       Role
	term, last, rewrites, snap, stable, commit uint64
	applied                                    uint64
}

func viewOf(n *Node) nodeView {
	r := n.r
	return nodeView{valid: true, role: r.role, term: r.term, last: r.log.lastIndex(),
		rewrites: r.log.rewrites, snap: r.log.snapIndex, stable: r.stable, commit: r.commit,
		applied: n.applied}
}

// shows reports whether v is n's view now: viewOf(n) == v, field by field (the fields that
// move most first), where comparing the structs called an equality function.
func (v *nodeView) shows(n *Node) bool {
	r := n.r
	return v.valid && v.stable == r.stable && v.applied == n.applied &&
		v.last == r.log.lastIndex() && v.commit == r.commit && v.term == r.term &&
		v.role == r.role && v.rewrites == r.log.rewrites && v.snap == r.log.snapIndex
}

func newGhost() *ghost {
	return &ghost{leaders: map[uint64]nodeapi.NodeID{}, durable: map[nodeapi.NodeID]*durableMark{}}
}

func (g *ghost) watch(id nodeapi.NodeID, n *Node) {
	d := g.durable[id]
	if d == nil {
		d = &durableMark{}
		g.durable[id] = d
	}
	w := &watch{id: id, n: n, rewrites: n.r.log.rewrites, commit: n.r.commit,
		applied: n.applied, recovered: true, durable: d}
	i, ok := g.find(id)
	if ok {
		g.ws[i] = w
	} else {
		g.ws = slices.Insert(g.ws, i, w)
	}
	g.index()
}

// find is where id's watch is in ws, or would be.
func (g *ghost) find(id nodeapi.NodeID) (int, bool) {
	return slices.BinarySearchFunc(g.ws, id, func(w *watch, id nodeapi.NodeID) int {
		return strings.Compare(string(w.id), string(id))
	})
}

func (g *ghost) unwatch(id nodeapi.NodeID) {
	if i, ok := g.find(id); ok {
		g.ws = slices.Delete(g.ws, i, i+1)
		g.index()
	}
}

// watchSlots is the size of the ghost's direct table of watches.
const watchSlots = 64

// collided marks a slot that several watched IDs land in.
var collided = &watch{}

// slotOf places an ID in the direct table by its length and first and last bytes: the IDs
// of one cluster ("n1", "n2", ..., "s1") differ there.
func slotOf(id nodeapi.NodeID) int {
	n := len(id)
	if n == 0 {
		return 0
	}
	return (n*31 + int(id[0])*7 + int(id[n-1])) & (watchSlots - 1)
}

// index rebuilds the direct table from ws (after a watch or an unwatch).
func (g *ghost) index() {
	g.slots = [watchSlots]*watch{}
	for _, w := range g.ws {
		switch s := &g.slots[slotOf(w.id)]; *s {
		case nil:
			*s = w
		default:
			*s = collided
		}
	}
}

// watchOf returns the watch of id, or nil: one probe of the direct table, or a walk of ws
// when IDs collide there. The check after every event starts here, and hashing the ID in
// a map cost more than the check itself on a quiet event.
func (g *ghost) watchOf(id nodeapi.NodeID) *watch {
	switch w := g.slots[slotOf(id)]; w {
	case nil:
		return nil
	case collided:
		for _, w := range g.ws {
			if w.id == id {
				return w
			}
		}
		return nil
	default:
		if w.id == id {
			return w
		}
		return nil
	}
}

// rewatch makes the next check of id revisit its whole state.
func (g *ghost) rewatch(id nodeapi.NodeID) {
	w := g.watchOf(id)
	if w == nil {
		return
	}
	r := w.n.r
	w.nextIndex = 0
	w.leaderTerm, w.commit, w.applied = 0, r.log.snapIndex, r.log.snapIndex
	w.seen = nodeView{}
}

func (g *ghost) check(id nodeapi.NodeID) error {
	w := g.watchOf(id)
	if w == nil || w.n.failure != nil {
		return nil
	}
	if w.seen.shows(w.n) && !g.full {
		g.skipped++
		return nil
	}
	if err := g.checkAll(id, w); err != nil {
		return err
	}
	// A leader not yet counted (tentative: checkLeader) waits for its sync, which the
	// view does not show; it is checked again after every event until it counts.
	w.seen = nodeView{}
	if r := w.n.r; r.role != Leader || w.leaderTerm == r.term {
		w.seen = viewOf(w.n)
	}
	return nil
}

func (g *ghost) checkAll(id nodeapi.NodeID, w *watch) error {
	if err := g.checkDurable(id, w); err != nil {
		return err
	}
	if err := g.checkLeader(id, w); err != nil {
		return err
	}
	if err := g.checkLog(id, w); err != nil {
		return err
	}
	if err := g.checkCommit(id, w); err != nil {
		return err
	}
	return g.checkApplied(id, w)
}

// checkDurable: a restarted node holds the last entry its previous incarnation had synced
// (or a snapshot past it); then it records what this incarnation has synced. A truncation
// by a new leader lowers the synced index first, so a legitimately replaced suffix is
// never demanded back.
func (g *ghost) checkDurable(id nodeapi.NodeID, w *watch) error {
	r := w.n.r
	if w.recovered {
		w.recovered = false
		if d := w.durable; d.set && d.index > r.log.snapIndex {
			if t, ok := r.log.term(d.index); !ok || t != d.term {
				return violation(Durability, string(id)+" restarted without entry "+
					at(d.index, d.term)+" that it had synced (its log now ends at "+
					at(r.log.lastIndex(), r.log.lastTerm())+")")
			}
		}
	}
	if r.stable == 0 {
		// Nothing synced, or a truncation from index 1 replaced all of it.
		w.durable.set = false
	} else if t, ok := r.log.term(r.stable); ok {
		*w.durable = durableMark{entryKey{r.stable, t}, true}
	}
	return nil
}

// checkLeader: at most one leader per term (Election Safety); a leader's log holds every
// committed entry (Leader Completeness) and never loses entries (Leader Append-Only).
func (g *ghost) checkLeader(id nodeapi.NodeID, w *watch) error {
	r := w.n.r
	if r.role != Leader {
		return nil
	}
	if w.leaderTerm == r.term {
		if low, ok := r.log.rewrittenSince(w.rewrites); ok && low <= w.leaderLast {
			return violation(LeaderAppendOnly, "leader "+string(id)+" of term "+dec(r.term)+
				" changed its log at index "+dec(low)+" (last was "+dec(w.leaderLast)+")")
		}
		w.leaderLast = r.log.lastIndex()
		return nil
	}
	if len(r.voters) == 1 && w.n.dur.pending() {
		// The sole voter of its config wins at once, before its term and vote are synced:
		// such a leader is tentative. A crash now leaves no trace of it, and it has done
		// nothing others can see (no vote was asked; commits and reads need its sync). It
		// counts from its first check after the sync. With more voters, vote requests wait
		// for the sync, so a leader is never tentative (unless that rule is broken).
		return nil
	}
	if other, ok := g.leaders[r.term]; ok && other != id {
		return violation(ElectionSafety, string(other)+" and "+string(id)+
			" both leader in term "+dec(r.term))
	}
	g.leaders[r.term] = id
	w.leaderTerm, w.leaderLast = r.term, r.log.lastIndex()
	for i := r.log.snapIndex; i < uint64(len(g.committed)); i++ {
		if err := g.leaderHolds(id, r, i); err != nil {
			return err
		}
	}
	return nil
}

// leaderHolds checks that leader r holds committed entry i (term 0: unknown). Leader
// Completeness binds the leaders of terms after the one in which the entry was committed; a
// leader of that term or an earlier one may lack it: a deposed leader that has not learned
// so yet, or one elected before the commit (as the leader trap leaves behind).
func (g *ghost) leaderHolds(id nodeapi.NodeID, r *raft, i uint64) error {
	t := g.committed[i]
	if t == 0 || i < r.log.snapIndex || r.term <= g.committedIn[i] {
		return nil
	}
	if lt, ok := r.log.term(i); !ok || lt != t {
		return violation(LeaderCompleteness, "leader "+string(id)+" of term "+dec(r.term)+
			" lacks committed entry "+at(i, t)+" (has term "+dec(lt)+")")
	}
	return nil
}

// checkLog records or compares every entry appended since the last check (Log Matching).
//
// A leader's entries past its own durable index are private until they reach a follower or
// its disk: a single-node leader that crashes before syncing its term may lead the same term
// again after restart and append different entries there, which no one could have seen.
// Followers record every entry they hold, so everything that left a leader is checked.
func (g *ghost) checkLog(id nodeapi.NodeID, w *watch) error {
	r := w.n.r
	l := r.log
	for i := max(g.changedFrom(w), l.firstIndex()); i <= l.lastIndex(); i++ {
		if r.role == Leader && i > r.stable {
			break
		}
		e := l.entry(i)
		prev, _ := l.term(i - 1)
		k, eg := entryKey{i, e.Term}, entryGhost{prevTerm: prev, hash: entryHash(e)}
		old, seen := g.entries.get(k)
		if !seen {
			g.entries.put(k, eg)
			continue
		}
		if old != eg {
			return violation(LogMatching, string(id)+" holds entry "+at(i, e.Term)+
				" after term "+dec(prev)+" with hash "+hex(eg.hash)+
				"; another log has it after term "+dec(old.prevTerm)+" with hash "+
				hex(old.hash))
		}
	}
	w.nextIndex, w.rewrites = l.lastIndex()+1, l.rewrites
	return nil
}

// changedFrom is the lowest log index that may have changed since w last looked: the first
// one it had not seen, or an earlier one a truncation or reset has rewritten since.
func (g *ghost) changedFrom(w *watch) uint64 {
	from := w.nextIndex
	if low, ok := w.n.r.log.rewrittenSince(w.rewrites); ok {
		from = min(from, low)
	}
	return from
}

// checkCommit records newly committed entries: no two nodes commit different entries at an
// index, and every current leader of a later term holds them (Leader Completeness).
func (g *ghost) checkCommit(id nodeapi.NodeID, w *watch) error {
	r := w.n.r
	from := w.commit + 1
	w.commit = max(w.commit, r.commit)
	if r.commit < from {
		return nil
	}
	for i := max(from, r.log.snapIndex); i <= r.commit; i++ {
		t, _ := r.log.term(i)
		g.committed, g.committedIn = grow(g.committed, i), grow(g.committedIn, i)
		switch ct := g.committed[i]; {
		case ct == t:
			continue
		case ct != 0:
			return violation(StateMachineSafety, string(id)+" committed "+at(i, t)+", but "+
				at(i, ct)+" was committed")
		}
		g.committed[i], g.committedIn[i] = t, r.term
		if err := g.leadersHold(i); err != nil {
			return err
		}
	}
	return nil
}

func (g *ghost) leadersHold(i uint64) error {
	for _, lw := range g.ws {
		if lw.n.r.role == Leader && lw.n.failure == nil {
			if err := g.leaderHolds(lw.id, lw.n.r, i); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkApplied records newly applied entries: every node applies the same entry at an index
// (State Machine Safety; equal terms mean equal entries, by the Log Matching record).
func (g *ghost) checkApplied(id nodeapi.NodeID, w *watch) error {
	n := w.n
	from := w.applied + 1
	w.applied = max(w.applied, n.applied)
	for i := max(from, n.r.log.firstIndex()); i <= n.applied; i++ {
		t, _ := n.r.log.term(i)
		g.applied = grow(g.applied, i)
		if seen := g.applied[i]; seen != 0 && seen != t {
			return violation(StateMachineSafety, string(id)+" applied "+at(i, t)+", but "+
				at(i, seen)+" was applied")
		}
		g.applied[i] = t
	}
	return nil
}

func grow(s []uint64, i uint64) []uint64 {
	if i < uint64(len(s)) {
		return s
	}
	return append(s, make([]uint64, i+1-uint64(len(s)))...)
}

// entryHash is FNV-1a over an entry's type and data. The check hashes every entry each
// node appends, so the data is read eight bytes at a time (the same bytes in the same
// order: the same hash).
func entryHash(e *Entry) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	h = (h ^ uint64(e.Type)) * prime
	p := e.Data
	for ; len(p) >= 8; p = p[8:] {
		w := binary.LittleEndian.Uint64(p)
		h = (h ^ w&0xff) * prime
		h = (h ^ w>>8&0xff) * prime
		h = (h ^ w>>16&0xff) * prime
		h = (h ^ w>>24&0xff) * prime
		h = (h ^ w>>32&0xff) * prime
		h = (h ^ w>>40&0xff) * prime
		h = (h ^ w>>48&0xff) * prime
		h = (h ^ w>>56) * prime
	}
	for _, b := range p {
		h = (h ^ uint64(b)) * prime
	}
	return h
}

// Converged reports nil when every live voter (of the configuration of the most advanced
// live node) has applied the latest commit index and holds the same state.
func (s *System) Converged(live []nodeapi.NodeID) error {
	var nodes []*Node
	for _, id := range live {
		if n := s.nodes[id]; n != nil && n.failure == nil && !n.stopped {
			nodes = append(nodes, n)
		}
	}
	if len(nodes) == 0 {
		return nil
	}
	ref := nodes[0]
	for _, n := range nodes[1:] {
		if n.applied > ref.applied || (n.applied == ref.applied && n.r.commit > ref.r.commit) {
			ref = n
		}
	}
	maxCommit := ref.r.commit
	want := ref.kv.digest()
	for _, n := range nodes {
		maxCommit = max(maxCommit, n.r.commit)
	}
	for _, n := range nodes {
		if !slices.Contains(ref.r.voters, n.r.id) {
			continue
		}
		if n.applied != maxCommit {
			return &notConverged{id: n.r.id, applied: n.applied, commit: maxCommit}
		}
		if n.kv.digest() != want {
			return &notConverged{id: n.r.id, ref: ref.r.id, applied: n.applied}
		}
	}
	return nil
}

// notConverged is Converged's answer, worded only if read: the liveness phase asks before
// every event while it waits, and reads the last answer only if the wait fails.
type notConverged struct {
	id, ref         nodeapi.NodeID // ref is set when id holds another state than ref
	applied, commit uint64
}

func (e *notConverged) Error() string {
	if e.ref != "" {
		return "raft: " + string(e.id) + " and " + string(e.ref) + " applied index " +
			dec(e.applied) + " but hold different states"
	}
	return "raft: " + string(e.id) + " applied " + dec(e.applied) + " of " + dec(e.commit) +
		" committed entries"
}
