package jepsen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
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
	p := model.Page{Title: "raftkv check: " + verdictWord(r), Failed: r.Failed(),
		Lines: []string{
			fmt.Sprintf("%d real server processes, %d clients, %v, seed %d, lazy disk %v",
				o.Nodes, o.Clients, o.Time, o.Seed, o.LazyDisk),
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
	if r.Failed() {
		return "FAILURE FOUND"
	}
	return "nothing found"
}

// writeReport is the human-readable account of a run.
func writeReport(w io.Writer, r *CheckResult) {
	o := r.Options
	fmt.Fprintf(w, "raftkv check: %s\n\n", verdictWord(r))
	fmt.Fprintf(w, "%s\n\n", notReplayable)
	fmt.Fprintf(w, "servers    %d real processes (%s), lazy disk %v\n", o.Nodes, o.Binary,
		o.LazyDisk)
	fmt.Fprintf(w, "workload   %d closed-loop clients, %v, 50%% reads over %d keys, "+
		"think %v-%v\n", o.Clients, o.Time, workloadKeys, thinkMin, thinkMax)
	fmt.Fprintf(w, "seed       %d (fault schedule and operations only)\n", o.Seed)
	fmt.Fprintf(w, "faults     %s\n", KindNames(r.Schedule.Kinds))
	fmt.Fprintf(w, "elapsed    %.1fs (run, heal, final reads, check)\n", r.Elapsed.Seconds())
	fmt.Fprintf(w, "operations %s\n", opCounts(r.History))
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

// opCounts summarises the history: how many operations, acknowledged, unknown, by kind.
func opCounts(history []model.Operation) string {
	byKind := map[string]int{}
	unknown := 0
	for _, op := range history {
		byKind[kv.Name(op.Op.Kind)]++
		if op.Outcome.Unknown {
			unknown++
		}
	}
	var parts []string
	for _, name := range kv.Names {
		if byKind[name] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", byKind[name], name))
		}
	}
	return fmt.Sprintf("%d (%d acknowledged, %d unknown; %s)", len(history),
		len(history)-unknown, unknown, strings.Join(parts, ", "))
}
