package register

import (
	"errors"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
)

// Every field survives encoding, and a frame with any one bit flipped is refused.
func TestMessageRoundTripAndDamage(t *testing.T) {
	m := message{Type: msgPrepare, View: 3, Label: 2, Version: 70, Pre: true, Need: true,
		Session: 1 << 60, Seq: 9, Op: nodeapi.Op{Kind: kv.Put, Key: "k1", Value: "v"},
		Status: statusOK, Primary: "n2", Result: nodeapi.Result{Value: "x", Found: true},
		State: []byte{1, 2, 3}}
	frame := encode(&m)
	back, err := decode(frame)
	if err != nil || !reflect.DeepEqual(back, m) {
		t.Fatalf("decode(encode(m)) = %+v, %v; want %+v", back, err, m)
	}
	for bit := range len(frame) * 8 {
		bad := append([]byte(nil), frame...)
		bad[bit/8] ^= 1 << (bit % 8)
		if _, err := decode(bad); err == nil {
			t.Fatalf("a frame with bit %d flipped was accepted", bit)
		}
	}
}

// Equal states encode alike whatever order they were built in, and decode back.
func TestStateEncodingIsCanonical(t *testing.T) {
	cfg := DefaultConfig()
	a, b := newState(), newState()
	ops := []nodeapi.Op{{Kind: kv.Put, Key: "x", Value: "1"}, {Kind: kv.Put, Key: "y", Value: "2"}}
	a.apply(7, 1, 1, ops[0], &cfg)
	a.apply(8, 1, 2, ops[1], &cfg)
	b.apply(8, 1, 2, ops[1], &cfg)
	b.apply(7, 1, 1, ops[0], &cfg)
	if string(a.bytes()) != string(b.bytes()) {
		t.Fatal("equal states encode differently")
	}
	back, err := stateFromBytes(a.bytes())
	if err != nil || !reflect.DeepEqual(back, a) {
		t.Fatalf("stateFromBytes = %+v, %v; want %+v", back, err, a)
	}
}

// A restart takes the newest whole record; a record cut short (a torn write that was never
// synced) yields the one before it; a checksum failure that a second read confirms is
// corruption, and one that it does not is read past.
func TestRecoveryFromTheTwoSlots(t *testing.T) {
	env := newFakeEnv("n1")
	n, err := testNode(env)
	if err != nil {
		t.Fatal(err)
	}
	for v := range uint64(3) {
		n.view = v + 1
		n.persist()
	}
	r, err := load(env)
	if err != nil || r.Gen != 3 || r.View != 3 {
		t.Fatalf("load = gen %d view %d, %v; want gen 3 view 3", r.Gen, r.View, err)
	}
	newest := slotFiles[3%2]
	whole := env.disk.files[newest]
	env.disk.files[newest] = whole[:len(whole)-1]
	if r, err = load(env); err != nil || r.Gen != 2 {
		t.Fatalf("with the newest record torn: gen %d, %v; want gen 2", r.Gen, err)
	}
	env.disk.files[newest] = whole
	env.disk.damage = func(name string, p []byte) []byte {
		if name == newest {
			p[len(p)-1] ^= 1
		}
		return p
	}
	var corrupt *CorruptionError
	if _, err = load(env); !errors.As(err, &corrupt) || corrupt.File != newest {
		t.Fatalf("with the newest record corrupted: %v; want a CorruptionError", err)
	}
	reads := env.disk.reads
	env.disk.damage = func(name string, p []byte) []byte {
		if name == newest && env.disk.reads == reads+1 {
			p[len(p)-1] ^= 1 // the first read only
		}
		return p
	}
	if r, err = load(env); err != nil || r.Gen != 3 {
		t.Fatalf("with one damaged read: gen %d, %v; want gen 3", r.Gen, err)
	}
}

// A vote leaves only once the Sync that holds it completes.
func TestVoteLeavesAfterItsSync(t *testing.T) {
	env := newFakeEnv("n1")
	n, err := testNode(env)
	if err != nil {
		t.Fatal(err)
	}
	req := message{Type: msgVoteReq, View: 1}
	n.HandleMessage("n2", encode(&req))
	if len(env.sent) != 0 || n.votedFor != "n2" {
		t.Fatalf("before the Sync: sent %v, voted for %q", env.sent, n.votedFor)
	}
	env.disk.completeSyncs(nil)
	if len(env.sent) != 1 || env.sent[0].to != "n2" || !env.sent[0].m.Granted {
		t.Fatalf("after the Sync: sent %+v; want one granted vote to n2", env.sent)
	}
}

// contract is what of simfuzz the register may import: the node contract and its codecs.
var contract = []string{"github.com/simfuzz/simfuzz/harness/nodeapi",
	"github.com/simfuzz/simfuzz/harness/nodeapi/client",
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv",
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"}

// The register runs outside the simulator: it imports the node contract (the client kit
// included, itself standard library only) and the standard library only, so a production
// binary links none of the harness.
func TestImportsOnlyTheNodeContract(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(path, "/")
			if strings.Contains(first, ".") && !slices.Contains(contract, path) {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
