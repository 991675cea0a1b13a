package model

import (
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// queueKinds is a toy queue's vocabulary: push a value, pop the oldest.
var queueKinds = nodeapi.Kinds{"push", "pop"}

// toyQueue is a single-queue workload whose state is a []string; step is its Step.
func toyQueue(step func(any, Op, Outcome) (bool, any)) *Workload {
	return &Workload{
		Name:  "toy-queue",
		Kinds: KindsOf(queueKinds, "push", "pop"),
		Spec: Spec{
			Init:          func() any { return make([]string, 0, 8) },
			Step:          step,
			DescribeState: func(s any) string { return fmt.Sprint(s.([]string)) },
		},
		Format:   func(op Op) string { return queueKinds.Name(op.Kind) + "(" + op.Value + ")" },
		Describe: func(op Op, _ Outcome) string { return queueKinds.Name(op.Kind) },
		Probe:    Op{Kind: queueKinds.Of("pop")},
	}
}

// queueStep is the toy queue's Step: push appends, pop must answer the head ("" when
// empty) and removes it. The mutating one changes states in place: a push from a state with
// spare capacity writes into the backing array an earlier state shares, and a pop shifts
// the slice in place. The pure one copies before it changes anything.
func queueStep(mutate bool) func(any, Op, Outcome) (bool, any) {
	return func(state any, op Op, out Outcome) (bool, any) {
		q := state.([]string)
		if op.Kind == queueKinds.Of("push") {
			if mutate {
				return true, append(q, op.Value)
			}
			return true, append(append([]string(nil), q...), op.Value)
		}
		head := ""
		if len(q) > 0 {
			head = q[0]
		}
		if !out.Unknown && out.Result.Value != head {
			return false, state
		}
		if len(q) == 0 {
			return true, q
		}
		if mutate {
			copy(q, q[1:])
			return true, q[:len(q)-1]
		}
		return true, append([]string(nil), q[1:]...)
	}
}

var (
	mutatingStep = queueStep(true)
	pureStep     = queueStep(false)
)

// Why the contract matters: on a linearizable history of the queue, the mutating Step
// makes porcupine report a violation (a false alarm), silently: nothing crashes. Porcupine
// backtracks to a state the mutating Step had already changed. CheckSpec names the cause.
func TestAMutatingStepBreaksTheCheckSilently(t *testing.T) {
	push := func(v string) Op { return Op{Kind: queueKinds.Of("push"), Value: v} }
	pop := Op{Kind: queueKinds.Of("pop")}
	popped := func(v string) Outcome { return Outcome{Result: Result{Value: v}} }
	h := []Operation{
		{ClientID: 0, Op: push("0"), Call: 1, Return: 6},
		{ClientID: 1, Op: pop, Outcome: popped(""), Call: 8, Return: 8},
		{ClientID: 2, Op: pop, Outcome: popped("0"), Call: 8, Return: 15},
		{ClientID: 3, Op: push("3"), Call: 8, Return: 12},
		{ClientID: 4, Op: push("4"), Call: 7, Return: 16},
	}
	require.True(t, toyQueue(pureStep).Check(h).Linearizable(),
		"pop -> 0 then pop -> empty at 8, then the pushes of 3 and 4")
	require.False(t, toyQueue(mutatingStep).Check(h).Linearizable(),
		"the mutating Step gives a false alarm on this history")
	require.ErrorIs(t, CheckSpec(toyQueue(mutatingStep), pushes(3)), errMutated)
}

func pushes(n int) []Op {
	var ops []Op
	for i := range n {
		ops = append(ops, Op{Kind: queueKinds.Of("push"), Value: strconv.Itoa(i)})
	}
	return append(ops, Op{Kind: queueKinds.Of("pop")})
}

func TestCheckSpecCatchesAMutatingStep(t *testing.T) {
	err := CheckSpec(toyQueue(mutatingStep), pushes(3))
	require.Error(t, err)
	require.True(t, errors.Is(err, errMutated), "%v", err)
	t.Log(err)
}

func TestCheckSpecPassesAPureStep(t *testing.T) {
	require.NoError(t, CheckSpec(toyQueue(pureStep), pushes(3)))
	require.NoError(t, CheckSpec(KV, []Op{{Kind: Put, Key: "k", Value: "a"},
		{Kind: Append, Key: "k", Value: "b"}, {Kind: CAS, Key: "k", Expect: "ab", Value: "c"},
		{Kind: Delete, Key: "k"}, {Kind: Get, Key: "k"}}))
}

func TestCheckSpecCatchesOtherBreaches(t *testing.T) {
	refuses := toyQueue(func(s any, op Op, out Outcome) (bool, any) {
		return op.Kind != queueKinds.Of("pop"), s
	})
	require.ErrorContains(t, CheckSpec(refuses, pushes(1)), "refused")
	n := 0
	impure := toyQueue(func(s any, op Op, out Outcome) (bool, any) {
		n++
		return true, []string{strconv.Itoa(n)}
	})
	require.ErrorContains(t, CheckSpec(impure, pushes(1)), "not a function")
	badHash := toyQueue(pureStep)
	badHash.Spec.Hash = func(s any) uint64 { n++; return uint64(n) }
	require.ErrorContains(t, CheckSpec(badHash, pushes(2)), "different hashes")
}

// Without Equal and Hash, the workload compares and hashes the rendered states.
func TestDerivedEqualAndHash(t *testing.T) {
	w := toyQueue(pureStep)
	m := w.Model()
	a, b := []string{"x", "y"}, []string{"x", "y"}
	require.True(t, m.Equal(a, b))
	require.Equal(t, m.Hash(a), m.Hash(b))
	require.False(t, m.Equal(a, []string{"x"}))
	require.NotEqual(t, m.Hash(a), m.Hash([]string{"x"}))
	require.NoError(t, w.Validate())
}
