package jepsen

import (
	"errors"
	"io"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/realrt"
	"github.com/simfuzz/simfuzz/raft"
)

// ClientOptions configure a KVClient.
type ClientOptions struct {
	// ID names the client endpoint; the servers answer it over the connections it opens.
	// It must be unique among the clients of a cluster at any one time.
	ID nodeapi.NodeID
	// Peers are the servers.
	Peers Peers
	// Seed seeds the client's random stream (its session nonce and backoff jitter); 0
	// picks one at random, which a command-line client wants so that two invocations never
	// share a session.
	Seed uint64
	// Config is the raft configuration whose client settings (attempt and operation
	// timeouts, backoff) apply; nil means raft.DefaultConfig().
	Config *raft.Config
	// Log receives the endpoint's log lines; nil discards them.
	Log io.Writer
}

// KVClient is raft's own client (raft.System.NewClient) on the real runtime, with a
// blocking call for code outside the loop: the client that is tested in the simulated
// world is the one a person or Jepsen mode uses.
type KVClient struct {
	rt      *realrt.Runtime
	c       nodeapi.Client
	timeout time.Duration
}

// NewKVClient starts a client endpoint. It does not wait for any server to be reachable:
// the raft client finds the leader and retries on its own.
func NewKVClient(o ClientOptions) (*KVClient, error) {
	if len(o.Peers) == 0 {
		return nil, errors.New("jepsen: a client needs at least one server")
	}
	cfg := raft.DefaultConfig()
	if o.Config != nil {
		cfg = *o.Config
	}
	sys, err := raft.NewSystem(cfg)
	if err != nil {
		return nil, err
	}
	rt, err := realrt.New(realrt.Options{ID: o.ID, Peers: o.Peers, Seed: o.Seed, Log: o.Log})
	if err != nil {
		return nil, err
	}
	c, err := rt.StartClient(sys, o.Peers.IDs())
	if err != nil {
		rt.Stop()
		return nil, err
	}
	return &KVClient{rt: rt, c: c, timeout: cfg.OperationTimeout}, nil
}

// Do runs op and returns its outcome: a result, or Unknown when the raft client gave up
// after its operation timeout (the operation may still take effect). It blocks until then;
// a runtime that stopped meanwhile also yields Unknown.
func (k *KVClient) Do(op nodeapi.Op) nodeapi.Outcome {
	ch := make(chan nodeapi.Outcome, 1)
	err := k.rt.Do(func() { k.c.Invoke(op, func(o nodeapi.Outcome) { ch <- o }) })
	if err != nil {
		return nodeapi.Outcome{Unknown: true}
	}
	// The raft client always answers within its operation timeout; the margin only
	// guards against a bug there turning into a hung caller.
	guard := time.NewTimer(k.timeout + 5*time.Second)
	defer guard.Stop()
	select {
	case o := <-ch:
		return o
	case <-guard.C:
		return nodeapi.Outcome{Unknown: true}
	}
}

// Runtime is the client's endpoint (its drop table, for the benchmark's message loss).
func (k *KVClient) Runtime() *realrt.Runtime { return k.rt }

// Close stops the client endpoint.
func (k *KVClient) Close() { k.rt.Stop() }
