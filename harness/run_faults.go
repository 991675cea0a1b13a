package harness

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// scheduleFault arranges for f (and its undo, when f.For > 0) to happen at f.At.
func (r *runner) scheduleFault(f Fault) {
	r.w.At(time.Duration(f.At), func() {
		if f.Kind == FaultCrashStorm {
			r.announce(f)
			r.note(f, r.startStorm(f))
			return
		}
		target, ok := r.resolve(f.Node)
		if !ok {
			r.w.annotate("", fmt.Sprintf("skipped %s: no leader", f.Kind))
			return
		}
		f.Node = target
		r.announce(f)
		r.note(f, r.apply(f))
		if f.For > 0 {
			r.w.After(time.Duration(f.For), func() { r.note(f, r.undo(f)) })
		}
	})
}

// announce puts on the timeline the faults the world does not annotate when it applies
// them (membership changes, crash storms, leader traps), so the HTML view shows every fault.
func (r *runner) announce(f Fault) {
	switch f.Kind {
	case FaultAddVoter, FaultRemoveVoter, FaultCrashStorm, FaultLeaderTrap:
		_, text, _ := strings.Cut(f.String(), " ") // drop "at" and the time
		_, text, _ = strings.Cut(text, " ")
		r.w.annotate(f.Node, text)
	}
}

// note records a fault the world refused (restarting an up node, say): shrunk and
// hand-written scenarios contain such faults, and skipping them is the right reading.
func (r *runner) note(f Fault, err error) {
	if err != nil {
		r.w.annotate(f.Node, fmt.Sprintf("skipped %s: %v", f.Kind, err))
	}
}

// resolve turns LeaderTarget into the current leader.
func (r *runner) resolve(id NodeID) (NodeID, bool) {
	if id != LeaderTarget {
		return id, true
	}
	lr, ok := r.sys.(LeaderReporter)
	if !ok {
		return "", false
	}
	l := lr.Leader()
	return l, l != ""
}

func (r *runner) apply(f Fault) error {
	w := r.w
	switch f.Kind {
	case FaultCrash:
		return w.Crash(f.Node, CrashOptions{TornWrite: f.Torn})
	case FaultRestart:
		return w.Restart(f.Node)
	case FaultStop:
		return w.Stop(f.Node)
	case FaultPause:
		return w.Pause(f.Node)
	case FaultResume:
		return w.Resume(f.Node)
	case FaultPartition:
		return w.Split(r.registered(f.Groups)...)
	case FaultCut:
		return w.Cut(f.Node, f.Peer)
	case FaultIsolate:
		return w.Split([]NodeID{f.Node}, r.otherServers(f.Node))
	case FaultHeal:
		w.Heal()
		return nil
	}
	return r.applySettings(f)
}

func (r *runner) applySettings(f Fault) error {
	w := r.w
	switch f.Kind {
	case FaultClog:
		return w.Clog(f.Node)
	case FaultClogLink:
		return w.ClogLink(f.Node, f.Peer)
	case FaultUnclog:
		return w.Unclog(f.Node)
	case FaultUnclogLink:
		return w.UnclogLink(f.Node, f.Peer)
	case FaultLink:
		return r.setLinkPair(f.Node, f.Peer, *f.Link)
	case FaultClock:
		return w.SetClock(f.Node, time.Duration(f.Skew), f.DriftPPM)
	case FaultDisk:
		return w.SetDiskFaults(f.Node, f.Disk.Faults())
	case FaultAddVoter:
		return r.addVoter(f.Node)
	case FaultRemoveVoter:
		return r.changeVoter(f.Node, false)
	case FaultCrashStorm:
		return r.startStorm(f)
	case FaultLeaderTrap:
		return r.startTrap(f)
	}
	return fmt.Errorf("unknown fault kind %q", f.Kind)
}

// undo reverses a fault whose For has passed.
func (r *runner) undo(f Fault) error {
	w := r.w
	switch f.Kind {
	case FaultCrash, FaultStop:
		return w.Restart(f.Node)
	case FaultPause:
		return w.Resume(f.Node)
	case FaultPartition, FaultCut, FaultIsolate:
		w.Heal()
		return nil
	case FaultClog:
		return w.Unclog(f.Node)
	case FaultClogLink:
		return w.UnclogLink(f.Node, f.Peer)
	case FaultLink:
		return r.setLinkPair(f.Node, f.Peer, r.s.Network)
	case FaultClock:
		return w.SetClock(f.Node, 0, 0)
	case FaultDisk:
		return w.SetDiskFaults(f.Node, r.s.Disk.Faults())
	}
	return nil // restart, resume, heal, unclog and membership changes have no undo
}

func (r *runner) setLinkPair(a, b NodeID, c NetworkConfig) error {
	if err := r.w.SetLink(a, b, c.Link()); err != nil {
		return err
	}
	return r.w.SetLink(b, a, c.Link())
}

func (r *runner) addVoter(id NodeID) error {
	switch {
	case r.w.Up(id):
	case slices.Contains(r.w.Nodes(), id):
		if err := r.w.Restart(id); err != nil {
			return err
		}
	default:
		if err := r.w.AddNode(id, Boot{}); err != nil {
			return err
		}
	}
	return r.changeVoter(id, true)
}

func (r *runner) changeVoter(id NodeID, add bool) error {
	a, ok := r.admin.(Admin)
	if !ok {
		return fmt.Errorf("the system's client does not implement harness.Admin")
	}
	r.pendingAdmin++
	done := func(err error) {
		r.pendingAdmin--
		if err != nil {
			r.w.annotate(id, fmt.Sprintf("membership change failed: %v", err))
		}
	}
	if add {
		a.AddVoter(id, done)
	} else {
		a.RemoveVoter(id, done)
	}
	return nil
}

// registered drops from groups the nodes the world does not know yet (spares never added):
// they have no links to cut.
func (r *runner) registered(groups [][]NodeID) [][]NodeID {
	out := make([][]NodeID, len(groups))
	for i, g := range groups {
		for _, id := range g {
			if r.w.Known(id) {
				out[i] = append(out[i], id)
			}
		}
	}
	return out
}

// otherServers lists the registered servers other than id.
func (r *runner) otherServers(id NodeID) []NodeID {
	var out []NodeID
	for _, n := range r.w.Nodes() {
		if n != id {
			out = append(out, n)
		}
	}
	return out
}
