package counterd

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/client"
)

func TestFramesRoundTripAndDamageIsDropped(t *testing.T) {
	req := client.Request{Session: 7, Seq: 3, Op: nodeapi.Op{Kind: Add, Value: "2"}}
	frame := codec{}.EncodeRequest(req)
	got, err := decodeRequest(frame)
	require.NoError(t, err)
	require.Equal(t, req, got)
	rep := client.Reply{Seq: 3, Status: client.NotLeader, Leader: "n1",
		Result: nodeapi.Result{Value: "5"}}
	back, ok := codec{}.DecodeReply(encodeReply(rep))
	require.True(t, ok)
	require.Equal(t, rep, back)
	for i := range frame {
		bad := append([]byte(nil), frame...)
		bad[i] ^= 0x10
		_, err := decodeRequest(bad)
		require.Error(t, err, "a flipped bit at byte %d passed", i)
	}
	_, ok = codec{}.DecodeReply(frame) // a request is no reply
	require.False(t, ok)
}

func TestStateRoundTripAndCorruptionIsCaught(t *testing.T) {
	st := state{total: -4, sessions: map[uint64]session{9: {seq: 2, result: "-4"},
		1: {seq: 5, result: "3"}}}
	b := st.encode()
	back, err := decodeState(b)
	require.NoError(t, err)
	require.Equal(t, st, back)
	b[len(b)-1] ^= 1
	_, err = decodeState(b)
	require.ErrorIs(t, err, errCorrupt)
}

// The counter runs outside the simulator: it imports the node contract (with its client
// kit) and the standard library only.
func TestImportsOnlyTheNodeContract(t *testing.T) {
	names, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(path, "/")
			if strings.Contains(first, ".") && path != "github.com/simfuzz/simfuzz/harness/nodeapi" &&
				path != "github.com/simfuzz/simfuzz/harness/nodeapi/client" {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
