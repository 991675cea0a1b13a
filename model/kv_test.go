package model

import (
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/require"
)

// requireOk and requireIllegal check with both entry points, which must always agree.
func requireOk(t *testing.T, h []Operation) {
	t.Helper()
	v := Check(h)
	require.NoError(t, v.Err)
	require.Equal(t, porcupine.Ok, v.Ok, v.Message())
	require.Empty(t, v.IllegalKeys)
	require.True(t, CheckOk(h))
}

func requireIllegal(t *testing.T, h []Operation) Verdict {
	t.Helper()
	v := Check(h)
	require.NoError(t, v.Err)
	require.Equal(t, porcupine.Illegal, v.Ok)
	require.NotEmpty(t, v.IllegalKeys)
	require.False(t, CheckOk(h))
	return v
}

func TestSequentialPutGet(t *testing.T) {
	requireOk(t, []Operation{
		at(0, 0, 10).do(get("k"), absentOutcome()),
		at(0, 20, 30).do(put("k", "x"), done()),
		at(1, 40, 50).do(get("k"), found("x")),
		at(0, 60, 70).do(put("k", "y"), done()),
		at(1, 80, 90).do(get("k"), found("y")),
	})
}

func TestStaleReadAfterAcknowledgedPutIsIllegal(t *testing.T) {
	v := requireIllegal(t, []Operation{
		at(0, 0, 10).do(put("k", "x"), done()),
		at(0, 20, 30).do(put("k", "y"), done()),
		at(1, 40, 50).do(get("k"), found("x")),
	})
	require.Equal(t, []string{"k"}, v.IllegalKeys)
	// A read of a key that was never written must also report it missing.
	requireIllegal(t, []Operation{at(0, 0, 10).do(get("k"), found(""))})
}

func TestConcurrentOpsEitherOrder(t *testing.T) {
	for _, seen := range []Outcome{absentOutcome(), found("x")} {
		requireOk(t, []Operation{
			at(0, 0, 100).do(put("k", "x"), done()),
			at(1, 50, 150).do(get("k"), seen),
		})
	}
	// Touching intervals are concurrent: porcupine's intervals are closed.
	requireOk(t, []Operation{
		at(0, 0, 50).do(put("k", "x"), done()),
		at(1, 50, 60).do(get("k"), absentOutcome()),
	})
}

func TestUnknownWriteMayOrMayNotTakeEffect(t *testing.T) {
	base := []Operation{
		at(0, 0, 10).do(put("k", "old"), done()),
		at(1, 20, Never).do(put("k", "new"), unknown()),
	}
	tookEffect := append(append([]Operation{}, base...), at(0, 100, 110).do(get("k"), found("new")))
	didNot := append(append([]Operation{}, base...), at(0, 100, 110).do(get("k"), found("old")))
	requireOk(t, tookEffect)
	requireOk(t, didNot)
	// Once a read has seen the write, it cannot be undone.
	flicker := append(tookEffect, at(0, 120, 130).do(get("k"), found("old")))
	requireIllegal(t, flicker)
	// An unknown write cannot take effect before it was called.
	requireIllegal(t, []Operation{
		at(0, 0, 10).do(get("k"), found("new")),
		at(1, 20, Never).do(put("k", "new"), unknown()),
	})
}

func TestUnknownOutcomeReturnIsForcedToNever(t *testing.T) {
	// The harness may record the time the client gave up; the write may land later still.
	requireOk(t, []Operation{
		at(1, 0, 10).do(put("k", "x"), unknown()),
		at(0, 20, 30).do(get("k"), absentOutcome()),
		at(0, 40, 50).do(get("k"), found("x")),
	})
}

func TestCASSemantics(t *testing.T) {
	requireOk(t, []Operation{
		at(0, 0, 10).do(cas("k", "", "a"), casOutcome(true)), // missing compares as ""
		at(0, 20, 30).do(cas("k", "zzz", "b"), casOutcome(false)),
		at(0, 40, 50).do(get("k"), found("a")),
		at(0, 60, 70).do(cas("k", "a", "b"), casOutcome(true)),
		at(0, 80, 90).do(get("k"), found("b")),
	})
	// A cas that reports success against a different value is illegal, and so is one
	// that reports failure when the expected value was there.
	requireIllegal(t, []Operation{
		at(0, 0, 10).do(put("k", "a"), done()),
		at(0, 20, 30).do(cas("k", "x", "b"), casOutcome(true)),
	})
	requireIllegal(t, []Operation{
		at(0, 0, 10).do(put("k", "a"), done()),
		at(0, 20, 30).do(cas("k", "a", "b"), casOutcome(false)),
	})
	// A failed cas changes nothing.
	requireIllegal(t, []Operation{
		at(0, 0, 10).do(put("k", "a"), done()),
		at(0, 20, 30).do(cas("k", "x", "b"), casOutcome(false)),
		at(0, 40, 50).do(get("k"), found("b")),
	})
}

