package etcdraft

import (
	"testing"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	kvop "github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	"github.com/stretchr/testify/require"
)

func put(client nodeapi.NodeID, nonce, seq uint64, key, value string) *command {
	return &command{key: sessionKey{client: client, nonce: nonce}, seq: seq,
		op: nodeapi.Op{Kind: kvop.Append, Key: key, Value: value}}
}

// A write retried (the same client, nonce and sequence number) applies once and answers
// the retry with the first result; an older write of a client that moved on applies never.
func TestKVAppliesEachWriteOnce(t *testing.T) {
	kv := newKVStore()
	kv.apply(put("c1", 7, 1, "k", "a"))
	kv.apply(put("c1", 7, 1, "k", "a"))
	kv.apply(put("c1", 7, 2, "k", "b"))
	kv.apply(put("c1", 7, 1, "k", "a")) // a stale duplicate delivered late
	require.Equal(t, "ab", kv.read("k").Value)

	cas := &command{key: sessionKey{client: "c2", nonce: 1}, seq: 1,
		op: nodeapi.Op{Kind: kvop.CAS, Key: "k", Expect: "ab", Value: "x"}}
	require.True(t, kv.apply(cas).OK)
	require.True(t, kv.apply(cas).OK, "the retry gets the cached result, not a failed cas")
	require.Equal(t, "x", kv.read("k").Value)

	// A new incarnation of c1 (another nonce) starts its own session.
	kv.apply(put("c1", 8, 1, "k", "y"))
	require.Equal(t, "xy", kv.read("k").Value)
}

func TestKVSnapshotRoundTrip(t *testing.T) {
	kv := newKVStore()
	kv.apply(put("c1", 7, 1, "k1", "a"))
	kv.apply(put("c2", 9, 4, "k2", "b"))
	ns := names{}
	ns.learn("n1")
	ns.learn("n4")
	e := wire.Encoder{}
	kv.encode(&e, ns)
	got, gotNames, err := decodeKV(e.Buf)
	require.NoError(t, err)
	require.Equal(t, kv.digest(), got.digest())
	require.Equal(t, kv.data, got.data)
	require.Equal(t, kv.sessions, got.sessions)
	require.Equal(t, []nodeapi.NodeID{"n1", "n4"}, gotNames.sorted())

	for cut := range e.Buf {
		_, _, err := decodeKV(e.Buf[:cut])
		require.Error(t, err, "a snapshot cut at %d must not decode", cut)
	}
}

func TestKVDigestSeesSessions(t *testing.T) {
	a, b := newKVStore(), newKVStore()
	a.apply(put("c1", 7, 1, "k", "v"))
	b.apply(put("c1", 7, 2, "k", "v"))
	require.Equal(t, a.data, b.data)
	require.NotEqual(t, a.digest(), b.digest(), "replicas must agree on sessions too")
}

func TestCommandRoundTrip(t *testing.T) {
	c := put("c3", 1<<60, 42, "key", "value")
	got, err := decodeCommand(encodeCommand(c))
	require.NoError(t, err)
	require.Equal(t, *c, got)
	_, err = decodeCommand(append(encodeCommand(c), 0))
	require.Error(t, err, "trailing bytes")
}
