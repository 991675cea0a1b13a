package client

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Against servers that drop, duplicate, delay and misdirect at random, every Invoke gets
// exactly one done, never from inside Invoke, and an operation the servers applied is
// never reported with another result. Each server applies a (session, seq) at most once.
func TestExactlyOneDoneUnderRandomAnswers(t *testing.T) {
	for seed := range uint64(200) {
		env := newFakeEnv(seed)
		c, err := New(env, servers, testConfig, testCodec{})
		require.NoError(t, err)
		rng := rand.New(rand.NewPCG(seed, 7))
		applied := map[uint64]int{}
		for i := range 20 {
			var got outcomes
			inside := true
			c.Invoke(put("v"), func(o nodeapi.Outcome) {
				require.False(t, inside, "done called from inside Invoke")
				got.done(o)
			})
			inside = false
			for step := 0; step < 40 && len(got) == 0; step++ {
				answerRandomly(c, env, rng, applied)
				env.advance(time.Duration(rng.IntN(150)) * time.Millisecond)
			}
			env.advance(2 * testConfig.OperationTimeout)
			require.Len(t, got, 1, "seed %d op %d", seed, i)
			if n, ok := applied[uint64(i+1)]; ok && !got[0].Unknown {
				require.Equal(t, strconv.Itoa(n), got[0].Result.Value, "seed %d op %d", seed, i)
			}
		}
	}
}

// answerRandomly answers the datagrams sent so far at random: not at all, OK (applying
// the request once), a hint (right or wrong), a retry, or twice.
func answerRandomly(c *Client, env *fakeEnv, rng *rand.Rand, applied map[uint64]int) {
	out := env.sent
	env.sent = nil
	for _, s := range out {
		req := decodeTestRequest(s.frame)
		r := Reply{Seq: req.Seq}
		switch rng.IntN(5) {
		case 0:
			continue
		case 1:
			if _, ok := applied[req.Seq]; !ok {
				applied[req.Seq] = int(req.Seq) * 10
			}
			r.Status, r.Result = OK, nodeapi.Result{Value: strconv.Itoa(applied[req.Seq])}
		case 2:
			r.Status, r.Leader = NotLeader, servers[rng.IntN(len(servers))]
		case 3:
			r.Status = Retry
		case 4:
			r.Status = NotLeader
		}
		for range 1 + rng.IntN(2) {
			c.HandleMessage(s.to, replyFrame(r))
		}
	}
}
