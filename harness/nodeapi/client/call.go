package client

import (
	"errors"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Call is one request being retried until it is answered or its time runs out.
type Call struct {
	c      *Caller
	seq    uint64
	frame  []byte
	finish func(Reply, error)
	target nodeapi.NodeID
	// home indexes the server a sticky call hands the client back to when it ends; -1 for
	// a call that is not sticky, or whose home left an attempt unanswered.
	home    int
	backoff time.Duration
	// redirects counts consecutive hints followed without an answer, to stop hint loops.
	redirects                     int
	attemptTimer, retry, deadline nodeapi.Timer
	done                          bool
	// answered: the current attempt has had its answer (a hint or a retry). A copy of that
	// answer (the network duplicates datagrams) must change nothing: acting on it again
	// would move the round of servers on twice and skip a server for good.
	answered bool
	// fns are the call's own methods as the funcs its timers run, made once per Call.
	fns callFns
}

// callFns are a Call's methods bound to it: a method value allocates each time it is
// taken, and a call takes these for every attempt and retry.
type callFns struct {
	timedOut, attemptTimedOut, attempt func()
}

// Seq is the call's sequence number.
func (p *Call) Seq() uint64 { return p.seq }

// Done reports whether the call has finished.
func (p *Call) Done() bool { return p.done }

// Sticky makes the call hand the client back, when it ends, to the server its first
// attempt went to, however many redirects it followed, unless that server leaves an
// attempt unanswered (nodeapi.Route.Sticky). Call it right after Start.
func (p *Call) Sticky() {
	if !p.done {
		p.home = p.c.leader
	}
}

func (p *Call) attempt() {
	if p.done {
		return
	}
	c := p.c
	p.target = c.servers[c.leader]
	p.answered = false
	c.stats.Attempts++
	c.env.Send(p.target, p.frame)
	p.attemptTimer.Stop()
	p.attemptTimer = c.env.After(c.cfg.AttemptTimeout, p.fns.attemptTimedOut)
}

// attemptTimedOut moves on to the next server: the one asked may be down or cut off.
func (p *Call) attemptTimedOut() {
	if p.done {
		return
	}
	p.c.stats.Timeouts++
	if p.home >= 0 && p.target == p.c.servers[p.home] {
		p.home = -1 // the sticky home did not answer: it may be down or cut off
	}
	p.c.nextServer()
	p.redirects = 0
	p.attempt()
}

func (p *Call) timedOut() {
	if !p.done {
		p.end(Reply{}, ErrTimedOut)
	}
}

func (p *Call) end(r Reply, err error) {
	if p.done {
		// Invoke promises one completion: a second would record an operation twice.
		panic(p.c.cfg.Name + ": invariant broken: request " + dec(p.seq) + " finished twice")
	}
	p.done = true
	p.attemptTimer.Stop()
	p.retry.Stop()
	p.deadline.Stop()
	if p.home >= 0 {
		p.c.leader = p.home
	}
	p.finish(r, err)
}

// Deliver hands the call a server's reply to it (the client checks that r.Seq is the
// call's). An OK or Failed reply ends the call whoever sent it; a NotLeader or Retry
// answer counts only from the server the current attempt went to, once.
func (p *Call) Deliver(from nodeapi.NodeID, r Reply) {
	if p.done {
		return
	}
	switch r.Status {
	case OK:
		p.end(r, nil)
	case Failed:
		p.end(r, errors.New(r.Text))
	case NotLeader, Retry:
		if from != p.target || p.answered {
			return // a late answer from a server we no longer wait for, or a copy
		}
		p.answered = true
		p.attemptTimer.Stop()
		if r.Status == Retry {
			p.retryLater()
		} else {
			p.notLeader(from, r.Leader)
		}
	}
}

// notLeader follows the server's hint at once, or tries the next server after a backoff
// when there is no useful hint (an election is under way).
func (p *Call) notLeader(from, hint nodeapi.NodeID) {
	c := p.c
	if hint != "" && hint != from && p.redirects < 2*len(c.servers) {
		c.stats.Redirects++
		p.redirects++
		c.Prefer(hint)
		p.attempt()
		return
	}
	p.redirects = 0
	c.nextServer()
	p.retryLater()
}

// retryLater attempts again after the backoff, which doubles up to BackoffMax; the wait is
// jittered so that clients do not retry in lockstep.
func (p *Call) retryLater() {
	c := p.c
	wait := c.jitter(p.backoff)
	p.backoff = min(2*p.backoff, c.cfg.BackoffMax)
	p.retry.Stop()
	p.retry = c.env.After(wait, p.fns.attempt)
}
