package harness

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/simfuzz/simfuzz/model"
)

// Artifacts are the files written for one failure.
type Artifacts struct {
	Dir, Scenario, HTML, Report string
}

// WriteArtifacts saves a failure under dir: the scenario JSON (which replays it), the
// porcupine HTML view of the history with faults and leader changes as notes, and the text
// report. It returns the paths so the report can name them.
func WriteArtifacts(dir string, rep Report) (Artifacts, error) {
	a := Artifacts{Dir: dir, Scenario: filepath.Join(dir, "scenario.json"),
		HTML: filepath.Join(dir, "history.html"), Report: filepath.Join(dir, "report.txt")}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return a, err
	}
	if err := SaveScenario(a.Scenario, rep.Scenario); err != nil {
		return a, err
	}
	if err := WriteHTMLFile(a.HTML, rep.Result); err != nil {
		return a, err
	}
	rep.ScenarioPath, rep.HTMLPath = a.Scenario, a.HTML
	return a, os.WriteFile(a.Report, []byte(rep.String()), 0o644)
}

// WriteHTMLFile writes the porcupine view of res's history. A history that was not checked
// (the run failed before the check) is checked here, so the view always shows a verdict.
func WriteHTMLFile(path string, res *RunResult) error {
	v := res.Verdict
	if v.Ops == 0 && len(res.History) > 0 {
		v = res.workload().Check(res.History)
	}
	var buf bytes.Buffer
	if err := model.WriteHTML(&buf, res.History, v, Notes(res.Annotations)); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// Notes turns the world's annotations into timeline notes for the HTML view.
func Notes(as []Annotation) []model.Note {
	notes := make([]model.Note, 0, len(as))
	for _, a := range as {
		text := a.Text
		if a.Node != "" {
			text = string(a.Node) + ": " + text
		}
		notes = append(notes, model.Note{Start: int64(a.At), End: int64(a.At), Text: text,
			Tag: noteTag(a.Text), Client: model.GlobalClient})
	}
	return notes
}

// noteTag picks the timeline row of an annotation from its first word.
func noteTag(text string) string {
	word, _, _ := strings.Cut(text, " ")
	switch word {
	case "leader", "stepped", "config":
		return "leader"
	case "crash", "restart", "stop", "pause", "resume", "start":
		return "node"
	case "partition", "cut", "isolate", "heal", "clog", "unclog":
		return "partition"
	case "liveness":
		return "liveness"
	}
	return "fault"
}
