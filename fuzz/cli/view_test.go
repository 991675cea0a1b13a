package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// embedded decodes the JSON value that follows marker in an HTML page.
func embedded(t *testing.T, page, marker string, v any) {
	t.Helper()
	i := strings.LastIndex(page, marker)
	require.GreaterOrEqual(t, i, 0, "no %q in the page", marker)
	require.NoError(t, json.NewDecoder(strings.NewReader(page[i+len(marker):])).Decode(v))
}

func viewScenario() scenario.Scenario {
	d := func(x time.Duration) scenario.Duration { return scenario.Duration(x) }
	return scenario.Scenario{Version: 1, Seed: 42, Note: "the view names what it shows",
		Cluster: scenario.ClusterConfig{Nodes: []nodeapi.NodeID{"n1", "n2", "n3"},
			Spares: []nodeapi.NodeID{"n4"}},
		Network: scenario.NetworkConfig{LatencyMin: d(time.Millisecond),
			LatencyMax: d(2 * time.Millisecond)},
		Disk: scenario.DiskConfig{SyncLatencyMin: d(200 * time.Microsecond),
			SyncLatencyMax: d(time.Millisecond)},
		Clients: []scenario.ClientScript{{ID: "c1", Ops: []scenario.ClientOp{
			{Kind: "put", Key: "k", Value: "a"}, {Think: d(time.Second), Kind: "get", Key: "k"},
			{Think: d(2 * time.Second), Kind: "get", Key: "k"}}}},
		Faults: []scenario.Fault{
			{At: d(1500 * time.Millisecond), Kind: scenario.FaultAddVoter, Node: "n4"},
			{At: d(2500 * time.Millisecond), Kind: scenario.FaultCrashStorm,
				Node: scenario.LeaderTarget, Rate: 0.05, For: d(time.Second)},
		},
		Safety: d(4 * time.Second), Liveness: d(20 * time.Second)}
}

// The HTML view of a replay names the run (title and header: seed, verdict, note), the
// clients by name, every fault on the timeline, and each leader change once, without the
// node's name twice.
func TestHistoryViewNamesWhatItShows(t *testing.T) {
	dir := t.TempDir()
	path, view := filepath.Join(dir, "s.json"), filepath.Join(dir, "v.html")
	require.NoError(t, scenario.SaveScenario(path, viewScenario()))
	code, _, stderr := run(t, "replay", "--trace", "0", "--html", view, path)
	require.Equal(t, 0, code, stderr)
	raw, err := os.ReadFile(view)
	require.NoError(t, err)
	page := string(raw)
	var desc struct {
		Title   string
		Lines   []string
		Clients []string
	}
	embedded(t, page, "const simfuzz = ", &desc)
	require.Equal(t, "simfuzz: seed 42: PASS", desc.Title)
	require.Contains(t, page, "<title>simfuzz: seed 42: PASS</title>")
	require.Contains(t, desc.Lines, "note: the view names what it shows")
	require.Equal(t, []string{"c1", "probe"}, desc.Clients)

	var data struct {
		Annotations []struct{ Tag, Description string }
	}
	embedded(t, page, "const data = ", &data)
	var leaders []string
	faults := map[string]string{}
	repeated := regexp.MustCompile(`^(n\d+): .*\b(n\d+)\b`)
	for _, a := range data.Annotations {
		faults[strings.Fields(a.Description)[0]] = a.Tag
		if a.Tag == "leader" && strings.HasPrefix(a.Description, "leader ") {
			leaders = append(leaders, a.Description)
		}
		if m := repeated.FindStringSubmatch(a.Description); m != nil {
			require.NotEqual(t, m[1], m[2], "%q names its node twice", a.Description)
		}
	}
	require.Equal(t, "admin", faults["add-voter"], "the membership change is on the timeline")
	require.Equal(t, "node", faults["crash-storm"], "the crash storm's start is on it")
	require.NotEmpty(t, leaders)
}
