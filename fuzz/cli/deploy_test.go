package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The shipped deployments (deploy/) must keep working with the command: every `simfuzz
// run` parses with today's flags, shares a corpus, and writes a summary; the shard count
// matches the number of jobs; each shard's summary is one the merge and report steps read.
// A deployment writes its commands as shell lines (a CI workflow) or as a container's
// command list (Kubernetes; the image has no shell).

// shellValues stand in for the variables of the deployment files.
var shellValues = strings.NewReplacer(`${{ matrix.shard }}`, "3", `"$i/8"`, "3/8", `$i`, "3",
	`"$SEEDS"`, "100", `$(JOB_COMPLETION_INDEX)`, "3", `$(SEEDS)`, "100", `"`, "")

// invocation matches a shell line that starts the command.
var invocation = regexp.MustCompile(`^\s*(- )?(run: )?(\./bin/)?simfuzz (run|merge|report) `)

// command returns the simfuzz arguments of a shell line ("run ...", "merge ..."), cut at
// the first redirection or pipe, and the file its stdout goes to.
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

// containerCommands returns the simfuzz arguments of every `command: [...]` list of a
// manifest (a YAML flow sequence of quoted strings, which reads as JSON).
func containerCommands(t *testing.T, text string) [][]string {
	var out [][]string
	for _, m := range regexp.MustCompile(`(?s)command: (\[.*?\])`).FindAllStringSubmatch(
		text, -1) {
		var list []string
		require.NoError(t, json.Unmarshal([]byte(m[1]), &list), m[1])
		if len(list) < 2 || list[0] != "simfuzz" {
			continue
		}
		args := make([]string, len(list)-1)
		for i, a := range list[1:] {
			args[i] = shellValues.Replace(a)
		}
		out = append(out, args)
	}
	return out
}

// flagValue is the value of --name in args, "" if absent.
func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == "--"+name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

func TestDeploymentsUseTheCommandAsItIs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "deploy", "*", "*.y*ml"))
	require.NoError(t, err)
	require.Len(t, files, 3, "a Kubernetes Job, its merge, a CI workflow")
	var summaries, merges, reports []string
	for _, f := range files {
		text, err := os.ReadFile(f)
		require.NoError(t, err)
		joined := strings.ReplaceAll(string(text), "\\\n", " ") // shell continuations
		type cmd struct {
			args   []string
			stdout string
		}
		var cmds []cmd
		for _, line := range strings.Split(joined, "\n") {
			if args, stdout := command(line); len(args) > 0 {
				cmds = append(cmds, cmd{args, stdout})
			}
		}
		for _, args := range containerCommands(t, string(text)) {
			cmds = append(cmds, cmd{args: args})
		}
		for _, c := range cmds {
			switch c.args[0] {
			case "run":
				summaries = append(summaries, checkShardCommand(t, f, c.args, c.stdout))
			case "merge":
				merges = append(merges, c.args[len(c.args)-1])
			case "report":
				reports = append(reports, c.args[len(c.args)-1])
			}
		}
		requireEightJobs(t, f, string(text))
	}
	require.Len(t, summaries, 2, "one shard command per deployment")
	require.Len(t, merges, 2, "one merge per deployment")
	require.Len(t, reports, 2, "one report per deployment")
	for _, s := range summaries {
		for _, globs := range [][]string{merges, reports} {
			matched := false
			for _, glob := range globs {
				ok, err := filepath.Match(glob, s)
				require.NoError(t, err)
				matched = matched || ok
			}
			require.True(t, matched, "no step reads %s (globs %v)", s, globs)
		}
	}
}

// checkShardCommand checks one deployment's `simfuzz run` and returns the file its summary
// goes to.
func checkShardCommand(t *testing.T, file string, args []string, stdout string) string {
	c, err := (&app{targets: toyTargets(), getenv: os.Getenv}).parseRun(args[1:])
	require.NoError(t, err, "%s: %v", file, args)
	require.Equal(t, shard{i: 3, n: 8}, c.shard, "%s: 8 shards", file)
	require.NotEmpty(t, c.corpusPath, "%s: the shards share a corpus", file)
	require.True(t, c.guided, file)
	require.Equal(t, 0, c.foundExit, "%s: failures are for the merge to judge", file)
	summary := flagValue(args, "summary")
	if summary == "" {
		require.True(t, c.json, "%s: merge reads --json summaries", file)
		summary = strings.TrimSuffix(stdout, ".tmp")
	}
	require.NotEmpty(t, summary, file)
	return summary
}

// requireEightJobs checks that a file that runs shards runs 8 of them.
func requireEightJobs(t *testing.T, file, text string) {
	if !strings.Contains(text, `"run"`) && !strings.Contains(text, "simfuzz run") {
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
