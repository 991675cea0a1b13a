package generators_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// queueMix is a queue-shaped workload: enqueue a unique value, dequeue, with no key.
var queueMix = generators.ClientMix{
	Kinds: []generators.KindShare{{Kind: "enqueue", Share: 60}, {Kind: "dequeue", Share: 40}},
	Fill:  generators.UniqueValue("enqueue"),
}

func TestMixClientsDrawsTheMixWithoutKeys(t *testing.T) {
	gen := generators.MixClients(queueMix)
	o := generators.Default()
	seen := map[string]bool{}
	rapid.Check(t, func(t *rapid.T) {
		scripts := gen(t, o)
		require.NotEmpty(t, scripts)
		require.LessOrEqual(t, len(scripts), o.MaxClients)
		values := map[string]bool{}
		for _, c := range scripts {
			require.LessOrEqual(t, len(c.Ops), o.MaxOps)
			for _, op := range c.Ops {
				seen[op.Kind] = true
				require.Empty(t, op.Key)
				require.LessOrEqual(t, time.Duration(op.Think), 90*time.Millisecond)
				if op.Kind == "enqueue" {
					require.True(t, strings.HasPrefix(op.Value, string(c.ID)+"."), op.Value)
					require.False(t, values[op.Value], "value %q twice", op.Value)
					values[op.Value] = true
				} else {
					require.Empty(t, op.Value)
				}
			}
		}
	})
	require.Equal(t, map[string]bool{"enqueue": true, "dequeue": true}, seen)
}

func TestMixClientsHonoursOpKindsAndArgs(t *testing.T) {
	m := queueMix
	m.Keys = true
	m.Args = func(t *rapid.T, kind string, keys int) scenario.ClientOp {
		require.GreaterOrEqual(t, keys, 1)
		return scenario.ClientOp{Key: "q" + string(rune('0'+rapid.IntRange(0, 1).Draw(t, "q")))}
	}
	m.MaxThink = 5 * time.Millisecond
	gen := generators.MixClients(m)
	o := generators.Default()
	o.OpKinds = []string{"dequeue"}
	rapid.Check(t, func(t *rapid.T) {
		for _, c := range gen(t, o) {
			for _, op := range c.Ops {
				require.Equal(t, "dequeue", op.Kind)
				require.Contains(t, []string{"q0", "q1"}, op.Key)
				require.LessOrEqual(t, time.Duration(op.Think), 5*time.Millisecond)
			}
		}
	})
	require.Equal(t, []string{"enqueue", "dequeue"}, generators.MixKinds(queueMix.Kinds))
}
