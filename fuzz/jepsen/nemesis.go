package jepsen

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/model"
)

// nemesis applies a Schedule to a running cluster, one action at a time, and keeps the
// notes (faults and leader changes) for the HTML view and the fault log for the report.
type nemesis struct {
	c   *Cluster
	h   *history
	out io.Writer

	// bg tracks the delayed restarts (later).
	bg    sync.WaitGroup
	mu    sync.Mutex
	open  map[int]*openFault
	notes []model.Note
	lines []string
}

// openFault is an applied fault not yet undone, with its resolved targets.
type openFault struct {
	f      Fault
	node   nodeapi.NodeID
	group  []nodeapi.NodeID
	killed []nodeapi.NodeID
	// first are the servers a lag-crash restarts first (the others an election timeout
	// later).
	first []nodeapi.NodeID
	note  int
}

func newNemesis(c *Cluster, h *history, out io.Writer) *nemesis {
	return &nemesis{c: c, h: h, out: out, open: map[int]*openFault{}}
}

// run applies and undoes the faults at their times until ctx ends.
func (n *nemesis) run(ctx context.Context, faults []Fault) {
	type action struct {
		at   time.Duration
		i    int
		undo bool
	}
	var acts []action
	for i, f := range faults {
		acts = append(acts, action{f.At, i, false}, action{f.At + f.For, i, true})
	}
	slices.SortStableFunc(acts, func(a, b action) int { return int(a.at - b.at) })
	for _, a := range acts {
		if !sleepCtx(ctx, time.Until(n.h.start.Add(a.at))) {
			return
		}
		if a.undo {
			n.undo(a.i)
		} else {
			n.apply(a.i, faults[a.i])
		}
	}
}

// logf records one fault line, stamped with the run's clock.
func (n *nemesis) logf(format string, args ...any) {
	line := fmt.Sprintf("%7.2fs  ", time.Duration(n.h.now()).Seconds()) +
		fmt.Sprintf(format, args...)
	n.mu.Lock()
	n.lines = append(n.lines, line)
	n.mu.Unlock()
	if n.out != nil {
		fmt.Fprintln(n.out, line)
	}
}

// target resolves the server a fault aims at.
func (n *nemesis) target(f Fault) (nodeapi.NodeID, string) {
	if f.Leader {
		if l := n.c.Leader(); l != "" {
			return l, " (the leader)"
		}
	}
	return f.Node, ""
}

// apply performs fault i; a fault that cannot apply (its server is down) is skipped.
func (n *nemesis) apply(i int, f Fault) {
	node, role := n.target(f)
	o := &openFault{f: f, node: node}
	var text string
	switch f.Kind {
	case FaultKill, FaultPause:
		if !n.c.Running(node) || n.c.byID[node].isPaused() {
			n.logf("skip %s %s: not running", f.Kind, node)
			return
		}
		if f.Kind == FaultKill {
			_ = n.c.Kill(node)
			text = "kill -9 " + string(node) + role
		} else {
			_ = n.c.Pause(node)
			text = "SIGSTOP " + string(node) + role
		}
	case FaultCrashAll:
		if o.killed = n.killAll(); len(o.killed) == 0 {
			n.logf("skip crash-all: no server is running")
			return
		}
		text = fmt.Sprintf("kill -9 %v", o.killed)
	case FaultLagCrash:
		if text = n.lagCrash(o, role); text == "" {
			return
		}
	case FaultLagFollower:
		if text = n.lagFollower(o, role); text == "" {
			return
		}
	case FaultStall:
		if err := n.c.byID[node].admin.StallDisk(f.Delay); err != nil {
			n.logf("skip stall of %s: %v", node, err)
			return
		}
		text = fmt.Sprintf("stall the disk syncs of %s%s by %v", node, role, f.Delay)
	case FaultSyncFail:
		if err := n.c.byID[node].admin.FailSyncs(f.Syncs); err != nil {
			n.logf("skip fail-sync of %s: %v", node, err)
			return
		}
		text = fmt.Sprintf("fail the next %d disk syncs of %s%s", f.Syncs, node, role)
	default:
		if text = n.network(o, role); text == "" {
			return
		}
	}
	if n.c.Containers() && cutsByNetwork(f.Kind) {
		if err := n.c.cutOff(o.group, true); err != nil {
			n.logf("docker network disconnect: %v", err)
		}
	}
	n.mu.Lock()
	o.note = len(n.notes)
	n.notes = append(n.notes, model.Note{Start: n.h.now(), End: -1, Text: text,
		Details: f.String(), Tag: "fault", Client: model.GlobalClient})
	n.open[i] = o
	n.mu.Unlock()
	n.logf("%s", text)
	n.pushTables()
}

