package cli

import "sync"

// ledger keeps, for one campaign, which seeds have finished running and the first failing
// seed of each failure signature (fuzz.Signature), so that the first failure of each
// signature in campaign order, and only it, is shrunk and saved, whatever the jobs and the
// order seeds finish in. A failure shrinks in a few hundred runs; a broken build fails every
// seed alike, and shrinking each failure would cost minutes where one shrink costs seconds.
type ledger struct {
	mu      sync.Mutex
	changed *sync.Cond
	// ranUpTo is the campaign index (1-based) up to which every seed finished running;
	// ran holds the indexes above it that finished.
	ranUpTo int
	ran     map[int]bool
	// first holds, by signature, the failing seed of the lowest index seen so far.
	first map[string]firstFailure
}

// firstFailure is a failing seed and its campaign index.
type firstFailure struct {
	index int
	seed  uint64
}

func newLedger() *ledger {
	l := &ledger{ran: map[int]bool{}, first: map[string]firstFailure{}}
	l.changed = sync.NewCond(&l.mu)
	return l
}

// record notes that the seed at index finished running, failing with signature sig ("" if
// it passed or could not run). For a failure it then waits until every seed before index
// has finished running, and returns the first seed that failed with sig and whether that is
// this one. The wait ends: the seeds before index were all handed out before it, so each
// is running or done, and the lowest of them still running waits for nothing.
func (l *ledger) record(index int, seed uint64, sig string) (first uint64, isFirst bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if sig != "" {
		if f, ok := l.first[sig]; !ok || index < f.index {
			l.first[sig] = firstFailure{index: index, seed: seed}
		}
	}
	l.ran[index] = true
	for l.ran[l.ranUpTo+1] {
		delete(l.ran, l.ranUpTo+1)
		l.ranUpTo++
	}
	l.changed.Broadcast()
	if sig == "" {
		return 0, false
	}
	for l.ranUpTo < index-1 {
		l.changed.Wait()
	}
	f := l.first[sig]
	return f.seed, f.index == index
}
