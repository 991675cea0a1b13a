package fuzz

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
)

// Messages of real failures: campaigns over the mutants of testdata/mutants (02, 09, 10)
// and the messages the harness builds for liveness, runaways, recovery and panics.
const (
	msgSMS1 = "invariant violated after an event of n1 at 3.347139293s: raft invariant " +
		"StateMachineSafety violated: n1 committed 2@2, but 2@1 was committed"
	msgSMS2 = "invariant violated after an event of n3 at 4.628130233s: raft invariant " +
		"StateMachineSafety violated: n3 committed 4@3, but 4@2 was committed"
	msgLC = "invariant violated after an event of n3 at 4.675280287s: raft invariant " +
		"LeaderCompleteness violated: leader n3 of term 3 lacks committed entry 2@2 " +
		"(has term 3)"
	msgES1 = "invariant violated after an event of n2 at 4.967284476s: raft invariant " +
		"ElectionSafety violated: n3 and n2 both leader in term 2"
	msgES2 = "invariant violated after an event of n1 at 3.456233852s: raft invariant " +
		"ElectionSafety violated: n2 and n1 both leader in term 12"
	msgLin1 = `not linearizable: 58 operations over 7 keys; illegal keys: "k4" (1 ops)`
	msgLin2 = `not linearizable: 108 operations over 6 keys; illegal keys: "k1" (18 ops), ` +
		`"k4" (11 ops)`
	msgPending1 = `client c1#2 op 3 cas k1 "a"->"b" did not complete within 10s of healing`
	msgPending2 = `client c4 op 11 get k0 did not complete within 7.5s of healing`
	msgProbe    = "the probe write was not acknowledged within 5s of healing"
	msgBudget1  = "event budget of 1004800 events used up at 1m2.5s: runaway system " +
		"(message storm, livelock or retry loop)"
	msgBudget2 = "event budget of 3000000 events used up at 41.000001s: runaway system " +
		"(message storm, livelock or retry loop)"
	msgPanic1 = "n2 panicked at 1.5ms: runtime error: index out of range [5] with length 3"
	msgPanic2 = "n1 panicked at 300µs: runtime error: index out of range [7] with length 7"
	msgNondet = "trace hashes 00ab12cd34ef5678 and 9f8e7d6c5b4a3921 differ at event 17: " +
		"0x1f from [n1 n2 n3]"
)

func sig(class harness.FailureClass, msg string) Signature {
	return SignatureOf(&harness.Failure{Class: class, Message: msg})
}

func TestNormaliseMessage(t *testing.T) {
	cases := map[string]string{
		msgSMS1: "invariant violated after an event of <id> at <dur>: raft invariant " +
			"StateMachineSafety violated: <id> committed <n>@<n>, but <n>@<n> was committed",
		msgLin2: "not linearizable: <n> operations over <n> keys; illegal keys: <q> " +
			"(<n> ops)",
		msgPending1: "client <id> op <n> cas <id> <q>-><q> did not complete within <dur> " +
			"of healing",
		msgBudget1: "event budget of <n> events used up at <dur>: runaway system (message " +
			"storm, livelock or retry loop)",
		msgNondet: "trace hashes <hex> and <hex> differ at event <n>: <hex> from [<id>]",
		"admin#2 took 1h2m3.5s, then   wal-000003.log\n": "admin#<n> took <dur>, then " +
			"wal-<n>.log",
		`unterminated "quote`: "unterminated <q>",
		"3min or 2 ms":        "<n>min or <n> ms",
	}
	for in, want := range cases {
		require.Equal(t, want, NormaliseMessage(in), in)
	}
}

// The same bug at different seeds (other nodes, times, indexes, keys, counts) has one
// signature.
func TestSignatureSameBugSameSignature(t *testing.T) {
	same := []struct {
		class harness.FailureClass
		a, b  string
	}{
		{harness.ClassInvariant, msgSMS1, msgSMS2},
		{harness.ClassInvariant, msgES1, msgES2},
		{harness.ClassLinearizability, msgLin1, msgLin2},
		{harness.ClassLiveness, msgBudget1, msgBudget2},
		{harness.ClassPanic, msgPanic1, msgPanic2},
	}
	for _, c := range same {
		require.Equal(t, sig(c.class, c.a), sig(c.class, c.b), "%s\n%s", c.a, c.b)
	}
}

// Different invariants, different liveness conditions and different classes give different
// signatures.
func TestSignatureDifferentBugsDiffer(t *testing.T) {
	all := []Signature{
		sig(harness.ClassInvariant, msgSMS1),
		sig(harness.ClassInvariant, msgLC),
		sig(harness.ClassInvariant, msgES1),
		sig(harness.ClassLinearizability, msgLin1),
		sig(harness.ClassLiveness, msgPending1),
		sig(harness.ClassLiveness, msgProbe),
		sig(harness.ClassLiveness, msgBudget1),
		sig(harness.ClassPanic, msgPanic1),
		sig(harness.ClassRecovery, msgPanic1),
		sig(harness.ClassInvariant, "n1 and n2 disagree"),
		sig(harness.ClassInvariant, "n1 or n2 disagree"),
	}
	seen := map[string]int{}
	for i, s := range all {
		j, dup := seen[s.String()]
		require.False(t, dup, "signatures %d and %d are both %q", j, i, s)
		seen[s.String()] = i
	}
}

func TestSignatureString(t *testing.T) {
	s := sig(harness.ClassLiveness, msgProbe)
	require.Equal(t, "liveness: the probe write was not acknowledged within <dur> of healing",
		s.String())
}

// A long message is cut at a rune boundary, so that a summary line stays readable.
func TestSignatureMessageIsBounded(t *testing.T) {
	long := strings.Repeat("é", MaxSignatureMessage)
	got := NormaliseMessage(long)
	require.LessOrEqual(t, len(got), MaxSignatureMessage+len("..."))
	require.True(t, strings.HasSuffix(got, "é..."), got[len(got)-8:])
}
