package raft

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	kvop "github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

func TestApplyOpSemantics(t *testing.T) {
	kv := newKVStore()
	seq := uint64(0)
	do := func(op nodeapi.Op) nodeapi.Result {
		seq++
		return kv.applyCommand(&command{key: sessionKey{client: "c", nonce: 1}, seq: seq,
			op: op})
	}
	require.Equal(t, nodeapi.Result{}, do(appendOp("k", "a")))
	require.Equal(t, nodeapi.Result{Value: "a", Found: true}, kv.read("k"))
	cas := func(expect, value string) nodeapi.Op {
		return nodeapi.Op{Kind: kvop.CAS, Key: "k", Expect: expect, Value: value}
	}
	require.Equal(t, nodeapi.Result{}, do(cas("x", "b")), "cas against the wrong value fails")
	require.Equal(t, nodeapi.Result{OK: true}, do(cas("a", "b")))
	require.Equal(t, nodeapi.Result{}, do(nodeapi.Op{Kind: kvop.Delete, Key: "k"}))
	require.Equal(t, nodeapi.Result{}, kv.read("k"))
	require.Equal(t, nodeapi.Result{OK: true}, do(cas("", "c")), "a missing key reads as \"\"")
	require.Equal(t, nodeapi.Result{Value: "c", Found: true}, kv.read("k"))
	require.Equal(t, nodeapi.Result{}, do(put("k", "d")))
	require.Equal(t, nodeapi.Result{Value: "d", Found: true}, kv.read("k"))
}

func TestSessionsApplyARetryOnce(t *testing.T) {
	kv := newKVStore()
	c := &command{key: sessionKey{client: "c1", nonce: 7}, seq: 1,
		op: nodeapi.Op{Kind: kvop.CAS, Key: "k", Expect: "", Value: "v"}}
	require.Equal(t, nodeapi.Result{OK: true}, kv.applyCommand(c))
	require.Equal(t, nodeapi.Result{OK: true}, kv.applyCommand(c),
		"a retry gets the first result, not a failed cas")
	other := &command{key: sessionKey{client: "c1", nonce: 8}, seq: 1, op: appendOp("k", "x")}
	kv.applyCommand(other)
	require.Equal(t, "vx", kv.read("k").Value, "another incarnation has its own session")
	stale := &command{key: sessionKey{client: "c1", nonce: 8}, seq: 1, op: appendOp("k", "x")}
	kv.applyCommand(&command{key: stale.key, seq: 2, op: appendOp("k", "y")})
	kv.applyCommand(stale)
	require.Equal(t, "vxy", kv.read("k").Value, "an older sequence number never applies")
}

func TestKVStoreEncodingRoundTrip(t *testing.T) {
	kv := newKVStore()
	for i, k := range []string{"b", "a", "c"} {
		kv.applyCommand(&command{key: sessionKey{client: nodeapi.NodeID(k), nonce: 1},
			seq: uint64(i + 1), op: put(k, "v"+k)})
	}
	data := encodeSnapshot(9, 3, []nodeapi.NodeID{"n1", "n2"}, kv)
	ref, back, err := decodeSnapshot(data)
	require.NoError(t, err)
	require.Equal(t, uint64(9), ref.index)
	require.Equal(t, uint64(3), ref.term)
	require.Equal(t, []nodeapi.NodeID{"n1", "n2"}, ref.voters)
	require.Equal(t, kv.data, back.data)
	require.Equal(t, kv.sessions, back.sessions)
	require.Equal(t, kv.digest(), back.digest())
	_, _, err = decodeSnapshot(data[:len(data)-1])
	require.Error(t, err)
}

func TestCommandEncodingRejectsBadKinds(t *testing.T) {
	c := &command{key: sessionKey{client: "c", nonce: 2}, seq: 5, op: put("k", "v")}
	var names wire.Interner
	back, err := decodeCommand(encodeCommand(c), &names, &sessionCache{})
	require.NoError(t, err)
	require.Equal(t, *c, back)
	again, err := decodeCommand(encodeCommand(c), &names, &sessionCache{})
	require.NoError(t, err)
	require.Equal(t, *c, again)
	require.Equal(t, 2, names.Len(), "the client ID and the key are interned")
	bad := *c
	bad.op.Kind = 9
	_, err = decodeCommand(encodeCommand(&bad), &names, &sessionCache{})
	require.ErrorContains(t, err, "invalid operation kind 9")
}

