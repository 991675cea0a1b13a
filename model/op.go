// Package model holds the client-operation vocabulary of the built-in workload and the
// porcupine models that judge recorded histories. It knows nothing of the simulator or of
// any system under test: it sees only operations, their results and their time spans.
package model

import "fmt"

// Kind names a key-value operation.
type Kind uint8

// The key-value operations. The zero Kind is invalid so that a forgotten field is caught.
const (
	Get Kind = iota + 1
	Put
	Append
	CAS
	Delete
)

var kindNames = [...]string{Get: "get", Put: "put", Append: "append", CAS: "cas", Delete: "delete"}

// String returns the lower-case name used in scenario files and reports.
func (k Kind) String() string {
	if k >= Get && k <= Delete {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// ParseKind is the inverse of String.
func ParseKind(s string) (Kind, error) {
	for k := Get; k <= Delete; k++ {
		if kindNames[k] == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown operation kind %q (want get, put, append, cas or delete)", s)
}

// IsWrite reports whether the operation can change state.
func (k Kind) IsWrite() bool { return k != Get }

// Op is one client request. Value is the argument of put, append and cas (the new value);
// Expect is the value cas compares against, where a missing key compares as "".
type Op struct {
	Kind   Kind
	Key    string
	Value  string
	Expect string
}

// String renders the operation the way reports and the HTML view show it.
func (o Op) String() string {
	switch o.Kind {
	case Get, Delete:
		return fmt.Sprintf("%s(%s)", o.Kind, o.Key)
	case CAS:
		return fmt.Sprintf("cas(%s, %q->%q)", o.Key, o.Expect, o.Value)
	default:
		return fmt.Sprintf("%s(%s, %q)", o.Kind, o.Key, o.Value)
	}
}

// Result is what a completed operation returned. Value and Found answer a get; OK answers
// a cas. Other kinds return the zero Result.
type Result struct {
	Value string
	Found bool
	OK    bool
}

// Outcome is the client's verdict on one operation: a Result, or Unknown when the client
// gave up without learning whether a write took effect (a timeout, a lost reply).
type Outcome struct {
	Result  Result
	Unknown bool
}

// Apply runs op against one key's state (value, present) and returns the new state and the
// result. It is the reference semantics that both the model and the KV state machine follow.
func Apply(value string, present bool, op Op) (string, bool, Result) {
	switch op.Kind {
	case Get:
		return value, present, Result{Value: value, Found: present}
	case Put:
		return op.Value, true, Result{}
	case Append:
		return value + op.Value, true, Result{}
	case CAS:
		if value == op.Expect {
			return op.Value, true, Result{OK: true}
		}
		return value, present, Result{}
	case Delete:
		return "", false, Result{}
	}
	panic(fmt.Sprintf("model.Apply: invalid operation kind %d", op.Kind))
}
