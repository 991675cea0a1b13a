package cli

import (
	"bytes"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// runLog records, for each run of a toy target, its node's first draw (the same for both
// runs of a seed, another for each seed), and how many runs were starting at once.
type runLog struct {
	mu            sync.Mutex
	draws         []uint64
	starting, top int
}

type loggedSystem struct {
	toySystem
	log *runLog
}

func (s *loggedSystem) NewNode(env nodeapi.Env, b nodeapi.Boot) (nodeapi.Node, error) {
	l := s.log
	l.mu.Lock()
	l.starting++
	l.top = max(l.top, l.starting)
	l.draws = append(l.draws, env.Rand().Uint64())
	l.mu.Unlock()
	runtime.Gosched() // another run that could start now would
	n, err := s.toySystem.NewNode(env, b)
	l.mu.Lock()
	l.starting--
	l.mu.Unlock()
	return n, err
}

// With --check-determinism a campaign runs other seeds while a seed waits out its rerun
// gap, yet computes no more than --jobs seeds at once: over 60 seeds on one job, some
// seed's two runs are not back to back, and no two runs start at once.
func TestCheckDeterminismRunsOtherSeedsDuringTheGap(t *testing.T) {
	t.Chdir(t.TempDir())
	log := &runLog{}
	tg := toyTarget("toy-logged", false)
	tg.Tune = func(o *generators.Options) { o.Nodes, o.MaxClients, o.Kinds = []int{1}, 1, nil }
	tg.New = func(map[string]int64) (nodeapi.System, error) {
		return &loggedSystem{log: log}, nil
	}
	var out, errOut bytes.Buffer
	a := &app{targets: []fuzz.Target{tg}, stdout: &out, stderr: &errOut,
		watchSignals: watchSignals, getenv: func(string) string { return "" }}
	code := a.main([]string{"run", "--check-determinism", "--seeds", "60", "--jobs", "1",
		"--guided=false", "--out", "."})
	require.Equal(t, 0, code, "%s%s", out.String(), errOut.String())
	require.Len(t, log.draws, 120)
	require.Equal(t, 1, log.top, "runs starting at once")
	apart := 0
	for i := 0; i+1 < len(log.draws); i += 2 {
		if log.draws[i] != log.draws[i+1] {
			apart++
		}
	}
	require.Positive(t, apart, "every seed's two runs were back to back: the gap idled")
}
