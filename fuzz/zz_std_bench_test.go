package fuzz_test

import (
	"testing"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
)

func BenchmarkZZStandard(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s := generators.Standard(3, uint64(i)+1)
		if _, err := fuzz.RaftKV.Run(s, harness.RunOptions{TraceTail: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
