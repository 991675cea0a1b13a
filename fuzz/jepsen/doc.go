// Package jepsen runs the Raft KV of package raft as real processes on localhost and
// tests it the Jepsen way: N `raftkv server` processes (OS-chosen ports, temporary data
// directories), closed-loop clients that are raft's own client on the real runtime
// (package harness/realrt), and real faults — kill -9 and restart, SIGSTOP and SIGCONT,
// partitions, one-way cuts and message loss through each server's admin endpoint, which
// sets its transport's drop table. The history, with wall-clock times, is checked for
// linearizability by package model, the same checker the simulated world uses.
//
// A real run is not replayable by seed: the seed fixes the fault schedule and the
// operations, but not the timing of processes, the scheduler or the network stack.
//
// The package also holds the side-by-side benchmark (Bench): the standard scenario's
// workload and faults on the real cluster and in the simulated world.
package jepsen
