// Package realrt is the real runtime of the node contract (package nodeapi): the same node
// code that runs in the deterministic simulated world runs here on TCP, files with fsync and
// the wall clock, unchanged. It imports only nodeapi and the standard library, so a
// production binary built on it links none of the simulator, the network model or the
// checkers.
//
// # One goroutine per endpoint
//
// Every callback an endpoint (a server node or a client) receives — timers, datagrams,
// stream data and closes, disk sync completions — is queued to the endpoint's loop and run
// there one at a time, exactly as the contract promises. I/O happens on helper goroutines
// that never call node code; they only post callbacks to the loop.
//
// # Datagrams
//
// Env.Send frames the message (length, CRC-32C, payload) and queues it on a bounded send
// queue per peer; a writer goroutine keeps one TCP connection per peer, reconnecting with
// backoff. A full queue, a failed connection or a fault rule drops messages: datagrams may
// be lost, but a frame that fails its checksum is never delivered, so a message is never
// corrupted. A peer without an address (a client) is answered over the connection it
// opened.
//
// # Faults
//
// Each runtime has a drop table (Faults): per peer, the fraction of outgoing and incoming
// messages to drop. Setting both sides' tables makes partitions, one side's makes one-way
// cuts, fractions make message loss. It can be changed at run time (for Jepsen-style
// testing of real processes) and is the only fault the runtime itself injects; kill -9 and
// SIGSTOP are the operating system's.
//
// # Disk
//
// The Disk is a directory of files. Writes go to the files at once; Sync fsyncs every file
// written since the last Sync and the directory, on a helper goroutine, then runs its done
// callback on the loop. In lazy mode (the LazyFS idea) writes stay in process memory until
// a Sync writes them out, so kill -9 of the process loses exactly the unsynced writes, as a
// power cut would.
//
// # Fail-stop
//
// The Env implements nodeapi.FailStopper, as the simulated world's does. A node that calls
// FailStop (the Raft KV does when a Sync fails) ends its incarnation as a crash would: its
// Env goes inert, its timers and sync callbacks never run, its streams break, a lazy disk
// loses its unsynced writes; Options.FailStopRestart later (100 ms by default) the endpoint
// starts a new incarnation from the disk, in the same process, with the System and Boot
// given to StartNode. A restart whose NewNode fails is logged and reported by
// Runtime.RestartError, never retried. Stats.FailStops counts them.
package realrt
