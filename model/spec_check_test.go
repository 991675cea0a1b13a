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

// mutatingStep appends in place: a push from a state with spare capacity writes into the
// backing array an earlier state shares, and a pop shifts the slice in place.
func mutatingStep(state any, op Op, _ Outcome) (bool, any) {
	q := state.([]string)
	if op.Kind == queueKinds.Of("push") {
		return true, append(q, op.Value)
	}
	if len(q) == 0 {
		return true, q
	}
	copy(q, q[1:])
	return true, q[:len(q)-1]
}

// pureStep copies before it changes anything.
func pureStep(state any, op Op, _ Outcome) (bool, any) {
	q := state.([]string)
	if op.Kind == queueKinds.Of("push") {
		return true, append(append([]string(nil), q...), op.Value)
	}
	if len(q) == 0 {
		return true, q
	}
	return true, append([]string(nil), q[1:]...)
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
