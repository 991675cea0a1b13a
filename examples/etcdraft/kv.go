package etcdraft

import (
	"cmp"
	"errors"
	"hash/fnv"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	kvop "github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// sessionKey names one client incarnation: its endpoint and the random nonce it drew when
// created, so that a re-created client with the same name never inherits its
// predecessor's sequence numbers.
type sessionKey struct {
	client nodeapi.NodeID
	nonce  uint64
}

// session is the latest write a client incarnation had applied, and its result: the
// deduplication record that makes a retried write apply once.
type session struct {
	seq    uint64
	result nodeapi.Result
}

// command is a client write as it travels through the log.
type command struct {
	key sessionKey
	seq uint64
	op  nodeapi.Op
}

// encodeCommand renders c as the data of a log entry.
func encodeCommand(c *command) []byte {
	e := wire.Encoder{Buf: make([]byte, 0, 32+len(c.key.client)+len(c.op.Key)+len(c.op.Value))}
	e.Str(string(c.key.client))
	e.Uvarint(c.key.nonce)
	e.Uvarint(c.seq)
	kvop.EncodeOp(&e, c.op)
	return e.Buf
}

func decodeCommand(data []byte) (command, error) {
	d := newDecoder(data)
	c := command{key: sessionKey{client: nodeapi.NodeID(d.Str()), nonce: d.Uvarint()}}
	c.seq = d.Uvarint()
	c.op = kvop.DecodeOp(&d)
	return c, d.Done()
}

// kvStore is the replicated state machine: the key-value map and the session table. It is
// rebuilt on restart from the latest snapshot plus the committed entries after it.
type kvStore struct {
	data     map[string]string
	sessions map[sessionKey]session
}

func newKVStore() *kvStore {
	return &kvStore{data: map[string]string{}, sessions: map[sessionKey]session{}}
}

// apply runs one committed write exactly once per client sequence number: a retry of the
// latest write gets the cached result, an older one (its client has moved on after giving
// up on it) is dropped with an empty result nobody waits for.
func (kv *kvStore) apply(c *command) nodeapi.Result {
	if s, ok := kv.sessions[c.key]; ok && c.seq <= s.seq {
		return s.result
	}
	value, present := kv.data[c.op.Key]
	value, present, res := kvop.Apply(value, present, c.op)
	if present {
		kv.data[c.op.Key] = value
	} else {
		delete(kv.data, c.op.Key)
	}
	kv.sessions[c.key] = session{seq: c.seq, result: res}
	return res
}

// applied reports whether the write (key, seq) has been applied, with its cached result.
func (kv *kvStore) applied(key sessionKey, seq uint64) (nodeapi.Result, bool) {
	s, ok := kv.sessions[key]
	if !ok || s.seq != seq {
		return nodeapi.Result{}, false
	}
	return s.result, true
}

func (kv *kvStore) read(key string) nodeapi.Result {
	v, ok := kv.data[key]
	return nodeapi.Result{Value: v, Found: ok}
}

// encode renders the state and the name registry with sorted keys, so that equal states
// have equal bytes (snapshots, convergence digests).
func (kv *kvStore) encode(e *wire.Encoder, ns names) {
	registered := ns.sorted()
	e.Uvarint(uint64(len(registered)))
	for _, name := range registered {
		e.Str(string(name))
	}
	keys := make([]string, 0, len(kv.data))
	for k := range kv.data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.Uvarint(uint64(len(keys)))
	for _, k := range keys {
		e.Str(k)
		e.Str(kv.data[k])
	}
	kv.encodeSessions(e)
}

func (kv *kvStore) encodeSessions(e *wire.Encoder) {
	keys := make([]sessionKey, 0, len(kv.sessions))
	for k := range kv.sessions {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b sessionKey) int {
		return cmp.Or(cmp.Compare(a.client, b.client), cmp.Compare(a.nonce, b.nonce))
	})
	e.Uvarint(uint64(len(keys)))
	for _, k := range keys {
		s := kv.sessions[k]
		e.Str(string(k.client))
		e.Uvarint(k.nonce)
		e.Uvarint(s.seq)
		e.Str(s.result.Value)
		e.U8(boolByte(s.result.Found) | boolByte(s.result.OK)<<1)
	}
}

func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// decodeKV parses a snapshot's data: the state machine and the name registry it carries.
func decodeKV(data []byte) (*kvStore, names, error) {
	d := newDecoder(data)
	ns := names{}
	for range d.Count(1) {
		ns.learn(nodeapi.NodeID(d.Str()))
	}
	kv := newKVStore()
	for range d.Count(1) {
		k := d.Str()
		kv.data[k] = d.Str()
	}
	for range d.Count(1) {
		key := sessionKey{client: nodeapi.NodeID(d.Str()), nonce: d.Uvarint()}
		s := session{seq: d.Uvarint(), result: nodeapi.Result{Value: d.Str()}}
		flags := d.U8()
		s.result.Found, s.result.OK = flags&1 != 0, flags&2 != 0
		kv.sessions[key] = s
	}
	if err := d.Done(); err != nil {
		return nil, nil, errors.New("snapshot data: " + err.Error())
	}
	return kv, ns, nil
}

// digest is a hash of the key-value map and the sessions, for the convergence check.
func (kv *kvStore) digest() uint64 {
	e := wire.Encoder{}
	kv.encode(&e, names{})
	h := fnv.New64a()
	h.Write(e.Buf)
	return h.Sum64()
}
