package target

import (
	"testing"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
)

// BenchmarkStandard3 runs the standard benchmark scenario (3 nodes, 60 s simulated) without
// the linearizability check, the figure cmd/simfuzz-etcdraft bench reports with it.
func BenchmarkStandard3(b *testing.B) {
	for i := range b.N {
		s := generators.Standard(3, uint64(i%5+1))
		s.Target = Name
		res, err := EtcdRaft.Run(s, harness.RunOptions{SkipLinearizability: true, TraceTail: 1})
		if err != nil || res.Failure != nil {
			b.Fatal(err, res.Failure)
		}
	}
}
