package lockd

import (
	"errors"
	"strconv"
	"strings"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// The lock service's operations, numbered from 1 as nodeapi.Kind requires. Op.Key names the
// lock and Op.Value the owner; Expect is unused.
//
//	acquire(lock, owner): Result.OK and Result.Value = the fencing token (decimal) when the
//	    lock was free (a new grant, token = the lock's previous token + 1) or already held by
//	    owner (the same token again); not OK when another owner holds it.
//	release(lock, owner): Result.OK when owner held the lock, which is now free.
//	holder(lock): Result.Found when the lock is held, with Result.Value = FormatHolder.
//
// Locks do not expire: a holder keeps its lock until it releases it. Tokens of one lock
// strictly increase across grants, so a resource guarded by the lock can refuse a request
// carrying a token older than one it has already seen (fencing).
const (
	Acquire nodeapi.Kind = iota + 1
	Release
	Holder
)

// KindNames are the kinds' names in scenario files and reports, indexed by Kind-1.
var KindNames = []string{"acquire", "release", "holder"}

// KindName returns the name of k, or kind(N) for an invalid one.
func KindName(k nodeapi.Kind) string {
	if k >= Acquire && k <= Holder {
		return KindNames[k-1]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// maxString bounds a lock name, an owner and a node ID, and every string a decoder reads,
// so that a corrupted length cannot allocate gigabytes.
const maxString = 4 << 10

// ValidateOp reports why op is not a lock-service request: the servers and the client both
// refuse such an op rather than replicate it.
func ValidateOp(op nodeapi.Op) error {
	switch {
	case op.Kind < Acquire || op.Kind > Holder:
		return errors.New("lockd: unknown operation " + KindName(op.Kind))
	case op.Key == "" || len(op.Key) > maxString:
		return errors.New("lockd: a lock name must have 1 to 4096 bytes")
	case op.Kind != Holder && (op.Value == "" || len(op.Value) > maxString):
		return errors.New("lockd: an owner must have 1 to 4096 bytes")
	}
	return nil
}

// FormatToken renders a fencing token as Result.Value carries it.
func FormatToken(token uint64) string { return strconv.FormatUint(token, 10) }

// FormatHolder renders holder's answer, owner#token (e.g. "c2#7"): one string, because a
// Result has one Value field and a read must return both to be checked.
func FormatHolder(owner string, token uint64) string {
	return owner + "#" + FormatToken(token)
}

// ParseHolder splits what FormatHolder made.
func ParseHolder(s string) (owner string, token uint64, err error) {
	i := strings.LastIndexByte(s, '#')
	if i < 0 {
		return "", 0, errors.New("lockd: holder value without '#': " + strconv.Quote(s))
	}
	token, err = strconv.ParseUint(s[i+1:], 10, 64)
	return s[:i], token, err
}
