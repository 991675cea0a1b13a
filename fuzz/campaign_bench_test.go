package fuzz_test

import (
	"testing"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/model"
)

// BenchmarkCampaignSeed is one seed of an unguided campaign against the built-in target, as
// `simfuzz run --guided=false` runs it: the scenario drawn from the seed, then the run with
// every check. Iteration i runs campaign seed i+1, so `-benchtime 2000x` measures exactly the
// seeds of `simfuzz run --guided=false --seeds 2000`; ns/op, B/op and allocs/op are per
// seed, and events/seed is the simulated events a seed took. `make bench-compare` runs it at
// two commits to compare the allocation per seed.
func BenchmarkCampaignSeed(b *testing.B) {
	tg := fuzz.RaftKV
	o := tg.Options()
	var events uint64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := tg.ScenarioForSeed(uint64(i)+1, o)
		res, err := tg.Run(s, harness.RunOptions{TraceTail: 1})
		if err != nil {
			b.Fatalf("seed %d: %v", i+1, err)
		}
		events += res.Events
	}
	b.ReportMetric(float64(events)/float64(b.N), "events/seed")
}

// BenchmarkStandardSeed is one seed of the standard benchmark scenario
// (generators.Standard) against the built-in target, as `simfuzz bench` runs it: iteration i
// runs seed i/2+1 with 3 nodes when i is even and 5 when it is odd, then the porcupine check
// of its history. ns/op, B/op and allocs/op are per seed, for CPU and memory profiles of
// the standard seed (-cpuprofile, -memprofile) without the rest of the bench table.
func BenchmarkStandardSeed(b *testing.B) {
	tg := fuzz.RaftKV
	var events uint64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := generators.Standard(3+2*(i%2), uint64(i/2)+1)
		s.Target = tg.Name
		res, err := tg.Run(s, harness.RunOptions{SkipLinearizability: true, TraceTail: 1})
		if err != nil {
			b.Fatalf("seed %d: %v", i/2+1, err)
		}
		model.Check(res.History)
		events += res.Events
	}
	b.ReportMetric(float64(events)/float64(b.N), "events/seed")
}
