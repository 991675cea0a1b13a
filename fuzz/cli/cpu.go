package cli

// cpuSlots bounds how many seeds of a campaign compute at once while more are in flight.
// With --check-determinism each seed waits a real gap of 5 to 25 ms between its two runs
// (sim.WaitRerunGap), far longer than a run; a worker per job would leave its core idle
// for most of the campaign, so such a campaign starts rerunOverlap workers per job and
// each holds a slot only while it draws, runs or shrinks. A nil cpuSlots bounds nothing:
// without the check there is one worker per job.
type cpuSlots chan struct{}

// rerunOverlap is how many seeds are in flight per job with --check-determinism: enough
// that the gaps of the others cover a seed's wait when a run takes half a millisecond.
const rerunOverlap = 32

func newCPUSlots(jobs int) cpuSlots { return make(cpuSlots, jobs) }

func (s cpuSlots) acquire() {
	if s != nil {
		s <- struct{}{}
	}
}

func (s cpuSlots) release() {
	if s != nil {
		<-s
	}
}
