// Package report explains a failure to a person: the report (verdict, repro line, the
// minimal scenario one operation or fault per line, the trace tail) and its files, written
// atomically: scenario.json, original.json, history.html (the porcupine view with faults and
// leader changes on the timeline) and report.txt.
package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/model"
)

// FormatScenario renders a scenario for a person: the setup on a few lines, then one line
// per client operation (in the words of workload w) and one per fault, in time order of the
// schedule.
func FormatScenario(s scenario.Scenario, w *model.Workload) string {
	var b strings.Builder
	n := s.Network
	if s.Target != "" {
		fmt.Fprintf(&b, "target %s; ", s.Target)
	}
	fmt.Fprintf(&b, "seed %d; nodes %v", s.Seed, s.Cluster.Nodes)
	if len(s.Cluster.Spares) > 0 {
		fmt.Fprintf(&b, " spares %v", s.Cluster.Spares)
	}
	fmt.Fprintf(&b, "; safety %v, liveness bound %v\n", time.Duration(s.Safety),
		time.Duration(s.Liveness))
	fmt.Fprintf(&b, "network: latency %v-%v, spikes %.3g up to %v, loss %.3g, dup %.3g, "+
		"corrupt %.3g, reorder %v\n", time.Duration(n.LatencyMin), time.Duration(n.LatencyMax),
		n.SpikeRate, time.Duration(n.SpikeMax), n.Loss, n.Duplicate, n.Corrupt, n.Reorder)
	d := s.Disk
	fmt.Fprintf(&b, "disk: sync %v-%v, sync failures %.3g, read corruption %.3g\n",
		time.Duration(d.SyncLatencyMin), time.Duration(d.SyncLatencyMax), d.SyncFailRate,
		d.ReadCorruptRate)
	if s.Note != "" {
		fmt.Fprintf(&b, "note: %s\n", s.Note)
	}
	writeBuggifySites(&b, s)
	ops := 0
	for _, c := range s.Clients {
		ops += len(c.Ops)
	}
	fmt.Fprintf(&b, "%d operations:\n", ops)
	for _, c := range s.Clients {
		if d := c.Describe(); d != "" {
			fmt.Fprintf(&b, "  %s: %s\n", c.ID, d)
		}
		for i, op := range c.Ops {
			fmt.Fprintf(&b, "  %s[%d] %s\n", c.ID, i, op.Format(w))
		}
	}
	fmt.Fprintf(&b, "%d faults:\n", len(s.Faults))
	for _, f := range s.Faults {
		fmt.Fprintf(&b, "  %v\n", f)
	}
	return b.String()
}

// Report is everything a person needs to understand and reproduce one failure.
type Report struct {
	Scenario     scenario.Scenario
	Result       *harness.RunResult
	Repro        string // one-line command that reproduces the failure
	ScenarioPath string // where the scenario JSON was saved, if it was
	HTMLPath     string // where the porcupine view was written, if it was
	// Original, if set, is the scenario before shrinking; WriteArtifacts saves it too, as
	// original.json (a guided campaign's scenario cannot be drawn again from its seed).
	Original *scenario.Scenario
	// Notes are lines printed after the repro line and the paths: how the failure was
	// found and shrunk, how to save or replay it.
	Notes []string
}

// String renders the report: verdict, repro, minimal scenario, files, trace tail.
func (r Report) String() string {
	var b strings.Builder
	res := r.Result
	if res.Failure != nil {
		fmt.Fprintf(&b, "FAILURE (%s): %s\n", res.Failure.Class, res.Failure.Message)
	} else {
		b.WriteString("PASS\n")
	}
	fmt.Fprintf(&b, "seed %d, %s\n", r.Scenario.Seed, runSize(r.Scenario, res))
	if res.Stability != nil {
		fmt.Fprintf(&b, "%s\n", res.Stability)
	}
	if line := BuggifyFired(r.Scenario, res); line != "" {
		fmt.Fprintf(&b, "%s\n", line)
	}
	if r.Repro != "" {
		fmt.Fprintf(&b, "repro: %s\n", r.Repro)
	}
	if r.ScenarioPath != "" {
		fmt.Fprintf(&b, "scenario: %s\n", r.ScenarioPath)
	}
	if r.HTMLPath != "" {
		fmt.Fprintf(&b, "history view: %s\n", r.HTMLPath)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "%s\n", n)
	}
	b.WriteString("--- scenario\n")
	b.WriteString(FormatScenario(r.Scenario, workloadOf(res)))
	writeIllegalHistory(&b, r.Scenario, res)
	if len(res.TraceTail) > 0 {
		fmt.Fprintf(&b, "--- last %d trace lines\n", len(res.TraceTail))
		for _, l := range res.TraceTail {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// writeIllegalHistory lists, for a linearizability failure, the operations on the keys (the
// workload's objects) that failed, in call order, with their times and results: usually
// enough to see the anomaly without opening the HTML view.
func writeIllegalHistory(b *strings.Builder, s scenario.Scenario, res *harness.RunResult) {
	keys := res.Verdict.IllegalKeys
	if len(keys) == 0 {
		return
	}
	ops := slices.Clone(res.History)
	slices.SortStableFunc(ops, func(x, y model.Operation) int {
		return cmp.Compare(x.Call, y.Call)
	})
	names := scenario.ClientEndpoints(s)
	fmt.Fprintf(b, "--- history of the non-linearizable %s\n", workloadOf(res).DescribeKeys(keys))
	for _, op := range ops {
		if !slices.Contains(keys, op.Op.Key) {
			continue
		}
		ret := "never (outcome unknown)"
		if !op.Outcome.Unknown {
			ret = time.Duration(op.Return).String()
		}
		fmt.Fprintf(b, "  %-6s [%v, %s] %s\n", clientName(names, op.ClientID),
			time.Duration(op.Call), ret, workloadOf(res).Describe(op.Op, op.Outcome))
	}
}

// workload is the result's workload, the key-value one for a result made by hand.
func workloadOf(res *harness.RunResult) *model.Workload {
	if res == nil || res.Workload == nil {
		return model.KV
	}
	return res.Workload
}

// clientName names the history's client row i: one of the endpoints (ClientEndpoints), or
// the probe after them.
func clientName(endpoints []nodeapi.NodeID, i int) nodeapi.NodeID {
	if i < len(endpoints) {
		return endpoints[i]
	}
	return scenario.ProbeClient
}
