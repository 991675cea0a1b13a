package lockservice_test

import (
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/simfuzz/simfuzz/examples/lockservice"
	"github.com/simfuzz/simfuzz/examples/lockservice/lockd"
	"github.com/simfuzz/simfuzz/model"
	"github.com/stretchr/testify/require"
)

// Shorthands for hand-written lock histories.

func acquire(l, o string) model.Op { return model.Op{Kind: lockd.Acquire, Key: l, Value: o} }
func release(l, o string) model.Op { return model.Op{Kind: lockd.Release, Key: l, Value: o} }
func holder(l string) model.Op     { return model.Op{Kind: lockd.Holder, Key: l} }

func granted(token uint64) model.Outcome {
	return model.Outcome{Result: model.Result{OK: true, Value: lockd.FormatToken(token)}}
}

func refused() model.Outcome { return model.Outcome{} }
func freed() model.Outcome   { return model.Outcome{Result: model.Result{OK: true}} }
func unknown() model.Outcome { return model.Outcome{Unknown: true} }
func free() model.Outcome    { return model.Outcome{} }

func held(owner string, token uint64) model.Outcome {
	return model.Outcome{Result: model.Result{Found: true,
		Value: lockd.FormatHolder(owner, token)}}
}

// at is one client's operation over [call, ret].
func at(client int, call, ret int64, op model.Op, out model.Outcome) model.Operation {
	if out.Unknown {
		ret = model.Never
	}
	return model.Operation{ClientID: client, Op: op, Outcome: out, Call: call, Return: ret}
}

func requireLegal(t *testing.T, h []model.Operation) {
	t.Helper()
	v := lockservice.Workload.Check(h)
	require.NoError(t, v.Err)
	require.Equal(t, porcupine.Ok, v.Ok, v.Message())
}

func requireIllegal(t *testing.T, h []model.Operation, lock string) {
	t.Helper()
	v := lockservice.Workload.Check(h)
	require.NoError(t, v.Err)
	require.Equal(t, porcupine.Illegal, v.Ok, v.Message())
	require.Equal(t, []string{lock}, v.IllegalKeys)
}

func TestWorkloadIsValid(t *testing.T) {
	require.NoError(t, lockservice.Workload.Validate())
	k, err := lockservice.Workload.ParseKind("release")
	require.NoError(t, err)
	require.Equal(t, lockd.Release, k)
	require.False(t, lockservice.Workload.IsWrite(lockd.Holder))
}

func TestSequentialLockLifecycleIsLegal(t *testing.T) {
	requireLegal(t, []model.Operation{
		at(0, 0, 10, acquire("l", "c1"), granted(1)),
		at(1, 20, 30, holder("l"), held("c1", 1)),
		at(1, 40, 50, acquire("l", "c2"), refused()),
		at(1, 60, 70, release("l", "c2"), refused()),
		at(0, 80, 90, acquire("l", "c1"), granted(1)), // the holder again: same token
		at(0, 100, 110, release("l", "c1"), freed()),
		at(1, 120, 130, holder("l"), free()),
		at(1, 140, 150, acquire("l", "c2"), granted(2)),
		at(0, 160, 170, holder("l"), held("c2", 2)),
	})
}

func TestStaleTokenIsIllegal(t *testing.T) {
	// After a release the next grant must carry a larger token: reusing 1 lets a paused
	// old holder's writes through the fence.
	requireIllegal(t, []model.Operation{
		at(0, 0, 10, acquire("l", "c1"), granted(1)),
		at(0, 20, 30, release("l", "c1"), freed()),
		at(1, 40, 50, acquire("l", "c2"), granted(1)),
	}, "l")
	// So is a token that skips ahead: the service numbers grants exactly.
	requireIllegal(t, []model.Operation{at(0, 0, 10, acquire("l", "c1"), granted(3))}, "l")
	// And a read that shows an older grant than one already acknowledged.
	requireIllegal(t, []model.Operation{
		at(0, 0, 10, acquire("l", "c1"), granted(1)),
		at(0, 20, 30, release("l", "c1"), freed()),
		at(1, 40, 50, acquire("l", "c2"), granted(2)),
		at(0, 60, 70, holder("l"), held("c1", 1)),
	}, "l")
}

