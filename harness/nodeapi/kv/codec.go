package kv

import (
	"errors"
	"strconv"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// EncodeOp appends a key-value operation: its kind byte, then key, value and expect as
// length-prefixed strings. Every key-value system may put operations on the wire and in
// its log this way; DecodeOp reads them back.
func EncodeOp(e *wire.Encoder, op nodeapi.Op) {
	e.U8(uint8(op.Kind))
	e.Str(op.Key)
	e.Str(op.Value)
	e.Str(op.Expect)
}

// DecodeOp reads an operation EncodeOp wrote. A kind that is not a key-value kind fails
// the decoder (its error says so), as truncated input does: the caller checks d's error
// once, after reading what follows.
func DecodeOp(d *wire.Decoder) nodeapi.Op {
	op := nodeapi.Op{Kind: nodeapi.Kind(d.U8())}
	op.Key, op.Value, op.Expect = d.Str(), d.Str(), d.Str()
	checkKind(d, op.Kind)
	return op
}

// DecodeOpView is DecodeOp for a decoder of many operations on a few keys that keeps
// little of each (a replica applying its log): the key is read through keys, so that it
// shares one string per key, and Value and Expect share d's input (Decoder.StrView), so
// they are valid only while the input is unchanged and the caller copies what it keeps.
func DecodeOpView(d *wire.Decoder, keys *wire.Interner) nodeapi.Op {
	op := nodeapi.Op{Kind: nodeapi.Kind(d.U8())}
	op.Key = keys.Str(d)
	op.Value, op.Expect = d.StrView(), d.StrView()
	checkKind(d, op.Kind)
	return op
}

// checkKind fails d if k, just read, is not a key-value kind.
func checkKind(d *wire.Decoder, k nodeapi.Kind) {
	if d.Err() == nil && !Valid(k) {
		d.Fail(errors.New("invalid operation kind " + strconv.Itoa(int(k))))
	}
}
