// Package model holds the porcupine models that judge recorded histories: the workload type
// (operation kinds, the sequential specification of one key, how operations read) and the
// checker that splits a history by key and searches each key for a linearization. It knows
// nothing of the simulator or of any system under test: it sees only operations, their
// results and their time spans.
package model

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
)

// The operation vocabulary is the node contract's, so that a system under test and the
// checker exchange the same values without the system importing the checker.
type (
	Kind    = nodeapi.Kind
	Op      = nodeapi.Op
	Result  = nodeapi.Result
	Outcome = nodeapi.Outcome
)

// The key-value workload's kinds (package kv), named here for the checker's own code.
const (
	Get    = kv.Get
	Put    = kv.Put
	Append = kv.Append
	CAS    = kv.CAS
	Delete = kv.Delete
)

// Apply is the key-value reference semantics (kv.Apply).
func Apply(value string, present bool, op Op) (string, bool, Result) {
	return kv.Apply(value, present, op)
}
