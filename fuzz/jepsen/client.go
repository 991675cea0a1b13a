package jepsen

import (
	"errors"
	"io"
	"sync/atomic"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/realrt"
)

// ClientOptions configure a Client.
type ClientOptions struct {
	// ID names the client endpoint; the servers answer it over the connections it opens.
	// It must be unique among the clients of a cluster at any one time.
	ID nodeapi.NodeID
	// Peers are the servers.
	Peers Peers
	// System builds the client (System.NewClient): the target's own client, the one that
	// is tested in the simulated world. Its configuration sets the client's timeouts.
	System nodeapi.System
	// Seed seeds the client's random stream (its session nonce and backoff jitter); 0
	// picks one at random, which a command-line client wants so that two invocations never
	// share a session.
	Seed uint64
	// Guard bounds how long Do waits for the client's own answer (default 15 s, three
	// times the usual 5 s operation timeout). A client that has not answered by then is
	// wedged: Do reports Unknown and the client takes no further operation.
	Guard time.Duration
	// Log receives the endpoint's log lines; nil discards them.
	Log io.Writer
	// TLS, if set, secures the links to the servers (see TLSFiles).
	TLS *realrt.TLS
}

// defaultGuard is ClientOptions.Guard's default.
const defaultGuard = 15 * time.Second

// Client is a target's own client (System.NewClient) on the real runtime, with a blocking
// call for code outside the loop: the client that is tested in the simulated world is the
// one a person or Jepsen mode uses.
type Client struct {
	rt     *realrt.Runtime
	c      nodeapi.Client
	guard  time.Duration
	wedged atomic.Bool
}

// errWedged is what Do reports for a client that never answered an earlier operation.
var errWedged = errors.New("jepsen: the client never answered an earlier operation")

// NewClient starts a client endpoint. It does not wait for any server to be reachable:
// the target's client finds the leader and retries on its own.
func NewClient(o ClientOptions) (*Client, error) {
	switch {
	case len(o.Peers) == 0:
		return nil, errors.New("jepsen: a client needs at least one server")
	case o.System == nil:
		return nil, errors.New("jepsen: a client needs a System")
	}
	if o.Guard <= 0 {
		o.Guard = defaultGuard
	}
	rt, err := realrt.New(realrt.Options{ID: o.ID, Peers: o.Peers, Seed: o.Seed, Log: o.Log,
		TLS: o.TLS})
	if err != nil {
		return nil, err
	}
	c, err := rt.StartClient(o.System, o.Peers.IDs())
	if err != nil {
		rt.Stop()
		return nil, err
	}
	return &Client{rt: rt, c: c, guard: o.Guard}, nil
}

// Do runs op and returns its outcome: a result, or Unknown when the client gave up after
// its operation timeout (the operation may still take effect). It blocks until then; a
// runtime that stopped meanwhile, or a client that did not answer within the guard, also
// yields Unknown (see Wedged).
func (k *Client) Do(op nodeapi.Op) nodeapi.Outcome {
	out, _ := k.do(op)
	return out
}

func (k *Client) do(op nodeapi.Op) (nodeapi.Outcome, error) {
	if k.wedged.Load() {
		return nodeapi.Outcome{Unknown: true}, errWedged
	}
	ch := make(chan nodeapi.Outcome, 1)
	err := k.rt.Do(func() { k.c.Invoke(op, func(o nodeapi.Outcome) { ch <- o }) })
	if err != nil {
		return nodeapi.Outcome{Unknown: true}, err
	}
	guard := time.NewTimer(k.guard)
	defer guard.Stop()
	select {
	case o := <-ch:
		return o, nil
	case <-guard.C:
		k.wedged.Store(true)
		return nodeapi.Outcome{Unknown: true}, errWedged
	}
}

// Wedged reports whether the client failed to answer an operation within its guard: a
// client that breaks its contract (done called exactly once, within its timeout).
func (k *Client) Wedged() bool { return k.wedged.Load() }

// Unrouted lists the servers the client tried to reach without an address for them: a
// server it was not given, named by another (a leader outside its peers).
func (k *Client) Unrouted() []nodeapi.NodeID { return k.rt.Unrouted() }

// Runtime is the client's endpoint (its drop table, for the benchmark's message loss).
func (k *Client) Runtime() *realrt.Runtime { return k.rt }

// Close stops the client endpoint.
func (k *Client) Close() { k.rt.Stop() }
