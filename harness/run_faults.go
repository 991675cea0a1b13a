package harness

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// scheduleFault arranges for f (and its undo, when its kind has one and f.For > 0) to
// happen at f.At. The scenario was validated, so f's kind has a spec.
func (r *runner) scheduleFault(f scenario.Fault) {
	r.w.At(time.Duration(f.At), func() { r.fire(f) })
}

// fire applies f now, and schedules its undo. An undo that falls due after the quiet phase
// began is skipped: the healers have undone f already, and an undo restores the scenario's
// own settings (its sync failures, its loss), or heals the network, which would bring back
// faults the quiet phase turned off or lift the stability window's persistent cut.
func (r *runner) fire(f scenario.Fault) {
	info, _ := scenario.FaultKindInfo(f.Kind)
	b := behaviourOf(f.Kind)
	f, ok := r.target(info, f)
	if !ok {
		return
	}
	r.perEndpoint(info, f, func(g scenario.Fault) {
		if b.announce {
			r.announce(g)
		}
		r.note(g, b.apply(r, g))
		if b.undo != nil && g.For > 0 {
			r.w.After(time.Duration(g.For), func() {
				if !r.healed {
					r.note(g, b.undo(r, g))
				}
			})
		}
	})
}

// perEndpoint spreads a fault that names an open-loop client over the client's endpoints
// and calls do with each fault that results: a partition side gets them all, and a fault on
// the client (a pause, a clog, a cut link) becomes one fault per endpoint. Any other fault
// is passed on as it is.
func (r *runner) perEndpoint(info scenario.FaultInfo, f scenario.Fault, do func(scenario.Fault)) {
	if r.openLoop == nil {
		do(f)
		return
	}
	if info.OnGroups {
		groups := make([][]nodeapi.NodeID, len(f.Groups))
		for i, g := range f.Groups {
			for _, id := range g {
				groups[i] = append(groups[i], r.endpointsOf(id)...)
			}
		}
		f.Groups = groups
		do(f)
		return
	}
	if !info.UsesNode {
		do(f)
		return
	}
	for _, n := range r.endpointsOf(f.Node) {
		for _, p := range r.endpointsOf(f.Peer) {
			g := f
			g.Node, g.Peer = n, p
			do(g)
		}
	}
}

// endpointsOf is every endpoint of open-loop client id, else id alone.
func (r *runner) endpointsOf(id nodeapi.NodeID) []nodeapi.NodeID {
	if eps, ok := r.openLoop[id]; ok {
		return eps
	}
	return []nodeapi.NodeID{id}
}

// target resolves a LeaderTarget node of f. With no leader the fault is skipped (and the
// skip annotated), since "the leader" of a leaderless cluster is nobody.
func (r *runner) target(info scenario.FaultInfo, f scenario.Fault) (scenario.Fault, bool) {
	if !info.UsesNode {
		return f, true
	}
	target, ok := r.resolve(f.Node)
	if !ok {
		r.w.Note("", fmt.Sprintf("skipped %s: no leader", f.Kind))
		return f, false
	}
	f.Node = target
	return f, true
}

// announce puts on the timeline a fault whose apply the world does not annotate
// (membership changes, crash storms, leader traps), so the HTML view shows every fault.
func (r *runner) announce(f scenario.Fault) {
	_, text, _ := strings.Cut(f.String(), " ") // drop "at" and the time
	_, text, _ = strings.Cut(text, " ")
	r.w.Note(f.Node, text)
}

// note records a fault the world refused (restarting an up node, say): shrunk and
// hand-written scenarios contain such faults, and skipping them is the right reading. A
// restart that stopped the run as a recovery failure is reported as that failure instead.
func (r *runner) note(f scenario.Fault, err error) {
	if err != nil && !sim.IsRecoveryFailure(err) {
		r.w.Note(f.Node, fmt.Sprintf("skipped %s: %v", f.Kind, err))
	}
}

// resolve turns LeaderTarget into the current leader.
func (r *runner) resolve(id nodeapi.NodeID) (nodeapi.NodeID, bool) {
	if id != scenario.LeaderTarget {
		return id, true
	}
	lr, ok := r.sys.(nodeapi.LeaderReporter)
	if !ok {
		return "", false
	}
	l := r.w.LeaderOf(lr)
	return l, l != ""
}

func (r *runner) setLinkPair(a, b nodeapi.NodeID, c scenario.NetworkConfig) error {
	if err := r.w.SetLink(a, b, c.Link()); err != nil {
		return err
	}
	return r.w.SetLink(b, a, c.Link())
}

func (r *runner) addVoter(id nodeapi.NodeID) error {
	switch {
	case r.w.Up(id):
	case slices.Contains(r.w.Nodes(), id):
		if err := r.w.Restart(id); err != nil {
			return err
		}
	default:
		if err := r.w.AddNode(id, nodeapi.Boot{}); err != nil {
			return err
		}
	}
	return r.changeVoter(id, true)
}

// changeVoter asks the system's Admin client for a membership change. An admin client that
// can be pointed at a server (nodeapi.Preferrer) sends it to the leader of the moment first, as an operator
// who watches the cluster would: a reused client's guess is the leader of its last change,
// perhaps long gone, and a request that wanders until the new leader has settled cannot
// test what a leader does with a change the moment it takes over. The call runs as the
// admin client's code, so a panic in it is the system's.
func (r *runner) changeVoter(id nodeapi.NodeID, add bool) error {
	slot, err := r.adminFor()
	if err != nil {
		return err
	}
	a, ok := slot.c.(nodeapi.Admin)
	if !ok {
		return fmt.Errorf("the system's client does not implement nodeapi.Admin")
	}
	p, canPoint := slot.c.(nodeapi.Preferrer)
	leader, known := r.resolve(scenario.LeaderTarget)
	r.pendingAdmin++
	slot.busy = true
	done := func(err error) {
		r.pendingAdmin--
		slot.busy = false
		if err != nil {
			r.w.Note(id, fmt.Sprintf("membership change failed: %v", err))
		}
	}
	return r.w.Exec(slot.id, func() {
		if canPoint && known {
			p.Prefer(leader)
		}
		if add {
			a.AddVoter(id, done)
		} else {
			a.RemoveVoter(id, done)
		}
	})
}

// registered drops from groups the nodes the world does not know yet (spares never added):
// they have no links to cut.
func (r *runner) registered(groups [][]nodeapi.NodeID) [][]nodeapi.NodeID {
	out := make([][]nodeapi.NodeID, len(groups))
	for i, g := range groups {
		for _, id := range g {
			if r.w.Known(id) {
				out[i] = append(out[i], id)
			}
		}
	}
	return out
}
