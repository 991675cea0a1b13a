package lockd

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// lockState is one lock: its holder ("" when free) and the last token granted, which
// survives a release so that the next grant is larger, with the term of the entry that
// granted it.
type lockState struct {
	owner string
	token uint64
	term  uint64
}

// session remembers the latest command of one client incarnation and its result, so that a
// retry of it (its reply was lost, or a new leader proposed it again) is answered from here
// instead of applied twice.
type session struct {
	seq    uint64
	result nodeapi.Result
	index  uint64 // log index of the command, for eviction
}

// maxSessions bounds the session table; beyond it the session idle longest (by log index)
// is dropped. A client silent for that many other clients' commands has long moved on.
const maxSessions = 4096

// Grant is one new fencing token, as the invariants see it.
type Grant struct {
	Lock, Owner  string
	Token, Index uint64
}

// stateMachine is the replicated state: the locks and the client sessions. Every replica
// applies the same committed entries in the same order and so holds the same state.
type stateMachine struct {
	locks    map[string]*lockState
	sessions map[uint64]*session
	// digest summarises the state after every applied entry (see mix).
	digest uint64
}

func newStateMachine() *stateMachine {
	return &stateMachine{locks: map[string]*lockState{}, sessions: map[uint64]*session{}}
}

// cached returns the result of the command (sess, seq) if it was the session's latest.
func (sm *stateMachine) cached(sess, seq uint64) (nodeapi.Result, bool) {
	s := sm.sessions[sess]
	if s == nil || s.seq != seq {
		return nodeapi.Result{}, false
	}
	return s.result, true
}

// apply runs the committed entry at index. answers reports whether res is the answer to
// the entry's command: true when it took effect now or is a retry of the session's latest
// command; false for a no-op and for an older retry (its client has moved on, and it has no
// effect). grant is set for a new fencing token. event names the protocol event applying
// the entry reached, "" for none: EventDuplicateCommand or EventTokenNewTerm.
func (sm *stateMachine) apply(index uint64, e *Entry) (res nodeapi.Result, answers bool,
	grant *Grant, event string) {
	defer func() { sm.digest = sm.mix(sm.digest, index, e) }()
	if e.Op.Kind == 0 {
		return nodeapi.Result{}, false, nil, ""
	}
	if s := sm.sessions[e.Session]; s != nil && e.Seq <= s.seq {
		return s.result, e.Seq == s.seq, nil, EventDuplicateCommand
	}
	res, grant = sm.execute(e.Op)
	if grant != nil {
		grant.Index = index
		l := sm.locks[e.Op.Key]
		if grant.Token > 1 && e.Term > l.term {
			event = EventTokenNewTerm
		}
		l.term = e.Term
	}
	sm.remember(e.Session, &session{seq: e.Seq, result: res, index: index})
	return res, true, grant, event
}

// mix folds the state of the lock an entry touched into the running digest, FNV-1a style.
// Replicas that applied the same entries have the same digest at every index, so comparing
// digests compares who holds what with which token after every committed position.
func (sm *stateMachine) mix(h, index uint64, e *Entry) uint64 {
	word := func(v uint64) {
		for range 8 {
			h = (h ^ (v & 0xff)) * 1099511628211
			v >>= 8
		}
	}
	text := func(s string) {
		word(uint64(len(s)))
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * 1099511628211
		}
	}
	word(index)
	word(e.Term)
	if l := sm.locks[e.Op.Key]; e.Op.Kind != 0 && l != nil {
		text(e.Op.Key)
		text(l.owner)
		word(l.token)
	}
	return h
}

// execute is the lock semantics of one operation.
func (sm *stateMachine) execute(op nodeapi.Op) (nodeapi.Result, *Grant) {
	l := sm.locks[op.Key]
	if l == nil {
		l = &lockState{}
		sm.locks[op.Key] = l
	}
	switch op.Kind {
	case Acquire:
		switch l.owner {
		case op.Value:
			return nodeapi.Result{OK: true, Value: FormatToken(l.token)}, nil
		case "":
			l.owner, l.token = op.Value, l.token+1
			g := &Grant{Lock: op.Key, Owner: op.Value, Token: l.token}
			return nodeapi.Result{OK: true, Value: FormatToken(l.token)}, g
		}
		return nodeapi.Result{}, nil
	case Release:
		if l.owner != op.Value {
			return nodeapi.Result{}, nil
		}
		l.owner = ""
		return nodeapi.Result{OK: true}, nil
	}
	if l.owner == "" {
		return nodeapi.Result{}, nil
	}
	return nodeapi.Result{Found: true, Value: FormatHolder(l.owner, l.token)}, nil
}

func (sm *stateMachine) remember(id uint64, s *session) {
	if _, ok := sm.sessions[id]; !ok && len(sm.sessions) >= maxSessions {
		var oldest uint64
		var at uint64 = ^uint64(0)
		for k, v := range sm.sessions { // the minimum is unique: indexes differ
			if v.index < at {
				oldest, at = k, v.index
			}
		}
		delete(sm.sessions, oldest)
	}
	sm.sessions[id] = s
}