func TestTwoHoldersAtOnceAreIllegal(t *testing.T) {
	requireIllegal(t, []model.Operation{
		at(0, 0, 10, acquire("l", "c1"), granted(1)),
		at(1, 20, 30, acquire("l", "c2"), granted(2)),
	}, "l")
	// Concurrent acquires cannot both win, in whichever order they linearize.
	requireIllegal(t, []model.Operation{
		at(0, 0, 100, acquire("l", "c1"), granted(1)),
		at(1, 0, 100, acquire("l", "c2"), granted(1)),
	}, "l")
}

func TestConcurrentAcquiresEitherMayWin(t *testing.T) {
	for _, winner := range []int{0, 1} {
		outs := []model.Outcome{refused(), refused()}
		outs[winner] = granted(1)
		requireLegal(t, []model.Operation{
			at(0, 0, 100, acquire("l", "c1"), outs[0]),
			at(1, 50, 150, acquire("l", "c2"), outs[1]),
		})
	}
}

func TestUnknownAcquireMayOrMayNotHaveHappened(t *testing.T) {
	first := at(0, 0, 0, acquire("l", "c1"), unknown())
	requireLegal(t, []model.Operation{first, at(1, 50, 60, acquire("l", "c2"), refused())})
	requireLegal(t, []model.Operation{first, at(1, 50, 60, acquire("l", "c2"), granted(1))})
	// c2 holds token 2 only if c1's grant happened and was released: nobody released it.
	requireIllegal(t, []model.Operation{first,
		at(1, 50, 60, acquire("l", "c2"), granted(2))}, "l")
}

func TestReleaseByNonHolderIsIllegalToSucceed(t *testing.T) {
	requireIllegal(t, []model.Operation{
		at(0, 0, 10, acquire("l", "c1"), granted(1)),
		at(1, 20, 30, release("l", "c2"), freed()),
	}, "l")
	// A holder's release must succeed: a retry applied twice answers "not held".
	requireIllegal(t, []model.Operation{
		at(0, 0, 10, acquire("l", "c1"), granted(1)),
		at(0, 20, 30, release("l", "c1"), refused()),
	}, "l")
}

func TestLocksAreCheckedIndependently(t *testing.T) {
	requireLegal(t, []model.Operation{
		at(0, 0, 10, acquire("a", "c1"), granted(1)),
		at(1, 0, 10, acquire("b", "c2"), granted(1)),
	})
	requireIllegal(t, []model.Operation{
		at(0, 0, 10, acquire("a", "c1"), granted(1)),
		at(1, 20, 30, acquire("b", "c2"), granted(1)),
		at(1, 40, 50, holder("b"), free()),
	}, "b")
}

func TestDescribeAndFormat(t *testing.T) {
	w := lockservice.Workload
	require.Equal(t, "acquire(l1, c2)", w.Format(acquire("l1", "c2")))
	require.Equal(t, "holder(l1)", w.Format(holder("l1")))
	for _, c := range []struct {
		op   model.Op
		out  model.Outcome
		want string
	}{
		{acquire("l1", "c2"), granted(7), "acquire(l1, c2) -> ok #7"},
		{acquire("l1", "c2"), refused(), "acquire(l1, c2) -> held"},
		{release("l1", "c2"), freed(), "release(l1, c2) -> ok"},
		{release("l1", "c2"), refused(), "release(l1, c2) -> not held"},
		{holder("l1"), held("c2", 7), "holder(l1) -> c2 #7"},
		{holder("l1"), free(), "holder(l1) -> free"},
		{release("l1", "c2"), unknown(), "release(l1, c2) -> ?"},
	} {
		require.Equal(t, c.want, w.Describe(c.op, c.out))
	}
	require.Equal(t, "free (last #3)", lockservice.LockState{Token: 3}.String())
	require.Equal(t, "c1 #3", lockservice.LockState{Owner: "c1", Token: 3}.String())
}
