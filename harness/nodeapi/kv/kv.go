// Package kv is the key-value workload's vocabulary and sequential semantics: its operation
// kinds, how each one acts on one key, and how it reads in reports. It imports only the
// node contract, so a key-value system (the built-in Raft KV, a user's store) and the
// checker's model (package model) share one definition instead of two copies that drift.
package kv

import (
	"strconv"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// The key-value operations. Value is the argument of put, append and cas (the new value);
// Expect is the value cas compares against, where a missing key compares as "".
const (
	Get nodeapi.Kind = iota + 1
	Put
	Append
	CAS
	Delete
)

// Names are the kinds' names in scenario files and reports, indexed by Kind-1.
var Names = []string{"get", "put", "append", "cas", "delete"}

// Valid reports whether k is one of the key-value kinds.
func Valid(k nodeapi.Kind) bool { return k >= Get && k <= Delete }

// Name returns the lower-case name of k, or kind(N) for an invalid one.
func Name(k nodeapi.Kind) string {
	if Valid(k) {
		return Names[k-1]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// IsWrite reports whether an operation of kind k can change state.
func IsWrite(k nodeapi.Kind) bool { return k != Get }

// Format renders an operation the way reports and the HTML view show it, for example
// `get(k1)`, `put(k1, "x")` or `cas(k1, "a"->"b")`.
func Format(o nodeapi.Op) string {
	switch o.Kind {
	case Get, Delete:
		return Name(o.Kind) + "(" + o.Key + ")"
	case CAS:
		return "cas(" + o.Key + ", " + strconv.Quote(o.Expect) + "->" +
			strconv.Quote(o.Value) + ")"
	default:
		return Name(o.Kind) + "(" + o.Key + ", " + strconv.Quote(o.Value) + ")"
	}
}

// Apply runs op against one key's state (value, present) and returns the new state and the
// result. It is the reference semantics that the checker's model and every key-value state
// machine follow: cas compares against the current value with a missing key read as "".
// It panics on an invalid kind; callers validate requests first. (This package avoids fmt,
// which would link package os into every system that imports it.)
func Apply(value string, present bool, op nodeapi.Op) (string, bool, nodeapi.Result) {
	switch op.Kind {
	case Get:
		return value, present, nodeapi.Result{Value: value, Found: present}
	case Put:
		return op.Value, true, nodeapi.Result{}
	case Append:
		return value + op.Value, true, nodeapi.Result{}
	case CAS:
		if value == op.Expect {
			return op.Value, true, nodeapi.Result{OK: true}
		}
		return value, present, nodeapi.Result{}
	case Delete:
		return "", false, nodeapi.Result{}
	}
	panic("kv.Apply: invalid operation kind " + strconv.Itoa(int(op.Kind)))
}
