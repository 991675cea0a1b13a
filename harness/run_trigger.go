package harness

import (
	"fmt"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// trigger is one active trigger fault.
type trigger struct {
	f     scenario.Fault
	until time.Duration
	left  int
}

// triggers runs the trigger faults of a scenario: the world's report hook hands it every
// event a node reports, and the after-event hook watches the leader when a trigger waits
// for EventLeaderElected.
type triggers struct {
	r          *runner
	active     []*trigger
	lastLeader nodeapi.NodeID
}

// startTrigger arms a trigger fault for its window.
func (r *runner) startTrigger(f scenario.Fault) error {
	if f.On == nodeapi.EventLeaderElected {
		if _, ok := r.sys.(nodeapi.LeaderReporter); !ok {
			return fmt.Errorf("the system does not implement nodeapi.LeaderReporter")
		}
	}
	if r.triggers == nil {
		r.triggers = &triggers{r: r}
		r.w.SetOnReach(r.triggers.reached)
		r.installAfterEvent()
	}
	ts := r.triggers
	if f.On == nodeapi.EventLeaderElected && !ts.watching() {
		ts.lastLeader, _ = r.resolve(scenario.LeaderTarget)
	}
	ts.active = append(ts.active, &trigger{f: f, until: r.w.Now() + time.Duration(f.For),
		left: max(f.Count, 1)})
	return nil
}

// watching reports whether an armed trigger waits for a new leader.
func (ts *triggers) watching() bool {
	now := ts.r.w.Now()
	for _, t := range ts.active {
		if t.f.On == nodeapi.EventLeaderElected && t.left > 0 && now < t.until {
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
	l, _ := ts.r.resolve(scenario.LeaderTarget)
	if l == ts.lastLeader {
		return
	}
	ts.lastLeader = l
	ts.r.w.Report(l, nodeapi.EventLeaderElected)
}

// reached fires the armed triggers waiting for event: each schedules its action, aimed at
// id when the action names SelfTarget. It runs inside the reporting node's event, so the
// action itself runs as a separate world action after Then.At.
func (ts *triggers) reached(id nodeapi.NodeID, event string) {
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
		act := t.f.Then.AimedAt(id)
		r.w.After(time.Duration(act.At), func() {
			if r.stopIssuing {
				return
			}
			r.w.Note(id, fmt.Sprintf("fired trigger on %s by %s: %s", event, id,
				strings.TrimPrefix(act.String(), "at "+time.Duration(act.At).String()+" ")))
			r.fire(act)
		})
	}
}
