package cli

import (
	"bytes"
	"fmt"
	"os"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

const shrinkUsage = `usage: simfuzz shrink [flags] FILE

Reruns a failing scenario file, shrinks it further by structure (faults, clients,
operations, settings) while it keeps failing in the same class, and writes the result
(default: simfuzz-out/shrink/NAME.min.json, or NAME-2.min.json and so on if it exists; NAME
is the file's name, after its folder's for a campaign's original.json or scenario.json). The
output path is checked before shrinking. Use it on a rapid-shrunk regression or a
hand-written scenario.

Exit codes: 0 a smaller failing scenario was written, 2 usage errors (or an output path that
cannot be written), 3 the scenario fails but nothing smaller was found, 4 the scenario
passes: nothing to shrink. Nothing is written with 2, 3 or 4.

flags:
`

// errNotSmaller is shrink's outcome when the scenario is already minimal: exit code 3.
var errNotSmaller = exitStatus{code: 3}

// exitPasses is shrink's exit code for a scenario that passes: nothing to shrink. Not 1,
// which means failures found, nor 3: a script must tell "the bug is gone" apart from "the
// scenario is already minimal".
const exitPasses = 4

func (a *app) cmdShrink(args []string) error {
	fs := a.newFlags("shrink", shrinkUsage)
	target := a.targetFlag(fs)
	out := fs.String("out", "", "where to write the shrunk scenario (default: "+
		defaultShrinkDir+"/NAME.min.json, never replacing an earlier one)")
	runs := fs.Int("runs", 1000, "most runs the shrink may use")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *runs < 1 {
		return usagef("shrink takes one FILE and --runs >= 1")
	}
	path := fs.Arg(0)
	if path == "" {
		return usagef("shrink was given an empty FILE name")
	}
	tg, err := target()
	if err != nil {
		return err
	}
	s, err := loadScenario(tg, path)
	if err != nil {
		return err
	}
	res, err := runTarget(tg, s, harness.RunOptions{TraceTail: 1})
	if err != nil {
		return err
	}
	if res.Failure == nil {
		return exitStatus{code: exitPasses, msg: path + " passes" + onVariant(tg) +
			": nothing to shrink (nothing written)"}
	}
	if *out != "" {
		if err := checkWritableFile(*out); err != nil {
			return fmt.Errorf("--out %s: %w (nothing was shrunk)", *out, err)
		}
		return a.shrink(tg, path, *out, s, res.Failure.Class, *runs)
	}
	reserved, err := reserveDefault(defaultShrinkDir, path, ".min.json")
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was shrunk)", defaultShrinkDir, err)
	}
	err = a.shrink(tg, path, reserved, s, res.Failure.Class, *runs)
	if err != nil { // nothing written: give the name back
		os.Remove(reserved)
	}
	return err
}

// shrink shrinks s and writes the result to out, unless it is the scenario it started from.
func (a *app) shrink(tg fuzz.Target, path, out string, s scenario.Scenario,
	class harness.FailureClass, runs int) error {
	shrunk, err := shrinkTarget(tg, s, class, runs)
	if err != nil {
		return err
	}
	var before, after bytes.Buffer
	if err := scenario.EncodeScenario(&before, s); err != nil {
		return err
	}
	if err := scenario.EncodeScenario(&after, shrunk.Scenario); err != nil {
		return err
	}
	ops, faults := s.Size()
	if bytes.Equal(before.Bytes(), after.Bytes()) {
		fmt.Fprintf(a.stdout, "%s (%s%s): %d ops, %d faults: no smaller failing scenario "+
			"found in %d runs; nothing written\n", path, class, onVariant(tg), ops, faults,
			shrunk.Runs)
		return errNotSmaller
	}
	if err := report.WriteFileAtomic(out, after.Bytes()); err != nil {
		return err
	}
	sops, sfaults := shrunk.Scenario.Size()
	fmt.Fprintf(a.stdout, "%s (%s%s): %d ops, %d faults -> %d ops, %d faults in %d runs\n"+
		"%s\nrepro: %s\n", out, shrunk.Result.Failure.Class, onVariant(tg), ops, faults,
		sops, sfaults, shrunk.Runs, shrunk.Result.Failure.Message, a.reproFor(tg).replay(out))
	return nil
}

// onVariant says which variant of tg ran, if one did: " on variant bug-17".
func onVariant(tg fuzz.Target) string {
	if tg.Variant == "" {
		return ""
	}
	return " on variant " + tg.Variant
}
