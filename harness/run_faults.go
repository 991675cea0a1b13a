package harness

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// scheduleFault arranges for f (and its undo, when its kind has one and f.For > 0) to
// happen at f.At. The scenario was validated, so f's kind has a spec.
func (r *runner) scheduleFault(f Fault) {
	sp := specOf(f.Kind)
	r.w.At(time.Duration(f.At), func() { r.fire(sp, f) })
}

// fire applies f now, and schedules its undo. An undo that falls due after the quiet phase
// began is skipped: the healers have undone f already, and an undo restores the scenario's
// own settings (its sync failures, its loss), or heals the network, which would bring back
// faults the quiet phase turned off or lift the stability window's persistent cut.
func (r *runner) fire(sp *faultSpec, f Fault) {
	f, ok := r.target(sp, f)
	if !ok {
		return
	}
	for _, g := range r.perEndpoint(sp, f) {
		if sp.announce {
			r.announce(g)
		}
		r.note(g, sp.apply(r, g))
		if sp.undo != nil && g.For > 0 {
			r.w.After(time.Duration(g.For), func() {
				if !r.healed {
					r.note(g, sp.undo(r, g))
				}
			})
		}
	}
}

// perEndpoint spreads a fault that names an open-loop client over the client's endpoints:
// a partition side gets them all, and a fault on the client (a pause, a clog, a cut link)
// becomes one fault per endpoint. Any other fault is returned as it is.
func (r *runner) perEndpoint(sp *faultSpec, f Fault) []Fault {
	if r.openLoop == nil {
		return []Fault{f}
	}
	if sp.target == onGroups {
		groups := make([][]NodeID, len(f.Groups))
		for i, g := range f.Groups {
			for _, id := range g {
				groups[i] = append(groups[i], r.endpointsOf(id)...)
			}
		}
		f.Groups = groups
		return []Fault{f}
	}
	if !sp.usesNode() {
		return []Fault{f}
	}
	var out []Fault
	for _, n := range r.endpointsOf(f.Node) {
		for _, p := range r.endpointsOf(f.Peer) {
			g := f
			g.Node, g.Peer = n, p
			out = append(out, g)
		}
	}
	return out
}

// endpointsOf is every endpoint of open-loop client id, else id alone.
func (r *runner) endpointsOf(id NodeID) []NodeID {
	if eps, ok := r.openLoop[id]; ok {
		return eps
	}
	return []NodeID{id}
}

// target resolves a LeaderTarget node of f. With no leader the fault is skipped (and the
// skip annotated), since "the leader" of a leaderless cluster is nobody.
func (r *runner) target(sp *faultSpec, f Fault) (Fault, bool) {
	if !sp.usesNode() {
		return f, true
	}
	target, ok := r.resolve(f.Node)
	if !ok {
		r.w.annotate("", fmt.Sprintf("skipped %s: no leader", f.Kind))
		return f, false
	}
	f.Node = target
	return f, true
}

// announce puts on the timeline a fault whose apply the world does not annotate
// (membership changes, crash storms, leader traps), so the HTML view shows every fault.
func (r *runner) announce(f Fault) {
	_, text, _ := strings.Cut(f.String(), " ") // drop "at" and the time
	_, text, _ = strings.Cut(text, " ")
	r.w.annotate(f.Node, text)
}

// note records a fault the world refused (restarting an up node, say): shrunk and
// hand-written scenarios contain such faults, and skipping them is the right reading. A
// restart that stopped the run as a recovery failure is reported as that failure instead.
func (r *runner) note(f Fault, err error) {
	if err != nil && !isRecoveryFailure(err) {
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
	l := r.w.leaderOf(lr)
	return l, l != ""
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

// changeVoter asks the system's Admin client for a membership change. The call runs as
// the admin client's code, so a panic in it is the system's.
func (r *runner) changeVoter(id NodeID, add bool) error {
	slot, err := r.adminFor()
	if err != nil {
		return err
	}
	a, ok := slot.c.(Admin)
	if !ok {
		return fmt.Errorf("the system's client does not implement harness.Admin")
	}
	r.pendingAdmin++
	slot.busy = true
	done := func(err error) {
		r.pendingAdmin--
		slot.busy = false
		if err != nil {
			r.w.annotate(id, fmt.Sprintf("membership change failed: %v", err))
		}
	}
	return r.w.Exec(slot.id, func() {
		if add {
			a.AddVoter(id, done)
		} else {
			a.RemoveVoter(id, done)
		}
	})
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
