package lockd

import (
	"testing"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

func fullMessage() *message {
	return &message{Type: msgAppend, Term: 7, LastIndex: 3, LastTerm: 2, Granted: true,
		PrevIndex: 300, PrevTerm: 6, Commit: 299,
		Entries: []Entry{{Term: 6}, cmd(7, 1<<40, "lock")}, Success: true, Match: 1 << 33,
		Session: ^uint64(0), Seq: 5, Op: nodeapi.Op{Kind: Release, Key: "l1", Value: "c2"},
		Status: statusNotLeader, Result: nodeapi.Result{Value: "c1#3", Found: true, OK: true},
		Leader: "n3"}
}

func TestMessageRoundTrip(t *testing.T) {
	m := fullMessage()
	got, err := decodeMessage(encodeMessage(m))
	require.NoError(t, err)
	require.Equal(t, m, got)
	_, err = decodeMessage(nil)
	require.Error(t, err)
}

// The network may flip any bit of a datagram: every such flip is caught, never decoded.
func TestEveryFlippedBitIsDetected(t *testing.T) {
	frame := encodeMessage(fullMessage())
	for i := range 8 * len(frame) {
		bad := append([]byte(nil), frame...)
		bad[i/8] ^= 1 << (i % 8)
		_, err := decodeMessage(bad)
		require.Error(t, err, "bit %d", i)
	}
	for n := range len(frame) {
		_, err := decodeMessage(frame[:n])
		require.Error(t, err, "truncated to %d bytes", n)
	}
}

func TestEntriesWithInvalidCommandsAreRefused(t *testing.T) {
	m := fullMessage()
	m.Entries = []Entry{{Term: 1, Op: nodeapi.Op{Kind: Acquire, Key: "l1"}}} // no owner
	_, err := decodeMessage(encodeMessage(m))
	require.ErrorContains(t, err, "invalid command")
}

func TestValidateOpAndHolderFormat(t *testing.T) {
	require.NoError(t, ValidateOp(nodeapi.Op{Kind: Holder, Key: "l"}))
	require.Error(t, ValidateOp(nodeapi.Op{Kind: Holder + 1, Key: "l"}))
	require.Error(t, ValidateOp(nodeapi.Op{Kind: Release, Key: "", Value: "c1"}))
	owner, token, err := ParseHolder(FormatHolder("c#1", 42))
	require.NoError(t, err)
	require.Equal(t, "c#1", owner)
	require.Equal(t, uint64(42), token)
	_, _, err = ParseHolder("c1")
	require.Error(t, err)
	require.Equal(t, "kind(9)", KindName(9))
}
