package kv_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// An operation reads back as written; a kind outside the vocabulary fails the decoder.
func TestOpRoundTrip(t *testing.T) {
	op := nodeapi.Op{Kind: kv.CAS, Key: "k", Value: "new", Expect: "old"}
	var e wire.Encoder
	kv.EncodeOp(&e, op)
	d := wire.NewDecoder(e.Buf, 1<<10)
	require.Equal(t, op, kv.DecodeOp(&d))
	require.NoError(t, d.Done())

	e = wire.Encoder{}
	kv.EncodeOp(&e, nodeapi.Op{Kind: 99, Key: "k"})
	d = wire.NewDecoder(e.Buf, 1<<10)
	kv.DecodeOp(&d)
	require.ErrorContains(t, d.Err(), "invalid operation kind 99")
}

// DecodeOpView reads what DecodeOp reads, shares the key among operations, and fails on a
// bad kind alike.
func TestOpViewRoundTrip(t *testing.T) {
	ops := []nodeapi.Op{{Kind: kv.Put, Key: "k1", Value: "v"},
		{Kind: kv.CAS, Key: "k1", Value: "w", Expect: "v"}, {Kind: kv.Delete, Key: "k2"}}
	var e wire.Encoder
	for _, op := range ops {
		kv.EncodeOp(&e, op)
	}
	kv.EncodeOp(&e, nodeapi.Op{Kind: 99, Key: "k"})
	d := wire.NewDecoder(e.Buf, 1<<10)
	var keys wire.Interner
	for _, op := range ops {
		require.Equal(t, op, kv.DecodeOpView(&d, &keys))
	}
	require.Equal(t, 2, keys.Len())
	kv.DecodeOpView(&d, &keys)
	require.ErrorContains(t, d.Err(), "invalid operation kind 99")
}
