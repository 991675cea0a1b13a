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
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/model"
)

const benchUsage = `usage: simfuzz bench [flags]

Prints the performance table: the world's raw event rate, the standard 3- and 5-node
scenarios (60 simulated seconds, clients, faults; see docs/ARCHITECTURE.md) for every
key-value target this command knows, side by side and measured in the same run, campaign
seeds per minute of the first, porcupine check time per history, and peak memory.

flags:
`

func (a *app) cmdBench(args []string) error {
	stdout := a.stdout
	fs := a.newFlags("bench", benchUsage)
	seeds := fs.Int("seeds", 10, "standard-scenario seeds per cluster size")
	campaignSeeds := fs.Int("campaign-seeds", 100, "generated seeds for the seeds/minute row")
	only := fs.String("target", "", "bench only this target (default: every key-value target)")
	if err := parse(fs, args); err != nil {
		return err
	}
	targets, err := a.benchTargets(*only)
	if err != nil {
		return err
	}
	if *seeds < 1 || *campaignSeeds < 1 {
		return usagef("--seeds and --campaign-seeds must be at least 1")
	}
	rows := [][3]string{{"metric", "measured", "target / peer"}}
	rows = append(rows, worldRow())
	var checks []time.Duration
	for _, tg := range targets {
		for _, n := range []int{3, 5} {
			r, c, err := standardRows(tg, n, *seeds)
			if err != nil {
				return err
			}
			rows = append(rows, r...)
			checks = append(checks, c...)
		}
	}
	rows = append(rows, campaignRow(targets[0], *campaignSeeds), checkRow(checks), memoryRow())
	fmt.Fprintf(stdout, "simfuzz bench, %s, %s, %d cores, %s\n\n",
		time.Now().UTC().Format("2006-01-02"), cpuModel(), runtime.NumCPU(), runtime.Version())
	printTable(stdout, rows)
	return nil
}

// standardRows runs the standard scenario for n nodes over seeds and reports wall time per
// seed (run plus check), events/s and compression against real time.
func standardRows(tg fuzz.Target, n, seeds int) ([][3]string, []time.Duration, error) {
	var wall, check time.Duration
	var events uint64
	var sim time.Duration
	var checks []time.Duration
	for seed := 1; seed <= seeds; seed++ {
		s := generators.Standard(n, uint64(seed))
		s.Target = tg.Name
		start := time.Now()
		res, err := tg.Run(s, harness.RunOptions{SkipLinearizability: true, TraceTail: 1})
		if err != nil {
			return nil, nil, err
		}
		mid := time.Now()
		model.Check(res.History)
		c := time.Since(mid)
		wall += time.Since(start)
		check += c
		checks = append(checks, c)
		events += res.Events
		sim += res.SimTime
	}
	per := wall / time.Duration(seeds)
	target := map[int]string{3: "<= 30 ms (peer: 68 ms)", 5: "<= 60 ms (peer: 124 ms)"}[n]
	return [][3]string{
		{fmt.Sprintf("%s standard %d-node: wall per seed", tg.Name, n), ms(per), target},
		{fmt.Sprintf("%s standard %d-node: events/s", tg.Name, n),
			fmt.Sprintf("%.0f", float64(events)/wall.Seconds()), ">= 500k (raft issue)"},
		{fmt.Sprintf("%s standard %d-node: compression", tg.Name, n),
			fmt.Sprintf("%.0fx real time", sim.Seconds()/wall.Seconds()), "1x = real time"},
	}, checks, nil
}

// campaignRow measures generated seeds per minute with one job per core.
func campaignRow(tg fuzz.Target, seeds int) [3]string {
	jobs := runtime.NumCPU()
	o := tg.Options()
	next := make(chan uint64)
	var wg sync.WaitGroup
	start := time.Now()
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range next {
				_, _ = tg.Run(tg.ScenarioForSeed(seed, o), harness.RunOptions{TraceTail: 1})
			}
		}()
	}
	for i := 1; i <= seeds; i++ {
		next <- uint64(i)
	}
	close(next)
	wg.Wait()
	perMin := float64(seeds) / time.Since(start).Minutes()
	return [3]string{fmt.Sprintf("%s campaign seeds/minute (%d jobs)", tg.Name, jobs),
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

// benchTargets are the targets the standard rows run: the one named, or every target whose
// workload is the key-value one (the standard scenario's clients are key-value clients).
func (a *app) benchTargets(only string) ([]fuzz.Target, error) {
	if only != "" {
		tg, err := a.target(only)
		if err != nil {
			return nil, err
		}
		if !tg.KeyValue() {
			return nil, usagef("target %s has its own workload; the standard scenario is "+
				"key-value", only)
		}
		return []fuzz.Target{tg}, nil
	}
	var kv []fuzz.Target
	for _, tg := range a.targets {
		if tg.KeyValue() {
			kv = append(kv, tg)
		}
	}
	if len(kv) == 0 {
		return nil, usagef("no key-value target to bench")
	}
	return kv, nil
}
