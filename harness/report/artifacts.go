package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/model"
)

// Artifacts are the files written for one failure; Original is empty unless the report
// carried the scenario before shrinking.
type Artifacts struct {
	Dir, Scenario, HTML, Report, Original string
}

// WriteArtifacts saves a failure under dir: the scenario JSON (which replays it), the
// porcupine HTML view of the history with faults and leader changes as notes, and the text
// report. It returns the paths so the report can name them.
//
// The files are written into a temporary folder next to dir (named ".BASE.tmp-*") that is
// renamed to dir when complete, replacing an earlier folder of that name: a campaign that
// is interrupted, or a disk that fills up, never leaves a partial folder under dir.
func WriteArtifacts(dir string, rep Report) (Artifacts, error) {
	a := Artifacts{Dir: dir, Scenario: filepath.Join(dir, "scenario.json"),
		HTML: filepath.Join(dir, "history.html"), Report: filepath.Join(dir, "report.txt")}
	if rep.Original != nil {
		a.Original = filepath.Join(dir, "original.json")
	}
	parent, base := filepath.Split(filepath.Clean(dir))
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return a, err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return a, err
	}
	if err := writeArtifactFiles(tmp, rep, a); err != nil {
		os.RemoveAll(tmp)
		return a, err
	}
	if err := replaceDir(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return a, err
	}
	return a, nil
}

// writeArtifactFiles writes the three files into tmp; the report names their final paths.
func writeArtifactFiles(tmp string, rep Report, a Artifacts) error {
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it private
		return err
	}
	var encoded bytes.Buffer
	if err := scenario.EncodeScenario(&encoded, rep.Scenario); err != nil {
		return err
	}
	page, err := renderHistoryView(rep)
	if err != nil {
		return fmt.Errorf("writing %s: %w", a.HTML, err)
	}
	rep.ScenarioPath, rep.HTMLPath = a.Scenario, a.HTML
	files := []struct {
		name string
		data []byte
	}{{"scenario.json", encoded.Bytes()}, {"history.html", page},
		{"report.txt", []byte(rep.String())}}
	if rep.Original != nil {
		var original bytes.Buffer
		if err := scenario.EncodeScenario(&original, *rep.Original); err != nil {
			return err
		}
		files = append(files, struct {
			name string
			data []byte
		}{"original.json", original.Bytes()})
	}
	for _, f := range files {
		if err := writeSynced(filepath.Join(tmp, f.name), f.data); err != nil {
			return err
		}
	}
	return nil
}

// replaceDir renames the complete folder tmp to dir. An existing dir (an earlier campaign
// wrote the same seed) is first moved aside, so dir is never a mix of old and new files.
func replaceDir(tmp, dir string) error {
	err := os.Rename(tmp, dir)
	if err == nil {
		return nil
	}
	if _, serr := os.Stat(dir); serr != nil {
		return err
	}
	old := tmp + ".old" // tmp's name is unique, and so is this one
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.Rename(old, dir)
		return err
	}
	return os.RemoveAll(old)
}

