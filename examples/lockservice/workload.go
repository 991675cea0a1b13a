package lockservice

import (
	"fmt"

	"github.com/simfuzz/simfuzz/examples/lockservice/lockd"
	"github.com/simfuzz/simfuzz/model"
)

// LockState is the model's state of one lock: who holds it ("" when free) and the last
// fencing token granted, which outlives a release.
type LockState struct {
	Owner string
	Token uint64
}

// String renders the state for the HTML view: `c2 #7`, or `free (last #7)`.
func (s LockState) String() string {
	if s.Owner == "" {
		return fmt.Sprintf("free (last #%d)", s.Token)
	}
	return fmt.Sprintf("%s #%d", s.Owner, s.Token)
}

// ProbeLock is the lock the liveness probe acquires; the generator never draws it.
const ProbeLock = "__probe"

// Workload is the lock service's vocabulary and its sequential specification of one lock,
// written from the semantics documented in package lockd, not from its code, so that the
// checker judges the implementation instead of repeating it:
//
//   - acquire(l, o) on a free lock grants it to o with token last+1 (the service numbers
//     each lock's grants 1, 2, 3, ..., so the model demands exactly the next one: a reused
//     or skipped token is caught); by the holder, answers ok with the same token; by anyone
//     else, fails.
//   - release(l, o) by the holder frees the lock; by anyone else, fails.
//   - holder(l) reads the holder and token, or that the lock is free.
//
// An unknown outcome is accepted in every state: the operation may or may not have taken
// effect, and porcupine tries both.
var Workload = &model.Workload{
	Name:  "lock",
	Kinds: model.KindsOf(kinds, kinds.Name(lockd.Acquire), kinds.Name(lockd.Release)),
	Spec: model.Spec{
		Init:          func() any { return LockState{} },
		Step:          step,
		Equal:         func(a, b any) bool { return a.(LockState) == b.(LockState) },
		Hash:          func(s any) uint64 { return hashState(s.(LockState)) },
		DescribeState: func(s any) string { return s.(LockState).String() },
	},
	Format:   format,
	Describe: describe,
	Probe:    model.Op{Kind: lockd.Acquire, Key: ProbeLock, Value: "probe"},
	Objects:  "locks",
}

// step is the sequential specification of one lock.
func step(state any, op model.Op, out model.Outcome) (bool, any) {
	st := state.(LockState)
	next, want := apply(st, op)
	if !out.Unknown && !matches(op, want, out.Result) {
		return false, state
	}
	if next == st {
		return true, state // reuse the boxed state: most steps change nothing
	}
	return true, next
}

// apply returns the state after op and the result it must report.
func apply(st LockState, op model.Op) (LockState, model.Result) {
	switch op.Kind {
	case lockd.Acquire:
		switch st.Owner {
		case "":
			next := LockState{Owner: op.Value, Token: st.Token + 1}
			return next, model.Result{OK: true, Value: fmt.Sprint(next.Token)}
		case op.Value:
			return st, model.Result{OK: true, Value: fmt.Sprint(st.Token)}
		}
		return st, model.Result{}
	case lockd.Release:
		if st.Owner != op.Value {
			return st, model.Result{}
		}
		return LockState{Token: st.Token}, model.Result{OK: true}
	}
	if st.Owner == "" {
		return st, model.Result{}
	}
	return st, model.Result{Found: true, Value: fmt.Sprintf("%s#%d", st.Owner, st.Token)}
}

// matches compares the fields that answer op's kind: a token only matters on a grant.
func matches(op model.Op, want, got model.Result) bool {
	switch op.Kind {
	case lockd.Holder:
		return want.Found == got.Found && (!want.Found || want.Value == got.Value)
	case lockd.Acquire:
		return want.OK == got.OK && (!want.OK || want.Value == got.Value)
	}
	return want.OK == got.OK
}

// hashState is FNV-1a over the owner and the token, with no per-process seed, so that the
// checker behaves the same in every process.
func hashState(s LockState) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s.Owner); i++ {
		h = (h ^ uint64(s.Owner[i])) * 1099511628211
	}
	for v, i := s.Token, 0; i < 8; i, v = i+1, v>>8 {
		h = (h ^ (v & 0xff)) * 1099511628211
	}
	return h
}

// format renders an operation without its outcome: `acquire(l1, c2)`, `holder(l1)`.
func format(op model.Op) string {
	if op.Kind == lockd.Holder {
		return fmt.Sprintf("holder(%s)", op.Key)
	}
	return fmt.Sprintf("%s(%s, %s)", lockd.KindName(op.Kind), op.Key, op.Value)
}

// describe renders an operation with its outcome: `acquire(l1, c2) -> ok #7`,
// `acquire(l1, c2) -> held`, `release(l1, c2) -> not held`, `holder(l1) -> c2 #7`,
// `holder(l1) -> free`, and `-> ?` for an outcome the client never learnt.
func describe(op model.Op, out model.Outcome) string {
	s := format(op) + " -> "
	r := out.Result
	switch {
	case out.Unknown:
		return s + "?"
	case op.Kind == lockd.Acquire && r.OK:
		return s + "ok #" + r.Value
	case op.Kind == lockd.Acquire:
		return s + "held"
	case op.Kind == lockd.Release && r.OK:
		return s + "ok"
	case op.Kind == lockd.Release:
		return s + "not held"
	case r.Found:
		if owner, token, err := lockd.ParseHolder(r.Value); err == nil {
			return fmt.Sprintf("%s%s #%d", s, owner, token)
		}
		return s + fmt.Sprintf("%q", r.Value)
	}
	return s + "free"
}
