// Package jepsen runs any target (a fuzz.Target whose System follows the node contract) as
// real processes and tests it the Jepsen way. It holds the generic server (the target's
// node on the real runtime of package harness/realrt, with its data directory, identity
// record, admin endpoint and optional mutual TLS: StartServer), the workload client (the
// target's own client on the real runtime: Client), and Jepsen mode (Check): N server
// processes (OS-chosen ports, temporary data directories; or Docker containers on a
// private network), closed-loop clients drawing the target's workload, and real faults —
// kill -9 and restart, SIGSTOP and SIGCONT, partitions, one-way cuts and message loss
// through each server's drop table, slow and failing disk syncs, lag-crash. The history,
// with wall-clock times, is checked for linearizability with the target's workload model,
// the same checker the simulated world uses.
//
// A real run is not replayable by seed: the seed fixes the fault schedule and the
// operations, but not the timing of processes, the scheduler or the network stack.
//
// The package also holds the side-by-side benchmark (Bench): the same client scripts and
// faults on a real cluster and in the simulated world. Package fuzz/cli puts all of it on
// the command line of any main built on cli.Main; cmd/raftkv is the Raft KV's own server
// and client on the same code (ServerHooks add what raft says of itself).
package jepsen