// network resolves a drop-table fault's targets and describes it ("" to skip it).
func (n *nemesis) network(o *openFault, role string) string {
	f := o.f
	switch f.Kind {
	case FaultIsolate:
		if role == "" {
			n.logf("skip isolate: no leader")
			return ""
		}
		o.group = []nodeapi.NodeID{o.node}
		return "isolate " + string(o.node) + role
	case FaultPartition:
		o.group = f.Group
		return fmt.Sprintf("partition %v | rest", f.Group)
	case FaultCut:
		return fmt.Sprintf("cut %s -> %s", f.Node, f.Peer)
	case FaultLoss:
		return fmt.Sprintf("loss %.0f%% at %s", 100*f.Rate, f.Node)
	}
	return ""
}

// lagCrash starts a lag-crash: it stalls the leader's disk and cuts off a minority of the
// followers (undo kills every server and restarts them).
func (n *nemesis) lagCrash(o *openFault, role string) string {
	if role == "" {
		n.logf("skip lag-crash: no leader")
		return ""
	}
	lag := (len(n.c.IDs()) - 1) / 2
	for _, id := range o.f.Group {
		if id != o.node && len(o.group) < lag {
			o.group = append(o.group, id)
		}
	}
	if err := n.c.byID[o.node].admin.StallDisk(o.f.Delay); err != nil {
		n.logf("skip lag-crash: %v", err)
		return ""
	}
	o.first = append([]nodeapi.NodeID{o.node}, o.group...)
	// The leader is named where it appears: the cut-off followers are listed after it.
	return fmt.Sprintf("lag-crash: stall the disk of %s%s by %v, cut off followers %v",
		o.node, role, o.f.Delay, o.group)
}

func (n *nemesis) killAll() []nodeapi.NodeID {
	var killed []nodeapi.NodeID
	var wg sync.WaitGroup
	for _, id := range n.c.IDs() {
		if n.c.Running(id) {
			killed = append(killed, id)
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = n.c.Kill(id)
			}()
		}
	}
	wg.Wait()
	return killed
}

// monitorPeriod is how often the monitor asks the servers who leads.
const monitorPeriod = 250 * time.Millisecond

// monitor watches the leader while the run goes on and notes each change on the timeline
// of the HTML view, next to the faults (the real-run counterpart of the simulated world's
// leader annotations).
func (n *nemesis) monitor(ctx context.Context) {
	var last nodeapi.NodeID
	var lastTerm uint64
	for sleepCtx(ctx, monitorPeriod) {
		leader, term := n.leaderAndTerm()
		if leader == "" || (leader == last && term == lastTerm) {
			continue
		}
		last, lastTerm = leader, term
		n.mu.Lock()
		n.notes = append(n.notes, model.Note{Start: n.h.now(), End: -1,
			Text: fmt.Sprintf("leader %s term %d", leader, term), Tag: "leader",
			Client: model.GlobalClient})
		n.mu.Unlock()
	}
}

func (n *nemesis) leaderAndTerm() (nodeapi.NodeID, uint64) {
	var leader nodeapi.NodeID
	var term uint64
	for id, st := range n.c.Statuses() {
		if st.Role == "leader" && (st.Term > term || (st.Term == term && id < leader)) {
			leader, term = id, st.Term
		}
	}
	return leader, term
}

// snapshotNotes returns the notes so far; faults still open end now.
func (n *nemesis) snapshotNotes() []model.Note {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := append([]model.Note(nil), n.notes...)
	now := n.h.now()
	for _, o := range n.open {
		out[o.note].End = now
	}
	return out
}

// faultLog returns the lines of the faults applied and undone.
func (n *nemesis) faultLog() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.lines...)
}

// cutsByNetwork reports whether a kind's cut is made, in containers mode, by disconnecting
// its group from the network rather than through the drop tables.
func cutsByNetwork(k FaultKind) bool {
	return k == FaultPartition || k == FaultIsolate || k.isLagCrash()
}

// lagFollower starts a follower lag-crash: it stalls the disks of the followers that make
// a majority with the leader and cuts off the others (undo kills every server and brings
// the followers back first).
func (n *nemesis) lagFollower(o *openFault, role string) string {
	if role == "" {
		n.logf("skip lag-crash-follower: no leader")
		return ""
	}
	quorum := len(n.c.IDs())/2 + 1
	var stalled []nodeapi.NodeID
	for _, id := range o.f.Group {
		switch {
		case id == o.node:
		case len(stalled) < quorum-1:
			stalled = append(stalled, id)
		default:
			o.group = append(o.group, id)
		}
	}
	if len(stalled) == 0 {
		n.logf("skip lag-crash-follower: no follower")
		return ""
	}
	for _, id := range stalled {
		if err := n.c.byID[id].admin.StallDisk(o.f.Delay); err != nil {
			n.logf("skip lag-crash-follower: %v", err)
			return ""
		}
	}
	o.first = append(slices.Clone(o.group), stalled...)
	return fmt.Sprintf("lag-crash-follower: the leader is %s; stall the disks of followers "+
		"%v by %v, cut off followers %v", o.node, stalled, o.f.Delay, o.group)
}