// WriteFileAtomic writes data to path through a temporary file in the same folder (named
// ".BASE.tmp-*"), synced and then renamed into place: readers, and a process that is
// killed halfway, see either the old file or the whole new one, never a part. Use it for
// files that must not be lost or half-written (regressions, scenarios); not for device
// files such as /dev/null.
func WriteFileAtomic(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// writeSynced writes a new file and syncs it, so that the folder renamed into place holds
// its data even after a crash of the machine.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// WriteHTMLFile writes the porcupine view of res's history. Without the scenario the page
// cannot name the seed or the clients; WriteHistoryView can.
func WriteHTMLFile(path string, res *harness.RunResult) error {
	return WriteHistoryView(path, Report{Result: res})
}

// WriteHistoryView writes the HTML view of the report's run to path: the history, the
// faults and leader changes on the same timeline, and a header naming the seed, the
// verdict and the scenario's note. The file is written in place (path may be /dev/null).
func WriteHistoryView(path string, rep Report) error {
	page, err := renderHistoryView(rep)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return os.WriteFile(path, page, 0o644)
}

// renderHistoryView renders the page. A history that was not checked (the run failed
// before the check) is checked here, so the view always shows a verdict.
func renderHistoryView(rep Report) ([]byte, error) {
	res := rep.Result
	v := res.Verdict
	if v.Ops == 0 && len(res.History) > 0 {
		v = workloadOf(res).Check(res.History)
	}
	var buf bytes.Buffer
	err := model.WriteHTMLPage(&buf, HistoryPage(rep), res.History, v,
		Notes(res.Annotations))
	return buf.Bytes(), err
}

// HistoryPage is the title, header and client names of the report's HTML view.
func HistoryPage(rep Report) model.Page {
	res, s := rep.Result, rep.Scenario
	verdict := "PASS"
	if res.Failure != nil {
		verdict = fmt.Sprintf("FAILURE (%s)", res.Failure.Class)
	}
	p := model.Page{Failed: res.Failure != nil}
	p.Title = fmt.Sprintf("simfuzz: seed %d: %s", s.Seed, verdict)
	if s.Target != "" {
		p.Title = fmt.Sprintf("simfuzz %s: seed %d: %s", s.Target, s.Seed, verdict)
	}
	if res.Failure != nil {
		p.Lines = append(p.Lines, res.Failure.Message)
	} else if res.Verdict.Ops > 0 {
		p.Lines = append(p.Lines, res.Verdict.Message())
	}
	if s.Note != "" {
		p.Lines = append(p.Lines, "note: "+s.Note)
	}
	p.Lines = append(p.Lines, runSize(s, res))
	if res.Stability != nil {
		p.Lines = append(p.Lines, res.Stability.String())
	}
	if len(s.Clients) > 0 {
		for _, id := range append(scenario.ClientEndpoints(s), scenario.ProbeClient) {
			p.Clients = append(p.Clients, string(id))
		}
	}
	return p
}

// runSize says how much of the scenario ran, in the words of the text report.
func runSize(s scenario.Scenario, res *harness.RunResult) string {
	ops, faults := s.Size()
	text := fmt.Sprintf("%d operations", ops)
	if res.OpsNotStarted > 0 {
		text += fmt.Sprintf(" (%d never started: the safety phase ended first)",
			res.OpsNotStarted)
	}
	if res.Unrouted > 0 {
		text += fmt.Sprintf(" (%d routed operations sent with plain Invoke: the client does "+
			"not implement nodeapi.Router)", res.Unrouted)
	}
	return fmt.Sprintf("%s, %d faults, %d events, %v simulated, trace hash %016x", text,
		faults, res.Events, res.SimTime, res.TraceHash)
}

// Notes turns the world's annotations into timeline notes for the HTML view. A note is
// prefixed with its node unless its text already names it ("leader n1 term 2" stays as
// it is, not "n1: leader n1 term 2"); the tooltip gives the virtual time.
func Notes(as []sim.Annotation) []model.Note {
	notes := make([]model.Note, 0, len(as))
	for _, a := range as {
		text := a.Text
		if a.Node != "" && !namesNode(text, a.Node) {
			text = string(a.Node) + ": " + text
		}
		notes = append(notes, model.Note{Start: int64(a.At), End: int64(a.At), Text: text,
			Details: fmt.Sprintf("at %v (virtual time)", a.At), Tag: noteTag(a.Text),
			Client: model.GlobalClient})
	}
	return notes
}

// namesNode reports whether text contains id as a whole word.
func namesNode(text string, id nodeapi.NodeID) bool {
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return r == ' ' || r == ',' || r == ':' || r == '[' || r == ']' || r == '>'
	}) {
		if w == string(id) {
			return true
		}
	}
	return false
}

// noteTag picks the timeline row of an annotation from its first word.
func noteTag(text string) string {
	word, _, _ := strings.Cut(text, " ")
	switch word {
	case "leader", "stepped", "config", "leader-trap":
		return "leader"
	case "crash", "restart", "stop", "pause", "resume", "start", "crash-storm":
		return "node"
	case "partition", "cut", "isolate", "heal", "clog", "unclog", "hold", "replay":
		return "partition"
	case "add-voter", "remove-voter", "membership":
		return "admin"
	case "liveness", "stability":
		return "liveness"
	case "route", "route:":
		return "client"
	}
	return "fault"
}
