package jepsen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/simfuzz/simfuzz/model"
)

// notReplayable is said in every report and HTML view: a person must not expect --seed to
// bring a real failure back.
const notReplayable = "A real run is not replayable by seed: the seed fixes the fault " +
	"schedule and the operations, not the timing of real processes, so the same seed can " +
	"pass next time. Keep this report, the history and the server logs."

// writeArtifacts writes report.txt, history.html and history.json into the output
// directory (the servers' logs are there already).
func writeArtifacts(r *CheckResult) error {
	dir := r.Options.OutDir
	r.Report = filepath.Join(dir, "report.txt")
	r.HTML = filepath.Join(dir, "history.html")
	var rep bytes.Buffer
	writeReport(&rep, r)
	if err := os.WriteFile(r.Report, rep.Bytes(), 0o644); err != nil {
		return err
	}
	hist, err := json.MarshalIndent(r.History, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "history.json"), hist, 0o644); err != nil {
		return err
	}
	var page bytes.Buffer
	if err := model.WriteHTMLPage(&page, htmlPage(r), r.History, r.Verdict,
		r.Notes); err != nil {
		return fmt.Errorf("history view: %w", err)
	}
	return os.WriteFile(r.HTML, page.Bytes(), 0o644)
}

func htmlPage(r *CheckResult) model.Page {
	o := r.Options
	p := model.Page{Title: o.Target.Name + " check: " + verdictWord(r), Failed: r.Failed(),
		Lines: []string{
			fmt.Sprintf("%d real server processes of %s, %d clients, %v, seed %d, lazy disk "+
				"%v, TLS %v", o.Nodes, o.Target.Name, o.Clients, o.Time, o.Seed, o.LazyDisk,
				o.TLS),
			"faults enabled: " + KindNames(r.Schedule.Kinds),
			r.Verdict.Message(),
			notReplayable,
		}}
	p.Lines = append(p.Lines, r.Failures...)
	for i := range o.Clients {
		p.Clients = append(p.Clients, fmt.Sprintf("c%d", i+1))
	}
	return p
}

func verdictWord(r *CheckResult) string {
	switch {
	case r.Failed():
		return "FAILURE FOUND"
	case r.Interrupted:
		return "interrupted, nothing found so far"
	}
	return "nothing found"
}

// writeReport is the human-readable account of a run.
func writeReport(w io.Writer, r *CheckResult) {
	o := r.Options
	fmt.Fprintf(w, "%s check: %s\n\n", o.Target.Name, verdictWord(r))
	fmt.Fprintf(w, "%s\n\n", notReplayable)
	fmt.Fprintf(w, "target     %s\n", o.Target.Name)
	fmt.Fprintf(w, "servers    %d real processes (%s %s), lazy disk %v, TLS %v\n", o.Nodes,
		o.Binary, strings.Join(o.ServerArgs, " "), o.LazyDisk, o.TLS)
	if o.Containers {
		fmt.Fprintf(w, "containers each server in its own Docker container on a private "+
			"network: kill -9 is docker kill, SIGSTOP docker pause, partitions docker "+
			"network disconnect\n")
	}
	fmt.Fprintf(w, "workload   %d closed-loop clients, %v, %s\n", o.Clients, o.Time,
		workloadLine(o))
	fmt.Fprintf(w, "seed       %d (fault schedule and operations only)\n", o.Seed)
	fmt.Fprintf(w, "faults     %s\n", KindNames(r.Schedule.Kinds))
	fmt.Fprintf(w, "elapsed    %.1fs (run, heal, final reads, check)\n", r.Elapsed.Seconds())
	if r.Interrupted {
		fmt.Fprintf(w, "stopped    interrupted before the end: the history is partial and "+
			"there were no final reads\n")
	}
	fmt.Fprintf(w, "operations %s\n", opCounts(workloadOf(o.Target), r.History))
	fmt.Fprintf(w, "verdict    %s\n", r.Verdict.Message())
	if r.Failed() {
		fmt.Fprintf(w, "\nFOUND:\n")
		for _, f := range r.Failures {
			fmt.Fprintf(w, "  %s\n", f)
		}
	}
	fmt.Fprintf(w, "\nfault log (run clock):\n")
	for _, l := range r.FaultLog {
		fmt.Fprintf(w, "  %s\n", l)
	}
	fmt.Fprintf(w, "\nfiles: history.html (porcupine view, faults and leaders on the "+
		"timeline), history.json, n*.log (server logs)\n")
}

// workloadLine describes the operations the clients drew.
func workloadLine(o CheckOptions) string {
	if usesKVMix(o.Target) {
		return fmt.Sprintf("the key-value mix, 50%% reads over %d keys, think %v-%v",
			workloadKeys, thinkMin, thinkMax)
	}
	return fmt.Sprintf("the %s workload as the target's generator draws it",
		workloadOf(o.Target).Name)
}

// opCounts summarises the history: how many operations, acknowledged, unknown, by kind.
func opCounts(w *model.Workload, history []model.Operation) string {
	byKind := map[model.Kind]int{}
	unknown := 0
	for _, op := range history {
		byKind[op.Op.Kind]++
		if op.Outcome.Unknown {
			unknown++
		}
	}
	var parts []string
	for i := range w.Kinds {
		k := model.Kind(i + 1)
		if byKind[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", byKind[k], w.KindName(k)))
		}
	}
	return fmt.Sprintf("%d (%d acknowledged, %d unknown; %s)", len(history),
		len(history)-unknown, unknown, strings.Join(parts, ", "))
}

// Summary is a check command's closing lines; name is the command ("simfuzz check").
func Summary(name string, r *CheckResult) string {
	s := fmt.Sprintf("%s: %s: %s in %.1fs (seed %d; %d operations; %s)\n", name,
		r.Options.Target.Name, verdictWord(r), r.Elapsed.Seconds(), r.Options.Seed,
		len(r.History), r.Verdict.Message())
	for _, f := range r.Failures {
		s += "  " + f + "\n"
	}
	s += "  report: " + r.Report + "\n  history: " + r.HTML + "\n" +
		"  (a real run is not replayable by seed; see the report)"
	return s
}
