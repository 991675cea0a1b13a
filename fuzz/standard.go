package fuzz

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
)

// The standard properties, as one call for a user's test:
//
//	func TestPropertyMySystem(t *testing.T) { myTarget.Properties(t) }
//
// Each property draws whole scenarios (cluster, workload, swarm fault schedule) for the
// target, runs them in the simulated world and checks one class of failure; a failure is
// shrunk by structure to a minimal scenario (see Property). RAPID_CHECKS sets how many
// scenarios each draws. Name the test so that it contains "Property": `go test -run
// Property` then runs it with every other property.

// Properties runs the four standard properties of the target as subtests: linearizability,
// invariants (with panics and nodes that cannot recover from their own disk), liveness, and
// determinism (every scenario twice, same trace hash).
func (tg Target) Properties(t *testing.T) {
	t.Helper()
	if err := tg.Validate(); err != nil {
		t.Fatal(err)
	}
	o := tg.Options()
	t.Run("Linearizability", func(t *testing.T) {
		rapid.Check(t, tg.Property(t.Name(), o, FailsWith(harness.ClassLinearizability)))
	})
	t.Run("Invariants", func(t *testing.T) {
		rapid.Check(t, tg.Property(t.Name(), o,
			FailsWith(harness.ClassInvariant, harness.ClassPanic, harness.ClassRecovery)))
	})
	t.Run("Liveness", func(t *testing.T) {
		rapid.Check(t, tg.Property(t.Name(), o, FailsWith(harness.ClassLiveness)))
	})
	t.Run("Determinism", func(t *testing.T) { tg.DeterminismProperty(t, o) })
}

// DeterminismProperty checks that every scenario drawn within o, run twice, gives the same
// trace hash, event count and history. Shorter safety phases keep the doubled cost down,
// and each check runs one scenario whatever PropertySeeds says: the second run waits a real
// 5-25 ms gap (sim.WaitRerunGap), several plain runs' time, and a nondeterministic system
// shows in most scenarios, not in a few per 1,000.
func (tg Target) DeterminismProperty(t *testing.T, o generators.Options) {
	o.SafetyMax = min(o.SafetyMax, 5e9)
	o.SafetyMin = min(o.SafetyMin, o.SafetyMax)
	tg.PropertySeeds = 0
	rapid.Check(t, tg.Property(t.Name(), o, tg.Deterministic))
}

// Fuzz returns the body of a `go test -fuzz` target that runs one generated scenario per
// input against the target and fails when check says so (AnyFailure: on any failure):
//
//	func FuzzMySystem(f *testing.F) {
//		f.Add([]byte{})
//		f.Fuzz(myTarget.Fuzz("FuzzMySystem", myTarget.Options(), fuzz.AnyFailure))
//	}
//
// rapid reads the input's bytes as its first choices (cluster size, clients, which fault
// kinds are on), so coverage guidance keeps inputs that lead somewhere new; the rest come
// from a stream seeded by a hash of the input (StretchFuzzInput). Without the stream a
// scenario needs more bytes than a fuzzer's inputs hold, and rapid skips the input.
//
// A failing input is shrunk by structure and reported as a property's failure is (see
// Property; SIMFUZZ_SAVE=1 saves the shrunk scenario), every input on its own. go test's
// own minimisation of a crasher cannot keep a finding (a shorter input reseeds the rest of
// the scenario): run -fuzz with -fuzzminimizetime=0.
func (tg Target) Fuzz(testName string, o generators.Options,
	check Check) func(*testing.T, []byte) {
	prop := rapid.MakeFuzz(tg.property(testName, o, check, false))
	return func(t *testing.T, data []byte) {
		t.Helper()
		prop(t, StretchFuzzInput(data))
	}
}

// FuzzStreamWords is how many 64-bit words StretchFuzzInput appends. A generated scenario
// draws a few hundred; the rest is headroom, so that no draw runs out.
const FuzzStreamWords = 4096

// StretchFuzzInput returns data, zero-padded to whole 64-bit words (rapid reads it 8 bytes
// at a time), followed by FuzzStreamWords words of a PCG stream seeded by the FNV-1a hash
// of data. The result depends on data alone, so a fuzz input replays exactly.
func StretchFuzzInput(data []byte) []byte {
	h := fnv.New64a()
	h.Write(data)
	rng := rand.New(rand.NewPCG(h.Sum64(), 0x73696d66757a7a)) // "simfuzz"
	n := (len(data) + 7) / 8 * 8
	out := make([]byte, n, n+8*FuzzStreamWords)
	copy(out, data)
	for range FuzzStreamWords {
		out = binary.LittleEndian.AppendUint64(out, rng.Uint64())
	}
	return out
}

// Options returns the generator options of the built-in Raft KV target, RaftKV.Options():
// its knobs, events and message kinds, not the generators' defaults (generators.Default)
// and not any other target's.
//
// Deprecated: the name promises more than it gives; call RaftKV.Options(), or the Options
// of the target at hand.
func Options() generators.Options { return RaftKV.Options() }
