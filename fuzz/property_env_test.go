package fuzz_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
)

// recordingTB is a rapid.TB that records a failure instead of failing the test, so that a
// test can check that a property fails, and how.
type recordingTB struct {
	mu     sync.Mutex
	failed bool
	msgs   []string
	logs   []string
}

func (r *recordingTB) Helper()      {}
func (r *recordingTB) Name() string { return "recording" }
func (r *recordingTB) Logf(f string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(f, a...))
}
func (r *recordingTB) Log(a ...any)             { r.Logf("%s", fmt.Sprint(a...)) }
func (r *recordingTB) Skipf(f string, a ...any) { r.Fatalf(f, a...) }
func (r *recordingTB) Skip(a ...any)            { r.Fatal(a...) }
func (r *recordingTB) SkipNow()                 { r.FailNow() }
func (r *recordingTB) Errorf(f string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.msgs = append(r.msgs, fmt.Sprintf(f, a...))
}
func (r *recordingTB) Error(a ...any)            { r.Errorf("%s", fmt.Sprint(a...)) }
func (r *recordingTB) Fatalf(f string, a ...any) { r.Errorf(f, a...); r.FailNow() }
func (r *recordingTB) Fatal(a ...any)            { r.Error(a...); r.FailNow() }
func (r *recordingTB) FailNow()                  { r.Fail(); runtime.Goexit() }
func (r *recordingTB) Fail()                     { r.mu.Lock(); r.failed = true; r.mu.Unlock() }
func (r *recordingTB) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// checkRecorded runs rapid.Check of prop on a recordingTB and returns it.
func checkRecorded(prop func(*rapid.T)) *recordingTB {
	r := &recordingTB{}
	done := make(chan struct{})
	go func() { defer close(done); rapid.Check(r, prop) }()
	<-done
	return r
}

// SIMFUZZ_CHECK_DETERMINISM=1 makes every property run each scenario twice: a liveness
// property over a system that draws from crypto/rand fails as nondeterministic, and passes
// without the variable.
func TestPropertyHonoursCheckDeterminism(t *testing.T) {
	t.Chdir(t.TempDir()) // rapid's fail files stay out of the package: each run draws afresh
	tg := echoTarget("echo-crypto-rand", true)
	liveness := fuzz.FailsWith(harness.ClassLiveness)
	t.Setenv(fuzz.EnvCheckDeterminism, "")
	r := checkRecorded(tg.Property(t.Name(), tg.Options(), liveness))
	require.False(t, r.Failed(), "without the variable: %v", r.msgs)

	t.Setenv(fuzz.EnvCheckDeterminism, "1")
	r = checkRecorded(tg.Property(t.Name(), tg.Options(), liveness))
	require.True(t, r.Failed(), "SIMFUZZ_CHECK_DETERMINISM=1 must run every scenario twice")
	require.Contains(t, strings.Join(r.msgs, "\n"), "nondeterminism")

	t.Setenv(fuzz.EnvCheckDeterminism, "maybe")
	r = checkRecorded(tg.Property(t.Name(), tg.Options(), liveness))
	require.Contains(t, strings.Join(r.msgs, "\n"), `SIMFUZZ_CHECK_DETERMINISM="maybe"`)
}

// SIMFUZZ_SAVE=1 writes the shrunk counterexample through a temporary file: the folder
// holds the file and no temporary.
func TestSaveRegressionLeavesNoTemporary(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.json")
	s := fuzz.RaftKV.ScenarioForSeed(3, fuzz.RaftKV.Options())
	require.NoError(t, fuzz.SaveRegression(path, s))
	back, err := fuzz.RaftKV.Load(path)
	require.NoError(t, err)
	require.Equal(t, s.Seed, back.Seed)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
}
