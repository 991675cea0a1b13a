package quickstart_test

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/examples/quickstart"
	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
)

// ACK_BEFORE_BACKUP=1 go test -run PropertyAckBeforeBackup: the four properties on the
// planted bug, to see a failure report (and, with SIMFUZZ_SAVE=1, save its scenario, which
// passes on the plain build).
func TestPropertyAckBeforeBackup(t *testing.T) {
	if os.Getenv("ACK_BEFORE_BACKUP") == "" {
		t.Skip("set ACK_BEFORE_BACKUP=1 to run the properties on the ack-before-backup variant")
	}
	quickstart.Target.With("ack-before-backup").Properties(t)
}

// The properties find the planted bug: a rapid.Check of the invariants and linearizability
// on the variant fails. Each Check draws RAPID_CHECKS scenarios (100) from its own seed; up
// to five are tried, so that a seed that misses does not fail the test.
func TestPropertiesFindAckBeforeBackup(t *testing.T) {
	t.Chdir(t.TempDir()) // rapid's fail files, and saved scenarios, stay out of the module
	tg := quickstart.Target.With("ack-before-backup")
	check := fuzz.FailsWith(harness.ClassInvariant, harness.ClassLinearizability)
	for try := 1; try <= 5; try++ {
		r := &recorder{name: fmt.Sprintf("AckBeforeBackup-%d", try)}
		done := make(chan struct{})
		go func() {
			defer close(done)
			rapid.Check(r, tg.Property(r.name, tg.Options(), check))
		}()
		<-done
		if r.failed {
			t.Logf("found on Check %d: %s", try, strings.Join(r.errors, "\n"))
			return
		}
	}
	t.Fatal("five Checks of the properties did not find the ack-before-backup bug")
}

// recorder is a rapid.TB that records a failure instead of failing the test.
type recorder struct {
	name   string
	mu     sync.Mutex
	failed bool
	errors []string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Name() string              { return r.name }
func (r *recorder) Logf(string, ...any)       {}
func (r *recorder) Log(...any)                {}
func (r *recorder) Skipf(f string, a ...any)  { r.Fatalf(f, a...) }
func (r *recorder) Skip(a ...any)             { r.Fatal(a...) }
func (r *recorder) SkipNow()                  { r.FailNow() }
func (r *recorder) Error(a ...any)            { r.Errorf("%s", fmt.Sprint(a...)) }
func (r *recorder) Fatal(a ...any)            { r.Error(a...); r.FailNow() }
func (r *recorder) Fatalf(f string, a ...any) { r.Errorf(f, a...); r.FailNow() }
func (r *recorder) FailNow()                  { r.Fail(); runtime.Goexit() }

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fail() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
}

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}
