package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
)

// runCommand runs a command made with o and targets, in a fresh working directory.
func runCommand(t *testing.T, o MainOptions, targets []fuzz.Target,
	args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(t.TempDir())
	var out, errOut bytes.Buffer
	code := MainWith(o, args, &out, &errOut, targets...)
	return code, out.String(), errOut.String()
}

// storefuzz is a user's own command: one target of its own, named storefuzz.
var storefuzz = MainOptions{Program: "storefuzz"}

// A user's command with one target names itself in every repro line of a campaign (the
// summary, report.txt), never simfuzz, and needs no --target.
func TestCampaignReproLinesNameTheRunningCommand(t *testing.T) {
	for _, guided := range []bool{false, true} {
		out := t.TempDir()
		code, text, stderr := runCommand(t, storefuzz, []fuzz.Target{toyTarget("toy-kv",
			false)}, "run", "--seeds", "40", "--jobs", "1", "--json", "--shrink-runs", "5",
			fmt.Sprintf("--guided=%v", guided), "--out", out)
		require.Equal(t, 1, code, stderr)
		sum := decodeSummary(t, text)
		require.NotEmpty(t, sum.Failures)
		f := sum.Failures[0]
		want := fmt.Sprintf("storefuzz run --seed %d --seeds 1", f.Seed)
		if guided {
			want = "storefuzz replay " + f.Original
		}
		require.Equal(t, want, f.Repro)
		require.Equal(t, "storefuzz replay "+f.Scenario, f.ReplayRepro)
		report, err := os.ReadFile(f.Report)
		require.NoError(t, err)
		require.Contains(t, string(report), "repro: "+want+"\n")
		require.Contains(t, string(report), "storefuzz replay "+f.Scenario)
		require.NotContains(t, string(report), "simfuzz replay")
		require.NotContains(t, string(report), "simfuzz run")
	}
}

// The default target's Command names the command in repro lines, whatever target ran:
// another target's Command names another command (simfuzz serves lock-service, whose
// Command is lockfuzz). --target is there only when the target is not the default, and
// MainOptions.Program wins over any Command.
func TestReproLinesUseTheDefaultTargetsCommand(t *testing.T) {
	split, kv := toyTarget("toy-split", false), toyTarget("toy-kv", false)
	split.Command, kv.Command = "go run ./cmd/storefuzz", "go run ./cmd/kvfuzz"
	targets := []fuzz.Target{split, kv}
	repro := func(o MainOptions, args ...string) (uint64, string) {
		args = append([]string{"run", "--seeds", "40", "--jobs", "1", "--json",
			"--guided=false", "--shrink-runs", "0", "--max-failures", "1", "--out",
			t.TempDir()}, args...)
		code, text, stderr := runCommand(t, o, targets, args...)
		require.Equal(t, 1, code, stderr)
		f := decodeSummary(t, text).Failures[0]
		return f.Seed, f.Repro
	}
	seed, line := repro(MainOptions{}, "--target", "toy-kv")
	require.Equal(t, fmt.Sprintf("go run ./cmd/storefuzz run --target toy-kv --seed %d "+
		"--seeds 1", seed), line)
	seed, line = repro(MainOptions{})
	require.Equal(t, fmt.Sprintf("go run ./cmd/storefuzz run --seed %d --seeds 1", seed),
		line, "the default target needs no --target")
	seed, line = repro(MainOptions{Program: "./bin/storefuzz"})
	require.Equal(t, fmt.Sprintf("./bin/storefuzz run --seed %d --seeds 1", seed), line)
}

// replay and shrink print the line that replays their scenario with this command.
func TestReplayAndShrinkReproLines(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my dir")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	path := toyFailure(t, dir)
	targets := []fuzz.Target{toyTarget("toy-kv", false)}
	code, out, stderr := runCommand(t, storefuzz, targets, "replay", "--trace", "0", path)
	require.Equal(t, 1, code, stderr)
	require.Contains(t, out, "repro: storefuzz replay '"+path+"'\n", "quoted: a space")

	min := filepath.Join(t.TempDir(), "min.json")
	code, out, stderr = runCommand(t, storefuzz, targets, "shrink", "--out", min, path)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "repro: storefuzz replay "+min+"\n")

	code, out, stderr = runCommand(t, storefuzz, toyTargets(), "replay",
		"--target", "toy-kv", "--seed", "7", "--trace", "0", "--check-determinism")
	require.Contains(t, []int{0, 1}, code, stderr)
	require.Contains(t, out, "repro: storefuzz replay --target toy-kv --seed 7 "+
		"--check-determinism\n")
}

// Main, given no name, names the command as the process was started: os.Args[0].
func TestMainNamesTheCommandByItsArgs(t *testing.T) {
	path := toyFailure(t, t.TempDir())
	t.Chdir(t.TempDir())
	var out, errOut bytes.Buffer
	code := Main([]string{"replay", "--trace", "0", path}, &out, &errOut,
		toyTarget("toy-kv", false))
	require.Equal(t, 1, code, errOut.String())
	require.Contains(t, out.String(), "repro: "+filepath.Base(os.Args[0])+" replay "+path)
}

// Usage texts and hints speak of the command by its name.
func TestUsageNamesTheCommand(t *testing.T) {
	targets := []fuzz.Target{toyTarget("toy-kv", false)}
	code, _, stderr := runCommand(t, storefuzz, targets, "run", "--sedes", "3")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "(run 'storefuzz run -h' for usage)")
	code, _, stderr = runCommand(t, storefuzz, targets, "replay", "-h")
	require.Equal(t, 0, code)
	require.Contains(t, stderr, "usage: storefuzz replay [flags] FILE")
	require.NotContains(t, stderr, "simfuzz replay")
	code, _, stderr = runCommand(t, storefuzz, targets)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "usage: storefuzz <command> [flags]")
}

func TestShellQuote(t *testing.T) {
	require.Equal(t, "out/seed-3/original.json", shellQuote("out/seed-3/original.json"))
	require.Equal(t, "'my dir/a.json'", shellQuote("my dir/a.json"))
	require.Equal(t, `'it'\''s'`, shellQuote("it's"))
	require.Equal(t, "''", shellQuote(""))
}
