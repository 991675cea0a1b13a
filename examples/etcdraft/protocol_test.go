package etcdraft

import (
	"testing"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	kvop "github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/stretchr/testify/require"
)

func TestRequestAndResponseRoundTrip(t *testing.T) {
	req := request{seq: 3, nonce: 99, act: actOp,
		op: nodeapi.Op{Kind: kvop.CAS, Key: "k", Value: "new", Expect: "old"}}
	kind, payload, err := unframe(encodeRequest(&req))
	require.NoError(t, err)
	require.Equal(t, frameRequest, kind)
	got, err := decodeRequest(payload)
	require.NoError(t, err)
	require.Equal(t, req, got)

	admin := request{seq: 4, nonce: 99, act: actRemoveVoter, target: "n3"}
	_, payload, err = unframe(encodeRequest(&admin))
	require.NoError(t, err)
	got, err = decodeRequest(payload)
	require.NoError(t, err)
	require.Equal(t, admin, got)

	resp := response{seq: 3, status: statusNotLeader, leader: "n2",
		result: nodeapi.Result{Value: "v", Found: true, OK: true}, text: "why"}
	_, payload, err = unframe(encodeResponse(&resp))
	require.NoError(t, err)
	gotResp, err := decodeResponse(payload)
	require.NoError(t, err)
	require.Equal(t, resp, gotResp)
}

// The network may flip any bit of a datagram; every such frame must be refused, since
// etcd/raft would trust a damaged message completely.
func TestFrameRefusesEveryBitFlip(t *testing.T) {
	f := encodeRequest(&request{seq: 1, nonce: 2, act: actOp,
		op: nodeapi.Op{Kind: kvop.Put, Key: "k", Value: "v"}})
	for bit := range len(f) * 8 {
		damaged := append([]byte(nil), f...)
		damaged[bit/8] ^= 1 << (bit % 8)
		_, _, err := unframe(damaged)
		require.Error(t, err, "bit %d", bit)
	}
	_, _, err := unframe(f[:3])
	require.Error(t, err)
}

func TestConfContextRoundTrip(t *testing.T) {
	c := confContext{name: "n6", client: "admin", seq: 12}
	got, err := decodeConfContext(encodeConfContext(&c))
	require.NoError(t, err)
	require.Equal(t, c, got)
}

func TestRaftIDAvoidsReservedValues(t *testing.T) {
	ns := names{}
	for _, id := range []nodeapi.NodeID{"n1", "n2", "n3", "n4", "n5", "n6", "spare-1"} {
		require.NotZero(t, raftID(id))
		require.True(t, ns.learn(id), "%s collides", id)
		require.Equal(t, id, ns.name(raftID(id)))
	}
	require.Equal(t, raftID("n1"), raftID("n1"), "every node computes the same ID")
}
