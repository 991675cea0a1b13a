package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

const replayUsage = `usage: simfuzz replay [flags] FILE
       simfuzz replay [flags] --seed S

Reruns one scenario (a saved JSON file, or the scenario a campaign runs for seed S, 0
included) against the target (a file must name the same target), prints its verdict and
trace, then writes the porcupine HTML view (default simfuzz-out/replay/NAME.html; the path
is checked before the run).

Exit codes: 0 the scenario passes, 1 it fails, 2 usage errors, a scenario that could not
run, or a view that could not be written (after the verdict, which stands).

flags:
`

// replayOptions are the flags of one replay.
type replayOptions struct {
	seed       uint64
	seedGiven  bool
	det        bool
	html       string
	traceLines int
}

func (a *app) cmdReplay(args []string) error {
	fs := a.newFlags("replay", replayUsage)
	target := a.targetFlag(fs)
	var o replayOptions
	fs.Uint64Var(&o.seed, "seed", 0, "replay the campaign scenario of this seed instead of a "+
		"file")
	fs.BoolVar(&o.det, "check-determinism", false, "run twice and compare the traces")
	fs.StringVar(&o.html, "html", "", "where to write the HTML view (default: "+
		defaultReplayDir+"/NAME.html)")
	fs.IntVar(&o.traceLines, "trace", 200, "how many trace lines to print at the end")
	if err := parse(fs, args); err != nil {
		return err
	}
	o.seedGiven = isSet(fs, "seed")
	if !isSet(fs, "check-determinism") {
		env, err := readEnv(a.getenv, 1)
		if err != nil {
			return err
		}
		o.det = env.checkDet
	}
	tg, err := target()
	if err != nil {
		return err
	}
	s, err := replayScenario(tg, fs.Args(), &o)
	if err != nil {
		return err
	}
	if o.traceLines < 0 || o.traceLines > sim.MaxTraceTail {
		return usagef("--trace must be in [0, %d], got %d", sim.MaxTraceTail, o.traceLines)
	}
	if err := checkWritableFile(o.html); err != nil {
		return fmt.Errorf("--html %s: %w (nothing was replayed)", o.html, err)
	}
	return a.replay(tg, s, o, a.replayRepro(tg, fs.Args(), o))
}

// replayRepro is the command line that replays the same scenario again: the file, or the
// seed, on the same target and variant.
func (a *app) replayRepro(tg fuzz.Target, files []string, o replayOptions) string {
	args := []string{"--seed", fmt.Sprint(o.seed)}
	if len(files) == 1 {
		args = files
	}
	if o.det {
		args = append(args, "--check-determinism")
	}
	return a.reproFor(tg).line("replay", args...)
}

// replay runs s, prints the verdict and then writes the view: a view that cannot be
// written must not hide the verdict.
func (a *app) replay(tg fuzz.Target, s scenario.Scenario, o replayOptions, repro string) error {
	opts := harness.RunOptions{TraceTail: max(o.traceLines, 1), RecordTrace: o.det}
	started := time.Now()
	res, err := runTarget(tg, s, opts)
	if err != nil {
		return err
	}
	if o.det {
		if err := compareRuns(tg, s, started, res, a.stdout); err != nil {
			return err
		}
	}
	if o.traceLines == 0 {
		res.TraceTail = nil
	}
	rep := report.Report{Scenario: s, Result: res, Repro: repro, Notes: variantNote(tg)}
	fmt.Fprint(a.stdout, rep.String())
	return a.finishReplay(o.html, rep, res.Failure)
}

// finishReplay writes the view and turns the verdict into the exit status. A view that
// cannot be written (checked before the run, but the disk may fill meanwhile) is an
// error, said after the verdict: the command did not do all it was asked.
func (a *app) finishReplay(html string, rep report.Report, failure *harness.Failure) error {
	if err := writeView(html, rep); err != nil {
		return exitStatus{code: 2, msg: fmt.Sprintf("history view not written: %v (the "+
			"verdict above stands)", err)}
	}
	fmt.Fprintf(a.stdout, "history view: %s\n", html)
	if failure != nil {
		return errFound
	}
	return nil
}

// writeView writes the HTML view, creating its folder.
func writeView(path string, rep report.Report) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return report.WriteHistoryView(path, rep)
}

// replayScenario returns the scenario to replay and fills in the default HTML path.
func replayScenario(tg fuzz.Target, args []string, o *replayOptions) (scenario.Scenario,
	error) {
	switch {
	case len(args) > 1:
		return scenario.Scenario{}, usagef("replay takes one FILE, got %d arguments",
			len(args))
	case len(args) == 1 && o.seedGiven:
		return scenario.Scenario{}, usagef("give FILE or --seed, not both")
	case len(args) == 1 && args[0] == "":
		return scenario.Scenario{}, usagef("replay was given an empty FILE name")
	case len(args) == 1:
		s, err := loadScenario(tg, args[0])
		if err != nil {
			return s, err
		}
		if o.html == "" {
			o.html = defaultPath(defaultReplayDir, args[0], ".html")
		}
		return s, nil
	case o.seedGiven:
		if o.html == "" {
			o.html = filepath.Join(defaultReplayDir, fmt.Sprintf("seed-%d.html", o.seed))
		}
		return tg.ScenarioForSeed(o.seed, plain(tg).Options()), nil
	}
	return scenario.Scenario{}, usagef("replay needs a FILE or --seed S")
}

// loadScenario loads a scenario file for tg, refusing a file too large to be a scenario
// before reading it.
func loadScenario(tg fuzz.Target, path string) (scenario.Scenario, error) {
	if st, err := os.Stat(path); err == nil && st.Size() > scenario.MaxScenarioBytes {
		return scenario.Scenario{}, fmt.Errorf("%s: %d bytes; a scenario file holds at most "+
			"%d", path, st.Size(), scenario.MaxScenarioBytes)
	}
	return tg.Load(path)
}

// compareRuns runs s a second time (fuzz.CheckDeterminism: after a random real gap since
// the first began) and compares them; a divergence is printed with both trace tails and
// is a failure.
func compareRuns(tg fuzz.Target, s scenario.Scenario, started time.Time,
	first *harness.RunResult, w io.Writer) error {
	if d := tg.CheckDeterminism(s, first, started); d != nil {
		fmt.Fprint(w, d.String())
		return errFound
	}
	fmt.Fprintf(w, "determinism: two runs, same trace hash %016x over %d events\n",
		first.TraceHash, first.Events)
	return nil
}
