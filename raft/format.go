package raft

import (
	"strconv"
	"strings"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// This package builds its messages without fmt: fmt links os (and with it the file system
// and the process environment), which a node written against the node contract must not
// depend on. Messages stay deterministic: numbers, node IDs and fixed words only.

// dec renders n in decimal.
func dec(n uint64) string { return strconv.FormatUint(n, 10) }

// hex renders n in lower-case hexadecimal without a prefix (as %x does).
func hex(n uint64) string { return strconv.FormatUint(n, 16) }

// idList renders a voter set as %v renders a slice: "[n1 n2 n3]".
func idList(ids []nodeapi.NodeID) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(id))
	}
	b.WriteByte(']')
	return b.String()
}

// wrappedError is an error with context in front of its cause, which errors.Is and errors.As
// still find (the form fmt.Errorf("context: %w", err) gives).
type wrappedError struct {
	msg   string
	cause error
}

func (e *wrappedError) Error() string { return e.msg }

func (e *wrappedError) Unwrap() error { return e.cause }

// wrap returns an error reading "context: <cause>" that unwraps to cause.
func wrap(context string, cause error) error {
	return &wrappedError{msg: context + ": " + cause.Error(), cause: cause}
}

// broken builds the panic message of a violated internal invariant: who found it, the rule
// and the values involved, given as name, value pairs. It runs only once a check has failed,
// so it may allocate freely; the checks themselves must stay cheap.
func broken(who nodeapi.NodeID, rule string, pairs ...any) string {
	var b strings.Builder
	b.WriteString("raft ")
	b.WriteString(string(who))
	b.WriteString(": invariant broken: ")
	b.WriteString(rule)
	for i := 0; i+1 < len(pairs); i += 2 {
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(value(pairs[i]))
		b.WriteByte(' ')
		b.WriteString(value(pairs[i+1]))
	}
	if len(pairs) > 1 {
		b.WriteByte(')')
	}
	return b.String()
}

// value renders the values broken reports.
func value(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nodeapi.NodeID:
		return string(v)
	case uint64:
		return dec(v)
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	case interface{ String() string }:
		return v.String()
	}
	return "?"
}
