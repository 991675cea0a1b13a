package scenario

import (
	"fmt"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
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

// AimedAt is the action with SelfTarget replaced by id.
func (f *Fault) AimedAt(id nodeapi.NodeID) Fault {
	act := *f
	if act.Node == SelfTarget {
		act.Node = id
	}
	if act.Peer == SelfTarget {
		act.Peer = id
	}
	return act
}

// describeTrigger renders a trigger's own fields for Fault.String.
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
	case len(f.On) > nodeapi.MaxEventName:
		return fmt.Errorf("on: event name longer than %d bytes", nodeapi.MaxEventName)
	case f.Count < 0 || f.Count > MaxTriggerCount:
		return fmt.Errorf("count: %d is outside [0, %d] (0: once)", f.Count, MaxTriggerCount)
	case f.Then == nil:
		return fmt.Errorf("then: a trigger needs an action")
	}
	return nil
}

// validateAction checks a trigger's action: an action kind, a delay within
// MaxTriggerDelay, and a target among ids, LeaderTarget or SelfTarget.
func (f *Fault) validateAction(ids map[nodeapi.NodeID]bool) error {
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
	withSelf := make(map[nodeapi.NodeID]bool, len(ids)+1)
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
