package model

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A single-object workload (the toy queue, no keys) whose probe is one of its own
// operations (a pop, a write): reports speak of the one object and count the probe's
// operations apart, by the harness's mark, not by a reserved key.
func TestKeylessHistoryIsOneObjectWithTheProbeApart(t *testing.T) {
	w := toyQueue(pureStep)
	push := Op{Kind: queueKinds.Of("push"), Value: "a"}
	pop := Op{Kind: queueKinds.Of("pop")}
	h := []Operation{
		{ClientID: 0, Op: push, Call: 0, Return: 10},
		{ClientID: 1, Op: pop, Outcome: Outcome{Result: Result{Value: "a"}}, Call: 20, Return: 30},
		{ClientID: 2, Op: pop, Call: 40, Return: 50, Probe: true},
	}
	v := w.Check(h)
	require.True(t, v.Linearizable(), v.Message())
	require.Equal(t, "linearizable: 2 operations on one object (and 1 probe writes)", v.Message())
	require.Equal(t, 1, v.Keys)
	require.Equal(t, 1, v.ProbeOps)

	// An illegal history: KV with keys keeps its wording; on the empty key alone it is
	// one object.
	kv := []Operation{
		{ClientID: 0, Op: Op{Kind: Put, Key: "k", Value: "x"}, Call: 0, Return: 10},
		{ClientID: 1, Op: Op{Kind: Get, Key: "k"}, Outcome: Outcome{Result: Result{}},
			Call: 20, Return: 30},
		{ClientID: 2, Op: Op{Kind: Put, Key: ProbeKey, Value: "probe"}, Call: 40, Return: 50,
			Probe: true},
	}
	require.Equal(t, `not linearizable: 2 operations over 1 keys (and 1 probe writes); `+
		`illegal keys: "k" (2 ops)`, KV.Check(kv).Message())
	for i := range kv {
		kv[i].Op.Key = ""
	}
	kv[2].Op.Kind = Get
	kv[2].Outcome = Outcome{Result: Result{Value: "x", Found: true}}
	require.Equal(t, `not linearizable: 2 operations on one object (and 1 probe writes); `+
		`the object is illegal (3 ops)`, KV.Check(kv).Message(),
		"a KV history on the empty key alone is one object")
}

func TestWorkloadProbeMayBeARead(t *testing.T) {
	w := toyQueue(pureStep)
	require.NoError(t, w.Validate())
	w.Probe = Op{Kind: 9}
	require.ErrorContains(t, w.Validate(), "probe's kind 9")
}

func TestKindsOf(t *testing.T) {
	require.Equal(t, []KindSpec{{Name: "push", Write: true}, {Name: "pop"}},
		KindsOf(queueKinds, "push"))
	require.Panics(t, func() { KindsOf(queueKinds, "peek") })
	require.Equal(t, queueKinds.Of("pop"), toyQueue(pureStep).Kind("pop"))
	require.Panics(t, func() { toyQueue(pureStep).Kind("peek") })
}
