// Package etcdraft is a replicated key-value store built on go.etcd.io/raft/v3 (v3.7.0),
// driven through RawNode and written against simfuzz's node contract (harness/nodeapi)
// only, so that simfuzz can run it in its simulated world and a production binary links
// none of the simulator.
//
// # Layers
//
// etcd/raft is the consensus core. The glue around it moves its output through the Env:
// ready.go follows the Ready contract (persist, sync, send, apply, Advance); wal.go and
// recovery.go keep the durable state in checksummed write-ahead log segments that survive
// torn writes, detect damaged reads and treat a failed sync as lost writes; bootstrap.go
// and storage.go let initial voters start from an identical snapshot and spares join by
// one; election.go runs the follower's election timer on the seeded Env.Rand, because
// etcd draws its own from crypto/rand; kv.go is the state machine with client sessions;
// server.go, confchange.go and client.go are the client protocol (leader discovery,
// retries, exactly-once writes, ReadIndex reads, membership changes). system.go,
// invariants.go and checks.go plug the whole into the harness with ghost-state checks.
//
// Package etcdraft/target makes it a simfuzz target; cmd/simfuzz-etcdraft is its command.
package etcdraft
