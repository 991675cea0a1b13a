package model

import (
	"errors"
	"fmt"
)

// maxSpecStates bounds the states CheckSpec keeps and steps from.
const maxSpecStates = 64

// CheckSpec tests a workload's Spec against its contract on the operations ops, for a
// user's test to call (or a rapid test to feed drawn operations). It steps as porcupine
// does: every op from every state reached so far (up to 64 states), old states included,
// each with an Unknown outcome, which Step must accept and apply. It reports the first
// breach of the contract:
//
//   - Step mutated a state: the rendering (DescribeState, or %#v) of a state reached
//     earlier changed after a later Step, whether Step changed its input in place or wrote
//     into memory an earlier result shares (an append into a slice's spare capacity);
//   - Step refused an Unknown outcome;
//   - Step is not a function: the same step twice gave states that are not Equal;
//   - Equal and Hash disagree: two Equal states with different hashes.
//
// A nil error says nothing was caught on these ops: pick ops that change the state, and
// several kinds of them.
func CheckSpec(w *Workload, ops []Op) error {
	if err := w.Validate(); err != nil {
		return err
	}
	c := &specChecker{w: w, equal: w.equal(), hash: w.hash()}
	c.add(w.Spec.Init(), "the initial state")
	for _, op := range ops {
		n := len(c.states)
		for i := 0; i < n && len(c.states) < maxSpecStates; i++ {
			if err := c.step(i, op); err != nil {
				return err
			}
		}
	}
	return nil
}

// specChecker holds the states reached, each with its rendering when it was reached.
type specChecker struct {
	w       *Workload
	equal   func(a, b any) bool
	hash    func(any) uint64
	states  []any
	renders []string
	origins []string
}

func (c *specChecker) add(s any, origin string) {
	c.states = append(c.states, s)
	c.renders = append(c.renders, c.w.renderState(s))
	c.origins = append(c.origins, origin)
}

// step applies op to state i twice and checks the contract.
func (c *specChecker) step(i int, op Op) error {
	from := c.states[i]
	what := fmt.Sprintf("%s from %s", c.w.Format(op), c.renders[i])
	ok, next := c.w.Spec.Step(from, op, Outcome{Unknown: true})
	if err := c.unchanged(what); err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("workload %s: Step refused %s with an Unknown outcome, which it "+
			"must accept in every state", c.w.Name, what)
	}
	_, again := c.w.Spec.Step(from, op, Outcome{Unknown: true})
	if err := c.unchanged(what + " (stepped again)"); err != nil {
		return err
	}
	if !c.equal(next, again) {
		return fmt.Errorf("workload %s: Step is not a function of its input: %s gave %s, "+
			"then %s", c.w.Name, what, c.w.renderState(next), c.w.renderState(again))
	}
	for j, s := range c.states {
		if c.equal(s, next) && c.hash(s) != c.hash(next) {
			return fmt.Errorf("workload %s: Equal states with different hashes: %s and %s",
				c.w.Name, c.renders[j], c.w.renderState(next))
		}
	}
	c.add(next, what)
	return nil
}

// errMutated heads the error of a Step that changed a state it had been given or returned.
var errMutated = errors.New("Step mutated a state; states must be values: return a new " +
	"state and never change the old one (porcupine steps from old states again)")

// unchanged checks that every state reached so far still renders as it did.
func (c *specChecker) unchanged(what string) error {
	for j, s := range c.states {
		if now := c.w.renderState(s); now != c.renders[j] {
			return fmt.Errorf("workload %s: %w: after %s, the state reached by %s changed "+
				"from %s to %s", c.w.Name, errMutated, what, c.origins[j], c.renders[j], now)
		}
	}
	return nil
}
