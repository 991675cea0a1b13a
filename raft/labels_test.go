package raft

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Every wire type gets its own label, AppendEntries split by whether it carries entries,
// and every label MessageKinds lists is one some message gets.
func TestMessageKindLabelsEveryWireType(t *testing.T) {
	s := &System{}
	ent := []Entry{{Index: 4, Term: 2, Type: entryNoop}}
	cases := []struct {
		m    message
		want string
	}{
		{message{Type: msgPreVote, Term: 3, LastIndex: 9, LastTerm: 2}, "prevote"},
		{message{Type: msgPreVoteResp, Term: 3}, "prevote-resp"},
		{message{Type: msgVote, Term: 3, Transfer: true}, "vote"},
		{message{Type: msgVoteResp, Term: 3, Reject: true}, "vote-resp"},
		{message{Type: msgApp, Term: 2, PrevIndex: 3, PrevTerm: 1, Commit: 3, ReadID: 7,
			Entries: ent}, "append"},
		{message{Type: msgApp, Term: 1 << 40, PrevIndex: 1 << 33, Commit: 300}, "heartbeat"},
		{message{Type: msgAppResp, Term: 2, Index: 4}, "append-resp"},
		{message{Type: msgSnap, Term: 2, PrevIndex: 4, Snap: []byte("state")}, "snapshot"},
		{message{Type: msgTimeoutNow, Term: 2}, "timeout-now"},
		{message{Type: msgClientReq, Seq: 1, Nonce: 2, Op: nodeapi.Op{Kind: 1, Key: "k"}},
			"client"},
		{message{Type: msgClientResp, Seq: 1, Status: statusOK}, "client-resp"},
		{message{Type: msgAdminReq, Seq: 1, Target: "n4", Action: adminAdd}, "admin"},
		{message{Type: msgAdminResp, Seq: 1, Status: statusRetry}, "admin-resp"},
	}
	var got []string
	for _, c := range cases {
		kind := s.MessageKind(encodeMessage(&c.m))
		require.Equal(t, c.want, kind, "%v", c.m.Type)
		got = append(got, kind)
	}
	kinds := s.MessageKinds()
	slices.Sort(got)
	sorted := slices.Clone(kinds)
	slices.Sort(sorted)
	require.Equal(t, sorted, got, "MessageKinds lists exactly the labels messages get")
	require.Len(t, kinds, int(msgTypeEnd-msgPreVote)+1)
}

// A frame that does not parse gets no label, and no input makes MessageKind panic.
func TestMessageKindOfBrokenFrames(t *testing.T) {
	s := &System{}
	app := encodeMessage(&message{Type: msgApp, Term: 2, Entries: []Entry{{Index: 1,
		Term: 2, Type: entryNoop}}})
	require.Empty(t, s.MessageKind(nil))
	require.Empty(t, s.MessageKind(app[:6]))
	bad := slices.Clone(app)
	bad[0] = msgVersion + 1
	require.Empty(t, s.MessageKind(bad), "unknown version")
	bad = slices.Clone(app)
	bad[1] = uint8(msgTypeEnd)
	require.Empty(t, s.MessageKind(bad), "unknown type")
	require.Empty(t, s.MessageKind(append([]byte{msgVersion, uint8(msgApp)},
		0xff, 0xff, 0xff, 0xff, 0xff)), "truncated header")

	rng := rand.New(rand.NewPCG(1, 2))
	kinds := s.MessageKinds()
	for range 20000 {
		p := make([]byte, rng.IntN(40))
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		if len(p) > 1 && rng.IntN(2) == 0 {
			p[0], p[1] = msgVersion, byte(rng.IntN(int(msgTypeEnd)+1))
		}
		if k := s.MessageKind(p); k != "" {
			require.Contains(t, kinds, k)
		}
	}
}
