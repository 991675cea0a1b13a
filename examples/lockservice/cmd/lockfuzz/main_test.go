package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/simfuzz/simfuzz/examples/lockservice"
	"github.com/simfuzz/simfuzz/fuzz/cli"
)

// A small campaign through the command line, as a user runs it: the first 500 seeds pass.
// (The full campaign is `go run ./examples/lockservice/cmd/lockfuzz run --seeds 20000`.)
func TestCampaign(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := cli.Main([]string{"run", "--seeds", "500", "--jobs", "2", "--out", t.TempDir()},
		&stdout, &stderr, lockservice.Target)
	if code != 0 || !strings.Contains(stdout.String(), "seeds 500, failed 0, errors 0") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "target lock-service") {
		t.Fatalf("summary does not name the target:\n%s", stdout.String())
	}
}

func TestListsTheTarget(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := cli.Main([]string{"targets"}, &stdout, &stderr, lockservice.Target); code != 0 ||
		!strings.HasPrefix(stdout.String(), "lock-service") {
		t.Fatalf("exit %d: %q %q", code, stdout.String(), stderr.String())
	}
}
