package cli

import (
	"fmt"
	"io"
	"sync"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/fuzz/corpus"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// judged is a scenario loaded from a corpus directory and the features its run reached on
// this build (nil if it could not run).
type judged struct {
	entry    corpus.Entry
	features []string
}

// loadCorpus reads the campaign's corpus directory, runs every scenario in it for its
// features on this build (jobs at a time), and adds them to the guide's corpus in file-name
// order, so that the same directory gives the same corpus at any --jobs. A file of another
// target, one that does not parse or one that cannot run is skipped with one line on
// notices. The seeds of the campaign draw from this corpus from the first one on.
func (c *campaign) loadCorpus(notices io.Writer) {
	entries, warnings, err := c.corpusDir.Load(c.target.Load)
	if err != nil {
		fmt.Fprintf(notices, "simfuzz: warning: corpus %s: %v (starting from nothing)\n",
			c.corpusDir.Path(), err)
		return
	}
	for _, w := range warnings {
		fmt.Fprintf(notices, "simfuzz: warning: %s\n", w)
	}
	c.guide.skipped = len(warnings)
	for _, j := range c.judge(entries) {
		if j.features == nil {
			fmt.Fprintf(notices, "simfuzz: warning: corpus: skipping %s: it could not run "+
				"on this build\n", j.entry.Name)
			c.guide.skipped++
			continue
		}
		c.guide.loaded++
		c.guide.corpus.Add(j.entry.Scenario, j.features)
	}
	c.guide.initial = c.guide.corpus.Snapshot()
	c.guide.point(0, 0)
}

// judge runs the entries, c.jobs at a time, and returns them with their features, in their
// order.
func (c *campaign) judge(entries []corpus.Entry) []judged {
	out := make([]judged, len(entries))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(c.jobs, max(len(entries), 1)) {
		wg.Go(func() {
			for i := range next {
				out[i] = judged{entry: entries[i], features: c.featuresOf(entries[i].Scenario)}
			}
		})
	}
	for i := range entries {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// featuresOf runs s and returns its features, nil if it could not run.
func (c *campaign) featuresOf(s scenario.Scenario) []string {
	res, err := runTarget(c.target, s, harness.RunOptions{TraceTail: 1})
	if err != nil {
		return nil
	}
	fs := fuzz.Features(res)
	if fs == nil {
		fs = []string{}
	}
	return fs
}

// keep saves a scenario the corpus just kept to the corpus directory, if the campaign has
// one; a file that cannot be written is reported on notices, once per error, and the
// campaign goes on.
func (g *guide) keep(s scenario.Scenario) {
	if g.dir == nil {
		return
	}
	created, err := g.dir.Save(s)
	switch {
	case err != nil:
		g.saveErrors++
		if g.saveErrors <= 3 {
			fmt.Fprintf(g.notices, "simfuzz: warning: corpus %s: %v\n", g.dir.Path(), err)
		}
	case created:
		g.saved++
	}
}