func TestDelete(t *testing.T) {
	h := []Operation{
		at(0, 0, 10).do(put("k", "a"), done()),
		at(0, 20, 30).do(del("k"), done()),
		at(0, 40, 50).do(get("k"), absentOutcome()),
	}
	requireOk(t, h)
	h[2].Outcome = found("a")
	requireIllegal(t, h)
	h[2].Outcome = found("")
	requireIllegal(t, h)
}

func TestAppend(t *testing.T) {
	requireOk(t, []Operation{
		at(0, 0, 10).do(appendOp("k", "a"), done()), // creates the key
		at(0, 20, 30).do(appendOp("k", "b"), done()),
		at(1, 40, 50).do(get("k"), found("ab")),
	})
	requireIllegal(t, []Operation{
		at(0, 0, 10).do(appendOp("k", "a"), done()),
		at(0, 20, 30).do(appendOp("k", "b"), done()),
		at(1, 40, 50).do(get("k"), found("ba")),
	})
	// Concurrent appends may land in either order, but a reader sees one order only.
	requireOk(t, []Operation{
		at(0, 0, 100).do(appendOp("k", "a"), done()),
		at(1, 0, 100).do(appendOp("k", "b"), done()),
		at(2, 110, 120).do(get("k"), found("ba")),
	})
}

func TestHashEqualStates(t *testing.T) {
	long := string(make([]byte, 1000))
	for _, s := range []KeyState{{}, {Value: "", Present: true}, {Value: "x", Present: true},
		{Value: long, Present: true}} {
		twin := KeyState{Value: string([]byte(s.Value)), Present: s.Present}
		require.Equal(t, HashState(s), HashState(twin), "state %v", s)
		m := KVModel()
		require.True(t, m.Equal(s, twin))
		require.Equal(t, m.Hash(s), m.Hash(twin))
	}
	// Not required by porcupine, but an empty value and a missing key must not collide
	// systematically, or every delete/put("") pair would share a memo bucket.
	require.NotEqual(t, HashState(KeyState{}), HashState(KeyState{Present: true}))
}

func TestDescribe(t *testing.T) {
	cases := []struct {
		op   Op
		out  Outcome
		want string
	}{
		{put("k1", "x"), done(), `put(k1, "x")`},
		{get("k1"), found("x"), `get(k1) -> "x"`},
		{get("k1"), absentOutcome(), `get(k1) -> absent`},
		{cas("k1", "a", "b"), casOutcome(true), `cas(k1, "a"->"b") -> ok`},
		{cas("k1", "a", "b"), casOutcome(false), `cas(k1, "a"->"b") -> fail`},
		{appendOp("k1", "x"), unknown(), `append(k1, "x") -> ?`},
		{del("k1"), done(), `delete(k1)`},
	}
	m := KVModel()
	for _, c := range cases {
		require.Equal(t, c.want, m.DescribeOperation(c.op, c.out))
	}
	require.Equal(t, `"x"`, m.DescribeState(KeyState{Value: "x", Present: true}))
	require.Equal(t, `absent`, m.DescribeState(KeyState{}))
}

func TestPartitionEvents(t *testing.T) {
	// The event form must partition by key too: here k2 is illegal on its own.
	ev := func(id int, kind porcupine.EventKind, v any) porcupine.Event {
		return porcupine.Event{ClientId: id % 2, Kind: kind, Value: v, Id: id}
	}
	events := []porcupine.Event{
		ev(0, porcupine.CallEvent, put("k1", "a")),
		ev(1, porcupine.CallEvent, get("k2")),
		ev(0, porcupine.ReturnEvent, done()),
		ev(1, porcupine.ReturnEvent, found("a")),
	}
	parts := KVModel().PartitionEvent(events)
	require.Len(t, parts, 2)
	require.Equal(t, []porcupine.Event{events[0], events[2]}, parts[0])
	require.False(t, porcupine.CheckEvents(KVModel(), events))
	events[3].Value = absentOutcome()
	require.True(t, porcupine.CheckEvents(KVModel(), events))
}
