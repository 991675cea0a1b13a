package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The shipped deployments (deploy/) must keep working with the command: every `simfuzz
// run` line parses with today's flags, the shard count matches the number of jobs, each
// shard's summary file is one the merge step reads, and the merge step runs merge.

// shellValues stand in for the variables of the deployment files.
var shellValues = strings.NewReplacer(`${{ matrix.shard }}`, "3", `"$i/8"`, "3/8", `$i`, "3",
	`"$SEEDS"`, "100", `"`, "")

// invocation matches a line that starts the command.
var invocation = regexp.MustCompile(`^\s*(\./bin/)?simfuzz (run|merge) `)

// command returns the simfuzz arguments of a line ("run ..." or "merge ..."), cut at the
// first redirection or pipe, and the file its stdout goes to.
func command(line string) (args []string, stdout string) {
	if !invocation.MatchString(line) {
		return nil, ""
	}
	_, rest, _ := strings.Cut(line, "simfuzz ")
	rest = shellValues.Replace(rest)
	rest, redirect, _ := strings.Cut(rest, ">")
	rest, _, _ = strings.Cut(rest, "|")
	if f := strings.Fields(redirect); len(f) > 0 {
		stdout = f[0]
	}
	return strings.Fields(rest), stdout
}

func TestDeploymentsUseTheCommandAsItIs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "deploy", "*", "*.y*ml"))
	require.NoError(t, err)
	require.Len(t, files, 3, "a Kubernetes Job, its merge, a CI workflow")
	var summaries, merges []string
	for _, f := range files {
		text, err := os.ReadFile(f)
		require.NoError(t, err)
		joined := strings.ReplaceAll(string(text), "\\\n", " ") // shell continuations
		for _, line := range strings.Split(joined, "\n") {
			args, stdout := command(line)
			switch {
			case len(args) > 0 && args[0] == "run":
				c, err := (&app{targets: toyTargets(), getenv: os.Getenv}).parseRun(args[1:])
				require.NoError(t, err, "%s: %s", f, line)
				require.Equal(t, shard{i: 3, n: 8}, c.shard, "%s: 8 shards", f)
				require.True(t, c.json, "%s: merge reads --json summaries", f)
				summaries = append(summaries, strings.TrimSuffix(stdout, ".tmp"))
			case len(args) > 0 && args[0] == "merge":
				merges = append(merges, args[len(args)-1])
			}
		}
		requireEightJobs(t, f, string(text))
	}
	require.Len(t, summaries, 2, "one shard command per deployment")
	require.NotEmpty(t, merges)
	for _, s := range summaries {
		matched := false
		for _, glob := range merges {
			ok, err := filepath.Match(glob, s)
			require.NoError(t, err)
			matched = matched || ok
		}
		require.True(t, matched, "no merge step reads %s (globs %v)", s, merges)
	}
}

// requireEightJobs checks that a file that runs shards runs 8 of them.
func requireEightJobs(t *testing.T, file, text string) {
	if !strings.Contains(text, "simfuzz run") {
		return
	}
	completions := regexp.MustCompile(`completions: (\d+)`).FindStringSubmatch(text)
	matrix := regexp.MustCompile(`shard: \[([0-9, ]+)\]`).FindStringSubmatch(text)
	switch {
	case completions != nil:
		require.Equal(t, "8", completions[1], file)
	case matrix != nil:
		require.Len(t, strings.Split(matrix[1], ","), 8, file)
	default:
		t.Fatalf("%s: neither an indexed Job nor a matrix", file)
	}
}
