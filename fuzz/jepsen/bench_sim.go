package jepsen

import (
	"fmt"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// benchScripts are the clients of the benchmark, stretched to span: for a key-value target
// the standard scenario's (generators.Standard: three closed-loop clients over 8 keys, 50%
// reads, 10-90 ms think time), for another the clients its own generator draws for seed. A
// span longer than the scripts repeats the operations; key-value values are made unique
// again.
func benchScripts(tg fuzz.Target, nodes int, seed uint64,
	span time.Duration) []scenario.ClientScript {
	base := generators.Standard(nodes, seed).Clients
	if !tg.KeyValue() {
		base = tg.ScenarioForSeed(seed, tg.Options()).Clients
	}
	need := int(span/(10*time.Millisecond)) + 1 // more than a client can use (think >= 10 ms)
	out := make([]scenario.ClientScript, len(base))
	for i, cs := range base {
		out[i].ID = cs.ID
		for round := 0; len(out[i].Ops) < need && len(cs.Ops) > 0; round++ {
			for _, op := range cs.Ops {
				if round > 0 && op.Value != "" && tg.KeyValue() {
					op.Value = fmt.Sprintf("%s.r%d", op.Value, round)
				}
				op.Think = min(max(op.Think, scenario.Duration(time.Millisecond)),
					scenario.Duration(maxThink))
				out[i].Ops = append(out[i].Ops, op)
				if len(out[i].Ops) == need {
					break
				}
			}
		}
	}
	return out
}

// simScenario is the standard scenario with the condition's network and faults, over span.
func simScenario(tg fuzz.Target, c Condition, nodes int, seed uint64, span time.Duration,
	scripts []scenario.ClientScript) scenario.Scenario {
	s := generators.Standard(nodes, seed)
	s.Target = tg.Name
	s.Note = fmt.Sprintf("bench --real: %s, %s, %d nodes", tg.Name, c.Name, nodes)
	s.Network.Loss, s.Network.Duplicate = c.Loss, 0
	s.Safety = scenario.Duration(span)
	s.Clients = trimScripts(scripts, scenario.MaxScenarioOps)
	s.Faults = nil
	for _, at := range c.faultTimes(span) {
		f := scenario.Fault{At: scenario.Duration(at), For: scenario.Duration(c.FaultFor)}
		switch c.Fault {
		case "crash-leader":
			f.Kind, f.Node = scenario.FaultCrash, scenario.LeaderTarget
		case "partition":
			f.Kind, f.Groups = scenario.FaultPartition, [][]nodeapi.NodeID{
				minority(s.Cluster.Nodes)}
		}
		s.Faults = append(s.Faults, f)
	}
	return s
}

// trimScripts shortens the scripts to at most limit operations in all (the simulated
// clients stop at the end of the safety phase anyway; they rarely get that far).
func trimScripts(scripts []scenario.ClientScript, limit int) []scenario.ClientScript {
	out := make([]scenario.ClientScript, len(scripts))
	per := limit / max(1, len(scripts))
	for i, cs := range scripts {
		out[i] = scenario.ClientScript{ID: cs.ID, Ops: cs.Ops[:min(len(cs.Ops), per)]}
	}
	return out
}

// simRun runs the row's scenario in the simulated world against the target.
func simRun(tg fuzz.Target, c Condition, nodes int, seed uint64, span time.Duration,
	scripts []scenario.ClientScript) (Measure, error) {
	s := simScenario(tg, c, nodes, seed, span, scripts)
	start := time.Now()
	res, err := tg.Run(s, harness.RunOptions{})
	if err != nil {
		return Measure{}, err
	}
	m := Measure{Span: span, Virtual: res.SimTime, Wall: time.Since(start),
		Ops: len(res.History), Linearizable: res.Failure == nil}
	for _, op := range res.History {
		if !op.Outcome.Unknown && op.Call < int64(span) {
			m.Acked++
		}
	}
	return m, nil
}
