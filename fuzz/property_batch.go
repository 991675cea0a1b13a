package fuzz

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// runBatch runs the scenarios of one check (a batch of PropertySeeds, see seededScenarios)
// and returns their results in batch order, or the first error in that order. Each run
// has its own simulated world, as a campaign's jobs do, so up to GOMAXPROCS run at once: a
// batch of 32 seeds then costs a developer's go test the wall time of 16 on 2 cores. The
// verdicts are taken afterwards, in batch order, on the test's goroutine, so which
// scenario fails a check does not depend on which run finished first.
func (p *prop) runBatch(batch []scenario.Scenario) ([]*harness.RunResult, error) {
	results := make([]*harness.RunResult, len(batch))
	errs := make([]error, len(batch))
	run := func(i int) { results[i], errs[i] = p.tg.Run(batch[i], harness.RunOptions{}) }
	workers := min(len(batch), runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for i := range batch {
			run(i)
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := int(next.Add(1) - 1); i < len(batch); i = int(next.Add(1) - 1) {
					run(i)
				}
			})
		}
		wg.Wait()
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return results, nil
}
