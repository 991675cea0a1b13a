package cli

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/model"
)

// The standard benchmark scenario (generators.Standard) is a key-value workload of every
// kind (get, put, append, cas) on 3 or 5 nodes. A target that speaks another workload,
// only some of the kinds (Target.OpKinds) or other cluster sizes (Target.Nodes) cannot run
// it: its rows are skipped, each with a line that says why, rather than run into a refusal
// or measure a scenario the target never meets.

// standardSizes are the cluster sizes of the standard scenario's rows.
var standardSizes = []int{3, 5}

// benchTargets are the targets bench measures, the first of which runs the campaign row:
// the one named (running variant), or every target (the default first), or, for a variant
// without --target, the default target running it.
func (a *app) benchTargets(only, variant string) ([]fuzz.Target, error) {
	if only == "" && variant == "" {
		return a.targets, nil
	}
	tg := a.targets[0]
	if only != "" {
		var err error
		if tg, err = a.target(only); err != nil {
			return nil, err
		}
	}
	tg, err := withVariant(tg, variant)
	if err != nil {
		return nil, err
	}
	return []fuzz.Target{tg}, nil
}

// standardTable runs the standard rows of every target over seeds, and says which rows it
// skipped and why.
func standardTable(targets []fuzz.Target, seeds int) (rows [][3]string,
	checks []time.Duration, skipped []string, err error) {
	for _, tg := range targets {
		o := plain(tg).Options()
		if why := kindsSkip(tg, o); why != "" {
			skipped = append(skipped, fmt.Sprintf("skipped: %s standard scenarios: %s",
				benchName(tg), why))
			continue
		}
		for _, n := range standardSizes {
			if why := sizeSkip(o, n); why != "" {
				skipped = append(skipped, fmt.Sprintf("skipped: %s standard %d-node: %s",
					benchName(tg), n, why))
				continue
			}
			r, c, err := standardRows(tg, n, seeds)
			if err != nil {
				return nil, nil, nil, err
			}
			rows = append(rows, r...)
			checks = append(checks, c...)
		}
	}
	return rows, checks, skipped, nil
}

// kindsSkip says why tg, with generator options o, cannot run any standard scenario: its
// workload or its operation kinds (OpKinds, or a Tune's); "" if it can.
func kindsSkip(tg fuzz.Target, o generators.Options) string {
	if tg.Workload != nil && tg.Workload != model.KV {
		return "its workload is not the key-value one the standard scenario's clients speak"
	}
	kinds := tg.OpKinds
	if len(kinds) == 0 {
		kinds = o.OpKinds
	}
	var missing []string
	for _, k := range generators.KVKinds() {
		if len(kinds) > 0 && !slices.Contains(kinds, k) {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 || !tg.KeyValue() {
		return fmt.Sprintf("it speaks %s only (OpKinds), not the whole key-value workload "+
			"the standard scenario is for (no %s)", strings.Join(kinds, ", "),
			strings.Join(missing, ", "))
	}
	return ""
}

// sizeSkip says why a target with generator options o cannot run the standard n-node
// scenario: its cluster sizes (Nodes, or a Tune's) leave n out; "" if it can.
func sizeSkip(o generators.Options, n int) string {
	if sizes := o.Nodes; len(sizes) > 0 && !slices.Contains(sizes, n) {
		return fmt.Sprintf("it runs clusters of %s only (Nodes), and the standard "+
			"scenario has %d", clusterSizes(sizes), n)
	}
	return ""
}

// clusterSizes is "1 node", "3 nodes", "3, 4 or 5 nodes".
func clusterSizes(sizes []int) string {
	parts := make([]string, len(sizes))
	for i, n := range sizes {
		parts[i] = fmt.Sprint(n)
	}
	text := parts[len(parts)-1]
	if len(parts) > 1 {
		text = strings.Join(parts[:len(parts)-1], ", ") + " or " + text
	}
	if len(sizes) == 1 && sizes[0] == 1 {
		return text + " node"
	}
	return text + " nodes"
}

// benchName names tg in a row: its name, and its variant if it runs one.
func benchName(tg fuzz.Target) string {
	if tg.Variant == "" {
		return tg.Name
	}
	return tg.Name + " variant " + tg.Variant
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
		res, err := runTarget(tg, s, harness.RunOptions{SkipLinearizability: true,
			TraceTail: 1})
		if err != nil {
			return nil, nil, fmt.Errorf("%s standard %d-node, seed %d: %w", benchName(tg), n,
				seed, err)
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
	name := benchName(tg)
	return [][3]string{
		{fmt.Sprintf("%s standard %d-node: wall per seed", name, n), ms(per), target},
		{fmt.Sprintf("%s standard %d-node: events/s", name, n),
			fmt.Sprintf("%.0f", float64(events)/wall.Seconds()), ">= 500k (raft issue)"},
		{fmt.Sprintf("%s standard %d-node: compression", name, n),
			fmt.Sprintf("%.0fx real time", sim.Seconds()/wall.Seconds()), "1x = real time"},
	}, checks, nil
}
