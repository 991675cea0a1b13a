package harness

import (
	"fmt"
	"strings"
	"time"
)

// Limits of a trigger: how often it may fire and how long after the event its action may
// wait.
const (
	MaxTriggerCount = 16
	MaxTriggerDelay = 10 * time.Second
)

// actionKinds are the kinds a trigger may do: faults aimed at one node or link, or a
// membership change. Windows (storms, traps, triggers) and undo kinds are left out.
var actionKinds = []FaultKind{FaultCrash, FaultStop, FaultPause, FaultIsolate, FaultClog,
	FaultCut, FaultClogLink, FaultAddVoter, FaultRemoveVoter}

// ActionKinds lists the kinds a trigger's action may have, for generators and docs.
func ActionKinds() []FaultKind { return append([]FaultKind(nil), actionKinds...) }

// trigger is one active trigger fault.
type trigger struct {
	f     Fault
	until time.Duration
	left  int
}

// triggers runs the trigger faults of a scenario: the world's report hook hands it every
// event a node reports, and the after-event hook watches the leader when a trigger waits
// for EventLeaderElected.
type triggers struct {
	r          *runner
	active     []*trigger
	lastLeader NodeID
}

// startTrigger arms a trigger fault for its window.
func (r *runner) startTrigger(f Fault) error {
	if f.On == EventLeaderElected {
		if _, ok := r.sys.(LeaderReporter); !ok {
			return fmt.Errorf("the system does not implement harness.LeaderReporter")
		}
	}
	if r.triggers == nil {
		r.triggers = &triggers{r: r}
		r.w.SetOnReach(r.triggers.reached)
		r.installAfterEvent()
	}
	ts := r.triggers
	if f.On == EventLeaderElected && !ts.watching() {
		ts.lastLeader, _ = r.resolve(LeaderTarget)
	}
	ts.active = append(ts.active, &trigger{f: f, until: r.w.Now() + time.Duration(f.For),
		left: max(f.Count, 1)})
	return nil
}

// watching reports whether an armed trigger waits for a new leader.
func (ts *triggers) watching() bool {
	now := ts.r.w.Now()
	for _, t := range ts.active {
		if t.f.On == EventLeaderElected && t.left > 0 && now < t.until {
			return true
		}
	}
	return false
}

// afterEvent reports EventLeaderElected when the leader changed to a node, while a trigger
// waits for it.
func (ts *triggers) afterEvent() {
	if !ts.watching() {
		return
	}
	l, _ := ts.r.resolve(LeaderTarget)
	if l == ts.lastLeader {
		return
	}
	ts.lastLeader = l
	if n, err := ts.r.w.lookup(l); err == nil {
		ts.r.w.reached(n, EventLeaderElected)
	}
}

// reached fires the armed triggers waiting for event: each schedules its action, aimed at
// id when the action names SelfTarget. It runs inside the reporting node's event, so the
// action itself runs as a separate world action after Then.At.
func (ts *triggers) reached(id NodeID, event string) {
	r := ts.r
	if r.stopIssuing {
		return
	}
	now := r.w.Now()
	for _, t := range ts.active {
		if t.left == 0 || now >= t.until || t.f.On != event {
			continue
		}
		t.left--
		act := t.f.Then.aimedAt(id)
		r.w.After(time.Duration(act.At), func() {
			if r.stopIssuing {
				return
			}
			r.w.annotate(id, fmt.Sprintf("fired trigger on %s by %s: %s", event, id,
				strings.TrimPrefix(act.String(), "at "+time.Duration(act.At).String()+" ")))
			r.fire(specOf(act.Kind), act)
		})
	}
}

// aimedAt is the action with SelfTarget replaced by id.
func (f *Fault) aimedAt(id NodeID) Fault {
	act := *f
	if act.Node == SelfTarget {
		act.Node = id
	}
	if act.Peer == SelfTarget {
		act.Peer = id
	}
	return act
}

func describeTrigger(f Fault) string {
	text := " on " + f.On
	if f.Count > 1 {
		text += fmt.Sprintf(" ×%d", f.Count)
	}
	if f.Then != nil {
		act := *f.Then
		_, rest, _ := strings.Cut(act.String(), " ") // drop "at"
		_, rest, _ = strings.Cut(rest, " ")          // and the delay
		text += " then " + rest
		if act.At > 0 {
			text += fmt.Sprintf(" after %v", time.Duration(act.At))
		}
	}
	return text
}

// checkTrigger validates a trigger's own fields; the action's target is checked with the
// scenario's nodes by validateAction.
func checkTrigger(f *Fault) error {
	switch {
	case f.On == "":
		return fmt.Errorf("on: a trigger needs an event name")
	case len(f.On) > MaxEventName:
		return fmt.Errorf("on: event name longer than %d bytes", MaxEventName)
	case f.Count < 0 || f.Count > MaxTriggerCount:
		return fmt.Errorf("count: %d is outside [0, %d] (0: once)", f.Count, MaxTriggerCount)
	case f.Then == nil:
		return fmt.Errorf("then: a trigger needs an action")
	}
	return nil
}

// validateAction checks a trigger's action: an action kind, a delay within
// MaxTriggerDelay, and a target among ids, LeaderTarget or SelfTarget.
func (f *Fault) validateAction(ids map[NodeID]bool) error {
	act := f.Then
	if !containsKind(actionKinds, act.Kind) {
		return fmt.Errorf("then.kind: %q cannot be a trigger's action (one of %v)", act.Kind,
			actionKinds)
	}
	if act.At < 0 || time.Duration(act.At) > MaxTriggerDelay {
		return fmt.Errorf("then.at: delay %v is outside [0, %v]", time.Duration(act.At),
			MaxTriggerDelay)
	}
	if act.For < 0 {
		return fmt.Errorf("then.for: negative duration")
	}
	if act.Then != nil {
		return fmt.Errorf("then.then: an action cannot have an action")
	}
	withSelf := make(map[NodeID]bool, len(ids)+1)
	for id := range ids {
		withSelf[id] = true
	}
	withSelf[SelfTarget] = true
	sp := specOf(act.Kind)
	if err := sp.validateTarget(act, withSelf); err != nil {
		return fmt.Errorf("then.%v", err)
	}
	if err := sp.validateKind(act); err != nil {
		return fmt.Errorf("then.%v", err)
	}
	if err := act.validateSettings(); err != nil {
		return fmt.Errorf("then.%v", err)
	}
	return nil
}

func containsKind(kinds []FaultKind, k FaultKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}
