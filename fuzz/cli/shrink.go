package cli

import (
	"fmt"
	"strings"

	"github.com/simfuzz/simfuzz/harness"
)

const shrinkUsage = `usage: simfuzz shrink [flags] FILE

Reruns a failing scenario file, shrinks it further by structure (faults, clients,
operations, settings) while it keeps failing in the same class, and writes the result
(default: FILE with .min.json). Use it on a rapid-shrunk regression or a hand-written
scenario. Exit code 0 when a smaller failing scenario was written, 1 if the scenario does
not fail, 2 on usage errors.

flags:
`

func (a *app) cmdShrink(args []string) error {
	stdout, stderr := a.stdout, a.stderr
	fs := newFlags("shrink", stderr)
	fs.Usage = func() { fmt.Fprint(stderr, shrinkUsage); fs.PrintDefaults() }
	target := a.targetFlag(fs)
	out := fs.String("out", "", "where to write the shrunk scenario")
	runs := fs.Int("runs", 1000, "most runs the shrink may use")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *runs < 1 {
		return usagef("shrink takes one FILE and --runs >= 1")
	}
	path := fs.Arg(0)
	if *out == "" {
		*out = strings.TrimSuffix(path, ".json") + ".min.json"
	}
	tg, err := target()
	if err != nil {
		return err
	}
	s, err := tg.Load(path)
	if err != nil {
		return err
	}
	res, err := tg.Run(s, harness.RunOptions{TraceTail: 1})
	if err != nil {
		return err
	}
	if res.Failure == nil {
		fmt.Fprintf(stdout, "%s passes: nothing to shrink\n", path)
		return errFound
	}
	shrunk, err := tg.Shrink(s, res.Failure.Class, *runs)
	if err != nil {
		return err
	}
	if err := harness.SaveScenario(*out, shrunk.Scenario); err != nil {
		return err
	}
	ops, faults := s.Size()
	sops, sfaults := shrunk.Scenario.Size()
	fmt.Fprintf(stdout, "%s (%s): %d ops, %d faults -> %d ops, %d faults in %d runs\n%s\n",
		*out, shrunk.Result.Failure.Class, ops, faults, sops, sfaults, shrunk.Runs,
		shrunk.Result.Failure.Message)
	return nil
}
