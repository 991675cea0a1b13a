package cli

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
)

const benchUsage = `usage: simfuzz bench [flags]

Prints the performance table: the world's raw event rate, the standard 3- and 5-node
scenarios (60 simulated seconds, clients, faults; see docs/ARCHITECTURE.md) for every target
this command knows (or --target), side by side and measured in the same run, campaign seeds
per minute of the default target (or --target), porcupine check time per history, and peak
memory. A target that cannot run a standard scenario (another workload, some operation kinds
only, other cluster sizes) has its rows skipped, each with a line that says why. --variant
benches a variant of --target's target (default: of the default target). With --real,
bench prints the real-vs-simulated table instead (see 'bench --real -h').

flags:
`

func (a *app) cmdBench(args []string) error {
	if isRealBench(args) {
		return a.cmdBenchReal(args)
	}
	stdout := a.stdout
	fs := a.newFlags("bench", benchUsage)
	seeds := fs.Int("seeds", 10, "standard-scenario seeds per cluster size")
	campaignSeeds := fs.Int("campaign-seeds", 100, "generated seeds for the seeds/minute row")
	fs.Bool("real", false, "print the real-vs-simulated table instead (bench --real -h)")
	only := fs.String("target", "", "bench only this target (default: every target; "+
		"the default target's campaign)")
	variant := fs.String("variant", "", "bench this build variant of --target's target "+
		"(default: of the default target)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("bench takes no arguments, got %q", fs.Args())
	}
	if *seeds < 1 || *campaignSeeds < 1 {
		return usagef("--seeds and --campaign-seeds must be at least 1")
	}
	targets, err := a.benchTargets(*only, *variant)
	if err != nil {
		return err
	}
	rows := [][3]string{{"metric", "measured", "target / peer"}}
	rows = append(rows, worldRow())
	std, checks, skipped, err := standardTable(targets, *seeds)
	if err != nil {
		return err
	}
	rows = append(rows, std...)
	rows = append(rows, campaignRow(targets[0], *campaignSeeds))
	if len(checks) > 0 {
		rows = append(rows, checkRow(checks))
	}
	rows = append(rows, memoryRow())
	fmt.Fprintf(stdout, "simfuzz bench, %s, %s, %d cores, %s\n\n",
		time.Now().UTC().Format("2006-01-02"), cpuModel(), runtime.NumCPU(), runtime.Version())
	printTable(stdout, rows)
	for _, line := range skipped {
		fmt.Fprintln(stdout, line)
	}
	return nil
}

// campaignRow measures generated seeds per minute with one job per core.
func campaignRow(tg fuzz.Target, seeds int) [3]string {
	jobs := runtime.NumCPU()
	o := plain(tg).Options()
	next := make(chan uint64)
	var wg sync.WaitGroup
	start := time.Now()
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range next {
				_, _ = runTarget(tg, tg.ScenarioForSeed(seed, o), harness.RunOptions{TraceTail: 1})
			}
		}()
	}
	for i := 1; i <= seeds; i++ {
		next <- uint64(i)
	}
	close(next)
	wg.Wait()
	perMin := float64(seeds) / time.Since(start).Minutes()
	return [3]string{fmt.Sprintf("%s campaign seeds/minute (%d jobs)", benchName(tg), jobs),
		fmt.Sprintf("%.0f", perMin), "generated scenarios, checks included"}
}

func checkRow(checks []time.Duration) [3]string {
	slices.Sort(checks)
	med := checks[len(checks)/2]
	p99 := checks[min(len(checks)-1, len(checks)*99/100)]
	return [3]string{"porcupine check per history", fmt.Sprintf("median %s, p99 %s", ms(med),
		ms(p99)), "standard-scenario histories"}
}

func memoryRow() [3]string {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return [3]string{"peak memory (max RSS)", "unknown: " + err.Error(), ""}
	}
	return [3]string{"peak memory (max RSS)", fmt.Sprintf("%.0f MiB", float64(ru.Maxrss)/1024),
		"whole bench process"}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", d.Seconds()*1000) }

func printTable(w io.Writer, rows [][3]string) {
	var width [3]int
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	for i, r := range rows {
		fmt.Fprintf(w, "| %-*s | %-*s | %-*s |\n", width[0], r[0], width[1], r[1], width[2],
			r[2])
		if i == 0 {
			fmt.Fprintf(w, "|%s|%s|%s|\n", strings.Repeat("-", width[0]+2),
				strings.Repeat("-", width[1]+2), strings.Repeat("-", width[2]+2))
		}
	}
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
