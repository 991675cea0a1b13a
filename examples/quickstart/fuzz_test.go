package quickstart_test

import (
	"testing"

	"github.com/simfuzz/simfuzz/examples/quickstart"
	"github.com/simfuzz/simfuzz/fuzz"
)

// FuzzRegister runs one generated scenario per input and fails on any failure; a plain go
// test runs the seed input and the crashers committed under testdata/fuzz/FuzzRegister.
//
//	go test -run '^$' -fuzz FuzzRegister -fuzztime 60s -fuzzminimizetime=0 .
//
// (go test's minimisation of a crasher cannot keep a finding, since a shorter input reseeds
// the rest of the scenario; the failure is shrunk by structure instead.)
func FuzzRegister(f *testing.F) {
	f.Add([]byte{})
	f.Fuzz(quickstart.Target.Fuzz("FuzzRegister", quickstart.Target.Options(), fuzz.AnyFailure))
}
