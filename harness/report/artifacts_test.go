package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

func lostWrite(t *testing.T) report.Report {
	s := fixtures.ToyScenario()
	s.Note = "a <hand-written> scenario"
	s.Faults = []scenario.Fault{{At: scenario.Duration(200 * time.Millisecond),
		Kind: scenario.FaultCrash, Node: "n1", For: scenario.Duration(100 * time.Millisecond)}}
	res, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	return report.Report{Scenario: s, Result: res}
}

// requireNoTemporaries fails if dir holds a temporary name of WriteArtifacts or
// WriteFileAtomic.
func requireNoTemporaries(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.NotContains(t, e.Name(), ".tmp-", "a temporary is left in %s", dir)
	}
}

// A seed folder written again replaces the old one whole: no file of the old one stays,
// no temporary is left.
func TestWriteArtifactsReplacesAFolderWhole(t *testing.T) {
	out := t.TempDir()
	dir := filepath.Join(out, "seed-5")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "stale.txt"), []byte("old"), 0o644))
	a, err := report.WriteArtifacts(dir, lostWrite(t))
	require.NoError(t, err)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	require.ElementsMatch(t, []string{"scenario.json", "history.html", "report.txt"}, names)
	report, err := os.ReadFile(a.Report)
	require.NoError(t, err)
	require.Contains(t, string(report), "history view: "+a.HTML, "final paths, not temporary")
	requireNoTemporaries(t, out)
}

// A folder that cannot be written leaves nothing behind under its name.
func TestWriteArtifactsFailsWhole(t *testing.T) {
	out := t.TempDir()
	file := filepath.Join(out, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err := report.WriteArtifacts(filepath.Join(file, "seed-1"), lostWrite(t))
	require.Error(t, err)
	requireNoTemporaries(t, out)
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.json")
	require.NoError(t, report.WriteFileAtomic(path, []byte("one")))
	require.NoError(t, report.WriteFileAtomic(path, []byte("two")))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "two", string(b))
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), st.Mode().Perm())
	requireNoTemporaries(t, dir)
	require.Error(t, report.WriteFileAtomic(filepath.Join(dir, "no", "x.json"), nil))
	requireNoTemporaries(t, dir)
}

// The notes name a node once: "leader n1 term 2", not "n1: leader n1 term 2".
func TestNotesNameTheNodeOnce(t *testing.T) {
	notes := report.Notes([]sim.Annotation{
		{At: time.Second, Node: "n1", Text: "leader n1 term 2"},
		{At: 2 * time.Second, Node: "n1", Text: "crash"},
		{At: 3 * time.Second, Node: "n4", Text: "add-voter n4"},
		{At: 4 * time.Second, Node: "@leader", Text: "crash-storm @leader rate 0.1 per event"},
	})
	var texts, tags []string
	for _, n := range notes {
		texts, tags = append(texts, n.Text), append(tags, n.Tag)
	}
	require.Equal(t, []string{"leader n1 term 2", "n1: crash", "add-voter n4",
		"crash-storm @leader rate 0.1 per event"}, texts)
	require.Equal(t, []string{"leader", "node", "admin", "node"}, tags)
	require.Equal(t, "at 1s (virtual time)", notes[0].Details)
}

// Membership changes and crash storms are on the timeline like every other fault, even
// when the system cannot carry them out.
func TestRunAnnotatesEveryFault(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Cluster.Spares = []nodeapi.NodeID{"n4"}
	s.Faults = []scenario.Fault{
		{At: scenario.Duration(time.Second), Kind: scenario.FaultAddVoter, Node: "n4"},
		{At: scenario.Duration(2 * time.Second), Kind: scenario.FaultCrashStorm, Node: "n2",
			Rate: 0.5, For: scenario.Duration(time.Second)},
	}
	res, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	var texts []string
	for _, a := range res.Annotations {
		texts = append(texts, a.Text)
	}
	all := strings.Join(texts, "\n")
	require.Contains(t, all, "add-voter n4")
	require.Contains(t, all, "crash-storm n2 rate 0.5 per event for 1s")
}

// A scenario with more operations than its safety phase has time for says how many never
// started, in the result and in the report.
func TestRunCountsOperationsThatNeverStarted(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Clients[0].Ops = nil
	for range 100 {
		s.Clients[0].Ops = append(s.Clients[0].Ops, scenario.ClientOp{
			Think: scenario.Duration(100 * time.Millisecond), Kind: "put", Key: "k", Value: "v"})
	}
	s.Safety = scenario.Duration(time.Second)
	res, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	started := len(res.History) - 1 // the probe is not a scripted operation
	require.Positive(t, res.OpsNotStarted)
	require.Equal(t, 100, started+res.OpsNotStarted)
	report := report.Report{Scenario: s, Result: res}.String()
	require.Contains(t, report, "100 operations (")
	require.Contains(t, report, " never started: the safety phase ended first)")
}

// The HTML view says which run it shows: seed and verdict in the title, the message and
// the note in the header, the clients by name.
func TestHistoryPageNamesTheRun(t *testing.T) {
	rep := lostWrite(t)
	p := report.HistoryPage(rep)
	require.Equal(t, "simfuzz: seed 7: FAILURE (linearizability)", p.Title)
	require.True(t, p.Failed)
	require.Contains(t, p.Lines, rep.Result.Failure.Message)
	require.Contains(t, p.Lines, "note: a <hand-written> scenario")
	require.Equal(t, []string{"c1", "probe"}, p.Clients)
	path := filepath.Join(t.TempDir(), "v.html")
	require.NoError(t, report.WriteHistoryView(path, rep))
	page, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(page), "<title>simfuzz: seed 7: FAILURE (linearizability)")
	require.Contains(t, string(page), "note: a &lt;hand-written&gt; scenario")
}
