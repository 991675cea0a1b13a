package register

import (
	"maps"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// session is what the state remembers of one client: its last operation's sequence number,
// the version that operation got, and its result.
type session struct {
	Seq, Version uint64
	Result       nodeapi.Result
}

// state is what the servers replicate: the keys and the clients' sessions.
type state struct {
	kv       map[string]string
	sessions map[uint64]session
}

func newState() state {
	return state{kv: map[string]string{}, sessions: map[uint64]session{}}
}

// validOp reports whether the register takes op: a get, or a put of a key it has room for.
func (s *state) validOp(op nodeapi.Op, cfg *Config) bool {
	switch op.Kind {
	case kv.Get:
		return true
	case kv.Put:
		_, known := s.kv[op.Key]
		return known || len(s.kv) < cfg.MaxKeys
	}
	return false
}

// apply runs operation seq of session sess as version and remembers its result.
func (s *state) apply(sess, seq, version uint64, op nodeapi.Op, cfg *Config) nodeapi.Result {
	value, present := s.kv[op.Key]
	value, present, res := kv.Apply(value, present, op)
	if present {
		s.kv[op.Key] = value
	}
	s.sessions[sess] = session{Seq: seq, Version: version, Result: res}
	if len(s.sessions) > cfg.MaxSessions {
		s.forgetOldestSession()
	}
	return res
}

// forgetOldestSession drops the session whose last operation is the oldest (versions are
// unique, so the choice is deterministic).
func (s *state) forgetOldestSession() {
	var oldest uint64
	first := true
	for id, ss := range s.sessions {
		if first || ss.Version < s.sessions[oldest].Version {
			oldest, first = id, false
		}
	}
	delete(s.sessions, oldest)
}

// encode writes the state in a canonical order, so that equal states encode alike.
func (s *state) encode(e *wire.Encoder) {
	e.Uvarint(uint64(len(s.kv)))
	for _, k := range slices.Sorted(maps.Keys(s.kv)) {
		e.Str(k)
		e.Str(s.kv[k])
	}
	e.Uvarint(uint64(len(s.sessions)))
	for _, id := range slices.Sorted(maps.Keys(s.sessions)) {
		ss := s.sessions[id]
		e.Uvarint(id)
		e.Uvarint(ss.Seq)
		e.Uvarint(ss.Version)
		e.Str(ss.Result.Value)
		e.Bool(ss.Result.Found)
		e.Bool(ss.Result.OK)
	}
}

// bytes is the state's encoding on its own.
func (s *state) bytes() []byte {
	var e wire.Encoder
	s.encode(&e)
	return e.Buf
}

// digest is a checksum of the state, for the invariant checks and convergence.
func (s *state) digest() uint32 { return wire.Checksum(s.bytes()) }

// decodeState reads a state written by encode; d's error says whether it was whole.
func decodeState(d *wire.Decoder) state {
	s := newState()
	for n := d.Count(2); n > 0 && d.Err() == nil; n-- {
		k := d.Str()
		s.kv[k] = d.Str()
	}
	for n := d.Count(6); n > 0 && d.Err() == nil; n-- {
		id := d.Uvarint()
		ss := session{Seq: d.Uvarint(), Version: d.Uvarint()}
		ss.Result = nodeapi.Result{Value: d.Str(), Found: d.Bool(), OK: d.Bool()}
		s.sessions[id] = ss
	}
	return s
}

// stateFromBytes reads a state sent whole by a primary.
func stateFromBytes(p []byte) (state, error) {
	d := wire.NewDecoder(p, maxField)
	s := decodeState(&d)
	return s, d.Done()
}
