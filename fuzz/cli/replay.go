package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
)

const replayUsage = `usage: simfuzz replay [flags] FILE
       simfuzz replay [flags] --seed S

Reruns one scenario (a saved JSON file, or the scenario a campaign runs for seed S) against
the target (a file must name the same target), prints its verdict and trace, and writes the
porcupine HTML view.

flags:
`

func (a *app) cmdReplay(args []string) error {
	stdout, stderr := a.stdout, a.stderr
	fs := newFlags("replay", stderr)
	fs.Usage = func() { fmt.Fprint(stderr, replayUsage); fs.PrintDefaults() }
	target := a.targetFlag(fs)
	seed := fs.Uint64("seed", 0, "replay the campaign scenario of this seed instead of a file")
	det := fs.Bool("check-determinism", false, "run twice and compare the traces")
	html := fs.String("html", "", "where to write the HTML view (default: next to FILE, "+
		"or seed-S.html)")
	traceLines := fs.Int("trace", 200, "how many trace lines to print at the end")
	if err := parse(fs, args); err != nil {
		return err
	}
	tg, err := target()
	if err != nil {
		return err
	}
	s, htmlPath, err := replayScenario(tg, fs.Args(), *seed, *html)
	if err != nil {
		return err
	}
	if *traceLines < 0 {
		return usagef("--trace must not be negative")
	}
	opts := harness.RunOptions{TraceTail: max(*traceLines, 1), RecordTrace: *det}
	res, err := tg.Run(s, opts)
	if err != nil {
		return err
	}
	if *det {
		if err := compareRuns(tg, s, opts, res, stdout); err != nil {
			return err
		}
	}
	if *traceLines == 0 {
		res.TraceTail = nil
	}
	if err := harness.WriteHTMLFile(htmlPath, res); err != nil {
		return err
	}
	rep := harness.Report{Scenario: s, Result: res, HTMLPath: htmlPath,
		Repro: "simfuzz replay " + strings.Join(args, " ")}
	fmt.Fprint(stdout, rep.String())
	if res.Failure != nil {
		return errFound
	}
	return nil
}

func replayScenario(tg fuzz.Target, args []string, seed uint64,
	html string) (harness.Scenario, string, error) {
	switch {
	case len(args) > 1:
		return harness.Scenario{}, "", usagef("replay takes one FILE, got %d arguments",
			len(args))
	case len(args) == 1 && seed != 0:
		return harness.Scenario{}, "", usagef("give FILE or --seed, not both")
	case len(args) == 1:
		s, err := tg.Load(args[0])
		if err != nil {
			return s, "", err
		}
		if html == "" {
			html = strings.TrimSuffix(args[0], ".json") + ".html"
		}
		return s, html, nil
	case seed != 0:
		if html == "" {
			html = fmt.Sprintf("seed-%d.html", seed)
		}
		return tg.ScenarioForSeed(seed, tg.Options()), html, nil
	}
	return harness.Scenario{}, "", usagef("replay needs a FILE or --seed S")
}

// compareRuns runs s a second time and compares trace hashes, naming the first difference.
func compareRuns(tg fuzz.Target, s harness.Scenario, opts harness.RunOptions,
	first *harness.RunResult, w io.Writer) error {
	second, err := tg.Run(s, opts)
	if err != nil {
		return err
	}
	if first.TraceHash == second.TraceHash {
		fmt.Fprintf(w, "determinism: two runs, same trace hash %016x over %d events\n",
			first.TraceHash, first.Events)
		return nil
	}
	i, _ := harness.DiffTraces(first.Trace, second.Trace)
	return fmt.Errorf("NONDETERMINISM: trace hashes %016x and %016x differ; first "+
		"difference at event %d: %s", first.TraceHash, second.TraceHash, i,
		harness.DescribeTraceDiff(first.Trace, second.Trace))
}
