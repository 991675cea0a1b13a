package cli

import "fmt"

// oneProcess says whether merged shards give what one process running the same seeds
// gives: the same scenario for every seed, so the same trace digest, failures and
// signatures.
//
// An unguided campaign draws every seed's scenario from the seed alone: merged shards equal
// one process. A guided campaign draws a seed's scenario from the corpus its own process
// grew, from its (2 x guideBatch + 1)-th seed on, or from the first with a loaded --corpus:
// shards grow separate corpora, so merged shards equal one process only when no process,
// the one process included, ever drew from a corpus: no corpus was loaded and all the
// seeds together are at most 2 x guideBatch. (Shards that shared a corpus snapshot per
// batch could equal one process, but only by waiting for each other at every batch.)
type oneProcess struct {
	Equal  bool   `json:"equal"`
	Reason string `json:"reason"`
}

// corpusFirstUse is the number of seeds a guided campaign with no loaded corpus runs before
// its first seed drawn from the corpus.
const corpusFirstUse = 2 * guideBatch

// judgeOneProcess says whether the merged summary of paths' shards equals one process.
func judgeOneProcess(paths []string, shards []*summary, merged *summary) *oneProcess {
	guided := 0
	for i, s := range shards {
		if s.isGuided() {
			guided++
			if s.CorpusLoaded > 0 {
				return &oneProcess{Reason: fmt.Sprintf("not equal to one process, because "+
					"%s started from %d scenarios of a kept corpus (--corpus %s), whose "+
					"content depends on when each shard started", paths[i],
					s.CorpusLoaded, s.CorpusDir)}
			}
		}
	}
	switch {
	case guided == 0:
		return &oneProcess{Equal: true, Reason: "equal to one process over the same " +
			"seeds: every shard is unguided (--guided=false), so each seed's scenario " +
			"comes from the seed alone"}
	case guided < len(shards):
		return &oneProcess{Reason: fmt.Sprintf("not equal to one process, because %d of "+
			"the %d shards are guided and the others not", guided, len(shards))}
	case merged.Seeds <= corpusFirstUse:
		return &oneProcess{Equal: true, Reason: fmt.Sprintf("equal to one process over "+
			"the same seeds: guided, but the %d seeds together stay below the corpus's "+
			"first use (seed %d of a campaign), so every scenario is drawn from its seed",
			merged.Seeds, corpusFirstUse+1)}
	}
	return &oneProcess{Reason: fmt.Sprintf("not equal to one process, because the "+
		"shards are guided and ran %d seeds, more than %d: after its first %d seeds each "+
		"process mutates the scenarios of its own corpus, where one process would grow one "+
		"corpus from all the seeds (--guided=false shards, or at most %d seeds in all, "+
		"equal one process)", merged.Seeds, corpusFirstUse, corpusFirstUse,
		corpusFirstUse)}
}

// isGuided reports whether the summary is of a guided campaign; a summary written before
// the guided field existed says so by its coverage.
func (s *summary) isGuided() bool { return s.Guided || s.Coverage != nil }
