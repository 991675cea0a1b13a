package jepsen

import (
	"slices"
	"sync"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/realrt"
)

// undo reverses fault i if it was applied.
func (n *nemesis) undo(i int) {
	n.mu.Lock()
	o := n.open[i]
	delete(n.open, i)
	if o != nil {
		n.notes[o.note].End = n.h.now()
	}
	n.mu.Unlock()
	if o == nil {
		return
	}
	if n.c.Containers() && cutsByNetwork(o.f.Kind) {
		if err := n.c.cutOff(o.group, false); err != nil {
			n.logf("docker network connect: %v", err)
		}
	}
	switch o.f.Kind {
	case FaultKill:
		n.restart(o.node)
	case FaultCrashAll:
		for j, id := range o.killed { // staggered, as after a power cut
			n.later(time.Duration(100*j)*time.Millisecond, func() { n.restart(id) })
		}
	case FaultLagCrash, FaultLagFollower:
		n.finishLagCrash(o)
	case FaultPause:
		if err := n.c.Resume(o.node); err == nil {
			n.logf("SIGCONT %s", o.node)
		}
	case FaultStall:
		if err := n.c.byID[o.node].admin.StallDisk(0); err == nil {
			n.logf("%s's disk syncs back to speed", o.node)
		}
	case FaultSyncFail:
		if err := n.c.byID[o.node].admin.FailSyncs(0); err == nil {
			n.logf("%s's disk syncs succeed again", o.node)
		}
	default:
		n.logf("heal: %s", n.notes[o.note].Text)
	}
	n.pushTables()
}

// lagRestartGap is how long the up-to-date followers stay down after a lag-crash: longer
// than the longest election timeout (2 s), so the leader and the laggards elect without
// them.
const lagRestartGap = 3 * time.Second

// finishLagCrash kills every server (the fault is no longer open, so the restarted ones get
// no cut), brings back the servers that lack the latest writes (o.first: the old leader and
// the cut-off followers, or the followers), then the others.
func (n *nemesis) finishLagCrash(o *openFault) {
	killed := n.killAll()
	n.logf("%s: kill -9 %v", o.f.Kind, killed)
	first := o.first
	for _, id := range first {
		n.restart(id)
	}
	n.later(lagRestartGap, func() {
		for _, id := range killed {
			if !slices.Contains(first, id) {
				n.restart(id)
			}
		}
	})
}

// later runs f after d on its own goroutine, so that a staggered restart does not hold up
// the rest of the schedule; healAll waits for it.
func (n *nemesis) later(d time.Duration, f func()) {
	n.bg.Add(1)
	go func() {
		defer n.bg.Done()
		time.Sleep(d)
		f()
		n.pushTables()
	}()
}

// restart starts a killed server again and waits (briefly) for its admin endpoint, so that
// the drop table in force can be pushed to the new process.
func (n *nemesis) restart(id nodeapi.NodeID) {
	if n.c.Running(id) {
		return
	}
	if err := n.c.Restart(id); err != nil {
		n.logf("restart %s failed: %v", id, err)
		return
	}
	n.logf("restart %s", id)
	s := n.c.byID[id]
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && s.running() {
		if _, err := s.admin.Status(); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tables computes every server's drop table from the open network faults.
func (n *nemesis) tables() map[nodeapi.NodeID]FaultTable {
	ids := n.c.IDs()
	t := map[nodeapi.NodeID]FaultTable{}
	for _, id := range ids {
		t[id] = FaultTable{}
	}
	set := func(a, b nodeapi.NodeID, r realrt.Rule) {
		old := t[a][b]
		t[a][b] = realrt.Rule{Out: max(old.Out, r.Out), In: max(old.In, r.In)}
	}
	n.mu.Lock()
	for _, o := range n.open {
		switch o.f.Kind {
		case FaultPartition, FaultIsolate, FaultLagCrash, FaultLagFollower:
			if n.c.Containers() {
				continue // cut by disconnecting the containers
			}
			for _, a := range o.group {
				for _, b := range ids {
					if !slices.Contains(o.group, b) {
						set(a, b, realrt.Rule{Out: 1, In: 1})
						set(b, a, realrt.Rule{Out: 1, In: 1})
					}
				}
			}
		case FaultCut:
			set(o.f.Node, o.f.Peer, realrt.Rule{Out: 1})
		case FaultLoss:
			set(o.f.Node, realrt.AnyPeer, realrt.Rule{Out: o.f.Rate, In: o.f.Rate})
		}
	}
	n.mu.Unlock()
	for _, tab := range t { // a peer's own rule replaces the default: carry the loss over
		if def, ok := tab[realrt.AnyPeer]; ok {
			for peer := range tab {
				r := tab[peer]
				tab[peer] = realrt.Rule{Out: max(r.Out, def.Out), In: max(r.In, def.In)}
			}
		}
	}
	return t
}

// pushTables sends every running, unpaused server its table.
func (n *nemesis) pushTables() {
	tables := n.tables()
	var wg sync.WaitGroup
	for id, tab := range tables {
		s := n.c.byID[id]
		if !s.running() || s.isPaused() {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = s.admin.SetFaults(tab)
		}()
	}
	wg.Wait()
}

// healAll undoes every open fault and makes sure every server runs, unpaused, with an
// empty drop table and a disk at speed: the quiet phase before the final reads.
func (n *nemesis) healAll() {
	n.bg.Wait()
	n.mu.Lock()
	var open []int
	for i := range n.open {
		open = append(open, i)
	}
	n.mu.Unlock()
	slices.Sort(open)
	for _, i := range open {
		n.undo(i)
	}
	n.bg.Wait()
	for _, id := range n.c.IDs() {
		s := n.c.byID[id]
		if s.isPaused() {
			_ = s.resume()
		}
		n.restart(id)
		_ = s.admin.StallDisk(0)
		_ = s.admin.FailSyncs(0)
	}
	n.pushTables()
	n.logf("every fault healed")
}