// TestSessionCacheDecodesAlike: decoding through a session cache that has seen other
// commands (a few clients, some names prefixes of others, nonces of every varint length,
// truncated and corrupted entries among them) gives exactly what a fresh decode gives, and
// a repeated session is found in the cache.
func TestSessionCacheDecodesAlike(t *testing.T) {
	clients := []nodeapi.NodeID{"c1", "c1x", "c", "c2", ""}
	nonces := []uint64{0, 1, 127, 128, 1 << 20, 1<<63 + 5, ^uint64(0)}
	var names wire.Interner
	var cache sessionCache
	for i := range 400 {
		c := &command{key: sessionKey{client: clients[i%len(clients)],
			nonce: nonces[(i/3)%len(nonces)]}, seq: uint64(i), op: put("k", "v")}
		data := encodeCommand(c)
		switch i % 7 {
		case 5:
			data = data[:i%len(data)] // truncated, possibly inside the session prefix
		case 6:
			data = append([]byte(nil), data...)
			data[len(data)-1-i%len(data)] ^= 0x80 // a flipped high bit, anywhere
		}
		var fresh wire.Interner
		want, wantErr := decodeCommand(data, &fresh, &sessionCache{})
		got, err := decodeCommand(data, &names, &cache)
		require.Equal(t, wantErr, err, "command %d", i)
		require.Equal(t, want, got, "command %d", i)
	}
	c := &command{key: sessionKey{client: "c7", nonce: 1 << 40}, seq: 1, op: put("k", "v")}
	_, _, ok := cache.lookup(encodeCommand(c))
	require.False(t, ok, "a session never decoded is not found")
	_, err := decodeCommand(encodeCommand(c), &names, &cache)
	require.NoError(t, err)
	c.seq = 2
	key, n, ok := cache.lookup(encodeCommand(c))
	require.True(t, ok, "a session just decoded is found")
	require.Equal(t, c.key, key)
	require.Equal(t, 1+len("c7")+6, n, "the prefix is the client ID and the nonce")
}

// TestRecentSessionsActLikeTheTable: applying a random mix of writes from more sessions
// than the store remembers (clients sharing nonces, nonces sharing clients, retries and
// stale sequence numbers) gives the same results and state as a store that forgets its
// recent sessions before every write, and every session found is the table's.
func TestRecentSessionsActLikeTheTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	kv, ref := newKVStore(), newKVStore()
	var keys []sessionKey
	for _, c := range []nodeapi.NodeID{"c1", "c2", "c10", "c"} {
		for _, nonce := range []uint64{1, 2, 1 << 40} {
			keys = append(keys, sessionKey{client: c, nonce: nonce})
		}
	}
	seqs := map[sessionKey]uint64{}
	for i := range 5000 {
		k := keys[rng.IntN(len(keys))]
		if rng.IntN(3) > 0 {
			k = keys[rng.IntN(3)] // a few sessions most of the time
		}
		seqs[k] += uint64(rng.IntN(2))
		seq := max(1, seqs[k]-uint64(rng.IntN(2)))
		c := &command{key: k, seq: seq, op: put("k"+strconv.Itoa(rng.IntN(4)), strconv.Itoa(i))}
		ref.recent = [recentSessions]sessionRef{}
		require.Equal(t, ref.applyCommand(c), kv.applyCommand(c), "write %d", i)
		for _, k := range keys {
			require.Same(t, kv.sessions[k], kv.session(k), "session %v", k)
		}
	}
	require.Equal(t, ref.data, kv.data)
	require.Equal(t, ref.sessions, kv.sessions)
}

// TestStoreActsLikeAMapOfValues: random writes on a few keys leave the store holding what a
// plain map updated by kvop.Apply holds, and each answer is Apply's: values held by pointer
// are replaced in place, never shared between keys.
func TestStoreActsLikeAMapOfValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	kv, want := newKVStore(), map[string]string{}
	kinds := []nodeapi.Kind{kvop.Put, kvop.Append, kvop.CAS, kvop.Delete}
	for i := range 3000 {
		op := nodeapi.Op{Kind: kinds[rng.IntN(len(kinds))], Key: "k" + strconv.Itoa(rng.IntN(4)),
			Value: strconv.Itoa(rng.IntN(3)), Expect: strconv.Itoa(rng.IntN(3))}
		old, ok := want[op.Key]
		v, present, res := kvop.Apply(old, ok, op)
		if present {
			want[op.Key] = v
		} else {
			delete(want, op.Key)
		}
		got := kv.applyCommand(&command{key: sessionKey{client: "c", nonce: 1},
			seq: uint64(i + 1), op: op})
		require.Equal(t, res, got, "write %d", i)
		require.Len(t, kv.data, len(want))
		for k, v := range want {
			require.Equal(t, nodeapi.Result{Value: v, Found: true}, kv.read(k))
		}
	}
}
