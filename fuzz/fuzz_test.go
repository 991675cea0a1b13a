package fuzz_test

import (
	"bytes"
	"testing"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// fuzzClasses are the failures FuzzScenario reports: every class is a finding.
var fuzzClasses = fuzz.FailsWith(harness.ClassInvariant, harness.ClassPanic,
	harness.ClassRecovery, harness.ClassLinearizability, harness.ClassLiveness)

// FuzzScenario drives whole runs from fuzzer bytes: the bytes are rapid's first choices
// (cluster, clients, which faults are on) and a stream seeded by their hash supplies the
// rest (see fuzz.Target.Fuzz), so every input runs a whole scenario and coverage of the
// Raft code guides which inputs the fuzzer keeps. Any failure class is a finding. Run it
// with `make fuzz`; a crasher saved under testdata/fuzz/FuzzScenario replays with a plain
// `go test`.
func FuzzScenario(f *testing.F) {
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{0x5a}, 64))
	f.Add(bytes.Repeat([]byte{0xff, 0x01}, 128))
	f.Fuzz(fuzz.RaftKV.Fuzz("FuzzScenario", fuzz.RaftKV.Options(), fuzzClasses))
}

// FuzzDecodeScenario feeds arbitrary bytes to the scenario decoder: it must return a value
// or an error, never panic, and whatever it accepts must encode and decode to itself.
func FuzzDecodeScenario(f *testing.F) {
	var buf bytes.Buffer
	s := fuzz.RaftKV.ScenarioForSeed(1, fuzz.RaftKV.Options())
	if err := scenario.EncodeScenario(&buf, s); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"version": 1}`))
	f.Add([]byte(`{"version": 2, "faults": [{"kind": "crash"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := scenario.DecodeScenario(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := scenario.EncodeScenario(&out, s); err != nil {
			t.Fatalf("accepted scenario does not encode: %v", err)
		}
		if _, err := scenario.DecodeScenario(&out); err != nil {
			t.Fatalf("accepted scenario does not decode after encoding: %v", err)
		}
	})
}
