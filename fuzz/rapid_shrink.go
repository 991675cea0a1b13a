package fuzz

import (
	"flag"
	"os"
	"sync"
	"time"
)

// rapid shrinks a failing test case before it reports it, for up to -rapid.shrinktime (30 s
// by default), and it does so even when every candidate it tries passes, as every
// candidate of a simfuzz property does once the property has found and shrunk its failure
// (see Property). So a property holds rapid's shrinking off for the one moment it would
// start: from its finding until two calls later, when rapid has passed its shrink step
// (the call that reproduces the failure comes first, then the shrink, then the calls that
// print it). It sets -rapid.shrinktime to zero for that moment, a flag of the test binary
// that rapid reads when a shrink starts. A shrink time chosen by the user (the flag on the
// command line, or RAPID_SHRINKTIME) is left alone: rapid then spends it, to no effect.

// shrinkTimeFlag is rapid's flag for the time it may spend shrinking.
const shrinkTimeFlag = "rapid.shrinktime"

var rapidShrink struct {
	mu     sync.Mutex
	paused int    // findings between their pause and their resume
	saved  string // the flag's value before the first pause
}

// rapidShrinkTime is rapid's shrink time as its flag stands (30 s if unreadable).
func rapidShrinkTime() time.Duration {
	if f := flag.Lookup(shrinkTimeFlag); f != nil {
		if d, err := time.ParseDuration(f.Value.String()); err == nil {
			return d
		}
	}
	return 30 * time.Second
}

// userShrinkTime reports whether the user chose rapid's shrink time.
func userShrinkTime() bool {
	if _, ok := os.LookupEnv("RAPID_SHRINKTIME"); ok {
		return true
	}
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == shrinkTimeFlag })
	return set
}

// pauseRapidShrink sets rapid's shrink time to zero until the matching resumeRapidShrink,
// and reports whether it did (false: rapid is not linked in, or the user chose the time).
func pauseRapidShrink() bool {
	f := flag.Lookup(shrinkTimeFlag)
	if f == nil || userShrinkTime() {
		return false
	}
	rapidShrink.mu.Lock()
	defer rapidShrink.mu.Unlock()
	if rapidShrink.paused == 0 {
		rapidShrink.saved = f.Value.String()
	}
	rapidShrink.paused++
	return f.Value.Set("0s") == nil
}

// resumeRapidShrink undoes one pauseRapidShrink; the last one restores the saved value.
func resumeRapidShrink() {
	rapidShrink.mu.Lock()
	defer rapidShrink.mu.Unlock()
	if rapidShrink.paused == 0 {
		return
	}
	rapidShrink.paused--
	if rapidShrink.paused == 0 {
		_ = flag.Lookup(shrinkTimeFlag).Value.Set(rapidShrink.saved)
	}
}
