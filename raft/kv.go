package raft

import (
	"cmp"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	kvop "github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

func validKind(op nodeapi.Op) bool { return kvop.Valid(op.Kind) }

func isWrite(op nodeapi.Op) bool { return kvop.IsWrite(op.Kind) }

// sessionKey names one client incarnation: the client's endpoint and the random nonce it
// drew at creation, so that a re-created client never collides with its predecessor.
type sessionKey struct {
	client nodeapi.NodeID
	nonce  uint64
}

// session is the last write applied for a client and its result, for deduplication.
type session struct {
	seq    uint64
	result nodeapi.Result
}

// command is a decoded client write as stored in a log entry. Decoded from an entry, its
// op.Value and op.Expect share the entry's data (decodeCommand): what keeps one copies it.
type command struct {
	key sessionKey
	seq uint64
	op  nodeapi.Op
}

func encodeCommand(c *command) []byte {
	e := wire.Encoder{Buf: make([]byte, 0, 24+len(c.key.client)+len(c.op.Key)+len(c.op.Value)+
		len(c.op.Expect))}
	e.Str(string(c.key.client))
	e.Uvarint(c.key.nonce)
	e.Uvarint(c.seq)
	kvop.EncodeOp(&e, c.op)
	return e.Buf
}

// decodeCommand reads a command entry, its client ID and key through names: a replica
// applies every write of a few clients on a few keys, and sharing one string for each
// spares an allocation per name per entry. Its session key comes from sessions when the
// entry starts with the encoding of a recent one. The operation's value and expected value
// are not copied out of data (kvop.DecodeOpView): a write's value is often only looked at
// (a cas that fails, an append, a duplicate), and applyCommand copies one it stores.
func decodeCommand(data []byte, names *wire.Interner, sessions *sessionCache) (command, error) {
	var c command
	d := newDecoder(data)
	if key, n, ok := sessions.lookup(data); ok {
		c.key, d = key, newDecoder(data[n:])
	} else {
		c.key = sessionKey{client: nodeapi.NodeID(names.Str(&d)), nonce: d.Uvarint()}
		if d.Err() == nil {
			sessions.add(data[:len(data)-d.Len()], c.key)
		}
	}
	c.seq = d.Uvarint()
	c.op = kvop.DecodeOpView(&d, names)
	if err := d.Done(); err != nil {
		return command{}, wrap("command entry", err)
	}
	return c, nil
}

// sessionCacheSize bounds the session keys a sessionCache remembers.
const sessionCacheSize = 8

// sessionCache remembers the encoded (client ID, nonce) prefix of the last few session
// keys a node decoded from command entries. A replica applies long runs of writes from a
// few sessions, and both fields are self-delimiting (a length-prefixed string, a varint),
// so an entry that starts with a remembered prefix byte for byte decodes to its key: a hit
// skips hashing the client ID and reading the nonce's ten-byte varint.
type sessionCache struct {
	prefix [sessionCacheSize][]byte
	key    [sessionCacheSize]sessionKey
	next   int
}

// lookup returns the key that data's prefix encodes and that prefix's length, if remembered.
func (c *sessionCache) lookup(data []byte) (sessionKey, int, bool) {
	for i := range c.prefix {
		p := c.prefix[i]
		// The nonce's last byte, nearly random, turns most misses away before the compare.
		if n := len(p); n > 0 && n <= len(data) && data[n-1] == p[n-1] &&
			string(data[:n]) == string(p) {
			return c.key[i], n, true
		}
	}
	return sessionKey{}, 0, false
}

// add remembers that prefix (copied) encodes key, in place of the oldest remembered key.
func (c *sessionCache) add(prefix []byte, key sessionKey) {
	c.prefix[c.next] = append(c.prefix[c.next][:0], prefix...)
	c.key[c.next] = key
	c.next = (c.next + 1) % sessionCacheSize
}

// kvStore is the replicated state machine: the key-value map plus the client session table.
// A session is held by pointer so that applying a write finds it with one hash of its key
// (in dedup) and updates it in place, where a value would cost a second hash to store.
type kvStore struct {
	// data holds each present key's value by pointer, for the same reason as sessions: an
	// overwrite (most writes) finds the value with one hash and replaces it in place.
	data     map[string]*string
	sessions map[sessionKey]*session
	// recent holds the last few sessions found or made, newest at next-1: a replica
	// applies long runs of writes from a few sessions, and comparing a key with a handful
	// costs less than hashing it (a string and a number) into the table. Sessions are never
	// removed, so a remembered one is always the table's.
	recent [recentSessions]sessionRef
	next   int
	// sum caches digest until the next change (hasSum): the liveness phase asks for the
	// digest of every replica before every event while it waits for them to converge.
	sum    uint64
	hasSum bool
}

// recentSessions is how many sessions a kvStore remembers beside its table.
const recentSessions = 4

// sessionRef is a remembered session and its key.
type sessionRef struct {
	key sessionKey
	s   *session
}

// session returns the session of key, or nil.
func (kv *kvStore) session(key sessionKey) *session {
	for i := range kv.recent {
		// The nonce, drawn at random, turns most others away before the string compare.
		if r := &kv.recent[i]; r.key.nonce == key.nonce && r.s != nil && r.key.client == key.client {
			return r.s
		}
	}
	s := kv.sessions[key]
	if s != nil {
		kv.remember(key, s)
	}
	return s
}

func (kv *kvStore) remember(key sessionKey, s *session) {
	kv.recent[kv.next] = sessionRef{key: key, s: s}
	kv.next = (kv.next + 1) % recentSessions
}

func newKVStore() *kvStore {
	return &kvStore{data: map[string]*string{}, sessions: map[sessionKey]*session{}}
}

// dedup is the exactly-once rule: a command whose sequence number the session has already
// applied must not apply again. It returns the cached result for a retry of the latest write
// and reports stale for an older one (its client has long moved on), and the command's
// session (nil if it has none yet).
func (kv *kvStore) dedup(c *command) (cached nodeapi.Result, dup bool, s *session) {
	s = kv.session(c.key)
	if s == nil || c.seq > s.seq {
		return nodeapi.Result{}, false, s
	}
	return s.result, true, s
}

// applyCommand applies one committed write (exactly once per client sequence number).
func (kv *kvStore) applyCommand(c *command) nodeapi.Result {
	cached, dup, s := kv.dedup(c)
	if dup {
		return cached
	}
	cell := kv.data[c.op.Key]
	var value string
	if cell != nil {
		value = *cell
	}
	value, present, res := kvop.Apply(value, cell != nil, c.op)
	if present && value == c.op.Value {
		// The new value is the operation's (a put, a cas, an append to nothing), which
		// may share the entry's data: the store keeps a copy of its own.
		value = strings.Clone(value)
	}
	switch {
	case present && cell != nil:
		*cell = value
	case present:
		v := value // only a new key's value goes to the heap
		kv.data[c.op.Key] = &v
	case cell != nil:
		delete(kv.data, c.op.Key)
	}
	if s == nil {
		s = &session{}
		kv.sessions[c.key] = s
		kv.remember(c.key, s)
	}
	s.seq, s.result = c.seq, res
	kv.hasSum = false
	return res
}

// read serves a get from the current state.
func (kv *kvStore) read(key string) nodeapi.Result {
	if cell := kv.data[key]; cell != nil {
		return nodeapi.Result{Value: *cell, Found: true}
	}
	return nodeapi.Result{}
}

// encode renders the state with sorted keys, so equal states encode equally.
func (kv *kvStore) encode(e *wire.Encoder) {
	keys := make([]string, 0, len(kv.data))
	for k := range kv.data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.Uvarint(uint64(len(keys)))
	for _, k := range keys {
		e.Str(k)
		e.Str(*kv.data[k])
	}
	sks := make([]sessionKey, 0, len(kv.sessions))
	for sk := range kv.sessions {
		sks = append(sks, sk)
	}
	slices.SortFunc(sks, func(a, b sessionKey) int {
		return cmp.Or(cmp.Compare(a.client, b.client), cmp.Compare(a.nonce, b.nonce))
	})
	e.Uvarint(uint64(len(sks)))
	for _, sk := range sks {
		s := kv.sessions[sk]
		e.Str(string(sk.client))
		e.Uvarint(sk.nonce)
		e.Uvarint(s.seq)
		e.Str(s.result.Value)
		e.Bool(s.result.Found)
		e.Bool(s.result.OK)
	}
}

func decodeKVStore(d *wire.Decoder) *kvStore {
	kv := newKVStore()
	n := d.Count(2)
	for i := 0; i < n && d.Err() == nil; i++ {
		k := d.Str()
		v := d.Str()
		kv.data[k] = &v
	}
	n = d.Count(5)
	for i := 0; i < n && d.Err() == nil; i++ {
		sk := sessionKey{client: nodeapi.NodeID(d.Str()), nonce: d.Uvarint()}
		s := &session{seq: d.Uvarint()}
		s.result.Value = d.Str()
		s.result.Found, s.result.OK = d.Bool(), d.Bool()
		kv.sessions[sk] = s
	}
	return kv
}

// digest is a hash of the whole state, for convergence checks.
func (kv *kvStore) digest() uint64 {
	if kv.hasSum {
		return kv.sum
	}
	e := wire.Encoder{}
	kv.encode(&e)
	h := fnv.New64a()
	h.Write(e.Buf)
	kv.sum, kv.hasSum = h.Sum64(), true
	return kv.sum
}
